/* Fireside header search: results as you type in the box every page has.
   An ES module, small on purpose: the engine (search-engine.js) and the
   manifest load on the box's first focus, not with the page. Without
   JavaScript the box is a plain form that opens /search/?q=.

   The box becomes an ARIA combobox: a listbox of results (a result's
   matching sections are options of their own, linking to the heading),
   a polite live region with the count, arrows to move, Enter to open,
   Escape to close (again to clear), Tab to leave. Enter with no option
   chosen submits the form to the search page. Ctrl/Cmd+K focuses the box
   (fireside.js handles `/`). Recent searches stay in localStorage and are
   offered on focus.

   On the page a result opens, `?h=` names the words to mark: they are
   highlighted, the first (after the heading linked to) is scrolled into
   view, and a bar offers to clear them. */

const form = document.querySelector("form[data-search-box]");
const SHOWN = 6; // results in the panel; their sections come on top
const RECENT = 5;

let engineModule = null; // the imported search-engine.js, once
const engineUrl = new URL("./search-engine.js", import.meta.url).href;
const importEngine = () => (engineModule ||= import(engineUrl));

if (form) setUpBox(form);
markLandingWords();

function setUpBox(form) {
  const input = form.querySelector("input[type=search]");
  const base = form.dataset.base || "/";
  const searchPage = form.action;
  const storeKey = "fireside-search-recent:" + base;
  const uid = input.id;

  // The panel, under the box; absolutely placed, so nothing moves when it opens.
  const panel = el("div", "site-search-panel");
  panel.id = uid + "-panel";
  panel.hidden = true;
  const list = el("div", "site-search-list");
  list.id = uid + "-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Search results");
  const footer = el("a", "site-search-all");
  footer.tabIndex = -1;
  panel.append(list, footer);
  const status = el("p", "visually-hidden");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.id = uid + "-status";
  const field = el("div", "site-search-field");
  input.replaceWith(field);
  field.append(input, panel);
  form.append(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-keyshortcuts", "/ Control+K Meta+K");

  let engine = null, loading = null, run = 0, pause = 0, active = -1, options = [];

  /** The engine over this site's manifest, loaded once. */
  function load() {
    if (!loading) {
      loading = Promise.all([
        importEngine(),
        fetch(form.dataset.manifest, { cache: "no-cache" }).then((r) => {
          if (!r.ok) throw new Error("manifest: " + r.status);
          return r.json();
        }),
      ]).then(([mod, m]) => {
        engine = mod.createEngine(m, (path, type) => fetch(base + m.dir + path).then((r) => {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return type === "json" ? r.json() : r.arrayBuffer();
        }));
        engine.mod = mod;
        return engine;
      });
      loading.catch(() => { loading = null; }); // a later focus may retry
    }
    return loading;
  }

  function recent() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]").filter((q) => typeof q === "string"); } catch { return []; }
  }
  function remember(q) {
    q = q.trim();
    if (!q) return;
    try { localStorage.setItem(storeKey, JSON.stringify([q, ...recent().filter((x) => x !== q)].slice(0, RECENT))); } catch { /* storage off */ }
  }

  function open(yes) {
    // Results may arrive after the box lost focus (Tab pressed while a
    // search was loading): they must not open the panel again.
    yes = yes && document.activeElement === input;
    panel.hidden = !yes;
    input.setAttribute("aria-expanded", String(yes));
    if (!yes) select(-1);
  }

  function select(i) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    const o = options[i];
    if (o) {
      o.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", o.id);
      o.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function option(cls, href) {
    const o = el("a", "site-search-option " + cls);
    o.setAttribute("role", "option");
    o.setAttribute("aria-selected", "false");
    o.id = uid + "-opt-" + list.childElementCount;
    o.tabIndex = -1;
    o.href = href;
    list.append(o);
    return o;
  }

  function marked(parent, text, terms) {
    for (const [part, hit] of engine.mod.markParts(text, terms, engine.manifest.fold)) parent.append(hit ? el("mark", "", part) : part);
    return parent;
  }

  function show(items, said, all) {
    list.replaceChildren();
    for (const make of items) make();
    options = [...list.children];
    footer.hidden = !all;
    if (all) {
      footer.href = all;
      footer.textContent = "All results on the search page";
    }
    active = -1;
    input.removeAttribute("aria-activedescendant");
    open(options.length > 0 || !!all);
    status.textContent = said;
  }

  function showRecent() {
    const qs = recent();
    if (!qs.length) { open(false); return; }
    show(qs.map((q) => () => {
      const o = option("site-search-recent", searchPage + "?q=" + encodeURIComponent(q));
      o.dataset.query = q;
      o.append(el("span", "site-search-kind", "Recent"), " ", q);
    }), qs.length + (qs.length === 1 ? " recent search" : " recent searches"), "");
  }

  /** Runs the box's query and shows its first results. */
  async function update() {
    const mine = ++run, q = input.value;
    if (!q.trim()) { showRecent(); return; }
    let r, ids, recs;
    try {
      await load();
      r = await engine.search({ q });
      ids = r.ids.slice(0, SHOWN);
      recs = await engine.records(ids);
    } catch {
      if (mine === run) show([], "Search is unavailable: the index could not be loaded.", "");
      return;
    }
    if (mine !== run) return;
    const { snippet, subResults, resultUrl } = engine.mod, fold = engine.manifest.fold;
    const items = [];
    recs.forEach((rec, j) => {
      const terms = engine.termsOf(r, ids[j]);
      items.push(() => {
        const o = option("site-search-result", resultUrl(base, rec, terms));
        o.append(marked(el("span", "site-search-title"), rec.t, terms));
        const text = snippet(rec, terms, fold);
        if (text) o.append(marked(el("span", "site-search-snippet"), text, terms));
      });
      for (const sub of subResults(rec, terms, fold, 2)) {
        items.push(() => {
          const o = option("site-search-sub", resultUrl(base, rec, terms, sub.id));
          o.append(marked(el("span", "site-search-title"), sub.title, terms));
          if (sub.text) o.append(marked(el("span", "site-search-snippet"), sub.text, terms));
        });
      }
    });
    const n = r.ids.length;
    const said = n ? n + (n === 1 ? " result" : " results") + (n > SHOWN ? ", " + SHOWN + " shown" : "") : "No results";
    show(items, said, searchPage + "?q=" + encodeURIComponent(q.trim()));
  }

  input.addEventListener("focus", () => {
    load().catch(() => {});
    if (!input.value.trim()) showRecent(); else update();
  });

  input.addEventListener("input", () => {
    clearTimeout(pause);
    // Loaded shards answer at once; a fetch waits for a pause in typing,
    // so a word typed letter by letter does not fetch every prefix's shard.
    if (engine && engine.ready(input.value)) update(); else pause = setTimeout(update, 120);
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (panel.hidden) { if (input.value.trim() || recent().length) update(); return; }
      if (!options.length) return;
      e.preventDefault();
      // -1 is the box itself: moving past either end comes back to it.
      const n = options.length;
      if (e.key === "ArrowDown") select(active + 1 >= n ? -1 : active + 1);
      else select(active - 1 < -1 ? n - 1 : active - 1);
    } else if (e.key === "Enter") {
      const o = options[active];
      if (!o || panel.hidden) { remember(input.value); return; } // the form goes to the search page
      e.preventDefault();
      choose(o);
    } else if (e.key === "Escape") {
      if (!panel.hidden) { e.preventDefault(); open(false); } else if (input.value) { e.preventDefault(); input.value = ""; }
    } else if (e.key === "Tab") {
      open(false);
    }
  });

  function choose(o) {
    if (o.dataset.query) { // a recent search: run it here
      input.value = o.dataset.query;
      update();
      return;
    }
    remember(input.value);
    location.href = o.href;
  }

  list.addEventListener("click", (e) => {
    const o = e.target.closest("[role=option]");
    if (!o || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    choose(o);
  });
  // A click in the panel must not blur the box first.
  panel.addEventListener("mousedown", (e) => e.preventDefault());
  input.addEventListener("blur", () => open(false));
  form.addEventListener("submit", () => remember(input.value));

  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
}

/** Marks the words `?h=` names on the page a result opened, scrolls the
    first (after the heading the link named) into view and offers to clear. */
async function markLandingWords() {
  const params = new URLSearchParams(location.search);
  const words = (params.get("h") || "").split(/\s+/).filter(Boolean);
  const main = document.getElementById("main");
  if (!words.length || !main) return;
  const { markParts } = await importEngine();
  const terms = new Set(words);
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest("script, style, mark, .search-hits") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  for (let n; (n = walker.nextNode());) if (n.data.trim()) nodes.push(n);
  const marks = [];
  for (const n of nodes) {
    const parts = markParts(n.data, terms, null);
    if (!parts.some(([, hit]) => hit)) continue;
    const frag = document.createDocumentFragment();
    for (const [part, hit] of parts) {
      if (!hit) { frag.append(part); continue; }
      const m = el("mark", "search-hit", part);
      marks.push(m);
      frag.append(m);
    }
    n.replaceWith(frag);
  }
  if (!marks.length) return;
  const bar = el("div", "search-hits");
  bar.setAttribute("role", "region");
  bar.setAttribute("aria-label", "Search highlights");
  const clear = el("button", "search-hits-clear", "Clear highlights");
  clear.type = "button";
  bar.append(el("span", "", marks.length + (marks.length === 1 ? " match" : " matches") + " of “" + words.join(" ") + "” highlighted. "), clear);
  main.prepend(bar);
  clear.addEventListener("click", () => {
    for (const m of marks) m.replaceWith(m.textContent);
    main.normalize();
    bar.remove();
    params.delete("h");
    const query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  });
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  const first = (target && marks.find((m) => target.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING)) || marks[0];
  first.classList.add("search-hit-first");
  // The browser scrolls to the heading itself; marking may run before it
  // does, so scroll there first, then to the word if it is further down.
  if (target) target.scrollIntoView();
  first.scrollIntoView({ block: target ? "nearest" : "center" });
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
