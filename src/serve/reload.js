/* Fireside live reload: injected by `fireside serve` only, never built into a site.
   Reloads after a complete, good build; swaps stylesheets when only CSS
   changed; keeps the scroll position; shows build errors over the page. */
(function () {
  "use strict";
  if (window.__fireside) return;
  window.__fireside = true;

  var script = document.currentScript;
  var site = Number(script && script.getAttribute("data-site")) || 0;
  var scrollKey = "fireside-scroll:" + location.pathname;

  // Back where we were before the reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    sessionStorage.removeItem(scrollKey);
    if (saved) {
      var restore = function () { window.scrollTo(saved.x, saved.y); };
      if (document.readyState === "complete") restore();
      else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled: reload at the top */ }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function swapStylesheets(paths, version) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || paths.indexOf(url.pathname) < 0) return;
      url.searchParams.set("fireside", String(version));
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      // Remove the old sheet only once the new one applies: no flash.
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  var overlay = null;
  function hideErrors() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showErrors(errors) {
    hideErrors();
    overlay = document.createElement("div");
    overlay.id = "fireside-errors";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build errors");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,24,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 1rem;font:600 18px/1.3 system-ui,sans-serif;color:#ff8a80";
    title.textContent = "Build failed: " + errors.length + " error" + (errors.length === 1 ? "" : "s") +
      ". The page shows the last good build.";
    overlay.appendChild(title);
    errors.forEach(function (e) {
      var item = document.createElement("section");
      item.className = "fireside-error";
      item.style.cssText = "margin:0 0 1rem;padding:1rem;border-left:4px solid #ff5252;background:#26262c";
      var where = document.createElement("div");
      where.className = "fireside-error-location";
      where.style.cssText = "color:#80d8ff";
      where.textContent = (e.file || "site") + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "");
      var text = document.createElement("pre");
      text.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap";
      text.textContent = e.text || e.message;
      item.appendChild(where);
      item.appendChild(text);
      overlay.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide until the next build";
    close.style.cssText = "font:inherit;padding:.4rem .8rem";
    close.addEventListener("click", hideErrors);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }

  if (!window.EventSource) return;
  var events = new EventSource("/__fireside/events");
  function data(event) { return JSON.parse(event.data); }
  events.addEventListener("hello", function (event) {
    var d = data(event);
    if (d.site > site && !d.errors) return reload(); // a build finished while this page loaded
    if (d.errors) showErrors(d.errors); else hideErrors();
  });
  events.addEventListener("reload", reload);
  events.addEventListener("css", function (event) {
    var d = data(event);
    hideErrors();
    swapStylesheets(d.paths, d.site);
    site = d.site;
  });
  events.addEventListener("errors", function (event) { showErrors(data(event).errors); });
  events.addEventListener("ok", hideErrors);
})();
