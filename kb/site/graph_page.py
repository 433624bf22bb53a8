"""The interactive citation graph page: a timeline of the catalog (x the release date, a row
per topic) by default, or rows by citations, blocks by topic, or a force layout; filters by
kind and topic; only the cites read from a reference list, if asked; labels that appear as you
zoom in, the most cited first; colour by kind or year; find a node; click one to open its page.

``assets/javascripts/graph-page.js`` draws it with Cytoscape.js (through ``graph.js``) from
``assets/data/graph.json`` (see :mod:`kb.site.graph_data` and :mod:`kb.site.graph_layouts`).
The choices are kept in the address (``?layout=topics&kind=paper&topic=guidance&verified=1``).
"""

from __future__ import annotations

from kb.graph import VERIFIABLE_EDGES
from kb.models import KINDS
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, front_matter
from kb.site.graph_data import DEFAULT_LAYOUT
from kb.site.html import esc

SRC = urls.GRAPH
LAYOUT_CHOICES = (
    ("timeline", "Timeline, a row per topic"),
    ("citations", "Timeline, rows by times cited"),
    ("topics", "Blocks by topic"),
    ("network", "Network (force-directed)"),
)


def _options(choices: list[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>'
        f"{esc(text)}</option>" for value, text in choices)


def controls(ctx: SiteContext) -> str:
    """The selects and buttons above the graph; every catalog string escaped."""
    kinds = [(k, k) for k in KINDS if any(e.kind == k for e in ctx.catalog)]
    topics = [(topic_id, "— " * depth + ctx.catalog.topics[topic_id].title)
              for topic_id, depth in ctx.topics_depth_first()]
    return (
        '<div class="kb-filters kb-graph-controls">'
        '<label>Layout <select id="kb-graph-layout">'
        f"{_options(list(LAYOUT_CHOICES), DEFAULT_LAYOUT)}</select></label> "
        '<label>Kind <select id="kb-graph-kind"><option value="">all kinds</option>'
        f"{_options(kinds)}</select></label> "
        '<label>Topic <select id="kb-graph-topic"><option value="">all topics</option>'
        f"{_options(topics)}</select></label> "
        '<label title="Only cites read from the citing paper\'s own reference list">'
        '<input type="checkbox" id="kb-graph-verified"> verified cites only</label> '
        '<label>Colour by <select id="kb-graph-colour">'
        '<option value="kind">kind</option><option value="year">year</option></select></label> '
        '<label>Find <input type="search" id="kb-graph-search" list="kb-graph-titles" '
        'placeholder="title or id" autocomplete="off"></label>'
        '<datalist id="kb-graph-titles"></datalist> '
        '<button type="button" class="md-button" id="kb-graph-fit">Show all</button> '
        '<output id="kb-graph-count" aria-live="polite"></output> '
        '<output id="kb-graph-status" aria-live="polite"></output></div>')


def render_graph_page(ctx: SiteContext) -> str:
    data_url = ctx.href(SRC, urls.GRAPH_DATA)
    canvas = (f'<div class="kb-graph-frame"><div class="kb-graph-axes" id="kb-graph-axes" '
              'aria-hidden="true"></div>'
              f'<div class="kb-graph kb-graph--full" id="kb-graph" data-kb-graph="full" '
              f'data-kb-graph-src="{esc(data_url)}" role="img" '
              'aria-label="Citation graph of the catalog"></div></div>'
              '<div class="kb-graph-legend" id="kb-graph-legend"></div>'
              '<p class="kb-byline" id="kb-graph-hover" aria-live="polite"></p>')
    fallback = (f'<noscript><p>The graph needs JavaScript. Browse the '
                f'<a href="{esc(ctx.href(SRC, urls.CATALOG_INDEX))}">catalog</a> instead.'
                "</p></noscript>")
    verified = sum(1 for s, t, kind in ctx.edges
                   if kind in VERIFIABLE_EDGES and ctx.graph.is_verified(s, t, kind))
    return (front_matter("Citation graph", hide=["navigation", "toc"]) + "# Citation graph\n\n"
            f"{len(ctx.catalog)} entries and {len(ctx.edges)} links: *cites*, *builds on*, "
            "*introduces* (an entry → the method it introduces, uses or explains) and "
            "*reviews* (a survey → what it covers); "
            f"{verified} of the cites were read from the citing work's own reference list "
            "(solid lines; the others are dashed). "
            "Each entry stands at its release date, in the row of its first topic; the more "
            "the catalog cites it, the larger it is, and its label shows first as you zoom "
            "in. Drag to pan, scroll to zoom, hover to see an entry's links, click to open its "
            "page.\n"
            + block(controls(ctx)) + block(canvas) + block(fallback))
