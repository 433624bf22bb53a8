"""Maths typeset at build time: KaTeX, run in QuickJS, turns each maths element of a finished
page into HTML, so the browser shows the maths in the first paint and runs no script for it.

``pymdownx.arithmatex`` (generic mode), the sanitized catalog text and the method pages wrap
maths as::

    <span class="arithmatex">\\( … \\)</span>     inline
    <div class="arithmatex …">\\[ … \\]</div>     display

The LaTeX in them is HTML-escaped text; it is unescaped, stripped of its delimiters and given
to ``katex.renderToString`` with ``trust: false`` (``\\href``, ``\\url`` and ``\\html…`` are
not honoured) and ``throwOnError: false`` (a LaTeX error is shown in red, where it is). KaTeX
escapes every piece of text it puts into its HTML. Its output keeps the MathML beside the
HTML, for screen readers.

Typesetting in the browser instead made the lines reflow after the first paint, and the
layout shift cost the method pages their Lighthouse performance score (issue #18).
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.kb")

KATEX_SCRIPT = Path("assets") / "vendor" / "katex" / "katex.min.js"
# The faces nearly every formula uses: preloaded, so that the first paint has them (a face
# that arrives later changes the glyphs' widths, and the lines move).
PRELOADED_FONTS = ("assets/vendor/katex/fonts/KaTeX_Main-Regular.woff2",
                   "assets/vendor/katex/fonts/KaTeX_Math-Italic.woff2")
STYLESHEET = "assets/vendor/katex/katex.min.css"

MATHS_ELEMENT = re.compile(
    r'<(?P<tag>span|div) class="arithmatex(?P<classes>[^"]*)">(?P<tex>.*?)</(?P=tag)>',
    re.DOTALL)
DELIMITERS = (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$"))
_CONSOLE = "globalThis.console = {log() {}, warn() {}, error() {}};"
_RENDER = ("(function (tex, display) { return katex.renderToString(tex, "
           "{displayMode: display, throwOnError: false, trust: false, strict: 'ignore'}); })")


def has_maths(page_html: str) -> bool:
    """Whether a page's HTML holds maths to typeset."""
    return MATHS_ELEMENT.search(page_html) is not None


def strip_delimiters(tex: str) -> str:
    """The LaTeX inside its ``\\( \\)``, ``\\[ \\]``, ``$$ $$`` or ``$ $`` delimiters."""
    tex = tex.strip()
    for open_, close in DELIMITERS:
        if tex.startswith(open_) and tex.endswith(close) and len(tex) >= len(open_ + close):
            return tex[len(open_):len(tex) - len(close)]
    return tex


class Typesetter:
    """KaTeX in a QuickJS context, started on first use (about 25 ms), then a few ms per
    formula."""

    def __init__(self, katex_script: Path) -> None:
        self.katex_script = katex_script
        self._render = None

    def _renderer(self):  # noqa: ANN202
        if self._render is None:
            import quickjs  # the site build's dependency only: not on the CLI's start-up path

            context = quickjs.Context()
            context.eval(_CONSOLE)  # KaTeX may warn; QuickJS has no console
            context.eval(self.katex_script.read_text(encoding="utf-8"))
            self._render = context.eval(_RENDER)
        return self._render

    def render(self, tex: str, display: bool) -> str | None:
        """KaTeX's HTML for one formula, or None when KaTeX itself failed (logged)."""
        try:
            return self._renderer()(tex, display)
        except Exception as error:  # quickjs.JSException: a KaTeX bug, not a LaTeX error
            log.warning(f"kb: KaTeX could not typeset {tex!r}: {error}")
            return None

    def typeset(self, page_html: str) -> str:
        """The page with each maths element's LaTeX replaced by KaTeX's HTML; an element KaTeX
        failed on keeps its LaTeX as text."""
        def replace(match: re.Match[str]) -> str:
            tag = match["tag"]
            rendered = self.render(strip_delimiters(html.unescape(match["tex"])),
                                   display=tag == "div")
            if rendered is None:
                return match[0]
            return f'<{tag} class="arithmatex{match["classes"]}">{rendered}</{tag}>'

        return MATHS_ELEMENT.sub(replace, page_html)


_typesetters: dict[Path, Typesetter] = {}


def typesetter(docs_dir: Path) -> Typesetter:
    """The build's typesetter, with the KaTeX vendored under ``docs_dir``."""
    script = Path(docs_dir) / KATEX_SCRIPT
    if script not in _typesetters:
        _typesetters[script] = Typesetter(script)
    return _typesetters[script]
