"""``kb discover``: a listing fetched from recorded arXiv answers replayed on 127.0.0.1, known
works dropped, the rest ranked, the best added through ``kb add``'s path; every fault of the
listing is one message, exit code 2 and nothing written.

Listings are real: the recorded arXiv answers of tests/data/arxiv-api and the benchmark's
listing of real papers (benchmarks/data/discover, each record's source page in its README).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from catalog_files import snapshot
from recorded_server import (
    ARXIV_PATH,
    EMPTY,
    HEAT_BATH,
    QUANTUM,
    Reply,
    arxiv_recording,
    asked_arxiv_ids,
    merged_arxiv_feed,
)

from kb.catalog import Catalog
from kb.discover.listing import ListingQuery
from kb.discover.rank import rank_papers

REPO = Path(__file__).resolve().parent.parent
BENCHMARK_FEED = REPO / "benchmarks" / "data" / "discover" / "listing.atom.xml"
BENCHMARK_RECORDS = REPO / "benchmarks" / "data" / "discover" / "records.json"


def is_listing(query: dict[str, str]) -> bool:
    """A search (``kb discover``'s listing), not an id lookup (``kb add``)."""
    return bool(query.get("search_query"))


def serve_listing(server, body: bytes, *extra: Reply) -> None:
    server.route(ARXIV_PATH, Reply(200, body, {"Content-Type": "application/atom+xml"}),
                 *extra, when=is_listing)


def listing_requests(server) -> list[dict[str, str]]:
    return [r.query for r in server.asked(ARXIV_PATH) if is_listing(r.query)]


def benchmark_feed(count: int | None = None) -> bytes:
    """The benchmark's real listing, cut to its first ``count`` entries."""
    text = BENCHMARK_FEED.read_text(encoding="utf-8")
    head, _, rest = text.partition("  <entry>")
    entries = re.findall(r"  <entry>.*?</entry>\n", "  <entry>" + rest, re.S)[:count]
    head = re.sub(r"<opensearch:totalResults>\d+<",
                  f"<opensearch:totalResults>{len(entries)}<", head)
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


# -- the query ------------------------------------------------------------------------------

def test_default_query_is_the_catalogs_topic_words_in_the_default_categories(
        recorded_server, catalog: Path, kb_cli) -> None:
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH, QUANTUM))
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--format", "json")
    assert code == 0, err
    [asked] = listing_requests(recorded_server)
    # The fixture's titles all say "diffusion"; its topics have under 3 entries each.
    assert asked["search_query"] == ("(cat:cs.CV OR cat:cs.LG OR cat:stat.ML) AND "
                                     "(ti:diffusion OR abs:diffusion)")
    assert asked["sortBy"] == "submittedDate" and asked["sortOrder"] == "descending"
    assert "arXiv listed 2 paper(s)" in err


def test_query_categories_and_since_go_into_the_search(recorded_server, catalog: Path,
                                                        kb_cli) -> None:
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH, QUANTUM))
    code, out, err = kb_cli("discover", "heat bath", "--category", "math.CO", "--since",
                            "2010-01-31", "--catalog", str(catalog), "--format", "json")
    assert code == 0, err
    [asked] = listing_requests(recorded_server)
    assert asked["search_query"].startswith("cat:math.CO AND (all:heat AND all:bath) AND "
                                            "submittedDate:[201001310000 TO ")
    # quant-ph/0201082 was published in 2002: before --since, so not a candidate.
    assert [c["arxiv"] for c in json.loads(out)] == ["1605.08386"]


def test_bad_since_and_unknown_topic_fail_before_any_request(recorded_server, catalog: Path,
                                                             kb_cli) -> None:
    code, _, err = kb_cli("discover", "--since", "last week", "--catalog", str(catalog))
    assert code == 1 and "--since 'last week' is not a date" in err
    code, _, err = kb_cli("discover", "--topic", "nope", "--catalog", str(catalog))
    assert code == 1 and "unknown topic 'nope'" in err
    code, _, err = kb_cli("discover", "--add", "0", "--catalog", str(catalog))
    assert code == 1 and "--add must be at least 1, not 0" in err
    code, _, err = kb_cli("discover", "--limit", "0", "--catalog", str(catalog))
    assert code == 1 and "--limit must be at least 1, not 0" in err
    assert recorded_server.requests == []


def test_listing_is_paged_with_the_polite_delay(recorded_server, catalog: Path, kb_cli,
                                                monkeypatch) -> None:
    monkeypatch.setattr("kb.discover.listing.PAGE_SIZE", 2)
    monkeypatch.setenv("KB_ARXIV_DELAY", "0.2")
    feed = benchmark_feed(5).decode("utf-8")
    head, _, rest = feed.partition("  <entry>")
    entries = re.findall(r"  <entry>.*?</entry>\n", "  <entry>" + rest, re.S)

    def page(start: int) -> Reply:
        return Reply(200, (head + "".join(entries[start:start + 2]) + "</feed>\n").encode())

    for start in (0, 2, 4):
        recorded_server.route(ARXIV_PATH, page(start), when=lambda q, s=start: (
            is_listing(q) and q.get("start") == str(s)))
    started = time.monotonic()
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--max-results", "5",
                            "--format", "json")
    assert code == 0, err
    asked = listing_requests(recorded_server)
    assert [(q["start"], q["max_results"]) for q in asked] == [("0", "2"), ("2", "2"),
                                                              ("4", "2")]
    assert time.monotonic() - started >= 2 * 0.2  # KB_ARXIV_DELAY between the 3 requests
    assert len(json.loads(out)) == 5


# -- what is shown ----------------------------------------------------------------------------

def test_json_is_an_array_best_first_with_ids_scores_nearest_and_topics(
        recorded_server, catalog: Path, kb_cli) -> None:
    serve_listing(recorded_server, benchmark_feed(30))
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--format", "json",
                            "--limit", "7")
    assert code == 0, err
    found = json.loads(out)
    assert isinstance(found, list) and len(found) == 7
    for candidate in found:
        assert {"arxiv", "title", "score", "nearest", "topics"} <= set(candidate)
        assert re.fullmatch(r"\d{4}\.\d{4,5}", candidate["arxiv"])  # no version suffix
        assert 0.0 <= candidate["score"] <= 1.0
        assert len(candidate["nearest"]) == 3
        assert all(set(n) == {"id", "similarity"} and n["id"] in
                   {p.stem for p in catalog.rglob("*.yaml")} for n in candidate["nearest"])
        sims = [n["similarity"] for n in candidate["nearest"]]
        assert sims == sorted(sims, reverse=True)
        assert all(set(t) == {"id", "weight"} for t in candidate["topics"])
    probabilities = [c["probability"] for c in found]
    assert probabilities == sorted(probabilities, reverse=True)  # ranked by the model
    scores = [c["score"] for c in found]
    assert scores == sorted(scores, reverse=True)  # the fit grows with the probability


def test_table_lists_the_candidates(recorded_server, catalog: Path, kb_cli) -> None:
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH, QUANTUM))
    code, out, err = kb_cli("discover", "--catalog", str(catalog))
    assert code == 0, err
    assert "1605.08386" in out and "quant-ph/0201082" in out and "2 candidates" in out


def test_works_the_catalog_has_are_dropped(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "stanley-2016-heat.yaml").write_text(
        "id: stanley-2016-heat\nkind: paper\ntitle: Heat-bath random walks with Markov bases\n"
        'arxiv: "1605.08386"\ntopics: [history]\n', encoding="utf-8")
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH, QUANTUM))
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--format", "json")
    assert code == 0, err
    assert [c["arxiv"] for c in json.loads(out)] == ["quant-ph/0201082"]
    assert "1 already in the catalog" in err


def test_diffusion_papers_rank_above_other_senses_of_diffusion() -> None:
    """Against the shipped catalog, the benchmark's real listing meets the issue's target: the
    top 12 hold at least 10 of its 12 diffusion-model papers, and no paper on diffusion MRI,
    reaction-diffusion, anomalous or information diffusion ranks above the 10th of them."""
    import arxiv._feed

    from kb.discover.listing import paper_of

    labels = {r["arxiv"]: r["label"]
              for r in json.loads(BENCHMARK_RECORDS.read_text(encoding="utf-8"))}
    papers = [paper_of(r) for r in arxiv._feed.parse(BENCHMARK_FEED.read_bytes()).results]
    ranked = rank_papers(Catalog.load(REPO / "catalog"), papers, explain=0)
    kinds = [labels.get(c.paper.arxiv, "ordinary") for c in ranked]
    tenth_diffusion = [i for i, kind in enumerate(kinds) if kind == "diffusion"][9]
    assert kinds[:12].count("diffusion") >= 10
    assert kinds.index("hard-negative") > tenth_diffusion


# -- --add --------------------------------------------------------------------------------------

def test_add_writes_the_best_k_through_the_add_path(recorded_server, catalog: Path,
                                                    kb_cli) -> None:
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH, QUANTUM))
    recorded_server.route(ARXIV_PATH, Reply(200, merged_arxiv_feed(HEAT_BATH, QUANTUM)),
                          when=lambda q: sorted(asked_arxiv_ids(q)) == ["1605.08386",
                                                                        "quant-ph/0201082"])
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--add", "2",
                            "--format", "json")
    assert code == 0, err
    written = sorted(Path(line.split(" ", 1)[1]).name for line in err.splitlines()
                     if line.startswith("wrote "))
    assert written == ["blaha-2002-quantum.yaml", "stanley-2016-heat.yaml"]
    heat = yaml.safe_load((catalog / "papers" / "stanley-2016-heat.yaml").read_text("utf-8"))
    assert heat["arxiv"] == "1605.08386" and heat["authors"] == ["Caprice Stanley",
                                                                "Tobias Windisch"]
    id_requests = [r for r in recorded_server.asked(ARXIV_PATH) if not is_listing(r.query)]
    assert len(id_requests) == 1  # kb add's one request for both ids
    assert {"stanley-2016-heat", "blaha-2002-quantum"} <= set(
        Catalog.load(catalog, use_cache=False).entries)


def test_add_dry_run_and_too_many_write_nothing(recorded_server, catalog: Path,
                                                kb_cli) -> None:
    serve_listing(recorded_server, merged_arxiv_feed(HEAT_BATH))
    recorded_server.replay_arxiv(HEAT_BATH)
    before = snapshot(catalog)
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--add", "1", "--dry-run")
    assert code == 0, err
    assert "would write" in err and "stanley-2016-heat.yaml" in err
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--add", "3")
    assert code == 1 and "--add 3: only 1 candidate(s) to add" in err
    assert snapshot(catalog) == before


# -- faults: one message, exit code 2, nothing written ----------------------------------------

FAULTS = {
    "http-500": (Reply(500), "HTTP 500"),
    "truncated-xml": (Reply(200, merged_arxiv_feed(HEAT_BATH, QUANTUM)[:-300]),
                      "not well-formed XML"),
    "cut-off-body": (Reply(200, merged_arxiv_feed(HEAT_BATH), cut_after=200), "cut off"),
    "empty-feed": (arxiv_recording(EMPTY)[1], "an empty feed"),
    "not-a-feed": (Reply(200, b"<html><body>busy</body></html>"), "not an Atom feed"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_bad_listing_is_one_message_exit_2_and_nothing_written(
        fault: str, recorded_server, catalog: Path, kb_cli) -> None:
    reply, message = FAULTS[fault]
    recorded_server.route(ARXIV_PATH, reply, when=is_listing)
    recorded_server.replay_arxiv(HEAT_BATH)
    before = snapshot(catalog)
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--add", "1")
    assert code == 2, err
    assert message in err and "error[E50" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == ""
    assert snapshot(catalog) == before
    assert all(is_listing(r.query) for r in recorded_server.asked(ARXIV_PATH))


def test_a_fault_on_the_second_page_fails_the_whole_listing(recorded_server, catalog: Path,
                                                            kb_cli, monkeypatch) -> None:
    monkeypatch.setattr("kb.discover.listing.PAGE_SIZE", 2)
    recorded_server.route(ARXIV_PATH, Reply(503), when=lambda q: is_listing(q) and
                          q.get("start") == "2")
    first = benchmark_feed(2).replace(b"<opensearch:totalResults>2<",
                                      b"<opensearch:totalResults>9<")
    recorded_server.route(ARXIV_PATH, Reply(200, first), when=lambda q: is_listing(q) and
                          q.get("start") == "0")
    code, out, err = kb_cli("discover", "--catalog", str(catalog), "--max-results", "4")
    assert code == 2 and "HTTP 503" in err and out == ""


# -- the command line -----------------------------------------------------------------------

def test_help_has_an_example(kb_cli) -> None:
    code, out, _ = kb_cli("discover", "--help")
    assert code == 0 and "Example:" in out and "--add" in out


def test_command_imports_no_model_or_network_library() -> None:
    code = ("import sys, kb.cli, kb.cli.discover, kb.discover\n"
            "print(sorted(m for m in ('sklearn', 'jieba', 'arxiv', 'requests', 'scipy', "
            "'torch', 'networkx', 'mkdocs') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr


def test_likely_topics_are_the_similarity_weighted_vote() -> None:
    from kb.discover.rank import Neighbour
    from kb.discover.topics import likely_topics

    near = [Neighbour("a", 0.6), Neighbour("b", 0.3), Neighbour("c", 0.1)]
    topics_of = {"a": ["video"], "b": ["video", "audio"], "c": ["3d"]}
    # video: 0.6 + 0.3/2 = 0.75; audio: 0.3/2 = 0.15; 3d: 0.1 < 0.15, left out (total 1.0)
    assert likely_topics(near, topics_of) == [("video", 0.75), ("audio", 0.15)]
    assert likely_topics([], topics_of) == []


def test_listing_query_needs_something_to_ask() -> None:
    from kb.errors import KbError

    with pytest.raises(KbError, match="nothing to ask arXiv"):
        ListingQuery(terms=(), categories=()).search_query()
