"""The site's navigation: tabs Home, Topics, Methods, Timeline, Graph, Results (when the
catalog has reported results), Catalog, Guide (with the glossary), in the site's language.

Built from the catalog (the topic tree, the methods, the kinds) and handed to MkDocs as its
``nav``. Entry pages are deliberately absent: the index pages lead to them, so the sidebar
stays small however large the catalog grows. Titles are HTML-escaped because the theme
inserts nav titles unescaped.
"""

from __future__ import annotations

from collections.abc import Callable

from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.html import esc
from kb.site.index_pages import kind_title
from kb.site.lineage import short_label

NavItem = dict[str, "str | list[NavItem]"]


def site_nav(ctx: SiteContext) -> list[NavItem]:
    methods = sorted(ctx.catalog.by_kind(["method"]), key=lambda e: (e.year or 10_000, e.id))

    def name(key: str) -> str:
        return esc(ctx.t(f"nav.{key}"))

    overview = name("overview")
    return [
        {name("home"): urls.HOME},
        {name("topics"): [{overview: urls.TOPICS_INDEX}, *_topic_items(ctx, None)]},
        {name("methods"): [{overview: urls.METHODS_INDEX},
                           *({esc(short_label(m)): urls.entry_src(m)} for m in methods)]},
        {name("timeline"): urls.TIMELINE},
        {name("graph"): urls.GRAPH},
        *_results_items(ctx, name),
        {name("catalog"): [{overview: urls.CATALOG_INDEX},
                           *({esc(kind_title(ctx, k)): urls.kind_src(k)}
                             for k in KINDS if k != "method"),
                           {name("tags"): urls.TAGS}]},
        {name("guide"): [{name("guide"): urls.GUIDE}, {name("glossary"): urls.GLOSSARY}]},
    ]


def _topic_items(ctx: SiteContext, parent: str | None) -> list[NavItem]:
    items: list[NavItem] = []
    for topic_id in ctx.topic_children.get(parent, []):
        title = esc(ctx.topic_title(ctx.catalog.topics[topic_id]))
        children = _topic_items(ctx, topic_id)
        page = urls.topic_src(topic_id)
        items.append({title: [{title: page}, *children]} if children else {title: page})
    return items


def _results_items(ctx: SiteContext, name: Callable[[str], str]) -> list[NavItem]:
    """The Results tab (when the catalog has reported results): overview, then a page per
    dataset and metric."""
    grouped = ctx.result_groups
    if not grouped:
        return []
    pages = [{esc(ctx.t("results.page_title", metric=metric, dataset=dataset)):
              urls.results_src(dataset, metric)} for dataset, metric in grouped]
    return [{name("results"): [{name("overview"): urls.RESULTS_INDEX}, *pages]}]
