/* Fireside default theme: progressive enhancements only.
   The site works fully without this file. */

/* Reader's local time: where a session's UTC offset differs from the
   reader's at that instant, add the reader's time after its <time>. */
(function () {
  "use strict";
  var hm = { hour: "2-digit", minute: "2-digit" };
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime*='T']"), function (el) {
    var iso = el.getAttribute("datetime"), m = /([+-])(\d\d):(\d\d)$/.exec(iso);
    var start = new Date(iso), end = new Date(el.getAttribute("data-end") || NaN);
    if (!m || isNaN(start) || el.closest(".month-grid")) return;
    if ((m[1] === "-" ? -1 : 1) * (m[2] * 60 + +m[3]) === -start.getTimezoneOffset()) return;
    var text = start.toLocaleTimeString([], hm) + (isNaN(end) ? "" : "–" + end.toLocaleTimeString([], hm));
    var day = start.getFullYear() + "-" + pad(start.getMonth() + 1) + "-" + pad(start.getDate());
    if (day !== iso.slice(0, 10)) {
      text = start.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }) + ", " + text;
    }
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (" + text + " your time)";
    el.parentNode.insertBefore(note, el.nextSibling);
  });
})();
(function () {
  "use strict";

  // "/" focuses the search box (the search page's own, or the header's),
  // unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("#search-q") || document.querySelector("[data-search-shortcut]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  var blocks = document.querySelectorAll("pre.code");
  if (!blocks.length) return;

  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);

  function announce(message) {
    status.textContent = "";
    // A fresh text node after a tick makes repeated messages announce again.
    setTimeout(function () { status.textContent = message; }, 50);
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    var active = document.activeElement;
    document.body.appendChild(area);
    area.focus();
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (active && active.focus) active.focus();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  Array.prototype.forEach.call(blocks, function (pre) {
    if (pre.parentNode.classList.contains("code-block")) return;

    var wrapper = document.createElement("div");
    wrapper.className = "code-block";
    var toolbar = document.createElement("div");
    toolbar.className = "code-toolbar";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    toolbar.appendChild(button);

    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(pre);

    var timer;
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      var text = code.textContent.replace(/\n$/, "");
      copy(text).then(function () {
        button.textContent = "Copied";
        announce("Copied");
      }, function () {
        button.textContent = "Copy failed";
        announce("Copy failed");
      }).then(function () {
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
    });
  });
})();

/* Filterable, sortable tables (the facilitator index). Without JavaScript
   the page offers the same narrowing as plain grouped lists. */
(function () {
  "use strict";
  document.querySelectorAll("[data-filters-for]").forEach(function (panel) {
    var table = document.getElementById(panel.getAttribute("data-filters-for"));
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var count = panel.querySelector(".filter-count");
    var filters = panel.querySelectorAll("select[data-filter]");
    var sort = panel.querySelector("select[data-sort]");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Array.prototype.every.call(filters, function (select) {
          var want = select.value;
          var have = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
          return !want || have.indexOf(want) >= 0;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (sort) {
        var byActivity = sort.value === "activity";
        rows.slice().sort(function (a, b) {
          var d = byActivity ? b.getAttribute("data-activity") - a.getAttribute("data-activity") : 0;
          return d || a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
        }).forEach(function (row) { body.appendChild(row); });
        if (table.caption) table.caption.textContent = "Facilitators, by " + (byActivity ? "activity" : "name");
      }
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    }
    panel.addEventListener("change", apply);
    panel.hidden = false;
    apply();
  });
})();
