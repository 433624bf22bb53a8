"""Small HTML pieces several pages share: front matter, entry lists, bylines, tables."""

from __future__ import annotations

import json
from collections.abc import Iterable

from kb.models import Entry
from kb.site.context import SiteContext
from kb.site.html import esc
from kb.site.html_stash import wrap


def front_matter(title: str, *, tags: Iterable[str] = (), **meta: object) -> str:
    """YAML front matter (written as JSON values, which YAML reads as they are).

    MkDocs and Material put ``title`` and ``tags`` into the page templates unescaped, so both
    are HTML-escaped here.
    """
    lines = ["---", f"title: {json.dumps(esc(title), ensure_ascii=False)}"]
    escaped_tags = [esc(tag) for tag in tags]
    if escaped_tags:
        lines.append(f"tags: {json.dumps(escaped_tags, ensure_ascii=False)}")
    for key, value in meta.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines += ["---", ""]
    return "\n".join(lines) + "\n"


def block(html: str) -> str:
    """An HTML block for Markdown (kept away from the Markdown parser, see html_stash)."""
    return wrap(html)


def heading(text: str, level: int = 2, anchor: str | None = None,
            searchable: bool = True) -> str:
    """A Markdown heading for fixed (non-catalog) text, so it enters the table of contents.

    ``searchable=False`` keeps the section out of the search index (lists of other entries,
    graphs, BibTeX): a search for a title then finds that entry's page, not every page that
    cites it.
    """
    attrs = ([f"#{anchor}"] if anchor else []) + ([] if searchable else ["data-search-exclude"])
    suffix = f" {{ {' '.join(attrs)} }}" if attrs else ""
    return f"\n{'#' * level} {text}{suffix}\n\n"


def section_heading(ctx: SiteContext, key: str, level: int = 2,
                    searchable: bool = True) -> str:
    """:func:`heading` with the message ``key`` in the site's language, anchored by the key
    (``entry.cited_by`` → ``#cited-by``), so a link to a section works in every language."""
    anchor = key.rsplit(".", 1)[-1].replace("_", "-")
    return heading(ctx.t(key), level, anchor=anchor, searchable=searchable)


def authors_short(authors: list[str], limit: int = 3, et_al: str = "et al.") -> str:
    """``A, B, C et al.`` — plain text, escape before use."""
    if len(authors) <= limit:
        return ", ".join(authors)
    return ", ".join(authors[:limit]) + " " + et_al


def byline(entry: Entry, et_al: str = "et al.") -> str:
    """Authors · year · venue, escaped."""
    parts = [authors_short(entry.authors, et_al=et_al)] if entry.authors else []
    if entry.year:
        parts.append(str(entry.year))
    if entry.venue:
        parts.append(entry.venue)
    return esc(" · ".join(parts))


def entry_item(ctx: SiteContext, from_src: str, entry: Entry, extra: str = "") -> str:
    """One ``<li>``: kind badge, linked title, byline, and optional extra HTML."""
    line = (f'<li class="kb-item">{kind_badge(ctx, entry.kind)} '
            f"{ctx.entry_link(from_src, entry.id)}")
    text = byline(entry, ctx.t("list.et_al"))
    if text:
        line += f' <span class="kb-byline">{text}</span>'
    return line + extra + "</li>"


def kind_badge(ctx: SiteContext, kind: str) -> str:
    """The small label of an entry's kind, in the site's language."""
    return f'<span class="kb-badge kb-badge--{esc(kind)}">{esc(ctx.t(f"badge.{kind}"))}</span>'


def entry_list(ctx: SiteContext, from_src: str, ids: Iterable[str],
               empty: str | None = None) -> str:
    """A ``<ul>`` of entries (unknown ids skipped), or a short note when there are none
    (``empty``, by default the site's "None in the catalog yet.")."""
    items = [entry_item(ctx, from_src, ctx.catalog.entries[i])
             for i in ids if i in ctx.catalog.entries]
    if not items:
        return f'<p class="kb-empty">{esc(empty or ctx.t("list.none"))}</p>'
    return '<ul class="kb-list">\n' + "\n".join(items) + "\n</ul>"


def entry_table(ctx: SiteContext, from_src: str, entries: Iterable[Entry]) -> str:
    """A table of entries: title, authors, year, venue, topics."""
    rows = []
    for entry in entries:
        topics = ", ".join(ctx.topic_link(from_src, t) for t in entry.topics)
        rows.append(
            f"<tr><td>{ctx.entry_link(from_src, entry.id)}</td>"
            f"<td>{esc(authors_short(entry.authors, et_al=ctx.t('list.et_al')))}</td>"
            f"<td>{esc(entry.year or '')}</td><td>{esc(entry.venue or '')}</td>"
            f"<td>{topics}</td></tr>")
    if not rows:
        return f'<p class="kb-empty">{esc(ctx.t("list.none"))}</p>'
    head = "".join(f"<th>{esc(ctx.t(f'table.{column}'))}</th>"
                   for column in ("title", "authors", "year", "venue", "topics"))
    return (f'<table class="kb-table" data-search-exclude>\n<thead><tr>{head}</tr></thead>\n'
            "<tbody>\n"
            + "\n".join(rows)
            + "\n</tbody>\n</table>")


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Newest first by date, then year; undated entries last; ties by id."""
    def key(entry: Entry) -> tuple:
        when = entry.date.isoformat() if entry.date else (f"{entry.year}-99" if entry.year
                                                           else "")
        return (when, entry.id)
    entries = list(entries)
    dated = sorted((e for e in entries if e.year or e.date), key=key, reverse=True)
    return dated + sorted((e for e in entries if not (e.year or e.date)), key=lambda e: e.id)
