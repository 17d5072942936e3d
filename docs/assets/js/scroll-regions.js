// A wide table scrolls sideways inside its wrapper (mkdocs-material's .md-typeset__scrollwrap).
// A keyboard user can only scroll it if the wrapper can take the focus (WCAG 2.1.1; axe:
// scrollable-region-focusable), and a screen reader user should hear what it is. So every
// wrapper that overflows becomes a focusable, named region; the others are left alone.
(function () {
  "use strict";

  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, n) {
      if (wrap.scrollWidth <= wrap.clientWidth) return;
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() + " (scrolls sideways)"
        : "Table " + (n + 1) + " (scrolls sideways)");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
