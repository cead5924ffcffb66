/* Fireside default theme: progressive enhancements only.
   The site works fully without this file. */
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
