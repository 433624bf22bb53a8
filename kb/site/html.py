"""Escaping: every catalog string passes through here on its way into HTML, attributes or JSON.

Catalog text is data, never markup. Titles, authors, venues and tags are escaped as text;
URLs are kept only when they are http(s) (or a relative path we made ourselves); JSON put
inside a ``<script>`` element has ``<``, ``>``, ``&`` and the JavaScript line separators
escaped, so no string can close the element (``</script>``) or open a comment (``<!--``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https")

# Characters that must not appear literally in JSON embedded in HTML.
_JSON_IN_HTML = str.maketrans({
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
})


def esc(text: object) -> str:
    """``text`` as HTML text or a double-quoted attribute value (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else ``None`` (no ``javascript:``, ``data:``…)."""
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def link(href: str, text: str, *, external: bool = False, cls: str | None = None) -> str:
    """An ``<a>`` element; ``href`` and ``text`` are escaped here."""
    attrs = f' href="{esc(href)}"'
    if cls:
        attrs += f' class="{esc(cls)}"'
    if external:
        attrs += ' rel="noopener noreferrer"'
    return f"<a{attrs}>{esc(text)}</a>"


def external_link(url: str | None, text: str) -> str:
    """A link to an external http(s) URL, or just the escaped text if the URL is not safe."""
    checked = safe_url(url)
    return link(checked, text, external=True) if checked else esc(text)


def json_for_script(data: object) -> str:
    """JSON safe to place inside ``<script type="application/json">…</script>``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML)


def data_attrs(values: dict[str, str | Iterable[str]]) -> str:
    """``data-*`` attributes; list values are joined with spaces. Everything escaped."""
    parts = []
    for name, value in values.items():
        text = value if isinstance(value, str) else " ".join(value)
        parts.append(f' data-{esc(name)}="{esc(text)}"')
    return "".join(parts)
