/* Fireside default theme: progressive enhancements only.
   The site works fully without this file. An ES module (base.html loads it
   with type="module"): strict, scoped to itself and run after parsing. */

/* The page's language (<html lang>), if the browser knows it. */
function pageLocale() {
  const lang = document.documentElement.lang;
  try {
    return lang ? Intl.getCanonicalLocales(lang)[0] : undefined;
  } catch (e) {
    return undefined;
  }
}

/* Reader's local time: where a session's UTC offset differs from the
   reader's at that instant, add the reader's time after its <time>.
   Written like the page's own text, so one line never mixes two clocks:
   in the page's language, and on the 24-hour clock the build writes every
   time in (`%H:%M`, whatever the language), not the browser's habit. */
function showLocalTimes() {
  const locale = pageLocale();
  const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const dayName = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short" });
  const pad = (n) => (n < 10 ? "0" : "") + n;
  for (const el of document.querySelectorAll("time[datetime*='T']")) {
    const iso = el.getAttribute("datetime");
    const m = /([+-])(\d\d):(\d\d)$/.exec(iso);
    const start = new Date(iso);
    const end = new Date(el.getAttribute("data-end") || NaN);
    if (!m || isNaN(start) || el.closest(".month-grid")) continue;
    if ((m[1] === "-" ? -1 : 1) * (m[2] * 60 + +m[3]) === -start.getTimezoneOffset()) continue;
    let text = clock.format(start) + (isNaN(end) ? "" : "–" + clock.format(end));
    const day = start.getFullYear() + "-" + pad(start.getMonth() + 1) + "-" + pad(start.getDate());
    if (day !== iso.slice(0, 10)) {
      text = dayName.format(start) + ", " + text;
    }
    const note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (" + text + " your time)";
    el.parentNode.insertBefore(note, el.nextSibling);
  }
}

/* Never stale: a page is right for the build's clock, and a site built
   last week must not announce yesterday's session as next. Every session
   in an upcoming list carries the instant it is over (data-over-at, UTC);
   by the reader's clock, those that are over move to the matching past
   list (data-past with the same name), newest first, or leave the list
   when the page has none. Without this script the page stays as built. */
function keepSessionsCurrent() {
  const now = Date.now();
  for (const list of document.querySelectorAll("[data-upcoming]")) {
    const name = list.getAttribute("data-upcoming");
    const past = [...document.querySelectorAll("[data-past]")].find((p) => p.getAttribute("data-past") === name);
    const over = [...list.querySelectorAll("[data-over-at]")].filter((el) => Date.parse(el.getAttribute("data-over-at")) <= now);
    for (const el of over) {
      if (past) {
        past.prepend(el);
        past.hidden = false;
      } else {
        el.hidden = true;
      }
    }
  }
}

/* A reader's choice: all times in the reader's own zone, or each in its
   session's zone (the page as built, plus "your time" notes). Remembered
   across pages in localStorage; one clock style, the page language's
   24-hour one the build writes. */
function timeZoneToggle() {
  const times = [...document.querySelectorAll("time[datetime*='T']")].filter((el) => !el.closest(".month-grid"));
  const main = document.querySelector("main");
  if (!times.length || !main) return;
  const KEY = "fireside-times";
  const locale = pageLocale();
  const date = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  const bare = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const read = () => { try { return localStorage.getItem(KEY) || "session"; } catch (e) { return "session"; } };
  const button = document.createElement("button");
  button.type = "button";
  button.className = "time-zone-toggle";
  const apply = (mode) => {
    for (const el of times) {
      if (!el.hasAttribute("data-built")) el.setAttribute("data-built", el.textContent);
      const start = new Date(el.getAttribute("datetime"));
      const end = new Date(el.getAttribute("data-end") || NaN);
      if (mode === "mine" && !isNaN(start)) {
        el.textContent = date.format(start) + ", " + (isNaN(end) ? clock.format(start) : bare.format(start) + "–" + clock.format(end));
      } else {
        el.textContent = el.getAttribute("data-built");
      }
    }
    for (const note of document.querySelectorAll(".local-time")) note.hidden = mode === "mine";
    button.setAttribute("aria-pressed", mode === "mine" ? "true" : "false");
    button.textContent = "Times in my zone";
  };
  button.addEventListener("click", () => {
    const mode = button.getAttribute("aria-pressed") === "true" ? "session" : "mine";
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: this page only */ }
    apply(mode);
  });
  // Inside the page's column, where the reader's eye is, not at the
  // window's edge over the content.
  (main.querySelector(".wrap") || main).prepend(button);
  apply(read());
}

/* "/" focuses the search box (the search page's own, or the header's),
   unless the reader is typing somewhere. */
function focusSearchOnSlash() {
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const box = document.querySelector("#search-q") || document.querySelector("[data-search-shortcut]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
}

/* A copy button above every code block, announced to screen readers. */
function addCopyButtons() {
  // A long line scrolls a block sideways: the keyboard must reach it too.
  for (const pre of document.querySelectorAll("main pre")) {
    if (!pre.hasAttribute("tabindex")) pre.tabIndex = 0;
  }
  const blocks = document.querySelectorAll("pre.code");
  if (!blocks.length) return;

  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);

  const announce = (message) => {
    status.textContent = "";
    // A fresh text node after a tick makes repeated messages announce again.
    setTimeout(() => { status.textContent = message; }, 50);
  };

  const fallbackCopy = (text) => {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    const active = document.activeElement;
    document.body.appendChild(area);
    area.focus();
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (active && active.focus) active.focus();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  };

  const copy = (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(() => fallbackCopy(text));
    }
    return fallbackCopy(text);
  };

  for (const pre of blocks) {
    if (pre.parentNode.classList.contains("code-block")) continue;

    const wrapper = document.createElement("div");
    wrapper.className = "code-block";
    const toolbar = document.createElement("div");
    toolbar.className = "code-toolbar";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    toolbar.appendChild(button);

    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(pre);

    let timer;
    button.addEventListener("click", () => {
      const code = pre.querySelector("code") || pre;
      const text = code.textContent.replace(/\n$/, "");
      copy(text).then(() => {
        button.textContent = "Copied";
        announce("Copied");
      }, () => {
        button.textContent = "Copy failed";
        announce("Copy failed");
      }).then(() => {
        clearTimeout(timer);
        timer = setTimeout(() => { button.textContent = "Copy"; }, 2000);
      });
    });
  }
}

/* Filterable, sortable tables (the facilitator index). Without JavaScript
   the page offers the same narrowing as plain grouped lists. */
function filterTables() {
  for (const panel of document.querySelectorAll("[data-filters-for]")) {
    const table = document.getElementById(panel.getAttribute("data-filters-for"));
    if (!table) continue;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const count = panel.querySelector(".filter-count");
    const filters = Array.from(panel.querySelectorAll("select[data-filter]"));
    const sort = panel.querySelector("select[data-sort]");
    const apply = () => {
      let shown = 0;
      for (const row of rows) {
        const ok = filters.every((select) => {
          const want = select.value;
          const have = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
          return !want || have.includes(want);
        });
        row.hidden = !ok;
        if (ok) shown++;
      }
      if (sort) {
        const byActivity = sort.value === "activity";
        rows.slice().sort((a, b) => {
          const d = byActivity ? b.getAttribute("data-activity") - a.getAttribute("data-activity") : 0;
          return d || a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
        }).forEach((row) => body.appendChild(row));
        if (table.caption) table.caption.textContent = "Facilitators, by " + (byActivity ? "activity" : "name");
      }
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    };
    panel.addEventListener("change", apply);
    panel.hidden = false;
    apply();
  }
}

/* Subscribe links for a site built without an absolute base_url: the
   build cannot write webcal://host/calendar.ics, the browser can. */
function showSubscribeLinks() {
  for (const wrap of document.querySelectorAll("[data-webcal-from]")) {
    const feed = new URL(wrap.getAttribute("data-webcal-from"), location.href);
    if (!/^https?:$/.test(feed.protocol)) continue;
    const words = wrap.querySelector("[data-webcal-link]");
    if (!words) continue;
    const link = document.createElement("a");
    link.className = "feed-subscribe";
    link.href = "webcal://" + feed.host + feed.pathname;
    link.textContent = words.textContent;
    words.replaceWith(link);
    wrap.hidden = false;
  }
}

/* The phone header's menu (a <details>, which opens and closes by itself):
   Escape closes it and returns to its button, as a menu button does, and
   so does a click or a focus elsewhere on the page. */
function closeMenuOnLeave() {
  const menu = document.querySelector(".site-menu");
  if (!menu) return;
  const summary = menu.querySelector("summary");
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !menu.open || !menu.contains(document.activeElement)) return;
    menu.open = false;
    summary.focus();
  });
  const leave = (e) => {
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  };
  document.addEventListener("click", leave);
  document.addEventListener("focusin", leave);
}

keepSessionsCurrent();
showLocalTimes();
timeZoneToggle();
showSubscribeLinks();
closeMenuOnLeave();
focusSearchOnSlash();
addCopyButtons();
filterTables();
