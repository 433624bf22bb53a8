"""The interactive citation graph page: zoom, pan, colour by kind or year, find a node, click
a node to open its page. ``assets/javascripts/graph.js`` draws it with Cytoscape.js from
``assets/data/graph.json`` (see :mod:`kb.site.graph_data`).
"""

from __future__ import annotations

from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, front_matter
from kb.site.html import esc

SRC = urls.GRAPH


def render_graph_page(ctx: SiteContext) -> str:
    data_url = ctx.href(SRC, urls.GRAPH_DATA)
    controls = (
        '<div class="kb-filters kb-graph-controls">'
        '<label>Colour by <select id="kb-graph-colour">'
        '<option value="kind">kind</option><option value="year">year</option></select></label> '
        '<label>Find <input type="search" id="kb-graph-search" list="kb-graph-titles" '
        'placeholder="title or id" autocomplete="off"></label>'
        '<datalist id="kb-graph-titles"></datalist> '
        '<button type="button" class="md-button" id="kb-graph-fit">Show all</button> '
        '<output id="kb-graph-status" aria-live="polite"></output></div>')
    canvas = (f'<div class="kb-graph kb-graph--full" id="kb-graph" data-kb-graph="full" '
              f'data-kb-graph-src="{esc(data_url)}" role="img" '
              'aria-label="Citation graph of the catalog"></div>'
              '<div class="kb-graph-legend" id="kb-graph-legend"></div>')
    fallback = (f'<noscript><p>The graph needs JavaScript. Browse the '
                f'<a href="{esc(ctx.href(SRC, urls.CATALOG_INDEX))}">catalog</a> instead.'
                "</p></noscript>")
    return (front_matter("Citation graph", hide=["navigation", "toc"]) + "# Citation graph\n\n"
            f"{len(ctx.catalog)} entries and {len(ctx.edges)} links: *cites*, *builds on*, "
            "*introduces* (an entry → the method it introduces, uses or explains) and "
            "*reviews* (a survey → what it covers). Drag to pan, scroll to zoom, click a node "
            "to open its page.\n"
            + block(controls) + block(canvas) + block(fallback))
