"""The graph as GraphML and GEXF files for Gephi, Cytoscape and yEd.

Both formats take only scalar attributes, so lists (``topics``, ``tags``) are joined with
``"; "`` and missing values (an undated entry's ``year``) are left out. Every node has a
``label`` (the title, for the viewers to show) and every edge a ``relation`` (its type; GEXF
keeps ``type`` for directed/undirected). Edge keys are the types too, so
``networkx.read_graphml(path)`` and ``networkx.read_gexf(path)`` give the same nodes, edges and
attributes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    from kb.graph import CitationGraph

LIST_SEPARATOR = "; "


def flat_graph(graph: CitationGraph) -> nx.MultiDiGraph:
    """A copy of the graph with only string, int and float attributes."""
    flat = nx.MultiDiGraph()
    for node, data in sorted(graph.graph.nodes(data=True)):
        attributes = {"label": data["title"], "kind": data["kind"], "title": data["title"],
                      "topics": LIST_SEPARATOR.join(data["topics"]),
                      "tags": LIST_SEPARATOR.join(data["tags"])}
        if data["year"] is not None:
            attributes["year"] = data["year"]
        flat.add_node(node, **attributes)
    for source, target, kind in sorted(graph.graph.edges(keys=True)):
        flat.add_edge(source, target, key=kind, relation=kind)
    return flat


def to_graphml(graph: CitationGraph) -> str:
    """GraphML text (UTF-8, with a ``<key>`` for each attribute and its type)."""
    return "\n".join(nx.generate_graphml(flat_graph(graph), encoding="utf-8")) + "\n"


def to_gexf(graph: CitationGraph) -> str:
    """GEXF 1.2 text."""
    return "\n".join(nx.generate_gexf(flat_graph(graph), encoding="utf-8",
                                      version="1.2draft")) + "\n"
