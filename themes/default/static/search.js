/* Fireside search page (/search/): the query box, filters with counts,
   sorting and the state in the URL. An ES module; the engine (matching,
   ranking, index files) is search-engine.js, shared with the header box. */

import { createEngine, markParts, snippet, subResults, resultUrl, PAGE } from "./search-engine.js";

// ------------------------------------------------------------- page

const root = document.getElementById("search");
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

/** Appends text to `parent`, marking the words that matched. */
function marked(parent, text, terms) {
  for (const [part, hit] of markParts(text, terms, engine.manifest.fold)) parent.append(hit ? el("mark", "", part) : part);
  return parent;
}

function facetLabel(name, v) {
  const f = engine.manifest.facets.find((x) => x.name === name);
  return f && f.values[v] ? f.values[v][1] : "";
}

const KINDS = ["Session", "Pattern", "Community", "Person", "Page"]; // by record `k`

/** A result: its title (linking to the page, with the words to mark
    there), kind, date and people, a snippet and its matching sections. */
function renderResult(rec, id) {
  const li = el("li", "search-result"), terms = engine.termsOf(result, id), fold = engine.manifest.fold;
  const a = marked(el("a", "search-title"), rec.t, terms);
  a.href = resultUrl(base, rec, terms);
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
  const text = snippet(rec, terms, fold);
  if (text) li.append(marked(el("p", "search-snippet"), text, terms));
  const subs = subResults(rec, terms, fold);
  if (subs.length) {
    const ul = el("ul", "search-subresults");
    for (const sub of subs) {
      const item = el("li"), link = marked(el("a", "search-subtitle"), sub.title, terms);
      link.href = resultUrl(base, rec, terms, sub.id);
      item.append(link);
      if (sub.text) item.append(marked(el("p", "search-snippet"), sub.text, terms));
      ul.append(item);
    }
    li.append(ul);
  }
  return li;
}

async function showMore() {
  const mine = run, ids = result.ids.slice(shown, shown + PAGE);
  const recs = await engine.records(ids).catch(() => null);
  if (mine !== run || !recs) return;
  list.append(...recs.map((rec, j) => renderResult(rec, ids[j])));
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
  let r, recs, ids;
  try {
    r = await engine.search(state);
    ids = await engine.firstPage(r);
    recs = await engine.records(ids);
  } catch (e) {
    if (mine === run) status.textContent = "Search is unavailable: the index could not be loaded.";
    return;
  }
  if (mine !== run) return;
  result = r;
  list.replaceChildren(...recs.map((rec, j) => renderResult(rec, ids[j])));
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
    rows.box = box;
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
    // A facet with nothing to offer for these results is left out, heading and all.
    rows.box.hidden = visible === 0;
    if (rows.all) rows.all.hidden = visible <= FIRST;
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

// Ctrl/Cmd+K comes back to the box, as in the header of other pages (fireside.js handles `/`).
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
    e.preventDefault();
    input.focus();
    input.select();
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
