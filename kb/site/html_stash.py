"""Keep generated HTML away from the Markdown parser.

Pages are Markdown with HTML blocks. Python-Markdown would re-parse every block (with Python's
``HTMLParser``) only to pass it through unchanged — the largest part of rendering a catalog
page. So each block is wrapped (:func:`wrap`); before MkDocs renders a page its blocks are
swapped for one-line placeholders (:func:`stash`), and put back into the rendered HTML
(:func:`restore`). Headings stay Markdown, so the table of contents is unchanged.
"""

from __future__ import annotations

import re

OPEN, CLOSE = "<!--kb-html-->", "<!--/kb-html-->"
_WRAPPED = re.compile(re.escape(OPEN) + "(.*?)" + re.escape(CLOSE), re.S)
_PLACEHOLDER = re.compile(r"<!--kb-html (\d+)-->")


def wrap(html: str) -> str:
    """An HTML block, standing alone between blank lines, marked for :func:`stash`."""
    return f"\n\n{OPEN}{html.strip()}{CLOSE}\n\n"


def stash(markdown: str) -> tuple[str, list[str]]:
    """Markdown with each wrapped block replaced by ``<!--kb-html N-->``, and the blocks."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f"<!--kb-html {len(blocks) - 1}-->"

    return _WRAPPED.sub(keep, markdown), blocks


def restore(html: str, blocks: list[str]) -> str:
    """Rendered HTML with every placeholder replaced by its block again."""
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)
