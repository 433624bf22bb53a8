"""The interactive citation graph page: a timeline of the catalog (x the release date, a row
per topic) by default, or rows by citations, blocks by topic, or a force layout; filters by
kind and topic; only the cites read from a reference list, if asked; labels that appear as you
zoom in, the most cited first; colour by kind or year; find a node; click one to open its page.

``assets/javascripts/graph-page.js`` draws it with Cytoscape.js (through ``graph.js``) from
``assets/data/graph.json`` (see :mod:`kb.site.graph_data` and :mod:`kb.site.graph_layouts`).
The choices are kept in the address (``?layout=topics&kind=paper&topic=guidance&verified=1``).
"""

from __future__ import annotations

import json

from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, front_matter
from kb.site.graph_data import DEFAULT_LAYOUT
from kb.site.graph_preview import preview_svg
from kb.site.html import esc, link
from kb.site.page_assets import CYTOSCAPE

SRC = urls.GRAPH
LAYOUTS = ("timeline", "citations", "topics", "network")  # named graph.layout_<name>
# The words graph-page.js writes (counts, matches), handed to it in data-* attributes.
SCRIPT_WORDS = ("entry_one", "entry_many", "link_one", "link_many", "count", "match_one",
                "match_many", "failed")


def _options(choices: list[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>'
        f"{esc(text)}</option>" for value, text in choices)


def controls(ctx: SiteContext) -> str:
    """The selects and buttons above the graph, in the site's language; every catalog string
    escaped."""
    kinds = [(k, ctx.t(f"badge.{k}")) for k in KINDS if any(e.kind == k for e in ctx.catalog)]
    topics = [(topic_id, "— " * depth + ctx.topic_title(ctx.catalog.topics[topic_id]))
              for topic_id, depth in ctx.topics_depth_first()]
    layouts = [(name, ctx.t(f"graph.layout_{name}")) for name in LAYOUTS]
    say = {key: esc(ctx.t(f"graph.{key}")) for key in (
        "layout", "kind", "all_kinds", "topic", "all_topics", "verified_title", "verified",
        "colour_by", "colour_kind", "colour_year", "find", "find_placeholder", "show_all")}
    words = "".join(f' data-{key.replace("_", "-")}="{esc(ctx.t(f"graph.{key}"))}"'
                    for key in SCRIPT_WORDS)
    return (
        '<div class="kb-filters kb-graph-controls">'
        f'<label>{say["layout"]} <select id="kb-graph-layout">'
        f"{_options(layouts, DEFAULT_LAYOUT)}</select></label> "
        f'<label>{say["kind"]} <select id="kb-graph-kind">'
        f'<option value="">{say["all_kinds"]}</option>{_options(kinds)}</select></label> '
        f'<label>{say["topic"]} <select id="kb-graph-topic">'
        f'<option value="">{say["all_topics"]}</option>{_options(topics)}</select></label> '
        f'<label title="{say["verified_title"]}">'
        f'<input type="checkbox" id="kb-graph-verified"> {say["verified"]}</label> '
        f'<label>{say["colour_by"]} <select id="kb-graph-colour">'
        f'<option value="kind">{say["colour_kind"]}</option>'
        f'<option value="year">{say["colour_year"]}</option></select></label> '
        f'<label>{say["find"]} <input type="search" id="kb-graph-search" list="kb-graph-titles" '
        f'placeholder="{say["find_placeholder"]}" autocomplete="off"></label>'
        '<datalist id="kb-graph-titles"></datalist> '
        f'<button type="button" class="md-button" id="kb-graph-fit">{say["show_all"]}</button> '
        f'<output id="kb-graph-count" aria-live="polite"{words}></output> '
        f'<output id="kb-graph-status" aria-live="polite"{words}></output></div>')


def render_graph_page(ctx: SiteContext, graph: dict) -> str:
    """The page; ``graph`` is its data (:func:`kb.site.graph_data.full_graph_data`), of which
    the page holds the first picture."""
    data_url = ctx.href(SRC, urls.GRAPH_DATA)
    canvas = (f'<div class="kb-graph-frame"><div class="kb-graph-axes" id="kb-graph-axes" '
              'aria-hidden="true"></div>'
              f'<div class="kb-graph kb-graph--full" id="kb-graph" data-kb-graph="full" '
              f'data-kb-graph-src="{esc(data_url)}" '
              f'data-kb-cytoscape="{esc(ctx.href(SRC, CYTOSCAPE))}" role="img" '
              f'aria-label="{esc(ctx.t("graph.label"))}"'
              f' data-failed="{esc(ctx.t("graph.failed"))}">{preview_svg(graph)}</div></div>'
              '<div class="kb-graph-legend" id="kb-graph-legend" data-kinds="'
              + esc(json.dumps({k: ctx.t(f"badge.{k}") for k in KINDS}, ensure_ascii=False))
              + '"></div><p class="kb-byline" id="kb-graph-hover" aria-live="polite"></p>')
    catalog = link(ctx.href(SRC, urls.CATALOG_INDEX), ctx.t("graph.noscript_catalog"))
    fallback = f'<noscript><p>{ctx.t("graph.noscript", catalog_link=catalog)}</p></noscript>'
    verified = sum(1 for edge in graph["edges"] if edge["verified"])  # graph_data.edge_data
    title = ctx.t("graph.title")
    intro = ctx.t("graph.intro", entries=len(graph["nodes"]), links=len(graph["edges"]),
                  verified=verified)
    return (front_matter(title, hide=["navigation", "toc"]) + f"# {title}\n\n{intro}\n"
            + block(controls(ctx)) + block(canvas) + block(fallback))
