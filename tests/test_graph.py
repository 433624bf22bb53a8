"""The citation graph and its questions, on tests/data/graph_catalog.

Every expected value below is worked out by hand from the fixture's files:

    ant-2015-alpha  ←cites— bee, cat, eel      cat —builds_on→ ant     dog —builds_on→ cat
    bee-2019-beta   ←cites— cat, dog           fox —cites→ dog, eel     x, y —cites→ eel
    cat-2020-gamma  ←cites— dog, eel           owl (survey) —reviews→ cat, dog, eel, mone
    cat —introduces→ mone (cat.methods, mone.papers)   gnu ⇄ hen (cites)   lone: no links
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from kb.errors import KbError
from kb.graph import CitationGraph, RelatedWeights

ANT, BEE, CAT, DOG = "ant-2015-alpha", "bee-2019-beta", "cat-2020-gamma", "dog-2021-delta"
EEL, FOX, GNU, HEN = "eel-2021-epsilon", "fox-2022-zeta", "gnu-2022-cycle", "hen-2022-cycle"
OWL, MONE, X, Y, LONE = "owl-2023-survey", "mone", "x-tutorial", "y-repo", "lone-tutorial"
ALL = [ANT, BEE, CAT, DOG, EEL, FOX, GNU, HEN, OWL, MONE, X, Y, LONE]

# The cites + builds_on edges (one per pair), read off the YAML files.
CITATIONS = [(BEE, ANT), (CAT, ANT), (CAT, BEE), (DOG, BEE), (DOG, CAT), (EEL, ANT),
             (EEL, CAT), (FOX, DOG), (FOX, EEL), (X, EEL), (Y, EEL), (GNU, HEN), (HEN, GNU)]


def pagerank_by_power_iteration(nodes: list[str], edges: list[tuple[str, str]],
                                alpha: float = 0.85) -> dict[str, float]:
    """PR = (1-α)/N + α(Σ_in PR(u)/outdeg(u) + Σ_dangling PR(u)/N), iterated to a fixed point."""
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    out = np.zeros(n)
    for source, _ in edges:
        out[index[source]] += 1
    rank = np.full(n, 1 / n)
    for _ in range(500):
        new = np.full(n, (1 - alpha) / n) + alpha * rank[out == 0].sum() / n
        for source, target in edges:
            new[index[target]] += alpha * rank[index[source]] / out[index[source]]
        rank = new
    return {node: rank[index[node]] for node in nodes}


def test_nodes_carry_kind_year_title_topics_tags(citation_graph: CitationGraph) -> None:
    data = citation_graph.graph.nodes[CAT]
    assert data == {"kind": "paper", "year": 2020, "title": "Gamma Diffusion",
                    "topics": ["foundations", "sampling"], "tags": ["ddpm"]}
    assert citation_graph.graph.nodes["topic:sampling"]["kind"] == "topic"
    assert set(citation_graph.entries) == set(ALL)


def test_edges_are_typed(citation_graph: CitationGraph) -> None:
    assert citation_graph.edge_counts() == {"cites": 13, "builds_on": 2, "introduces": 1,
                                            "reviews": 4, "in_topic": 12}
    edges = set(citation_graph.graph.edges(keys=True))
    assert (CAT, MONE, "introduces") in edges  # from cat.methods and mone.papers, once
    assert (OWL, MONE, "reviews") in edges and (OWL, CAT, "reviews") in edges
    assert (OWL, CAT, "cites") not in edges  # a survey's cites are reviews
    assert (CAT, "topic:sampling", "in_topic") in edges


def test_fast_edge_filling_equals_networkx_own(graph_catalog, citation_graph) -> None:
    from kb.graph import entry_edges, topic_node

    reference = nx.MultiDiGraph()
    reference.add_nodes_from(citation_graph.graph.nodes(data=True))
    reference.add_edges_from(  # no fixture entry has sources.references: none is verified
        (s, t, kind, {"verified": False} if kind in ("cites", "reviews") else {})
        for e in graph_catalog for s, t, kind in entry_edges(e))
    assert nx.utils.graphs_equal(reference, citation_graph.graph)
    built = citation_graph.graph
    assert sorted(built.in_edges(keys=True)) == sorted(built.edges(keys=True))
    assert topic_node("sampling") in built
    view = citation_graph.view(["cites", "builds_on"])  # builds_on labels an edge first
    simple = nx.DiGraph()
    simple.add_nodes_from(citation_graph.entries)
    builds_on_first = sorted(reference.edges(keys=True), key=lambda e: e[2] != "builds_on")
    for source, target, kind in builds_on_first:
        if kind in ("cites", "builds_on") and not simple.has_edge(source, target):
            simple.add_edge(source, target, type=kind)
    assert nx.utils.graphs_equal(simple, view)
    assert sorted(view.in_edges()) == sorted(view.edges())


def test_for_catalog_is_built_once(graph_catalog, citation_graph: CitationGraph) -> None:
    assert CitationGraph.for_catalog(graph_catalog) is citation_graph
    assert CitationGraph.from_catalog(graph_catalog) is not citation_graph


def test_ancestors_with_depth_and_via(citation_graph: CitationGraph) -> None:
    found = citation_graph.ancestors(FOX)
    assert [(r.id, r.depth, r.via, r.edge) for r in found] == [
        (DOG, 1, FOX, "cites"), (EEL, 1, FOX, "cites"),
        (ANT, 2, EEL, "cites"), (BEE, 2, DOG, "cites"), (CAT, 2, DOG, "builds_on")]
    assert [r.id for r in citation_graph.ancestors(FOX, max_depth=1)] == [DOG, EEL]
    assert [(r.id, r.depth) for r in citation_graph.ancestors(DOG, edges=["builds_on"])] == [
        (CAT, 1), (ANT, 2)]


def test_descendants(citation_graph: CitationGraph) -> None:
    found = citation_graph.descendants(ANT)
    assert [(r.id, r.depth) for r in found] == [
        (BEE, 1), (CAT, 1), (EEL, 1), (DOG, 2), (FOX, 2), (OWL, 2), (X, 2), (Y, 2)]
    assert [r.id for r in citation_graph.descendants(ANT, max_depth=1)] == [BEE, CAT, EEL]
    assert [r.id for r in citation_graph.descendants(ANT, edges=["builds_on"])] == [CAT, DOG]
    assert [r.id for r in citation_graph.descendants(MONE, edges=["introduces"])] == [CAT]


def test_a_cycle_does_not_loop(citation_graph: CitationGraph) -> None:
    assert [(r.id, r.depth) for r in citation_graph.ancestors(GNU)] == [(HEN, 1)]


def test_path_forward_backward_and_mixed(citation_graph: CitationGraph) -> None:
    forward = citation_graph.path(FOX, ANT)
    assert forward.direction == "forward" and forward.nodes == [FOX, EEL, ANT]
    backward = citation_graph.path(ANT, FOX)
    assert backward.direction == "backward" and backward.nodes == [ANT, EEL, FOX]
    assert backward.arrows() == f"{ANT} ←cites— {EEL} ←cites— {FOX}"
    mixed = citation_graph.path(X, Y)
    assert mixed.direction == "mixed"
    assert mixed.arrows() == f"{X} —cites→ {EEL} ←cites— {Y}"
    assert citation_graph.path(LONE, ANT) is None
    assert citation_graph.path(GNU, ANT) is None


def test_path_follows_only_the_chosen_edges(citation_graph: CitationGraph) -> None:
    chain = citation_graph.path(DOG, ANT, edges=["builds_on"])
    assert chain.arrows() == f"{DOG} —builds_on→ {CAT} —builds_on→ {ANT}"
    assert citation_graph.path(FOX, ANT, edges=["builds_on"]) is None


def test_related_scores_each_part(citation_graph: CitationGraph) -> None:
    # cat: refs {ant, bee}; citers {dog, eel, owl}; topics {foundations, sampling}; tags {ddpm}.
    # co-citation: dog cites bee; eel cites ant; owl reviews dog, eel, mone.
    # coupling: ant is also cited by bee, eel; bee is also cited by dog.
    # linked: ant, bee, mone (out), dog, eel, owl (in).
    expected = [  # id, cocitation, coupling, linked, topics, tags
        (DOG, 1, 1, 1, 1, 1), (BEE, 1, 1, 1, 1, 0), (EEL, 1, 1, 1, 0, 0),
        (ANT, 1, 0, 1, 1, 0), (MONE, 1, 0, 1, 1, 0), (OWL, 0, 0, 1, 1, 0)]
    found = citation_graph.related(CAT)
    assert [(r.id, r.cocitation, r.coupling, r.linked, r.topics, r.tags) for r in found] == \
        expected
    for r, (_, cocitation, coupling, linked, topics, tags) in zip(found, expected, strict=True):
        assert r.score == pytest.approx(cocitation + coupling + linked + 0.5 * topics
                                        + 0.25 * tags)
    assert [r.id for r in citation_graph.related(CAT, limit=2)] == [DOG, BEE]


def test_related_weights_can_change(citation_graph: CitationGraph) -> None:
    only_topics = RelatedWeights(cocitation=0, coupling=0, linked=0, topics=1, tags=0)
    found = citation_graph.related(CAT, limit=None, weights=only_topics)
    # All score 1; ties go to more co-citations, then coupling, then id.
    assert [(r.id, r.score) for r in found] == [(BEE, 1), (DOG, 1), (ANT, 1), (MONE, 1),
                                                (OWL, 1)]


def test_rank_is_pagerank_on_citations(citation_graph: CitationGraph) -> None:
    expected = pagerank_by_power_iteration(ALL, CITATIONS)
    found = citation_graph.rank()
    assert {r.id: r.score for r in found} == pytest.approx(expected, abs=1e-8)
    assert [r.rank for r in found] == list(range(1, len(ALL) + 1))
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    # gnu ⇄ hen pass their rank round and round (a rank sink); outside them ant leads.
    assert [r.id for r in found if r.id not in (GNU, HEN)][0] == ANT
    cited_by = {r.id: r.cited_by for r in found}
    assert cited_by[ANT] == 3 and cited_by[EEL] == 3 and cited_by[LONE] == 0


def test_recent_rank_keeps_the_last_years(citation_graph: CitationGraph) -> None:
    # 2022..2023: fox, gnu, hen, owl, x; among them only gnu ⇄ hen cite each other.
    recent = [FOX, GNU, HEN, OWL, X]
    expected = pagerank_by_power_iteration(recent, [(GNU, HEN), (HEN, GNU)])
    found = citation_graph.rank(recent_years=2, this_year=2023)
    assert {r.id: r.score for r in found} == pytest.approx(expected, abs=1e-8)
    assert [r.id for r in found[:2]] == [GNU, HEN]
    assert [r.id for r in citation_graph.rank(recent_years=1, this_year=2024)] == [Y]
    assert citation_graph.rank(recent_years=3, this_year=2000) == []


def test_stats(citation_graph: CitationGraph) -> None:
    stats = citation_graph.stats()
    assert (stats.entries, stats.topics) == (13, 3)
    assert stats.by_kind == {"paper": 8, "tutorial": 2, "method": 1, "repo": 1, "survey": 1}
    assert stats.by_year == {2015: 1, 2019: 1, 2020: 2, 2021: 2, 2022: 3, 2023: 2, 2024: 1}
    assert stats.undated == 1
    assert stats.by_topic == {"guidance": 5, "sampling": 4, "foundations": 3}
    assert stats.components == [10, 2, 1]
    assert stats.orphans == [LONE]
    assert stats.cycles == [[GNU, HEN]]


def test_timeline(citation_graph: CitationGraph) -> None:
    timeline = citation_graph.timeline()
    assert timeline.years == list(range(2015, 2025))
    assert timeline.by_kind == {
        "paper": {2015: 1, 2019: 1, 2020: 1, 2021: 2, 2022: 3}, "survey": {2023: 1},
        "tutorial": {2023: 1}, "repo": {2024: 1}, "method": {2020: 1}}
    assert timeline.by_topic == {
        "foundations": {2015: 1, 2019: 1, 2020: 1},
        "guidance": {2021: 1, 2022: 1, 2023: 1, 2024: 1},
        "sampling": {2020: 2, 2021: 1, 2023: 1}}
    assert timeline.undated == 1
    assert timeline.totals()[2016] == 0 and timeline.totals()[2022] == 3


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_timeline_plot(citation_graph: CitationGraph, tmp_path, suffix: str,
                       magic: bytes) -> None:
    from kb.graph.timeline_plot import plot_timeline

    path = plot_timeline(citation_graph.timeline(), tmp_path / f"timeline{suffix}")
    assert path.read_bytes().startswith(magic)
    with pytest.raises(KbError) as error:
        plot_timeline(citation_graph.timeline(), tmp_path / "timeline.pdf")
    assert error.value.diagnostic.code == "E401"


@pytest.mark.parametrize("question", ["ancestors", "descendants", "related"])
def test_unknown_id_suggests_close_ones(citation_graph: CitationGraph, question: str) -> None:
    with pytest.raises(KbError) as error:
        getattr(citation_graph, question)("cat-2020-gama")
    assert error.value.diagnostic.code == "E404"
    assert "did you mean cat-2020-gamma" in str(error.value)


def test_unknown_edge_type(citation_graph: CitationGraph) -> None:
    with pytest.raises(KbError) as error:
        citation_graph.ancestors(CAT, edges=["cited"])
    assert error.value.diagnostic.code == "E400"


def test_references_outside_the_entries_are_left_out() -> None:
    from kb.models import Entry

    lone = Entry(id="a", kind="paper", title="A", cites=["missing"], topics=["nowhere"])
    graph = CitationGraph.from_entries([lone])
    assert list(graph.graph.nodes) == ["a"] and graph.graph.number_of_edges() == 0


def test_the_real_catalog_builds() -> None:
    from kb.catalog import Catalog

    real = Path(__file__).resolve().parent.parent / "catalog"
    graph = CitationGraph.from_catalog(Catalog.load(real, strict=False))
    assert graph.graph.number_of_nodes() >= len(graph.entries)
    graph.stats()
    graph.rank(limit=5)
