/* Fireside search engine: reads the index src/search/ writes. An ES module
   with no dependencies and no DOM, imported by the header box
   (search-box.js), the search page (search.js), node's parity test
   (tests/search/parity.mjs) and the benchmark (bench/search.mjs).

   The rules are src/search/query.rs and src/search/tokenize.rs, which are
   normative; this file implements them again for the browser, and
   tests/e2e/search_parity.rs checks the two agree over generated queries. The
   folding table below is generated from the Rust side (deunicode); the same
   test fails when it is stale, and `FIRESIDE_BLESS=1 cargo test --test
   search_parity` rewrites it. */

export const PREFIX_WEIGHT = 0.8, TYPO_WEIGHT = 0.6, TYPO_MIN = 5, MAX_EXPANSIONS = 50;
export const MAX_RANGE = 3; // shards fetched for one prefix or typo at most
export const PAGE = 10;
const PHRASE_CHECK = 20; // candidates checked for a quoted phrase: two pages

// BEGIN FOLD TABLE (generated from deunicode by src/search/tokenize.rs; do not edit)
const FOLD_RANGES = [
  [0x00C0, "a,a,a,a,a,a,ae,c,e,e,e,e,i,i,i,i,d,n,o,o,o,o,o,x,o,u,u,u,u,y,th,ss,a,a,a,a,a,a,ae,c,e,e,e,e,i,i,i,i,d,n,o,o,o,o,o,,o,u,u,u,u,y,th,y,a,a,a,a,a,a,c,c,c,c,c,c,c,c,d,d,d,d,e,e,e,e,e,e,e,e,e,e,g,g,g,g,g,g,g,g,h,h,h,h,i,i,i,i,i,i,i,i,i,i,ij,ij,j,j,k,k,k,l,l,l,l,l,l,l,l,l,l,n,n,n,n,n,n,n,ng,ng,o,o,o,o,o,o,oe,oe,r,r,r,r,r,r,s,s,s,s,s,s,s,s,t,t,t,t,t,t,u,u,u,u,u,u,u,u,u,u,u,u,w,w,y,y,y,z,z,z,z,z,z,s,b,b,b,b,6,6,o,c,c,d,d,d,d,d,3,,e,f,f,g,g,hv,i,i,k,k,l,l,w,n,n,o,o,o,oi,oi,p,p,yr,2,2,sh,sh,t,t,t,t,u,u,y,v,y,y,z,z,zh,zh,zh,zh,2,5,5,ts,w,,,,,dz,dz,dz,lj,lj,lj,nj,nj,nj,a,a,i,i,o,o,u,u,u,u,u,u,u,u,u,u,,a,a,a,a,ae,ae,g,g,g,g,k,k,o,o,o,o,zh,zh,j,dz,dz,dz,g,g,hv,w,n,n,a,a,ae,ae,o,o,a,a,a,a,e,e,e,e,i,i,i,i,o,o,o,o,r,r,r,r,u,u,u,u,s,s,t,t,y,y,h,h,n,d,ou,ou,z,z,a,a,e,e,o,o,o,o,o,o,o,o,y,y,l,n,t,j,db,qp,a,c,c,l,t,s,z,,,b,u,,e,e,j,j,q,q,r,r,y,y"],
  [0x0370, "h,h,s,s,,,w,w,,,i,s,s,s,,j,,,,,,,a,,e,e,i,,o,,u,o,i,a,b,g,d,e,z,e,th,i,k,l,m,n,ks,o,p,r,,s,t,u,ph,kh,ps,o,i,u,a,e,e,i,u,a,b,g,d,e,z,e,th,i,k,l,m,n,x,o,p,r,s,s,t,u,ph,kh,ps,o,i,u,o,u,o,,b,th,u,u,u,ph,p,,q,q,st,st,w,w,q,q,sp,sp,sh,sh,f,f,kh,kh,h,h,g,g,ch,ch,ti,ti,k,r,c,j,th,e,e,sh,sh,s,s,s,r,s,s,s"],
  [0x0400, "ie,io,dj,gj,e,dz,i,yi,j,lj,nj,tsh,kj,i,u,dzh,a,b,v,g,d,e,zh,z,i,i,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,iu,ia,a,b,v,g,d,e,zh,z,i,i,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,iu,ia,ie,io,dj,gj,ie,dz,i,yi,j,lj,nj,tsh,kj,i,u,dzh,o,o,e,e,ie,ie,e,e,ie,ie,o,o,io,io,ks,ks,ps,ps,f,f,y,y,y,y,u,u,o,o,o,o,ot,ot,q,q,1000,,,,,,100000,1000000,jh,jh,,,r,r,g,g,g,g,g,g,zh,zh,z,z,k,k,k,k,k,k,k,k,n,n,ng,ng,p,p,kh,kh,s,s,t,t,u,u,u,u,kh,kh,tts,tts,ch,ch,ch,ch,h,h,ch,ch,ch,ch,,zh,zh,k,k,lh,lh,n,n,nh,nh,ch,ch,mh,mh,h,a,a,a,a,ae,ae,ie,ie,,,,,zh,zh,z,z,dz,dz,i,i,i,i,o,o,o,o,o,o,e,e,u,u,u,u,u,u,ch,ch,gh,gh,y,y,xh,xh,x,x,h,h"],
  [0x1E00, "a,a,b,b,b,b,b,b,c,c,d,d,d,d,d,d,d,d,d,d,e,e,e,e,e,e,e,e,e,e,f,f,g,g,h,h,h,h,h,h,h,h,h,h,i,i,i,i,k,k,k,k,k,k,l,l,l,l,l,l,l,l,m,m,m,m,m,m,n,n,n,n,n,n,n,n,o,o,o,o,o,o,o,o,p,p,p,p,r,r,r,r,r,r,r,r,s,s,s,s,s,s,s,s,s,s,t,t,t,t,t,t,t,t,u,u,u,u,u,u,u,u,u,u,v,v,v,v,w,w,w,w,w,w,w,w,w,w,x,x,x,x,y,y,z,z,z,z,z,z,h,t,w,y,a,s,s,s,ss,d,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,e,e,e,e,e,e,e,e,e,e,e,e,e,e,e,e,i,i,i,i,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,o,u,u,u,u,u,u,u,u,u,u,u,u,u,u,y,y,y,y,y,y,y,y,ll,ll,v,v,y,y"],
  [0x2100, "ac,as,c,c,cl,co,cu,e,g,f,g,h,h,h,h,h,i,i,l,l,,n,no,p,p,p,q,r,r,r,rx,r,sm,tel,tm,v,z,oz,ohm,mho,z,i,k,a,b,c,e,e,e,f,f,m,o,a,b,g,d,information source ,q,fax,p,g,g,p,s,g,l,l,y,d,d,e,i,j,pl,,p,as,f,sh"],
  [0x2460, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,0,11,12,13,14,15,16,17,18,19,20,1,2,3,4,5,6,7,8,9,10,0"],
  [0xFB00, "ff,fi,fl,ffi,ffl,st,st"],
  [0xFF10, "0,1,2,3,4,5,6,7,8,9,,,,,,,,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,,,,,,,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z"],
];
// END FOLD TABLE

// ------------------------------------------------------------- words

const segmenter = typeof Intl === "object" && Intl.Segmenter
  ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

/** Words of a text (Unicode word boundaries), with their offsets. */
export function wordsOf(text) {
  const out = [];
  if (segmenter) {
    for (const s of segmenter.segment(text)) if (s.isWordLike) out.push({ w: s.segment, i: s.index });
  } else {
    const re = /[\p{L}\p{N}\p{M}_]+(?:['’.][\p{L}\p{N}\p{M}_]+)*/gu;
    for (let m; (m = re.exec(text));) out.push({ w: m[0], i: m.index });
  }
  return out;
}

/** The script's own folding: FOLD_RANGES as a map from character to its
    folded form (characters that fold to nothing are left out). */
const FOLD = new Map();
for (const [start, forms] of FOLD_RANGES) {
  forms.split(",").forEach((f, i) => { if (f) FOLD.set(String.fromCodePoint(start + i), f); });
}

/** A non-ASCII character's folded form: the script's table, then the
    manifest's (`table`: the index's other characters), else nothing. */
export function foldChar(c, table) {
  const f = FOLD.get(c);
  if (f !== undefined) return f;
  return table && Object.hasOwn(table, c) ? table[c] : "";
}

/** A word's terms: ASCII letters and digits lowercased, other ASCII
    dropped, other characters folded by foldChar (a space separates terms). */
export function foldWord(word, table) {
  const terms = [];
  let t = "";
  for (const c of word) {
    const n = c.charCodeAt(0);
    if (n < 128) {
      if ((n >= 48 && n <= 57) || (n >= 97 && n <= 122)) t += c;
      else if (n >= 65 && n <= 90) t += c.toLowerCase();
      continue;
    }
    for (const x of foldChar(c, table)) {
      if (x !== " ") t += x;
      else if (t) { terms.push(t); t = ""; }
    }
  }
  if (t) terms.push(t);
  return terms;
}

/** A query's words: quoted ones exact, the last one (still being typed)
    also a prefix, stop words left out unless quoted or alone. */
export function parse(query, manifest) {
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
export function oneEdit(a, b) {
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
export function decodeShard(buffer) {
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

export function postingsOf(shard, k) {
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
export function decodeFacet(buffer, count) {
  const r = reader(new Uint8Array(buffer)), out = [];
  for (let v = 0; v < count; v++) {
    const n = r.varint(), ids = new Uint32Array(n);
    for (let j = 0, d = 0; j < n; j++) { d += r.varint(); ids[j] = d; }
    out.push(ids);
  }
  return out;
}

/** First index in a sorted array whose item is >= key. */
export function lowerBound(arr, key) {
  let lo = 0, hi = arr.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] < key) lo = mid + 1; else hi = mid; }
  return lo;
}

// ------------------------------------------------------------- engine

/** The search engine over one manifest. `load(path, "json" | "bytes")`
    fetches a file of the versioned index folder. */
export function createEngine(manifest, load) {
  const m = manifest, N = m.docs, firsts = m.shards;
  const shards = new Map(), chunks = new Map(), lists = new Map(), pending = new Map();
  // Scores in f32, operation for operation as query.rs computes them, so
  // that ties and near-ties rank alike on both sides.
  const f32 = Math.fround;
  const idf = (df) => f32(Math.log(f32(1 + f32(f32(f32(N - df) + 0.5) / f32(df + 0.5)))));

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
    const scores = new Float32Array(N), matched = new Uint8Array(N), terms = new Set(), all = [];
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
        all.push([s, k]);
        const f = f32(f32(weight) * Math.min(idf(s.df[k]), cap)), p = postingsOf(s, k);
        for (let j = 0; j < p.docs.length; j++) {
          const d = p.docs[j], v = f32(f32(f * p.scores[j]) / 255);
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
    return { scores, hit, terms, found: all, partial: required > 0 && most < required };
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
    // Nothing asked (or only one-letter words) and no filter: no results.
    const browsing = !s && ms.length > 0;
    if (s || browsing) for (let d = 0; d < N; d++) if ((!s || s.hit[d]) && ms.every((x) => x.mask[d])) ids.push(d);
    // Ids already run newest first through the dated sessions (see src/search/index.rs).
    if (sort === "oldest") {
      const dated = datedEnd();
      ids.sort((a, b) => ((b < dated) - (a < dated)) || (a < dated ? b - a : a - b));
    } else if (!sort && s) {
      ids.sort((a, b) => s.scores[b] - s.scores[a] || a - b);
    }
    return {
      words, ids, terms: s ? s.terms : new Set(), found: s ? s.found : [], scores: s && s.scores,
      partial: s ? s.partial : false, hit: s && s.hit, filters,
    };
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

  /** The matched terms a document contains: what to mark in its text. */
  function termsOf(result, doc) {
    const out = new Set();
    for (const [s, k] of result.found) {
      const p = postingsOf(s, k), j = lowerBound(p.docs, doc);
      if (p.docs[j] === doc) out.add(s.terms[k]);
    }
    return out;
  }

  return { manifest: m, search, ready, firstPage, counts, records, loadFacets, termsOf };
}

/** Whether a record's text shows each quoted phrase as a run of words. */
export function showsPhrases(rec, words, table) {
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


// ------------------------------------------------------------- display

/** Whether a word of `text` folds to one of `terms`. */
export function hasTerm(text, terms, table) {
  return !!text && wordsOf(text).some(({ w }) => foldWord(w, table).some((t) => terms.has(t)));
}

/** `text` from a little before its first matching word (all of it when
    that word is near the start). */
export function around(text, terms, table) {
  const first = wordsOf(text).find(({ w }) => foldWord(w, table).some((t) => terms.has(t)));
  if (!first || first.i < 100) return text;
  const start = text.indexOf(" ", first.i - 80);
  return "…" + text.slice(start + 1);
}

/** A result's snippet: the summary if it has a matching word, else the
    text before the first heading, else the summary or the first section
    showing a match. Each comes from one part of the page, so a snippet
    never runs across a heading. */
export function snippet(rec, terms, table) {
  if (rec.s && (hasTerm(rec.s, terms, table) || !hasTerm(rec.x, terms, table))) return rec.s;
  if (rec.x) return around(rec.x, terms, table);
  const section = (rec.h || []).find((h) => hasTerm(h[2], terms, table));
  return section ? around(section[2], terms, table) : "";
}

/** Sub-results: the sections whose heading or text shows a matching word,
    as { id, title, text }, at most `max`. */
export function subResults(rec, terms, table, max = 3) {
  const out = [];
  for (const [id, title, text] of rec.h || []) {
    if (out.length >= max) break;
    if (hasTerm(title, terms, table) || hasTerm(text, terms, table)) out.push({ id, title, text: around(text, terms, table) });
  }
  return out;
}

/** The URL a result or sub-result opens: the page, `?h=` with the terms to
    mark there (search-box.js marks them and offers to clear them), and the
    heading's anchor. */
export function resultUrl(base, rec, terms, id) {
  const h = [...terms].join(" ");
  return base + rec.u + (h ? "?h=" + encodeURIComponent(h) : "") + (id ? "#" + encodeURIComponent(id) : "");
}

/** `text` cut into [part, matched] pairs, a matched part being a word that
    folds to one of `terms`: what the UIs wrap in <mark>. */
export function markParts(text, terms, table) {
  const out = [];
  let at = 0;
  for (const { w, i } of wordsOf(text)) {
    if (!foldWord(w, table).some((t) => terms.has(t))) continue;
    if (i > at) out.push([text.slice(at, i), false]);
    out.push([w, true]);
    at = i + w.length;
  }
  if (at < text.length) out.push([text.slice(at), false]);
  return out;
}
