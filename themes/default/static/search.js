/* Fireside search: the browser side of the index src/search/ writes.
   Plain JavaScript, no dependencies, no build step. It loads the manifest,
   then the term shards of the words typed, then the record chunks of the
   results shown, and a facet's id lists only when a filter or count needs
   them. Matching and ranking follow src/search/query.rs (see its docs);
   words are folded as src/search/tokenize.rs folds them. */
(function (global) {
  "use strict";

  const PREFIX_WEIGHT = 0.8, TYPO_WEIGHT = 0.6, TYPO_MIN = 5, MAX_EXPANSIONS = 50;
  const MAX_RANGE = 3; // shards fetched for one prefix at most
  const PAGE = 10;
  const PHRASE_CHECK = 20; // candidates checked for a quoted phrase: two pages

  // ------------------------------------------------------------- words

  const segmenter = typeof Intl === "object" && Intl.Segmenter
    ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

  /** Words of a text (Unicode word boundaries), with their offsets. */
  function wordsOf(text) {
    const out = [];
    if (segmenter) {
      for (const s of segmenter.segment(text)) if (s.isWordLike) out.push({ w: s.segment, i: s.index });
    } else {
      const re = /[\p{L}\p{N}\p{M}_]+(?:['’.][\p{L}\p{N}\p{M}_]+)*/gu;
      for (let m; (m = re.exec(text));) out.push({ w: m[0], i: m.index });
    }
    return out;
  }

  /** A word's terms: ASCII letters and digits lowercased, other characters
      folded by the manifest's table (a space there separates terms). */
  function foldWord(word, table) {
    const terms = [];
    let t = "";
    for (const c of word) {
      const n = c.charCodeAt(0);
      if (n < 128) {
        if ((n >= 48 && n <= 57) || (n >= 97 && n <= 122)) t += c;
        else if (n >= 65 && n <= 90) t += c.toLowerCase();
        continue;
      }
      let f = table[c] ?? table[c.toLowerCase()];
      if (f === undefined) f = c.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "").toLowerCase();
      for (const x of f) {
        if (x !== " ") t += x;
        else if (t) { terms.push(t); t = ""; }
      }
    }
    if (t) terms.push(t);
    return terms;
  }

  /** A query's words: quoted ones exact, the last one (still being typed)
      also a prefix, stop words left out unless quoted or alone. */
  function parse(query, manifest) {
    const words = [];
    query.split('"').forEach((part, i) => {
      const phrase = i % 2 === 1;
      for (const { w } of wordsOf(part)) {
        for (const text of foldWord(w, manifest.fold)) {
          if (text.length >= 2) {
            words.push({ text, phrase, group: phrase ? i : -1, prefix: false });
          }
        }
      }
    });
    const last = words[words.length - 1];
    if (last && !last.phrase && !/[\s"]$/.test(query)) last.prefix = true;
    const stop = (w) => !w.phrase && manifest.stop.includes(w.text);
    return words.every(stop) ? words : words.filter((w) => !stop(w));
  }

  /** At most one insertion, deletion, substitution or swap of neighbours apart. */
  function oneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    const [l, s] = a.length >= b.length ? [a, b] : [b, a];
    let i = 0;
    while (i < s.length && l[i] === s[i]) i++;
    if (i === s.length) return true;
    if (l.length !== s.length) return l.slice(i + 1) === s.slice(i);
    return l.slice(i + 1) === s.slice(i + 1) ||
      (l[i] === s[i + 1] && l[i + 1] === s[i] && l.slice(i + 2) === s.slice(i + 2));
  }

  // ------------------------------------------------------------- index files

  function reader(bytes) {
    let i = 0;
    return {
      get pos() { return i; },
      skip(n) { i += n; },
      byte() { return bytes[i++]; },
      varint() {
        let v = 0, shift = 0, b;
        do { b = bytes[i++]; v += (b & 127) * 2 ** shift; shift += 7; } while (b & 128);
        return v;
      },
    };
  }

  /** A term shard (see src/search/shard.rs): terms, dfs and where each
      term's postings lie; postings are decoded when first used. */
  function decodeShard(buffer) {
    const bytes = new Uint8Array(buffer), r = reader(bytes), n = r.varint();
    const terms = new Array(n), df = new Uint32Array(n), at = new Uint32Array(n + 1);
    let prev = "";
    for (let k = 0; k < n; k++) {
      const shared = r.varint(), len = r.varint();
      let t = prev.slice(0, shared);
      for (let j = 0; j < len; j++) t += String.fromCharCode(r.byte());
      terms[k] = prev = t;
      df[k] = r.varint();
      const blockLen = r.varint();
      at[k] = r.pos;
      r.skip(blockLen);
    }
    return { terms, df, at, bytes, postings: new Map() };
  }

  function postingsOf(shard, k) {
    let p = shard.postings.get(k);
    if (!p) {
      const r = reader(shard.bytes.subarray(shard.at[k])), n = shard.df[k];
      const docs = new Uint32Array(n), scores = new Uint8Array(n);
      for (let j = 0, d = 0; j < n; j++) { d += r.varint(); docs[j] = d; scores[j] = r.byte(); }
      p = { docs, scores };
      shard.postings.set(k, p);
    }
    return p;
  }

  /** A list facet's file: ids per value, in manifest order. */
  function decodeFacet(buffer, count) {
    const r = reader(new Uint8Array(buffer)), out = [];
    for (let v = 0; v < count; v++) {
      const n = r.varint(), ids = new Uint32Array(n);
      for (let j = 0, d = 0; j < n; j++) { d += r.varint(); ids[j] = d; }
      out.push(ids);
    }
    return out;
  }

  /** First index in a sorted array whose item is >= key. */
  function lowerBound(arr, key) {
    let lo = 0, hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] < key) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // ------------------------------------------------------------- engine

  /** The search engine over one manifest. `load(path, "json" | "bytes")`
      fetches a file of the versioned index folder. */
  function createEngine(manifest, load) {
    const m = manifest, N = m.docs, firsts = m.shards;
    const shards = new Map(), chunks = new Map(), lists = new Map(), pending = new Map();
    const idf = (df) => Math.log(1 + (N - df + 0.5) / (df + 0.5));

    function once(key, make) {
      if (!pending.has(key)) {
        const p = make();
        pending.set(key, p);
        p.catch(() => pending.delete(key)); // a failed fetch may be retried
      }
      return pending.get(key);
    }
    const getShard = (i) => once("t" + i, () => load("t/" + i + ".bin", "bytes")
      .then((b) => { shards.set(i, decodeShard(b)); }));
    const getChunk = (i) => once("d" + i, () => load("d/" + i + ".json", "json")
      .then((j) => { chunks.set(i, j); }));
    const getList = (f) => once("f" + f.name, () => load(f.file, "bytes")
      .then((b) => { lists.set(f.name, decodeFacet(b, f.values.length)); }));

    const shardOf = (t) => Math.max(0, lowerBound(firsts, t + "\0") - 1);
    /** The shards of terms starting with `prefix`, at most MAX_RANGE, near `around`. */
    function range(prefix, around) {
      let a = shardOf(prefix), b = shardOf(prefix + "{");
      if (b - a + 1 > MAX_RANGE) {
        a = Math.min(Math.max(a, around - 1), b - MAX_RANGE + 1);
        b = a + MAX_RANGE - 1;
      }
      return [a, b];
    }
    function exact(w) {
      const s = shards.get(shardOf(w.text));
      if (!s) return null;
      const k = lowerBound(s.terms, w.text);
      return s.terms[k] === w.text ? [s, k, 1] : null;
    }
    function prefixed(w) {
      const out = [], [a, b] = range(w.text, shardOf(w.text));
      for (let i = a; i <= b; i++) {
        const s = shards.get(i);
        if (!s) continue;
        for (let k = lowerBound(s.terms, w.text); k < s.terms.length && s.terms[k].startsWith(w.text); k++) {
          if (s.terms[k] !== w.text) out.push([s, k, PREFIX_WEIGHT]);
        }
      }
      out.sort((x, y) => y[0].df[y[1]] - x[0].df[x[1]] || (x[0].terms[x[1]] < y[0].terms[y[1]] ? -1 : 1));
      return out.slice(0, MAX_EXPANSIONS);
    }
    const typoRange = (w) => range(w.text.slice(0, 3), shardOf(w.text));
    const wantsTypo = (w) => !w.phrase && w.text.length >= TYPO_MIN && !exact(w) && !(w.prefix && prefixed(w).length);

    /** The terms a word matches: [shard, index, weight]. */
    function candidates(w) {
      const out = [], e = exact(w);
      if (e) out.push(e);
      if (w.phrase) return out;
      if (w.prefix) out.push(...prefixed(w));
      if (!out.length && w.text.length >= TYPO_MIN) {
        const [a, b] = typoRange(w);
        for (let i = a; i <= b; i++) {
          const s = shards.get(i);
          if (s) s.terms.forEach((t, k) => { if (oneEdit(t, w.text)) out.push([s, k, TYPO_WEIGHT]); });
        }
      }
      return out;
    }

    /** The shards of the words and of the prefix being typed. */
    function wanted(words) {
      const want = new Set();
      for (const w of words) {
        const s = shardOf(w.text);
        want.add(s);
        if (w.prefix) { const [a, b] = range(w.text, s); for (let i = a; i <= b; i++) want.add(i); }
      }
      return want;
    }

    /** Fetches the shards the words need: their own, the prefix's, then
        (only for a word that matched nothing) those a typo may hide in. */
    async function prepare(words) {
      await Promise.all([...wanted(words)].map(getShard));
      const typos = new Set();
      for (const w of words.filter(wantsTypo)) {
        const [a, b] = typoRange(w);
        for (let i = a; i <= b; i++) if (!shards.has(i)) typos.add(i);
      }
      await Promise.all([...typos].map(getShard));
    }

    function score(words) {
      const scores = new Float32Array(N), matched = new Uint8Array(N), terms = new Set();
      const required = words.length;
      for (const w of words) {
        const found = candidates(w);
        if (!found.length) continue;
        const [s0, k0] = found[0];
        // A longer term never weighs more than the word itself (`test` -> `testability`).
        const cap = s0.terms[k0] === w.text ? idf(s0.df[k0]) : Infinity;
        const best = new Float32Array(N);
        for (const [s, k, weight] of found) {
          terms.add(s.terms[k]);
          const f = weight * Math.min(idf(s.df[k]), cap) / 255, p = postingsOf(s, k);
          for (let j = 0; j < p.docs.length; j++) {
            const d = p.docs[j], v = f * p.scores[j];
            if (v > best[d]) best[d] = v;
          }
        }
        for (let d = 0; d < N; d++) {
          if (best[d] > 0) { scores[d] += best[d]; matched[d]++; }
        }
      }
      let most = 0;
      for (let d = 0; d < N; d++) if (scores[d] > 0 && matched[d] > most) most = matched[d];
      most = Math.min(most, required);
      const hit = new Uint8Array(N);
      for (let d = 0; d < N; d++) if (scores[d] > 0 && matched[d] >= most) hit[d] = 1;
      return { scores, hit, terms, partial: required > 0 && most < required };
    }

    const facetByName = (name) => m.facets.find((f) => f.name === name);

    /** Calls fn(id) for every document with a facet value. */
    function eachDoc(f, v, fn) {
      const val = f.values[v];
      if (!f.file) { for (let d = val[3]; d < val[4]; d++) fn(d); return; }
      const ids = lists.get(f.name)[v];
      for (let j = 0; j < ids.length; j++) fn(ids[j]);
    }

    /** One mask per facet with chosen values: the documents having any of them. */
    function masks(filters) {
      const out = [];
      for (const name of Object.keys(filters)) {
        const f = facetByName(name);
        const chosen = (filters[name] || []).map((k) => f ? f.values.findIndex((v) => v[0] === k) : -1).filter((v) => v >= 0);
        if (!chosen.length) continue;
        const mask = new Uint8Array(N);
        for (const v of chosen) eachDoc(f, v, (d) => { mask[d] = 1; });
        out.push({ name, mask });
      }
      return out;
    }

    /** Searches: `q` (may be empty: browse by filters), `filters` as
        { facet: [keys] }, `sort` "" (best match), "newest" or "oldest". */
    async function search({ q, filters = {}, sort = "" }) {
      const words = parse(q || "", m);
      const needLists = Object.keys(filters).map(facetByName).filter((f) => f && f.file && (filters[f.name] || []).length);
      await Promise.all([prepare(words), ...needLists.map(getList)]);
      const s = words.length ? score(words) : null;
      const ms = masks(filters);
      const ids = [];
      for (let d = 0; d < N; d++) if ((!s || s.hit[d]) && ms.every((x) => x.mask[d])) ids.push(d);
      // Ids already run newest first through the dated sessions (see src/search/index.rs).
      if (sort === "oldest") {
        const dated = datedEnd();
        ids.sort((a, b) => ((b < dated) - (a < dated)) || (a < dated ? b - a : a - b));
      } else if (!sort && s) {
        ids.sort((a, b) => s.scores[b] - s.scores[a] || a - b);
      }
      return { words, ids, terms: s ? s.terms : new Set(), partial: s ? s.partial : false, hit: s && s.hit, filters };
    }

    /** Dated sessions have the ids below this. */
    function datedEnd() {
      const year = facetByName("year");
      return year ? Math.max(0, ...year.values.map((v) => v[4])) : 0;
    }

    /** Counts per facet value for a result: each facet counted with the
        other facets' filters applied, so choosing more values of one facet
        shows what it would add. A list facet counts once its file is loaded. */
    function counts(result) {
      const ms = masks(result.filters), out = {};
      for (const f of m.facets) {
        if (f.file && !lists.has(f.name)) continue;
        const others = ms.filter((x) => x.name !== f.name);
        out[f.name] = f.values.map((_, v) => {
          let n = 0;
          eachDoc(f, v, (d) => { if ((!result.hit || result.hit[d]) && others.every((x) => x.mask[d])) n++; });
          return n;
        });
      }
      return out;
    }

    const loadFacets = () => Promise.all(m.facets.filter((f) => f.file).map(getList));

    /** The records of some documents, in the same order. */
    async function records(ids) {
      const want = [...new Set(ids.map((d) => Math.floor(d / m.chunk)))];
      await Promise.all(want.map(getChunk));
      return ids.map((d) => chunks.get(Math.floor(d / m.chunk))[d % m.chunk]);
    }

    /** Whether a query can run without fetching a shard. */
    const ready = (q) => [...wanted(parse(q, m))].every((i) => shards.has(i));

    /** The ids of the first page, in order. For a quoted phrase, the best
        PHRASE_CHECK candidates are checked against their stored text, and
        those showing the phrase come first. */
    async function firstPage(result) {
      if (result.words.some((w) => w.phrase) && result.ids.length) {
        const top = result.ids.slice(0, PHRASE_CHECK), recs = await records(top);
        const yes = new Set(top.filter((_, j) => showsPhrases(recs[j], result.words, m.fold)));
        result.ids = [...yes, ...top.filter((d) => !yes.has(d)), ...result.ids.slice(PHRASE_CHECK)];
      }
      return result.ids.slice(0, PAGE);
    }

    return { manifest: m, search, ready, firstPage, counts, records, loadFacets };
  }

  /** Whether a record's text shows each quoted phrase as a run of words. */
  function showsPhrases(rec, words, table) {
    const groups = new Map();
    for (const w of words) if (w.phrase) (groups.get(w.group) || groups.set(w.group, []).get(w.group)).push(w.text);
    const phrases = [...groups.values()].filter((g) => g.length > 1);
    if (!phrases.length) return true;
    const text = [rec.t, rec.s, rec.x].filter(Boolean).join(" \n ");
    const terms = [];
    for (const { w } of wordsOf(text)) terms.push(...foldWord(w, table));
    const hay = " " + terms.join(" ") + " ";
    return phrases.every((p) => hay.includes(" " + p.join(" ") + " "));
  }

  global.FiresideSearch = { createEngine, parse, foldWord, wordsOf, oneEdit, showsPhrases };

  // ------------------------------------------------------------- page

  if (typeof document === "undefined") return;
  const root = document.getElementById("search");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const input = $("search-q"), form = root.querySelector("form"), status = $("search-status");
  const list = $("search-results"), more = $("search-more"), sortSelect = $("search-sort");
  const facetsBox = $("search-facets"), base = root.dataset.base || "/";
  const lang = document.documentElement.lang || undefined;
  const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" });
  const numberFormat = new Intl.NumberFormat(lang);

  let engine = null, state = null, result = null, shown = 0, run = 0, typing = false;

  /** The state in the URL: `?q=tdd&format=code-kata&sort=newest`. */
  function readUrl() {
    const p = new URLSearchParams(location.search), filters = {};
    for (const f of engine ? engine.manifest.facets : []) {
      const chosen = p.getAll(f.name).filter(Boolean);
      if (chosen.length) filters[f.name] = chosen;
    }
    const sort = p.get("sort");
    return { q: p.get("q") || "", filters, sort: sort === "newest" || sort === "oldest" ? sort : "" };
  }

  function writeUrl(push) {
    const p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (const f of engine.manifest.facets) for (const v of state.filters[f.name] || []) p.append(f.name, v);
    if (state.sort) p.set("sort", state.sort);
    const query = p.toString(), url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  const matches = (w, terms) => foldWord(w, engine.manifest.fold).some((t) => terms.has(t));

  /** Appends text to `parent`, marking the words that matched. */
  function marked(parent, text, terms) {
    let at = 0;
    for (const { w, i } of wordsOf(text)) {
      if (!matches(w, terms)) continue;
      parent.append(text.slice(at, i), el("mark", "", w));
      at = i + w.length;
    }
    parent.append(text.slice(at));
    return parent;
  }

  /** The summary if it has a matching word, else the excerpt from its first one. */
  function snippet(rec, terms) {
    const has = (text) => text && wordsOf(text).some(({ w }) => matches(w, terms));
    if (rec.s && (has(rec.s) || !has(rec.x))) return rec.s;
    const x = rec.x || "";
    const first = wordsOf(x).find(({ w }) => matches(w, terms));
    if (!first || first.i < 100) return x;
    const start = x.indexOf(" ", first.i - 80);
    return "…" + x.slice(start + 1);
  }

  function facetLabel(name, v) {
    const f = engine.manifest.facets.find((x) => x.name === name);
    return f && f.values[v] ? f.values[v][1] : "";
  }

  const KINDS = ["Session", "Pattern", "Community", "Person", "Page"]; // by record `k`

  function renderResult(rec) {
    const li = el("li", "search-result");
    const a = marked(el("a", "search-title"), rec.t, result.terms);
    a.href = base + rec.u;
    li.append(a);
    const meta = el("p", "search-meta");
    meta.append(el("span", "badge", KINDS[rec.k]));
    if (rec.d) {
      const [y, mo, d] = rec.d.split("-").map(Number), t = el("time", "", dateFormat.format(new Date(Date.UTC(y, mo - 1, d))));
      t.dateTime = rec.d;
      meta.append(" ", t);
    }
    const who = (rec.f || []).map((v) => facetLabel("facilitator", v)).join(", ");
    if (who) meta.append(" · " + who);
    if (rec.c != null) meta.append(" · " + facetLabel("community", rec.c));
    if (rec.m != null) meta.append(" · " + facetLabel("format", rec.m));
    li.append(meta);
    const text = snippet(rec, result.terms);
    if (text) li.append(marked(el("p", "search-snippet"), text, result.terms));
    return li;
  }

  async function showMore() {
    const mine = run, ids = result.ids.slice(shown, shown + PAGE);
    const recs = await engine.records(ids).catch(() => null);
    if (mine !== run || !recs) return;
    list.append(...recs.map(renderResult));
    shown += ids.length;
    more.hidden = shown >= result.ids.length;
  }

  function describe() {
    const n = result.ids.length, count = numberFormat.format(n) + (n === 1 ? " result" : " results");
    if (!state.q.trim() && !Object.keys(state.filters).length) return "Type to search, or choose a filter.";
    const q = state.q.trim() ? " for “" + state.q.trim() + "”" : "";
    if (!n) return "No results" + q + ".";
    return count + q + (result.partial ? " (none has every word; showing those with the most)" : "") + ".";
  }

  /** Runs the current state and shows its first page. */
  async function update() {
    const mine = ++run;
    let r, recs;
    try {
      r = await engine.search(state);
      // Nothing asked (or only one-letter words): no results, only the facets' counts.
      if (!r.words.length && !Object.keys(state.filters).length) r.ids = [];
      recs = await engine.records(await engine.firstPage(r));
    } catch (e) {
      if (mine === run) status.textContent = "Search is unavailable: the index could not be loaded.";
      return;
    }
    if (mine !== run) return;
    result = r;
    list.replaceChildren(...recs.map(renderResult));
    shown = recs.length;
    more.hidden = shown >= r.ids.length;
    status.textContent = describe();
    renderCounts();
  }

  // ------------------------------------------------------------- filters

  const facetRows = new Map(); // facet name -> [{ li, input, count }]
  const FIRST = 8;

  function buildFacets() {
    for (const f of engine.manifest.facets) {
      if (f.values.length < 2 && !(state.filters[f.name] || []).length) continue;
      const box = el("fieldset", "search-facet"), ul = el("ul"), rows = [];
      box.append(el("legend", "", f.label));
      const order = f.values.map((_, v) => v);
      if (f.name !== "kind" && f.name !== "year") order.sort((a, b) => f.values[b][2] - f.values[a][2] || (f.values[a][1] < f.values[b][1] ? -1 : 1));
      for (const v of order) {
        const li = el("li"), label = el("label"), cb = el("input"), count = el("span", "search-count");
        cb.type = "checkbox";
        cb.value = f.values[v][0];
        cb.dataset.facet = f.name;
        cb.checked = (state.filters[f.name] || []).includes(cb.value);
        label.append(cb, " " + f.values[v][1] + " ", count);
        li.append(label);
        ul.append(li);
        rows[v] = { li, cb, count };
      }
      box.append(ul);
      if (f.values.length > FIRST) {
        const all = el("button", "search-all", "Show all " + f.values.length);
        all.type = "button";
        all.setAttribute("aria-expanded", "false");
        all.addEventListener("click", () => {
          const open = all.getAttribute("aria-expanded") !== "true";
          all.setAttribute("aria-expanded", String(open));
          all.textContent = open ? "Show fewer" : "Show all " + f.values.length;
          renderCounts();
        });
        box.append(all);
        rows.all = all;
      }
      facetRows.set(f.name, rows);
      facetsBox.append(box);
    }
  }

  function renderCounts() {
    const counts = engine.counts(result);
    for (const f of engine.manifest.facets) {
      const rows = facetRows.get(f.name);
      if (!rows) continue;
      const c = counts[f.name], open = rows.all && rows.all.getAttribute("aria-expanded") === "true";
      let visible = 0;
      rows.forEach((row, v) => {
        const n = c ? c[v] : 0;
        row.count.textContent = c ? "(" + numberFormat.format(n) + ")" : "";
        const show = row.cb.checked || n > 0 || !c;
        row.li.hidden = !show || (!open && visible >= FIRST && !row.cb.checked);
        if (show) visible++;
      });
    }
  }

  facetsBox.addEventListener("change", (e) => {
    const cb = e.target;
    if (!cb.dataset.facet) return;
    const chosen = new Set(state.filters[cb.dataset.facet] || []);
    if (cb.checked) chosen.add(cb.value); else chosen.delete(cb.value);
    if (chosen.size) state.filters[cb.dataset.facet] = [...chosen]; else delete state.filters[cb.dataset.facet];
    typing = false;
    writeUrl(true);
    update();
  });

  // ------------------------------------------------------------- events

  let pause = 0;
  input.addEventListener("input", () => {
    if (!engine) return; // the manifest is on its way; its arrival reads the box
    state.q = input.value;
    writeUrl(!typing); // the first keystroke makes a history entry; the rest replace it
    typing = true;
    // Loaded shards answer at once. A fetch waits for a pause in typing, so
    // a word typed letter by letter does not fetch the shards of every prefix.
    clearTimeout(pause);
    if (engine.ready(state.q)) update(); else pause = setTimeout(update, 150);
  });

  form.addEventListener("submit", (e) => {
    if (!engine) return; // a plain GET of this page does the same, later
    e.preventDefault();
    state.q = input.value;
    typing = false;
    writeUrl(false);
  });

  sortSelect.addEventListener("change", () => {
    state.sort = sortSelect.value;
    typing = false;
    writeUrl(true);
    update();
  });

  more.addEventListener("click", () => {
    const next = shown;
    showMore().then(() => { const a = list.children[next] && list.children[next].querySelector("a"); if (a) a.focus(); });
  });

  const links = () => [...list.querySelectorAll("a.search-title")];
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && links().length) { e.preventDefault(); links()[0].focus(); }
    else if (e.key === "Escape" && input.value) {
      e.preventDefault();
      input.value = "";
      input.dispatchEvent(new Event("input"));
    }
  });
  list.addEventListener("keydown", (e) => {
    const all = links(), at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = at + (e.key === "ArrowDown" ? 1 : -1);
      if (next < 0) input.focus(); else if (all[next]) all[next].focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      input.focus();
    }
  });

  window.addEventListener("popstate", () => {
    state = readUrl();
    typing = false;
    syncControls();
    update();
  });

  function syncControls() {
    input.value = state.q;
    sortSelect.value = state.sort;
    for (const [name, rows] of facetRows) rows.forEach((row) => { row.cb.checked = (state.filters[name] || []).includes(row.cb.value); });
  }

  // ------------------------------------------------------------- start

  const manifestUrl = root.dataset.manifest;
  fetch(manifestUrl, { cache: "no-cache" })
    .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then((m) => {
      engine = createEngine(m, (path, type) => fetch(base + m.dir + path).then((r) => {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return type === "json" ? r.json() : r.arrayBuffer();
      }));
      root.querySelector(".search-body").hidden = false;
      // On a narrow screen the filters would push every result out of view.
      if (matchMedia("(max-width: 48rem)").matches) $("search-filters").open = false;
      state = readUrl();
      if (input.value) state.q = input.value; // typed while the manifest loaded
      buildFacets();
      syncControls();
      // Results first; the facets' id lists (for counts) after them.
      return update().then(() => engine.loadFacets()).then(() => { if (result) renderCounts(); });
    })
    .catch(() => { status.textContent = "Search is unavailable: the index could not be loaded."; root.querySelector(".search-body").hidden = false; });
})(typeof window !== "undefined" ? window : globalThis);
