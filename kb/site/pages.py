"""Every generated file of the site, as ``{source path: content}``.

This is the one function the MkDocs glue calls; it knows nothing about MkDocs. Pages are
Markdown; ``assets/data/graph.json`` is data for the graph page.
"""

from __future__ import annotations

from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.entry_page import render_entry_page
from kb.site.glossary_page import render_glossary_page
from kb.site.graph_data import full_graph_data
from kb.site.graph_page import render_graph_page
from kb.site.html import json_for_script
from kb.site.index_pages import (
    render_catalog_index,
    render_kind_page,
    render_methods_index,
    render_tags_page,
    render_topic_page,
    render_topics_index,
)
from kb.site.method_page import render_method_page
from kb.site.results_pages import results_files
from kb.site.timeline_page import render_timeline_page, timeline_plot_svg


def index_files(ctx: SiteContext) -> dict[str, str]:
    """The pages in the navigation, and the graph data."""
    files = {
        urls.TOPICS_INDEX: render_topics_index(ctx),
        urls.METHODS_INDEX: render_methods_index(ctx),
        urls.CATALOG_INDEX: render_catalog_index(ctx),
        urls.TAGS: render_tags_page(ctx),
        urls.GLOSSARY: render_glossary_page(ctx),
        urls.TIMELINE: render_timeline_page(ctx),
        urls.TIMELINE_PLOT: timeline_plot_svg(ctx),
    }
    graph = full_graph_data(ctx)
    files[urls.GRAPH] = render_graph_page(ctx, graph)
    files[urls.GRAPH_DATA] = json_for_script(graph)  # <, >, & escaped too
    files.update(results_files(ctx))
    for topic_id in ctx.catalog.topics:
        files[urls.topic_src(topic_id)] = render_topic_page(ctx, topic_id)
    for kind in KINDS:
        if kind != "method":
            files[urls.kind_src(kind)] = render_kind_page(ctx, kind)
    return files


def entry_files(ctx: SiteContext) -> dict[str, str]:
    """One page per entry: method pages for methods, entry pages for the rest."""
    files = {}
    for entry in ctx.catalog:
        render = render_method_page if entry.kind == "method" else render_entry_page
        files[urls.entry_src(entry)] = render(ctx, entry)
    return files


def generate_site_files(ctx: SiteContext) -> dict[str, str]:
    return {**index_files(ctx), **entry_files(ctx)}
