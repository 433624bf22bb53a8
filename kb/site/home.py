"""The home page: ``site/index.md`` is written by hand; the catalog fills its markers.

Markers are HTML comments on a line of their own:

* ``<!-- kb:stats -->`` — how many entries of each kind;
* ``<!-- kb:newest -->`` — the newest entries;
* ``<!-- kb:topic-map -->`` — the topic tree with counts.
"""

from __future__ import annotations

from collections.abc import Callable

from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, entry_list, newest_first
from kb.site.html import esc, link
from kb.site.index_pages import kind_title, topic_map

SRC = urls.HOME


def stats(ctx: SiteContext) -> str:
    counts = [(kind, sum(1 for e in ctx.catalog if e.kind == kind)) for kind in KINDS]
    parts = [f"{link(ctx.href(SRC, urls.kind_src(kind)), kind_title(ctx, kind))}: {count}"
             for kind, count in counts if count]
    return (f'<p class="kb-stats"><strong>{len(ctx.catalog)}</strong> '
            f'{esc(ctx.t("home.entries"))} — '
            + " · ".join(parts) + "</p>")


def newest(ctx: SiteContext) -> str:
    ids = [e.id for e in newest_first(ctx.catalog)[: ctx.settings.newest_count]]
    return entry_list(ctx, SRC, ids, ctx.t("home.empty"))


MARKERS: dict[str, Callable[[SiteContext], str]] = {
    "<!-- kb:stats -->": stats,
    "<!-- kb:newest -->": newest,
    "<!-- kb:topic-map -->": lambda ctx: topic_map(ctx, SRC),
}


def fill_home(markdown: str, ctx: SiteContext) -> str:
    """Replace each marker line with its generated HTML block."""
    for marker, make in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, block(make(ctx)))
    return markdown
