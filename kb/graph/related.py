"""Related entries, scored the way citation explorers (Connected Papers, Inciteful) do.

For an entry *x* and a candidate *y*, with ``refs(e)`` the entries *e* cites, builds on or
reviews (the :data:`~kb.graph.CITATION_EDGES`) and ``citers(e)`` the entries that point at *e*
that way:

* **co-citation** ``|citers(x) ∩ citers(y)|`` — how many entries cite both (Small 1973);
* **coupling** ``|refs(x) ∩ refs(y)|`` — how many references they share (Kessler 1963);
* **linked** 1 if an edge of any entry-to-entry type joins *x* and *y*, else 0;
* **topics** and **tags**: how many topic ids / tags they share.

``score = 1.0·cocitation + 1.0·coupling + 1.0·linked + 0.5·topics + 0.25·tags``
(:class:`RelatedWeights`): a shared citer or reference is the strongest evidence, a direct
link counts as much as one, a shared topic half of that and a shared free tag a quarter.
Candidates with score 0 are left out; ties go to more co-citations, then coupling, then id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.graph.citation_graph import CITATION_EDGES, LINK_EDGES

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph


@dataclass(frozen=True)
class RelatedWeights:
    """How much each kind of evidence adds to the score (see the module docstring)."""

    cocitation: float = 1.0
    coupling: float = 1.0
    linked: float = 1.0
    topics: float = 0.5
    tags: float = 0.25


@dataclass(frozen=True)
class Related:
    """A related entry and each part of its score."""

    id: str
    score: float
    cocitation: int
    coupling: int
    linked: int
    topics: int
    tags: int
    kind: str
    year: int | None
    title: str


def _index(graph: CitationGraph, attribute: str) -> dict[str, list[str]]:
    """Entries by topic or by tag (cached on the graph: built once per graph)."""
    key = f"related.by_{attribute}"
    if key not in graph.memo:
        index: dict[str, list[str]] = {}
        for entry in graph.entries.values():
            for value in dict.fromkeys(getattr(entry, attribute)):
                index.setdefault(value, []).append(entry.id)
        graph.memo[key] = index
    return graph.memo[key]  # type: ignore[return-value]


def _count(groups: list[list[str]] | list[set[str]], exclude: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for group in groups:
        counts.update(group)
    counts.pop(exclude, None)
    return counts


def related(graph: CitationGraph, entry_id: str, limit: int | None = 10,
            weights: RelatedWeights | None = None) -> list[Related]:
    """Entries related to ``entry_id``, best first, each with its score's parts."""
    entry = graph.entry(entry_id)
    weights = weights or RelatedWeights()
    refs = {target for target, _ in graph.targets(entry_id, CITATION_EDGES)}
    citers = {source for source, _ in graph.sources(entry_id, CITATION_EDGES)}
    # Co-cited with x: the other references of each entry citing x.
    cocitation = _count([{t for t, _ in graph.targets(c, CITATION_EDGES)} for c in citers],
                        entry_id)
    # Coupled with x: the other citers of each of x's references.
    coupling = _count([{s for s, _ in graph.sources(r, CITATION_EDGES)} for r in refs],
                      entry_id)
    linked = ({t for t, _ in graph.targets(entry_id, LINK_EDGES)}
              | {s for s, _ in graph.sources(entry_id, LINK_EDGES)})
    topics = _count([_index(graph, "topics")[t] for t in dict.fromkeys(entry.topics)], entry_id)
    tags = _count([_index(graph, "tags")[t] for t in dict.fromkeys(entry.tags)], entry_id)
    found = []
    for other in set(cocitation) | set(coupling) | linked | set(topics) | set(tags):
        if other not in graph.entries or other == entry_id:
            continue
        parts = (cocitation[other], coupling[other], int(other in linked), topics[other],
                 tags[other])
        score = (weights.cocitation * parts[0] + weights.coupling * parts[1]
                 + weights.linked * parts[2] + weights.topics * parts[3]
                 + weights.tags * parts[4])
        if score > 0:
            e = graph.entries[other]
            found.append(Related(other, round(score, 6), *parts, e.kind, e.year, e.title))
    found.sort(key=lambda r: (-r.score, -r.cocitation, -r.coupling, r.id))
    return found if limit is None else found[:limit]
