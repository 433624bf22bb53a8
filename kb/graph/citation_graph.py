"""The catalog as one typed, directed graph (a networkx ``MultiDiGraph``), built once per load.

Nodes are the entries (by id) and the topics (as ``topic:<id>``, since a topic and a method may
share an id). An edge ``u → v`` reads "u … v", and its networkx key is its type:

==============  =====================================================================
``cites``       u cites v (``u.cites``; for surveys see ``reviews``)
``builds_on``   u builds on v: direct method lineage (``u.builds_on``)
``introduces``  u introduces (uses, explains) method v: ``u.methods`` of a non-survey,
                and ``v.papers`` of a method
``reviews``     survey u covers v: a survey's ``cites`` and ``methods``
``in_topic``    entry u is filed under topic v (``u.topics``)
==============  =====================================================================

Node attributes: ``kind``, ``year``, ``title``, ``topics``, ``tags`` (topic nodes have kind
``topic``). ``cites`` and ``reviews`` edges carry ``verified``: true when the citing entry has
``sources.references``, so its cites were read from its own reference list
(:mod:`kb.provenance`). The questions live in their own modules (:mod:`kb.graph.walk`,
:mod:`kb.graph.related`, :mod:`kb.graph.rank`, :mod:`kb.graph.stats`,
:mod:`kb.graph.timeline`); :class:`CitationGraph` names them as ``kb graph`` does.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from kb.errors import KbError, unknown_id
from kb.models import Entry, Topic
from kb.provenance import has_references_source

if TYPE_CHECKING:
    from kb.catalog import Catalog
    from kb.graph.rank import Ranked
    from kb.graph.related import Related, RelatedWeights
    from kb.graph.stats import Stats
    from kb.graph.timeline import Timeline
    from kb.graph.walk import Chain, Reached

EDGE_TYPES = ("cites", "builds_on", "introduces", "reviews", "in_topic")
LINK_EDGES = ("cites", "builds_on", "introduces", "reviews")  # entry → entry
CITATION_EDGES = ("cites", "builds_on", "reviews")  # "what it builds on or cites"
RANK_EDGES = ("cites", "builds_on")
VERIFIABLE_EDGES = ("cites", "reviews")  # read from a reference list
TOPIC_PREFIX = "topic:"
LABEL_PRIORITY = ("builds_on", "cites", "reviews", "introduces")


def topic_node(topic_id: str) -> str:
    """The node id of a topic: ``topic:<id>``."""
    return TOPIC_PREFIX + topic_id


def entry_edges(entry: Entry) -> Iterator[tuple[str, str, str]]:
    """``(source, target, type)`` for every edge one entry's fields make."""
    cite_type, method_type = ("reviews", "reviews") if entry.kind == "survey" else (
        "cites", "introduces")
    for target in entry.cites:
        yield entry.id, target, cite_type
    for target in entry.builds_on:
        yield entry.id, target, "builds_on"
    for method in entry.methods:
        yield entry.id, method, method_type
    for paper in entry.papers:
        yield paper, entry.id, "introduces"
    for topic in entry.topics:
        yield entry.id, topic_node(topic), "in_topic"


def check_edge_types(edges: Iterable[str], allowed: Sequence[str] = LINK_EDGES
                     ) -> tuple[str, ...]:
    """``edges`` as a tuple, or a :class:`KbError` (E400) naming an unknown type."""
    chosen = tuple(dict.fromkeys(edges))
    for name in chosen:
        if name not in allowed:
            raise KbError(f"unknown edge type '{name}': use {', '.join(allowed)}", code="E400")
    if not chosen:
        raise KbError("no edge type given", code="E400")
    return chosen


def add_typed_edges(graph: nx.MultiDiGraph, edges: Iterable[tuple[str, str, str]]) -> None:
    """``graph.add_edges_from(edges)`` for ``(source, target, type)`` between existing nodes,
    about ten times faster.

    networkx's own loop checks every edge (~10 µs each: a second for 100,000 citations);
    here each edge is one shared key dict in the successor and predecessor maps, the layout
    networkx documents for subclasses (``_succ[u][v][key]`` is ``_pred[v][u][key]``).
    tests/test_graph.py checks the result equals the public method's.
    """
    succ, pred = graph._succ, graph._pred
    for source, target, kind in edges:
        keys = succ[source].get(target)
        if keys is None:
            keys = succ[source][target] = pred[target][source] = graph.edge_key_dict_factory()
        if kind not in keys:
            keys[kind] = graph.edge_attr_dict_factory()


def mark_verified(graph: nx.MultiDiGraph, entries: dict[str, Entry]) -> None:
    """Set ``verified`` on every ``cites`` and ``reviews`` edge: true when its source entry
    has ``sources.references``."""
    for entry_id, entry in entries.items():
        verified = has_references_source(entry)
        for keys in graph._succ[entry_id].values():
            for kind in VERIFIABLE_EDGES:
                if kind in keys:
                    keys[kind]["verified"] = verified


# One cached graph per loaded catalog; the entry dies with its catalog.
_CACHE: dict[int, tuple[weakref.ref, CitationGraph]] = {}


class CitationGraph:
    """All entries and topics with typed edges; ask it with the ``kb graph`` names."""

    def __init__(self, graph: nx.MultiDiGraph, entries: dict[str, Entry],
                 topics: dict[str, Topic]) -> None:
        self.graph = graph
        self.entries = entries
        self.topics = topics
        self._views: dict[tuple[tuple[str, ...], frozenset[str] | None], nx.DiGraph] = {}
        self.memo: dict[str, object] = {}  # indexes the query modules build once per graph

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], topics: Iterable[Topic] = ()
                     ) -> CitationGraph:
        """Build the graph; references to ids that are not there are left out."""
        by_id = {entry.id: entry for entry in entries}
        topic_map = {topic.id: topic for topic in topics}
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(
            (entry.id, {"kind": entry.kind, "year": entry.year, "title": entry.title,
                        "topics": list(entry.topics), "tags": list(entry.tags)})
            for entry in by_id.values())
        graph.add_nodes_from(
            (topic_node(t.id), {"kind": "topic", "year": None, "title": t.title,
                                "topics": [t.parent] if t.parent else [], "tags": []})
            for t in topic_map.values())
        nodes = graph._node  # the node dict: a plain `in` is faster than graph.__contains__
        add_typed_edges(graph, (
            (source, target, kind)
            for entry in by_id.values() for source, target, kind in entry_edges(entry)
            if source in nodes and target in nodes and source != target))
        mark_verified(graph, by_id)
        return cls(graph, by_id, topic_map)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> CitationGraph:
        """A new graph of every entry and topic of ``catalog``."""
        return cls.from_entries(catalog.entries.values(), catalog.topics.values())

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> CitationGraph:
        """The graph of ``catalog``, built on first use and cached while the catalog lives.

        The cache assumes the catalog is not changed after loading (it never is by ``kb``).
        """
        key = id(catalog)
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is catalog:
            return hit[1]
        graph = cls.from_catalog(catalog)
        _CACHE[key] = (weakref.ref(catalog, lambda _ref: _CACHE.pop(key, None)), graph)
        return graph

    # -- access -------------------------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id, or a :class:`KbError` (E404) naming the closest ids."""
        try:
            return self.entries[entry_id]
        except KeyError:
            raise unknown_id(entry_id, self.entries) from None

    def edge_counts(self) -> dict[str, int]:
        """Number of edges of each type."""
        counts = dict.fromkeys(EDGE_TYPES, 0)
        for _, _, kind in self.graph.edges(keys=True):
            counts[kind] += 1
        return counts

    def is_verified(self, source: str, target: str, kind: str = "cites") -> bool:
        """True when the ``kind`` edge ``source → target`` was read from a reference list."""
        keys = self.graph._succ.get(source, {}).get(target, {})
        return bool(keys.get(kind, {}).get("verified"))

    def targets(self, node: str, edges: Iterable[str]) -> Iterator[tuple[str, str]]:
        """``(target, type)`` of the edges out of ``node`` whose type is in ``edges``."""
        wanted = set(edges)
        for target, keys in self.graph.succ[node].items():
            for kind in keys:
                if kind in wanted:
                    yield target, kind

    def sources(self, node: str, edges: Iterable[str]) -> Iterator[tuple[str, str]]:
        """``(source, type)`` of the edges into ``node`` whose type is in ``edges``."""
        wanted = set(edges)
        for source, keys in self.graph.pred[node].items():
            for kind in keys:
                if kind in wanted:
                    yield source, kind

    def view(self, edges: Sequence[str], nodes: Iterable[str] | None = None) -> nx.DiGraph:
        """A simple ``DiGraph`` of entries (or of ``nodes``) with only ``edges``, cached.

        Its edges carry ``type``: of the chosen types joining the two nodes, the one that says
        most (:data:`LABEL_PRIORITY`: lineage before citation).
        """
        chosen = check_edge_types(edges)
        keep = frozenset(nodes) if nodes is not None else None
        cache_key = (chosen, keep)
        if cache_key in self._views:
            return self._views[cache_key]
        members = keep if keep is not None else self.entries.keys()
        view = nx.DiGraph()
        view.add_nodes_from(node for node in self.entries if node in members)
        preferred = [kind for kind in LABEL_PRIORITY if kind in chosen]
        succ, pred = view._succ, view._pred  # filled directly: see add_typed_edges
        for source, targets in self.graph._succ.items():
            if source not in succ:
                continue
            for target, keys in targets.items():
                kind = next((k for k in preferred if k in keys), None)
                if kind is not None and target in succ:
                    succ[source][target] = pred[target][source] = {"type": kind}
        self._views[cache_key] = view
        return view

    # -- the questions (see the modules they come from) ---------------------------------------

    def ancestors(self, entry_id: str, edges: Sequence[str] = CITATION_EDGES,
                  max_depth: int | None = None) -> list[Reached]:
        """What ``entry_id`` builds on or cites, transitively (:func:`kb.graph.walk.walk`)."""
        from kb.graph.walk import walk

        return walk(self, entry_id, edges, max_depth, forward=True)

    def descendants(self, entry_id: str, edges: Sequence[str] = CITATION_EDGES,
                    max_depth: int | None = None) -> list[Reached]:
        """What builds on or cites ``entry_id``, transitively."""
        from kb.graph.walk import walk

        return walk(self, entry_id, edges, max_depth, forward=False)

    def path(self, source: str, target: str, edges: Sequence[str] = CITATION_EDGES
             ) -> Chain | None:
        """The shortest chain between two entries (:func:`kb.graph.walk.shortest_chain`)."""
        from kb.graph.walk import shortest_chain

        return shortest_chain(self, source, target, edges)

    def related(self, entry_id: str, limit: int | None = 10,
                weights: RelatedWeights | None = None) -> list[Related]:
        """Entries related by co-citation, coupling, links, topics and tags."""
        from kb.graph.related import related

        return related(self, entry_id, limit, weights)

    def rank(self, edges: Sequence[str] = RANK_EDGES, recent_years: int | None = None,
             this_year: int | None = None, limit: int | None = None) -> list[Ranked]:
        """PageRank of the entries (:func:`kb.graph.rank.rank`)."""
        from kb.graph.rank import rank

        return rank(self, edges, recent_years=recent_years, this_year=this_year, limit=limit)

    def stats(self) -> Stats:
        """Counts, components, orphans and citation cycles (:func:`kb.graph.stats.stats`)."""
        from kb.graph.stats import stats

        return stats(self)

    def timeline(self) -> Timeline:
        """Entries per year by kind and by topic (:func:`kb.graph.timeline.timeline`)."""
        from kb.graph.timeline import timeline

        return timeline(self)
