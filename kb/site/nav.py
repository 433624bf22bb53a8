"""The site's navigation: tabs Home, Topics, Methods, Timeline, Graph, Catalog, Guide.

Built from the catalog (the topic tree, the methods, the kinds) and handed to MkDocs as its
``nav``. Entry pages are deliberately absent: the index pages lead to them, so the sidebar
stays small however large the catalog grows. Titles are HTML-escaped because the theme
inserts nav titles unescaped.
"""

from __future__ import annotations

from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.html import esc
from kb.site.index_pages import KIND_TITLES
from kb.site.lineage import short_label

NavItem = dict[str, "str | list[NavItem]"]


def site_nav(ctx: SiteContext) -> list[NavItem]:
    methods = sorted(ctx.catalog.by_kind(["method"]), key=lambda e: (e.year or 10_000, e.id))
    return [
        {"Home": urls.HOME},
        {"Topics": [{"Overview": urls.TOPICS_INDEX}, *_topic_items(ctx, None)]},
        {"Methods": [{"Overview": urls.METHODS_INDEX},
                     *({esc(short_label(m)): urls.entry_src(m)} for m in methods)]},
        {"Timeline": urls.TIMELINE},
        {"Graph": urls.GRAPH},
        {"Catalog": [{"Overview": urls.CATALOG_INDEX},
                     *({KIND_TITLES[k]: urls.kind_src(k)} for k in KINDS if k != "method"),
                     {"Tags": urls.TAGS}]},
        {"Guide": urls.GUIDE},
    ]


def _topic_items(ctx: SiteContext, parent: str | None) -> list[NavItem]:
    items: list[NavItem] = []
    for topic_id in ctx.topic_children.get(parent, []):
        title = esc(ctx.catalog.topics[topic_id].title)
        children = _topic_items(ctx, topic_id)
        page = urls.topic_src(topic_id)
        items.append({title: [{title: page}, *children]} if children else {title: page})
    return items
