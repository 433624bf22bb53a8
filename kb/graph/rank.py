"""PageRank of the catalog's entries: which works the rest of the catalog leans on.

PageRank (Brin & Page 1998) is the stationary distribution of a random reader who follows a
citation with probability α = 0.85 and otherwise jumps to a random entry:

    PR(v) = (1 − α)/N + α · Σ_{u → v} PR(u)/outdeg(u)  (+ α · Σ_{dangling u} PR(u)/N)

on the edges ``u → v`` of the chosen types (by default ``cites`` and ``builds_on``: citing
passes rank to the cited). Entries that cite nothing spread their rank evenly (the dangling
term). The recent ranking keeps only entries from the last ``recent_years`` years, the current
year included, and runs PageRank on the citations among them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from kb.graph.citation_graph import RANK_EDGES

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph

DAMPING = 0.85


@dataclass(frozen=True)
class Ranked:
    """An entry's PageRank ``score`` (they sum to 1), its place and how often it is cited."""

    rank: int
    id: str
    score: float
    cited_by: int
    kind: str
    year: int | None
    title: str


def rank(graph: CitationGraph, edges: Sequence[str] = RANK_EDGES, *,
         recent_years: int | None = None, this_year: int | None = None,
         limit: int | None = None) -> list[Ranked]:
    """Entries by PageRank, highest first (ties by id).

    With ``recent_years`` only entries dated ``this_year - recent_years + 1 … this_year``
    (``this_year`` defaults to today's) take part.
    """
    nodes = None
    if recent_years is not None:
        last = this_year or dt.date.today().year
        first = last - recent_years + 1
        nodes = [e.id for e in graph.entries.values()
                 if e.year is not None and first <= e.year <= last]
    view = graph.view(edges, nodes)
    if view.number_of_nodes() == 0:
        return []
    scores = nx.pagerank(view, alpha=DAMPING, tol=1e-10, max_iter=1000)
    # Equal ranks (symmetric entries) may differ in the last bits: compare to 1e-12.
    order = sorted(scores, key=lambda node: (-round(scores[node], 12), node))
    if limit is not None:
        order = order[:limit]
    ranked = []
    for place, node in enumerate(order, start=1):
        entry = graph.entries[node]
        ranked.append(Ranked(place, node, scores[node], view.in_degree(node), entry.kind,
                             entry.year, entry.title))
    return ranked
