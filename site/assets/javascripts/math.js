/* Typeset maths with the vendored KaTeX.
 *
 * pymdownx.arithmatex (generic mode) and the method pages wrap maths as
 *   <span class="arithmatex">\( … \)</span>   inline
 *   <div class="arithmatex">\[ … \]</div>     display
 * The LaTeX is read from textContent, so it arrives here as text, never as HTML. KaTeX runs
 * with trust off: \href, \url and \html… commands are not honoured.
 */
(function () {
  "use strict";

  var DELIMITERS = [["\\(", "\\)"], ["\\[", "\\]"], ["$$", "$$"], ["$", "$"]];

  function strip(tex) {
    for (var i = 0; i < DELIMITERS.length; i++) {
      var open = DELIMITERS[i][0], close = DELIMITERS[i][1];
      if (tex.startsWith(open) && tex.endsWith(close) && tex.length >= open.length + close.length) {
        return tex.slice(open.length, tex.length - close.length);
      }
    }
    return tex;
  }

  function typeset(root) {
    if (typeof katex === "undefined") return;
    root.querySelectorAll(".arithmatex").forEach(function (element) {
      if (element.dataset.kbTypeset) return;
      var tex = strip(element.textContent.trim());
      katex.render(tex, element, {
        displayMode: element.tagName === "DIV",
        throwOnError: false,
        trust: false,
      });
      element.dataset.kbTypeset = "1";
    });
  }

  function start() { typeset(document.body); }

  if (typeof document$ !== "undefined") {
    document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
