"""Entries per year, by kind and by topic: the shape of the field over time.

Every year from the first to the last dated entry has a row, empty years included, so a plot
of the counts has an honest time axis. Undated entries are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.models import KINDS

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph


@dataclass(frozen=True)
class Timeline:
    """``by_kind[kind][year]`` and ``by_topic[topic][year]`` counts over ``years``."""

    years: list[int]
    by_kind: dict[str, dict[int, int]]
    by_topic: dict[str, dict[int, int]]
    undated: int

    def totals(self) -> dict[int, int]:
        """All entries per year."""
        return {year: sum(counts.get(year, 0) for counts in self.by_kind.values())
                for year in self.years}


def timeline(graph: CitationGraph) -> Timeline:
    dated = [e for e in graph.entries.values() if e.year is not None]
    years = list(range(min(e.year for e in dated), max(e.year for e in dated) + 1)) \
        if dated else []
    by_kind: dict[str, dict[int, int]] = {}
    by_topic: dict[str, dict[int, int]] = {}
    for entry in dated:
        kind_counts = by_kind.setdefault(entry.kind, {})
        kind_counts[entry.year] = kind_counts.get(entry.year, 0) + 1
        for topic in dict.fromkeys(entry.topics):
            topic_counts = by_topic.setdefault(topic, {})
            topic_counts[entry.year] = topic_counts.get(entry.year, 0) + 1
    kinds = sorted(by_kind, key=KINDS.index)
    return Timeline(
        years=years,
        by_kind={kind: dict(sorted(by_kind[kind].items())) for kind in kinds},
        by_topic={topic: dict(sorted(by_topic[topic].items())) for topic in sorted(by_topic)},
        undated=len(graph.entries) - len(dated))
