"""Verified edges and the coverage numbers of ``kb graph stats``, on a small graph whose
expected values are counted by hand below.

    p1 paper 2019  metadata + references      cites p2 (2018), p3 (2021: later), s1
    p2 paper 2018  metadata                   cites p1 (2019: later)
    p3 paper 2021  no sources                 cites p2
    p4 paper 2020  metadata + references v2   cites p3 (2021: later, from a named version)
    s1 survey 2022 references                 cites p1 (a reviews edge)
    t1 tutorial    no sources                 cites p1 (not paper → paper)

papers 4; with metadata p1 p2 p4 (3/4); with references p1 p4 (2/4);
paper → paper cites p1→p2 p1→p3 p2→p1 p3→p2 p4→p3 (5), verified p1→p2 p1→p3 p4→p3 (3/5);
later p1→p3 p2→p1 p4→p3 (3/5), explained p4→p3 (1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.graph import CitationGraph
from kb.models import Entry

BAD = Path(__file__).parent / "data" / "bad"


def _entry(entry_id: str, kind: str, year: int, cites: list[str], **sources: object) -> Entry:
    return Entry.model_validate({"id": entry_id, "kind": kind, "title": entry_id, "year": year,
                                 "arxiv": "2101.00001" if entry_id == "p4" else None,
                                 "cites": cites, "sources": sources or None})


META, REFS = "https://example.org/meta", "https://example.org/refs"


@pytest.fixture(scope="module")
def graph() -> CitationGraph:
    return CitationGraph.from_entries([
        _entry("p1", "paper", 2019, ["p2", "p3", "s1"], metadata=META, references=REFS),
        _entry("p2", "paper", 2018, ["p1"], metadata=META),
        _entry("p3", "paper", 2021, ["p2"]),
        _entry("p4", "paper", 2020, ["p3"], metadata=META,
               references="https://arxiv.org/abs/2101.00001v2"),
        _entry("s1", "survey", 2022, ["p1"], references=REFS),
        _entry("t1", "tutorial", 2022, ["p1"]),
    ])


def test_cites_and_reviews_edges_are_marked(graph: CitationGraph) -> None:
    verified = {(s, t, k): d["verified"] for s, t, k, d in graph.graph.edges(keys=True, data=True)}
    assert verified == {("p1", "p2", "cites"): True, ("p1", "p3", "cites"): True,
                        ("p1", "s1", "cites"): True, ("p2", "p1", "cites"): False,
                        ("p3", "p2", "cites"): False, ("p4", "p3", "cites"): True,
                        ("s1", "p1", "reviews"): True, ("t1", "p1", "cites"): False}
    assert graph.is_verified("p1", "p2") and not graph.is_verified("p2", "p1")
    assert graph.is_verified("s1", "p1", "reviews") and not graph.is_verified("s1", "p1")
    assert not graph.is_verified("p1", "nowhere")


def test_coverage_counts(graph: CitationGraph) -> None:
    c = graph.stats().coverage
    assert (c.papers, c.with_metadata, c.with_references) == (4, 3, 2)
    assert (c.metadata_share, c.references_share) == (3 / 4, 2 / 4)
    assert (c.paper_cites, c.verified_paper_cites, c.verified_share) == (5, 3, 3 / 5)
    assert (c.later_cites, c.later_cites_share, c.later_cites_explained) == (3, 3 / 5, 1)


def test_an_empty_catalog_has_zero_shares() -> None:
    c = CitationGraph.from_entries([]).stats().coverage
    assert (c.papers, c.metadata_share, c.verified_share, c.later_cites_share) == (0, 0, 0, 0)


def test_stats_json_and_table_report_coverage(kb_cli) -> None:
    # tests/data/bad/cites-later-work: three sourced papers, one paper → paper cite (of a
    # later work, by date), no reference lists.
    catalog = ["--catalog", str(BAD / "cites-later-work")]
    code, out, _ = kb_cli("graph", "stats", *catalog, "--format", "json")
    assert code == 0
    assert json.loads(out)["coverage"] == {
        "papers": 3, "with_metadata": 3, "metadata_share": 1.0, "with_references": 0,
        "references_share": 0.0, "paper_cites": 1, "verified_paper_cites": 0,
        "verified_share": 0.0, "later_cites": 1, "later_cites_share": 1.0,
        "later_cites_explained": 0}
    code, out, _ = kb_cli("graph", "stats", *catalog)
    assert code == 0
    assert "with sources.metadata" in out and "100.0 %" in out and "to a later work" in out
