"""How much of the catalog is sourced: the share of papers whose metadata and cites name where
they were read, the share of paper → paper ``cites`` edges read from a reference list
(verified), and the cites that point to a work released after the citing paper.

The rules are :mod:`kb.provenance`'s, so these numbers count what ``kb validate`` warns about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.provenance import (
    cited_version,
    cites_later_work,
    has_metadata_source,
    has_references_source,
)

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph


@dataclass(frozen=True)
class Coverage:
    """Sourcing of the papers (kind ``paper``) and of their cites of each other.

    Shares are fractions (0 … 1, 4 decimals; 0 when there is nothing to share).
    ``later_cites`` are paper → paper cites of a later work; ``later_cites_explained`` of
    them come from an entry that names the arXiv version whose reference list was read.
    """

    papers: int
    with_metadata: int
    metadata_share: float
    with_references: int
    references_share: float
    paper_cites: int
    verified_paper_cites: int
    verified_share: float
    later_cites: int
    later_cites_share: float
    later_cites_explained: int


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def coverage(graph: CitationGraph) -> Coverage:
    papers = [e for e in graph.entries.values() if e.kind == "paper"]
    paper_ids = {e.id for e in papers}
    cites = verified = later = explained = 0
    for entry in papers:
        for target, _ in graph.targets(entry.id, ("cites",)):
            if target not in paper_ids:
                continue
            cites += 1
            verified += graph.is_verified(entry.id, target)
            if cites_later_work(entry, graph.entries[target]):
                later += 1
                explained += cited_version(entry) is not None
    with_metadata = sum(has_metadata_source(e) for e in papers)
    with_references = sum(has_references_source(e) for e in papers)
    return Coverage(
        papers=len(papers), with_metadata=with_metadata,
        metadata_share=share(with_metadata, len(papers)), with_references=with_references,
        references_share=share(with_references, len(papers)), paper_cites=cites,
        verified_paper_cites=verified, verified_share=share(verified, cites),
        later_cites=later, later_cites_share=share(later, cites), later_cites_explained=explained)
