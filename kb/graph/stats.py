"""The catalog in numbers: entries by kind, year and topic; edges by type; how it hangs together.

* **components**: the weakly connected components of the entries joined by any
  entry-to-entry edge (topics left out, since one topic would join everything in it);
* **orphans**: entries with no such edge at all — nothing links to them, they link to nothing;
* **cycles**: citation cycles (``cites`` and ``builds_on``). Each strongly connected component
  with more than one entry holds at least one; one cycle per component is shown, so the answer
  stays small however tangled the catalog is;
* **coverage**: how much of it is sourced (:mod:`kb.graph.coverage`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from kb.graph.citation_graph import LINK_EDGES, RANK_EDGES
from kb.graph.coverage import Coverage, coverage

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph


@dataclass(frozen=True)
class Stats:
    """Counts and structure of the graph. ``by_year`` leaves out undated entries."""

    entries: int
    topics: int
    edges: dict[str, int]
    by_kind: dict[str, int]
    by_year: dict[int, int]
    undated: int
    by_topic: dict[str, int]
    components: list[int]  # sizes, largest first
    orphans: list[str]
    cycles: list[list[str]] = field(default_factory=list)
    coverage: Coverage | None = None


def _one_cycle(view: nx.DiGraph, members: set[str]) -> list[str]:
    """A cycle through the smallest id of a strongly connected component, as a list of ids."""
    start = min(members)
    sub = view.subgraph(members)
    back = nx.shortest_path(sub, next(n for n in sorted(sub.successors(start))), start)
    return [start] + back[:-1]


def stats(graph: CitationGraph) -> Stats:
    entries = graph.entries.values()
    by_kind = Counter(e.kind for e in entries)
    by_year = Counter(e.year for e in entries if e.year is not None)
    by_topic = Counter(t for e in entries for t in dict.fromkeys(e.topics))
    links = graph.view(LINK_EDGES)
    components = sorted((len(c) for c in nx.weakly_connected_components(links)), reverse=True)
    orphans = sorted(node for node in links if links.degree(node) == 0)
    citations = graph.view(RANK_EDGES)
    cycles = [_one_cycle(citations, members)
              for members in nx.strongly_connected_components(citations) if len(members) > 1]
    return Stats(
        entries=len(graph.entries), topics=len(graph.topics), edges=graph.edge_counts(),
        by_kind=dict(sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_year=dict(sorted(by_year.items())),
        undated=sum(1 for e in entries if e.year is None),
        by_topic=dict(sorted(by_topic.items(), key=lambda kv: (-kv[1], kv[0]))),
        components=components, orphans=orphans, cycles=sorted(cycles),
        coverage=coverage(graph))
