"""Graph data for the browser: the whole citation graph (``assets/data/graph.json``) and each
entry's 1-hop neighbourhood (embedded in its page).

Nodes are catalog entries; edges are typed (``cites``, ``builds_on``, ``introduces``, ``uses``).
The full graph carries precomputed positions (a seeded force-directed layout), so the page
draws at once and looks the same on every visit. URLs are relative to the page that shows
the graph.
"""

from __future__ import annotations

from kb.models import Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.lineage import short_label

NEIGHBOURHOOD_LIMIT = 40
LAYOUT_SCALE = 1000.0
LAYOUT_SEED = 7


def node_data(entry: Entry, url: str) -> dict[str, object]:
    return {"id": entry.id, "label": short_label(entry), "title": entry.title,
            "kind": entry.kind, "year": entry.year, "url": url}


def full_graph_data(ctx: SiteContext) -> dict[str, object]:
    """Every entry as a node with an ``x, y`` position, every edge, for the graph page."""
    edges = ctx.edges
    positions = layout_positions(list(ctx.catalog.entries), edges)
    nodes = []
    for entry in sorted(ctx.catalog, key=lambda e: e.id):
        node = node_data(entry, ctx.entry_href(urls.GRAPH, entry))
        node["x"], node["y"] = positions[entry.id]
        nodes.append(node)
    return {"nodes": nodes,
            "edges": [{"source": s, "target": t, "type": kind} for s, t, kind in edges]}


def layout_positions(node_ids: list[str], edges: list[tuple[str, str, str]]
                     ) -> dict[str, tuple[float, float]]:
    """A seeded Fruchterman–Reingold layout (networkx), scaled to ±:data:`LAYOUT_SCALE`."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(node_ids))
    graph.add_edges_from((s, t) for s, t, _ in edges)
    if not node_ids:
        return {}
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, scale=LAYOUT_SCALE)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in positions.items()}


def neighbourhood_data(ctx: SiteContext, src: str, entry: Entry) -> dict[str, object]:
    """The entry, its 1-hop neighbours (at most :data:`NEIGHBOURHOOD_LIMIT`) and their edges."""
    edges = ctx.edges_by_entry.get(entry.id, [])
    neighbours: list[str] = []
    for source, target, _ in edges:
        other = target if source == entry.id else source
        if other != entry.id and other not in neighbours:
            neighbours.append(other)
    neighbours = neighbours[:NEIGHBOURHOOD_LIMIT]
    shown = {entry.id, *neighbours}
    nodes = [dict(node_data(ctx.catalog.entries[i], ctx.entry_href(src, ctx.catalog.entries[i])),
                  self=i == entry.id) for i in [entry.id, *neighbours]]
    return {"nodes": nodes,
            "edges": [{"source": s, "target": t, "type": kind} for s, t, kind in edges
                      if s in shown and t in shown]}
