"""Catalog Markdown (notes, summaries, abstracts) → safe HTML.

The text is rendered with Python-Markdown (``$…$`` maths becomes KaTeX-ready spans through
``pymdownx.arithmatex``), then sanitized with nh3 (the Rust ``ammonia`` library): only a small
set of formatting tags survives; ``<script>``, ``<style>``, ``<iframe>`` and images go, as do
``on*`` attributes and any URL whose scheme is not http(s) or mailto. Text in any language is
kept as written.
"""

from __future__ import annotations

import functools

import markdown
import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"span": {"arithmatex"}, "div": {"arithmatex"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "pymdownx.arithmatex"]
MARKDOWN_CONFIG = {"pymdownx.arithmatex": {"generic": True}}


@functools.cache
def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS,
                             extension_configs=MARKDOWN_CONFIG)


def sanitize_html(html: str) -> str:
    """Keep only :data:`ALLOWED_TAGS` with their few allowed attributes and safe URLs."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> str:
    """Markdown → sanitized HTML; ``""`` for empty text."""
    if not text or not text.strip():
        return ""
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    return sanitize_html(html)
