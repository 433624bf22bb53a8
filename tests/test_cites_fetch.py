"""``kb cites fetch``: reference lists from Semantic Scholar (recorded answers replayed on
127.0.0.1) matched to catalog entries, retried, cached, and written only when asked."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
import yaml
from recorded_server import S2_BASE, S2_DATA, Reply, closed_port_url, s2_cassette

from kb.catalog import Catalog
from kb.ingest.http_retry import retry_after_seconds as _retry_after_seconds
from kb.ingest.semantic_scholar import SemanticScholar
from kb.ingest.settings import ApiSettings

CITING_DOI = "10.2139/ssrn.2250500"  # the paper whose references were recorded
REFERENCES = f"{S2_BASE}/paper/DOI:{CITING_DOI}/references"
HEAT_REFERENCES = f"{S2_BASE}/paper/arXiv:1605.08386/references"

ENTRIES = {
    "microcredit-study": f"title: A study of microcredit\ndoi: {CITING_DOI}\n"
                         "cites: [karlan-2009-expanding]\n",
    # Titles of references on the recording's first page and (ahlin) on its second page.
    "armendariz-2010-economics": "title: The Economics of Microfinance\n",
    "karlan-2009-expanding": "title: 'EXPANDING credit access: using randomized supply "
                             "decisions to estimate the impacts'\n",
    "ahlin-2008-macroeconomics": "title: On the Macroeconomics of Microfinance\n",
    "unrelated-2020-paper": "title: Something Nobody Cites\n",
    "stanley-2016-heat": 'title: Heat-bath random walks with Markov bases\narxiv: "1605.08386"\n',
    "blaha-2002-quantum": "title: Quantum Computers and Quantum Computer Languages\n"
                          "arxiv: quant-ph/0201082\n",
    "stanley-2018-markov": "title: Markov bases, published\ndoi: 10.1016/j.aam.2017.12.004\n",
    "no-ids-book": "title: A Book Without Identifiers\n",
}


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    (root / "topics.yaml").write_text("- id: history\n  title: History\n", encoding="utf-8")
    for entry_id, fields in ENTRIES.items():
        (root / "papers" / f"{entry_id}.yaml").write_text(
            f"id: {entry_id}\nkind: paper\n{fields}topics: [history]\n", encoding="utf-8")
    return root


def cites_of(root: Path, entry_id: str) -> list[str]:
    return Catalog.load(root, use_cache=False).get(entry_id).cites


def citing_file(root: Path) -> Path:
    return root / "papers" / "microcredit-study.yaml"


def test_recorded_references_matched_by_title_across_pages(recorded_server, catalog: Path,
                                                           kb_cli) -> None:
    recorded_server.replay_s2("test_get_paper_references.yaml", path=REFERENCES)
    before = citing_file(catalog).read_text(encoding="utf-8")
    code, out, err = kb_cli("cites", "fetch", "microcredit-study", "--catalog", str(catalog))
    assert code == 0, err
    recorded = sum(len(yaml.safe_load(reply.body)["data"])
                   for _, _, reply in s2_cassette("test_get_paper_references.yaml"))
    assert out.splitlines() == [
        f"microcredit-study (DOI:{CITING_DOI}): {recorded} references, 3 in the catalog",
        "  would add armendariz-2010-economics (same title)",
        "  would add ahlin-2008-macroeconomics (same title)",  # from the second page
    ]
    assert "run with --write" in err
    asked = recorded_server.asked(REFERENCES)
    assert [r.query["offset"] for r in asked] == ["0", "50"]  # followed "next": 50
    assert all(r.query["fields"] == "externalIds,title" and r.query["limit"] == "1000"
               for r in asked)
    assert citing_file(catalog).read_text(encoding="utf-8") == before


def test_write_appends_and_a_second_run_asks_nothing(recorded_server, catalog: Path,
                                                     kb_cli) -> None:
    recorded_server.replay_s2("test_get_paper_references.yaml", path=REFERENCES)
    code, out, err = kb_cli("cites", "fetch", "microcredit-study", "--write",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert f"wrote {citing_file(catalog)}" in err
    assert cites_of(catalog, "microcredit-study") == [
        "karlan-2009-expanding", "armendariz-2010-economics", "ahlin-2008-macroeconomics"]
    text = citing_file(catalog).read_text(encoding="utf-8")
    assert text.startswith("id: microcredit-study\nkind: paper\ntitle: A study of microcredit\n")
    asked = len(recorded_server.requests)
    code, out, err = kb_cli("cites", "fetch", "microcredit-study", "--catalog", str(catalog))
    assert code == 0 and "cites all of them already" in out
    assert len(recorded_server.requests) == asked  # answered from the cache
    code, out, err = kb_cli("cites", "fetch", "microcredit-study", "--no-cache",
                            "--catalog", str(catalog))
    assert code == 0 and len(recorded_server.requests) == asked + 2


def test_matched_by_arxiv_id_and_doi_never_itself(recorded_server, catalog: Path,
                                                  kb_cli) -> None:
    # Shaped as the Graph API documents /paper/{id}/references with fields=externalIds,title.
    recorded_server.route(HEAT_REFERENCES, Reply.json({"offset": 0, "data": [
        {"citedPaper": {"paperId": "a1", "title": "Quantum languages, journal version",
                        "externalIds": {"ArXiv": "quant-ph/0201082", "DOI": "10.9/other"}}},
        {"citedPaper": {"paperId": "a2", "title": "Markov bases",
                        "externalIds": {"DOI": "10.1016/J.AAM.2017.12.004"}}},
        {"citedPaper": {"paperId": None, "title": None, "externalIds": None}},
        {"citedPaper": {"paperId": "a3", "title": "Heat-bath random walks with Markov bases",
                        "externalIds": {"ArXiv": "1605.08386"}}},
    ]}))
    code, out, err = kb_cli("cites", "fetch", "stanley-2016-heat", "--write",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert "  added blaha-2002-quantum (same arXiv id)" in out
    assert "  added stanley-2018-markov (same DOI)" in out
    assert cites_of(catalog, "stanley-2016-heat") == ["blaha-2002-quantum",
                                                      "stanley-2018-markov"]


@pytest.mark.parametrize(("env", "expected"), [
    ({"KB_S2_API_KEY": "key-1", "S2_API_KEY": "key-2"}, "key-1"),
    ({"S2_API_KEY": "key-2"}, "key-2"),
    ({}, None),
])
def test_api_key_header(env: dict, expected: str | None, recorded_server, catalog: Path,
                        kb_cli, monkeypatch) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    recorded_server.route(HEAT_REFERENCES, Reply.json({"offset": 0, "data": []}))
    assert kb_cli("cites", "fetch", "stanley-2016-heat", "--catalog", str(catalog))[0] == 0
    [asked] = recorded_server.asked(HEAT_REFERENCES)
    assert asked.headers.get("x-api-key") == expected


# -- retries ----------------------------------------------------------------------------------

def client_for(server, sleeps: list[float], **settings) -> SemanticScholar:
    values = {"s2_url": server.url + S2_BASE, "s2_retries": 3, "s2_backoff": 0.5,
              "timeout": 0.5, **settings}
    return SemanticScholar(ApiSettings(**values), cache_dir=None, sleep=sleeps.append)


def test_429_waits_what_retry_after_says(recorded_server) -> None:
    recorded_server.route(HEAT_REFERENCES, Reply(429, headers={"Retry-After": "7"}),
                          Reply.json({"data": [{"citedPaper": {"title": "T"}}]}))
    sleeps: list[float] = []
    references = client_for(recorded_server, sleeps).references("arXiv:1605.08386")
    assert [r.title for r in references] == ["T"] and sleeps == [7.0]


def test_5xx_backs_off_exponentially(recorded_server) -> None:
    recorded_server.route(HEAT_REFERENCES, Reply(503), Reply(500), Reply(502),
                          Reply.json({"data": []}))
    sleeps: list[float] = []
    assert client_for(recorded_server, sleeps).references("arXiv:1605.08386") == []
    assert sleeps == [0.5, 1.0, 2.0]  # 0.5 · 2^attempt


def test_waits_are_capped(recorded_server) -> None:
    recorded_server.route(HEAT_REFERENCES, Reply(429, headers={"Retry-After": "3600"}),
                          Reply.json({"data": []}))
    sleeps: list[float] = []
    client_for(recorded_server, sleeps, s2_max_wait=60.0).references("arXiv:1605.08386")
    assert sleeps == [60.0]


def test_retry_after_as_an_http_date() -> None:
    in_30_s = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= _retry_after_seconds(in_30_s) <= 31
    assert _retry_after_seconds("soon") is None and _retry_after_seconds("2.5") == 2.5


# -- faults: one message, exit code 2, nothing written, nothing cached ------------------------

S2_FAULTS = {
    "429-every-time": (Reply(429, headers={"Retry-After": "0"}), "HTTP 429 (tried 3 times)", 3),
    "503-every-time": (Reply(503), "HTTP 503 (tried 3 times)", 3),
    "400": (Reply.json({"error": "Unrecognized or unsupported fields"}, 400),
            "HTTP 400: Unrecognized or unsupported fields", 1),
    "not-json": (Reply(200, b"<html>gateway</html>"), "not JSON", 1),
    "empty-body": (Reply(200, b""), "an empty answer", 1),
    "no-data": (Reply.json({"offset": 0}), "has no reference list", 1),
    "cut-off": (Reply(200, b'{"offset": 0, "data": [' + b" " * 400 + b"]}", cut_after=30),
                "cut off after 30 of", 1),
    "timeout": (Reply(delay=2.0), "did not answer within 0.5 s (tried 3 times)", 3),
    "dropped": (Reply(drop=True), "Remote end closed connection", 3),
}


@pytest.mark.parametrize("fault", list(S2_FAULTS))
def test_fault_is_one_message_exit_2(fault: str, recorded_server, catalog: Path, kb_cli,
                                     monkeypatch) -> None:
    reply, message, requests = S2_FAULTS[fault]
    if fault == "timeout":
        monkeypatch.setenv("KB_HTTP_TIMEOUT", "0.2")
        message = message.replace("0.5", "0.2")
    recorded_server.route(HEAT_REFERENCES, reply)
    before = (catalog / "papers" / "stanley-2016-heat.yaml").read_bytes()
    code, out, err = kb_cli("cites", "fetch", "stanley-2016-heat", "--write",
                            "--catalog", str(catalog))
    assert code == 2, err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert len(recorded_server.asked(HEAT_REFERENCES)) == requests
    assert (catalog / "papers" / "stanley-2016-heat.yaml").read_bytes() == before
    recorded_server.route(HEAT_REFERENCES, Reply.json({"data": []}))  # the service is back:
    assert kb_cli("cites", "fetch", "stanley-2016-heat", "--catalog", str(catalog))[0] == 0
    assert len(recorded_server.asked(HEAT_REFERENCES)) == requests + 1  # nothing was cached


def test_recorded_not_found(recorded_server, catalog: Path, kb_cli) -> None:
    [(_, _, not_found), _] = s2_cassette("test_not_found.yaml")
    recorded_server.route(HEAT_REFERENCES, not_found)
    code, out, err = kb_cli("cites", "fetch", "stanley-2016-heat", "--catalog", str(catalog))
    assert code == 2
    assert "Semantic Scholar does not know arXiv:1605.08386: Paper with id 0 not found" in err
    assert len(recorded_server.asked(HEAT_REFERENCES)) == 1  # a 404 is not retried


def test_connection_refused(recorded_server, catalog: Path, kb_cli, monkeypatch) -> None:
    monkeypatch.setenv("KB_S2_API_URL", closed_port_url() + S2_BASE)
    code, out, err = kb_cli("cites", "fetch", "stanley-2016-heat", "--catalog", str(catalog))
    assert code == 2 and "Connection refused (tried 3 times)" in err


def test_one_fault_among_several_entries_writes_nothing(recorded_server, catalog: Path,
                                                        kb_cli) -> None:
    recorded_server.replay_s2("test_get_paper_references.yaml", path=REFERENCES)
    recorded_server.route(HEAT_REFERENCES, Reply(503))
    before = citing_file(catalog).read_bytes()
    code, out, err = kb_cli("cites", "fetch", "microcredit-study", "stanley-2016-heat",
                            "--write", "--catalog", str(catalog))
    assert code == 2 and citing_file(catalog).read_bytes() == before


def test_entry_without_arxiv_id_or_doi(recorded_server, catalog: Path, kb_cli) -> None:
    code, out, err = kb_cli("cites", "fetch", "no-ids-book", "--catalog", str(catalog))
    assert code == 1 and "neither an arXiv id nor a DOI" in err
    code, out, err = kb_cli("cites", "fetch", "stanley-2016-haet", "--catalog", str(catalog))
    assert code == 1 and "did you mean stanley-2016-heat" in err
    assert recorded_server.requests == []


def test_recordings_are_vendored_with_their_license() -> None:
    assert (S2_DATA / "LICENSE-semanticscholar.txt").read_text().startswith("MIT License")
    assert (S2_DATA.parent / "arxiv-api" / "LICENSE-arxiv.py.txt").exists()
