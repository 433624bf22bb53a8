"""``kb add``: arXiv records become catalog files, against recorded arXiv answers.

The ``recorded_server`` fixture replays real arXiv API answers (tests/data/arxiv-api) on
127.0.0.1; the real ``arxiv`` client and parser run. Expected values are read off the
recordings by eye, never computed by the code under test.
"""

from __future__ import annotations

import socket
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
    ERROR_400,
    HEAT_BATH,
    QUANTUM,
    TWO_IDS,
    ZERO,
    Reply,
    arxiv_recording,
    asked_arxiv_ids,
    closed_port_url,
    merged_arxiv_feed,
    with_arxiv_fields,
)

from kb.catalog import Catalog
from kb.errors import KbError
from kb.ingest.arxiv_api import arxiv_client, query_url_format
from kb.ingest.arxiv_ids import parse_arxiv_id
from kb.ingest.settings import ApiSettings

MODELINE = "# yaml-language-server: $schema=../schema.json\n"


# -- ids --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2006.11239", "2006.11239"),
    ("arxiv:2006.11239", "2006.11239"),
    ("arXiv:2006.11239v3", "2006.11239"),
    ("  2006.11239v12 ", "2006.11239"),
    ("https://arxiv.org/abs/2006.11239", "2006.11239"),
    ("https://arxiv.org/abs/2006.11239v2", "2006.11239"),
    ("http://export.arxiv.org/abs/2006.11239/", "2006.11239"),
    ("https://arxiv.org/pdf/2006.11239.pdf", "2006.11239"),
    ("https://arxiv.org/pdf/2006.11239v1", "2006.11239"),
    ("arxiv.org/abs/1605.08386", "1605.08386"),
    ("quant-ph/0201082", "quant-ph/0201082"),
    ("quant-ph/0201082v1", "quant-ph/0201082"),
    ("https://arxiv.org/abs/quant-ph/0201082v1", "quant-ph/0201082"),
    ("https://www.arxiv.org/pdf/hep-th/9901001v2.pdf", "hep-th/9901001"),
    ("math.GT/0309136", "math.GT/0309136"),
])
def test_every_usual_form_of_an_arxiv_id_is_accepted(text: str, expected: str) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize("text", [
    "abc", "", "2006.112", "arxiv:", "https://example.org/abs/2006.11239",
    "https://arxiv.org/list/cs.LG/recent", "10.48550/arXiv.2006.11239", "../../etc/passwd",
])
def test_what_is_not_an_arxiv_id_is_a_clear_error(text: str) -> None:
    with pytest.raises(KbError, match="not an arXiv") as error:
        parse_arxiv_id(text)
    assert error.value.diagnostic.code == "E501"


def test_bad_id_fails_before_any_request(recorded_server, catalog: Path, kb_cli) -> None:
    code, out, err = kb_cli("add", "2006.11239", "nonsense", "--catalog", str(catalog))
    assert code == 1 and "'nonsense' is not an arXiv id" in err
    assert recorded_server.requests == []


# -- one paper --------------------------------------------------------------------------------

def test_add_writes_a_hand_written_looking_file(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("add", "arxiv:1605.08386", "--catalog", str(catalog),
                            "--topic", "history", "--tag", "Markov-chains")
    path = catalog / "papers" / "stanley-2016-heat.yaml"
    assert code == 0, err
    assert out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(MODELINE)
    data = yaml.safe_load(text)
    assert list(data) == ["id", "kind", "title", "authors", "year", "date", "arxiv", "url",
                          "tags", "topics", "abstract", "links"]
    assert data["id"] == "stanley-2016-heat" and data["kind"] == "paper"
    assert data["title"] == "Heat-bath random walks with Markov bases"
    assert data["authors"] == ["Caprice Stanley", "Tobias Windisch"]
    assert data["year"] == 2016 and str(data["date"]) == "2016-05-26"
    assert data["arxiv"] == "1605.08386" and '"1605.08386"' in text  # quoted: a string
    assert data["url"] == "https://arxiv.org/abs/1605.08386"
    assert data["tags"] == ["math.co", "math.st", "markov-chains"]
    assert data["topics"] == ["history"]
    assert data["links"] == {"pdf": "https://arxiv.org/pdf/1605.08386"}
    assert data["abstract"].startswith("Graphs on lattice points are studied")
    assert data["abstract"].rstrip().endswith("is an expander in fixed dimension.")
    assert "abstract: >" in text  # folded, not one 480-character line
    assert max(len(line) for line in text.splitlines()) <= 100
    entry = Catalog.load(catalog, use_cache=False).get("stanley-2016-heat")
    assert entry.date.isoformat() == "2016-05-26"
    [asked] = recorded_server.asked(ARXIV_PATH)
    assert asked_arxiv_ids(asked.query) == ["1605.08386"]


def test_old_style_id_kind_and_folder(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_arxiv(QUANTUM)
    code, out, err = kb_cli("add", "quant-ph/0201082v1", "--kind", "survey",
                            "--catalog", str(catalog))
    path = catalog / "surveys" / "blaha-2002-quantum.yaml"
    assert code == 0, err
    assert out.strip() == str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["arxiv"] == "quant-ph/0201082" and data["kind"] == "survey"
    assert data["title"] == ("Quantum Computers and Quantum Computer Languages: Quantum "
                             "Assembly Language and Quantum C Language")
    assert data["tags"] == ["quant-ph", "cs.pl"]
    assert data["links"]["pdf"] == "https://arxiv.org/pdf/quant-ph/0201082"
    assert data["abstract"].startswith("We show a representation")  # leading blanks gone
    assert "has no topic" in err  # the catalog's warning, shown once


def test_pdf_url_with_version_asks_for_the_id_without_it(recorded_server, catalog: Path,
                                                         kb_cli) -> None:
    recorded_server.replay_arxiv(ZERO)
    code, out, err = kb_cli("add", "https://arxiv.org/pdf/2104.12255v1.pdf",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert out.strip().endswith("papers/nguyen-2021-0.yaml")  # the title is "0"
    [asked] = recorded_server.asked(ARXIV_PATH)
    assert asked.query["id_list"] == "2104.12255"


def test_utf8_is_kept_as_it_is(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_arxiv(TWO_IDS, ids=["1707.08567"])
    code, out, err = kb_cli("add", "1707.08567", "--catalog", str(catalog))
    assert code == 0, err
    text = (catalog / "papers" / "immink-2017-proceedings.yaml").read_text(encoding="utf-8")
    assert "Dirk WÃ¼bben" in text and "\\u" not in text and "\\x" not in text
    assert len(yaml.safe_load(text)["authors"]) == 34


def test_several_ids_in_one_request_in_the_order_given(recorded_server, catalog: Path,
                                                       kb_cli) -> None:
    recorded_server.route(ARXIV_PATH, Reply(200, merged_arxiv_feed(QUANTUM, HEAT_BATH)))
    code, out, err = kb_cli("add", "1605.08386", "arxiv:quant-ph/0201082",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert [Path(line).name for line in out.split()] == ["stanley-2016-heat.yaml",
                                                         "blaha-2002-quantum.yaml"]
    assert len(recorded_server.asked(ARXIV_PATH)) == 1
    entries = Catalog.load(catalog, use_cache=False).entries
    assert {"stanley-2016-heat", "blaha-2002-quantum"} <= set(entries)


def test_dry_run_prints_the_yaml_and_writes_nothing(recorded_server, catalog: Path,
                                                    kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    before = snapshot(catalog)
    code, out, err = kb_cli("add", "1605.08386", "--dry-run", "--catalog", str(catalog))
    assert code == 0, err
    assert out.startswith(MODELINE) and "id: stanley-2016-heat\n" in out
    assert "would write" in err and "stanley-2016-heat.yaml" in err
    assert snapshot(catalog) == before


def test_taken_id_gets_a_letter(recorded_server, catalog: Path, kb_cli) -> None:
    other = catalog / "papers" / "stanley-2016-heat.yaml"
    other.write_text("id: stanley-2016-heat\nkind: paper\ntitle: Heat and Light\n"
                     "topics: [history]\n", encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 0, err
    assert out.strip().endswith("papers/stanley-2016-heat-b.yaml")
    assert yaml.safe_load(Path(out.strip()).read_text())["id"] == "stanley-2016-heat-b"


def test_an_unrelated_broken_file_does_not_block_adding(recorded_server, catalog: Path,
                                                        kb_cli) -> None:
    (catalog / "papers" / "broken.yaml").write_text("id: broken\nkind: [\n", encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 0, err
    assert "broken.yaml" not in err  # its error is `kb validate`'s to report


# -- one work, one entry ----------------------------------------------------------------------

def test_same_arxiv_id_any_version_is_refused_without_asking(recorded_server, catalog: Path,
                                                            kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    assert kb_cli("add", "1605.08386", "--catalog", str(catalog))[0] == 0
    before, asked = snapshot(catalog), len(recorded_server.requests)
    code, out, err = kb_cli("add", "https://arxiv.org/abs/1605.08386v2", "--catalog",
                            str(catalog))
    assert code == 1
    assert "already in the catalog as 'stanley-2016-heat'" in err and "E202" in err
    assert "stanley-2016-heat.yaml" in err  # the message points at the file
    assert snapshot(catalog) == before and len(recorded_server.requests) == asked


def test_same_title_is_refused(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "stanley-2018-heat.yaml").write_text(
        "id: stanley-2018-heat\nkind: paper\ntitle: 'HEAT-BATH Random Walks with Markov "
        "Bases.'\nvenue: Advances in Applied Mathematics\ntopics: [history]\n", encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH)
    before = snapshot(catalog)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 1
    assert "as 'stanley-2018-heat' (same title)" in err
    assert snapshot(catalog) == before


def test_a_repo_sharing_the_title_is_another_work(recorded_server, catalog: Path,
                                                  kb_cli) -> None:
    (catalog / "repos").mkdir()
    (catalog / "repos" / "heat-bath-code.yaml").write_text(
        "id: heat-bath-code\nkind: repo\ntitle: Heat-bath random walks with Markov bases\n"
        "topics: [history]\n", encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 0, err  # as `kb validate` sees it: only papers, surveys, books by title


def test_same_doi_is_refused(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "stanley-2018-markov.yaml").write_text(
        "id: stanley-2018-markov\nkind: paper\ntitle: Markov bases, published\n"
        "doi: 10.1016/j.aam.2017.12.004\ntopics: [history]\n", encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH, body=lambda body: with_arxiv_fields(
        body, doi="10.1016/J.AAM.2017.12.004"))
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 1
    assert "as 'stanley-2018-markov' (same DOI 10.1016/j.aam.2017.12.004)" in err


def test_doi_and_journal_ref_are_mapped(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH, body=lambda body: with_arxiv_fields(
        body, doi="10.1016/j.aam.2017.12.004", journal_ref="Adv. Appl. Math. 95 (2018) 1-32"))
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 0, err
    data = yaml.safe_load(Path(out.strip()).read_text(encoding="utf-8"))
    assert data["doi"] == "10.1016/j.aam.2017.12.004"
    assert data["venue"] == "Adv. Appl. Math. 95 (2018) 1-32"
    assert list(data).index("doi") < list(data).index("url") < list(data).index("venue")


def test_unknown_topic_is_refused_by_the_catalog(recorded_server, catalog: Path,
                                                 kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    before = snapshot(catalog)
    code, out, err = kb_cli("add", "1605.08386", "--topic", "histroy", "--catalog", str(catalog))
    assert code == 1 and "unknown topic 'histroy'" in err and "history" in err
    assert snapshot(catalog) == before


# -- network faults: one message, exit code 2, nothing written ------------------------------

FAULTS = {
    "http-400-error-feed": "HTTP 400: incorrect id format for abc",
    "http-429": "HTTP 429",
    "http-500": "HTTP 500",
    "http-503": "HTTP 503",
    "empty-result": "arXiv does not know 1605.08386",
    "one-id-unknown": "arXiv does not know 0808.05394",
    "not-a-feed": "not an Atom feed",
    "empty-body": "an empty answer",
    "cut-off-body": "cut off after 120 of",
    "timeout": "did not answer within 0.5 s",
    "dropped-connection": "Remote end closed connection without response",
    "connection-refused": "Connection refused",
}


def _make_fault(server, name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Set the server up to fail as ``name`` says; return the ids to ask for."""
    replies = {"http-429": Reply(429, headers={"Retry-After": "0"}), "http-500": Reply(500),
               "http-503": Reply(503), "not-a-feed": Reply(200, b"<html><p>Moved</p></html>"),
               "empty-body": Reply(200, b""), "timeout": Reply(delay=2.0),
               "dropped-connection": Reply(drop=True)}
    if name in replies:
        server.route(ARXIV_PATH, replies[name])
    elif name == "http-400-error-feed":
        server.replay_arxiv(ERROR_400, ids=["1605.08386"])
    elif name == "empty-result":
        server.replay_arxiv(EMPTY, ids=["1605.08386"])
    elif name == "one-id-unknown":
        server.replay_arxiv(TWO_IDS)
        return ["0808.05394", "1707.08567"]
    elif name == "cut-off-body":
        server.route(ARXIV_PATH, Reply(200, merged_arxiv_feed(HEAT_BATH), cut_after=120))
    elif name == "connection-refused":
        monkeypatch.setenv("KB_ARXIV_API_URL", closed_port_url() + ARXIV_PATH)
    return ["1605.08386"]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_network_fault_is_one_message_exit_2_and_nothing_written(
        fault: str, recorded_server, catalog: Path, kb_cli, monkeypatch) -> None:
    ids = _make_fault(recorded_server, fault, monkeypatch)
    before = snapshot(catalog)
    started = time.monotonic()
    code, out, err = kb_cli("add", *ids, "--catalog", str(catalog))
    assert code == 2, err
    assert FAULTS[fault] in err and "error[E50" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == ""
    assert snapshot(catalog) == before
    assert time.monotonic() - started < 5


def test_dns_failure_says_offline(recorded_server, catalog: Path, kb_cli, monkeypatch) -> None:
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setenv("KB_ARXIV_API_URL", "https://export.arxiv.org/api/query")
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 2 and "cannot resolve export.arxiv.org" in err and "offline" in err


def test_retries_are_the_configured_number(recorded_server, catalog: Path, kb_cli,
                                           monkeypatch) -> None:
    monkeypatch.setenv("KB_ARXIV_RETRIES", "2")
    monkeypatch.setenv("KB_ARXIV_DELAY", "0.05")
    recorded_server.route(ARXIV_PATH, Reply(503))
    started = time.monotonic()
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 2 and "tried 3 times" in err
    assert len(recorded_server.asked(ARXIV_PATH)) == 3
    assert time.monotonic() - started >= 2 * 0.05  # the delay is kept between tries


def test_a_retry_that_succeeds_adds_the_paper(recorded_server, catalog: Path, kb_cli) -> None:
    _, recorded = arxiv_recording(HEAT_BATH)
    recorded_server.route(ARXIV_PATH, Reply(503), recorded)
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 0, err
    assert len(recorded_server.asked(ARXIV_PATH)) == 2


# -- settings and the command line ------------------------------------------------------------

def test_client_defaults_keep_arxivs_three_seconds_and_three_retries(monkeypatch) -> None:
    for name in ("KB_ARXIV_DELAY", "KB_ARXIV_RETRIES", "KB_ARXIV_API_URL", "KB_HTTP_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    client = arxiv_client()
    assert client.delay_seconds == 3.0 and client.num_retries == 3
    assert client.query_url_format == "https://export.arxiv.org/api/query?{}"


def test_endpoint_with_a_query_or_braces_is_kept_intact() -> None:
    assert query_url_format("http://proxy/arxiv?key=1") == "http://proxy/arxiv?key=1&{}"
    assert query_url_format("http://proxy/{x}").format("a=1") == "http://proxy/{x}?a=1"


def test_bad_setting_is_a_clear_error(catalog: Path, kb_cli, monkeypatch) -> None:
    monkeypatch.setenv("KB_ARXIV_DELAY", "soon")
    code, out, err = kb_cli("add", "1605.08386", "--catalog", str(catalog))
    assert code == 1 and "KB_ARXIV_DELAY='soon' is not a float" in err
    assert ApiSettings().arxiv_delay == 3.0


@pytest.mark.parametrize("command", [["add"], ["refresh"], ["cites"], ["cites", "fetch"],
                                     ["cites", "match"], ["results"]])
def test_every_command_help_has_an_example(command: list[str], kb_cli) -> None:
    code, out, err = kb_cli(*command, "--help")
    assert code == 0 and ("Example:" in out or "Examples:" in out)


def test_cli_import_does_not_load_arxiv_or_requests() -> None:
    code = ("import sys, kb.cli, kb.cli.arxiv\n"
            "print([m for m in ('arxiv', 'requests', 'lxml') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
