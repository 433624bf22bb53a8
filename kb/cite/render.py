"""Render entries as a bibliography in a CSL style, as text, HTML or Markdown.

1. Entries → CSL-JSON items (:func:`kb.export.csl.csl_items`).
2. Every string in the items has the characters the output format treats specially (``& < >
   " '`` for HTML, ``\\ * _ ` [ ] < > & # |`` for Markdown) swapped for placeholders from
   Unicode's private use area, which no style's text-case rules touch.
3. citeproc-py renders the bibliography with the style, through a formatter that writes the
   style's italics and bold as ``<i>``/``<b>`` (HTML), ``*``/``**`` (Markdown) or nothing.
4. The placeholders become the escaped characters (``&lt;`` …, ``\\*`` …), so a title such as
   ``<script>`` is text in the output, never markup.

The entries come out in the style's order (APA and Chicago sort by author, IEEE numbers them
in the order given).
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kb.errors import KbError
from kb.models import Entry

STYLES_DIR = Path(__file__).parent / "styles"
STYLES = ("apa", "ieee", "chicago-author-date")
FORMATS = ("text", "html", "markdown")
LOCALE = "en-US"
_PRIVATE = 0xF0000  # Unicode private use plane: placeholders no catalog text contains
SPECIAL = {
    "text": "",
    "html": "&<>\"'",
    "markdown": "\\*_`[]<>&#|",
}
_NUMBER_LABEL = re.compile(r"^(\[\d+\])(?=\S)")


def _escape(character: str, fmt: str) -> str:
    return html.escape(character) if fmt == "html" else "\\" + character


def _hide(value: Any, special: str) -> Any:
    """``value`` with each special character (recursively, in strings) as a placeholder."""
    if isinstance(value, str):
        return "".join(chr(_PRIVATE + special.index(c)) if c in special else c for c in value)
    if isinstance(value, list):
        return [_hide(item, special) for item in value]
    if isinstance(value, dict):
        return {key: _hide(item, special) for key, item in value.items()}
    return value


def _reveal(text: str, fmt: str) -> str:
    special = SPECIAL[fmt]
    out = []
    for char in text:
        index = ord(char) - _PRIVATE
        out.append(_escape(special[index], fmt) if 0 <= index < len(special) else char)
    return "".join(out)


def _wrapper(before: str, after: str) -> Callable[[str], str]:
    class Wrapped(str):
        def __new__(cls, text: str) -> Wrapped:
            return super().__new__(cls, f"{before}{text}{after}")

    return Wrapped


def _formatter(fmt: str) -> Any:
    """A citeproc-py formatter module for ``fmt``."""
    from citeproc import formatter

    if fmt == "text":
        return formatter.plain
    if fmt == "html":
        return formatter.html
    plain = _wrapper("", "")
    return SimpleNamespace(preformat=str, Italic=_wrapper("*", "*"), Oblique=_wrapper("*", "*"),
                           Bold=_wrapper("**", "**"), Light=plain, Underline=plain,
                           Superscript=_wrapper("<sup>", "</sup>"),
                           Subscript=_wrapper("<sub>", "</sub>"), SmallCaps=plain)


def style_path(style: str) -> Path:
    if style not in STYLES:
        raise KbError(f"unknown citation style '{style}': use {', '.join(STYLES)}", code="E420")
    return STYLES_DIR / f"{style}.csl"


def render_bibliography(entries: Iterable[Entry], style: str, fmt: str = "text") -> list[str]:
    """One formatted reference per entry, in the style's order."""
    if fmt not in FORMATS:
        raise KbError(f"unknown citation format '{fmt}': use {', '.join(FORMATS)}", code="E420")
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
    from citeproc.source.json import CiteProcJSON

    from kb.export.csl import csl_items

    items = [_hide(item, SPECIAL[fmt]) for item in csl_items(entries)]
    if not items:
        return []
    with warnings.catch_warnings():
        # citeproc-py warns about CSL variables it does not know ("citation-key"): harmless.
        warnings.simplefilter("ignore", UserWarning)
        csl_style = CitationStylesStyle(str(style_path(style)), locale=LOCALE, validate=False)
        bibliography = CitationStylesBibliography(csl_style, CiteProcJSON(items),
                                                  _formatter(fmt))
        for item in items:
            bibliography.register(Citation([CitationItem(str(item["id"]).lower())]))
        bibliography.sort()  # by the style's <sort> keys (IEEE has none: the order given)
        references = [str(reference) for reference in bibliography.bibliography()]
    return [_NUMBER_LABEL.sub(r"\1 ", _reveal(reference, fmt)) for reference in references]


def render_citations(entries: Iterable[Entry], style: str, fmt: str = "text") -> str:
    """The bibliography as one document: lines of text, an HTML list, or Markdown paragraphs."""
    references = render_bibliography(entries, style, fmt)
    if fmt == "html":
        body = "".join(f'  <li class="csl-entry">{reference}</li>\n' for reference in references)
        return f'<ul class="csl-bib-body">\n{body}</ul>\n'
    separator = "\n\n" if fmt == "markdown" else "\n"
    return separator.join(references) + "\n"
