"""A listed paper's likely topics, voted by its nearest catalog entries.

The 10 nearest entries (tf-idf cosine, :mod:`kb.discover.rank`) each vote for their topics
with their similarity; an entry in several topics splits its vote. A topic's weight is its
share of the votes,

    weight(t) = Σ_{e ∋ t} sim(e) / |topics(e)|  ÷  Σ_e sim(e),

and the topics with a weight of at least :data:`MIN_WEIGHT` are kept, best first, at most
:data:`MAX_TOPICS`. Neighbours rather than a one-vs-rest classifier per topic, measured by
``benchmarks/discover_topics.py`` (each catalog entry's topics guessed from the rest): the
vote's top guess is one of the entry's topics for 85% of the 357 entries, a 5-fold
one-vs-rest logistic regression's for 81%; 31 of the 50 topics in use have fewer than 15
entries, too few to fit a classifier on, and the votes name the entries they come from,
which are shown beside them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Protocol

MAX_TOPICS = 3
MIN_WEIGHT = 0.15


class Scored(Protocol):
    id: str
    similarity: float


def likely_topics(nearest: Sequence[Scored], topics_of: Mapping[str, list[str]]
                  ) -> list[tuple[str, float]]:
    """``(topic, weight)`` pairs, best first (ties by topic id)."""
    votes: dict[str, float] = defaultdict(float)
    total = 0.0
    for neighbour in nearest:
        topics = topics_of.get(neighbour.id, [])
        total += neighbour.similarity
        for topic in topics:
            votes[topic] += neighbour.similarity / len(topics)
    if total <= 0:
        return []
    ranked = sorted(((t, v / total) for t, v in votes.items()), key=lambda p: (-p[1], p[0]))
    return [(t, round(w, 4)) for t, w in ranked if w >= MIN_WEIGHT][:MAX_TOPICS]
