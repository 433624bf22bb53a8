"""``kb add doi:…``: Crossref records become catalog files, against recorded Crossref answers.

The ``recorded_server`` fixture replays real answers of the Crossref REST API
(tests/data/crossref-api, recorded by the habanero package's test suite) on 127.0.0.1; the
real ``requests`` client and our mapping run. Expected values are read off the recordings by
eye, never computed by the code under test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from catalog_files import snapshot
from recorded_server import (
    CROSSREF_WORKS,
    HEAT_BATH,
    Reply,
    closed_port_url,
    crossref_recording,
)

from kb.catalog import Catalog
from kb.errors import KbError
from kb.ingest.crossref_csl import jats_text
from kb.ingest.doi_ids import looks_like_doi, parse_doi
from kb.ingest.settings import ApiSettings

PLOS = "works_10.1371_journal.pone.0033693.json"
PLOS_2 = "works_10.1371_journal.pone.0020476.json"
AGING = "works_10.1016_j.neurobiolaging.2010.03.024.json"
ORTHO = "works_10.1002_jor.1100150407.json"
SREP = "works_10.1038_srep16696.json"
NO_DATE = "works_10.1109_icdcsw.2003.1203662.json"
ONE_NAME = "works_10.3892_ijo_00000353.json"
UNKNOWN = "works_10.1371_notarealdoi.json"


def added(out: str) -> dict:
    return yaml.safe_load(Path(out.strip()).read_text(encoding="utf-8"))


# -- what a user may type -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "doi:10.1371/journal.pone.0033693", "DOI: 10.1371/journal.pone.0033693",
    "10.1371/journal.pone.0033693", "https://doi.org/10.1371/journal.pone.0033693",
    "http://dx.doi.org/10.1371/journal.pone.0033693", "doi.org/10.1371/journal.pone.0033693",
    "https://doi.org/10.1371%2Fjournal.pone.0033693",
])
def test_every_usual_form_of_a_doi_is_accepted(text: str) -> None:
    assert looks_like_doi(text)
    assert parse_doi(text) == "10.1371/journal.pone.0033693"


@pytest.mark.parametrize("text", ["doi:10.abc/x", "doi:", "10.1371", "https://doi.org/"])
def test_what_is_not_a_doi_is_a_clear_error(text: str) -> None:
    with pytest.raises(KbError, match="is not a DOI") as error:
        parse_doi(text)
    assert error.value.diagnostic.code == "E501"


def test_bad_doi_fails_before_any_request(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(PLOS)
    code, out, err = kb_cli("add", "doi:10.1371/journal.pone.0033693", "doi:10.12/x y",
                            "--catalog", str(catalog))
    assert code == 1 and "'doi:10.12/x y' is not a DOI" in err and "E501" in err
    assert recorded_server.requests == []


# -- one work -------------------------------------------------------------------------------

def test_add_doi_writes_every_field_crossref_gives(recorded_server, catalog: Path,
                                                   kb_cli) -> None:
    recorded_server.replay_crossref(PLOS)
    code, out, err = kb_cli("add", "doi:10.1371/journal.pone.0033693", "--topic", "history",
                            "--catalog", str(catalog))
    path = catalog / "papers" / "sadasivan-2012-methylphenidate.yaml"
    assert code == 0, err
    assert out.strip() == str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["kind"] == "paper" and data["topics"] == ["history"]
    assert data["title"] == ("Methylphenidate Exposure Induces Dopamine Neuron Loss and "
                             "Activation of Microglia in the Basal Ganglia of Mice")
    assert data["authors"] == ["Shankar Sadasivan", "Brooks B. Pond", "Amar K. Pani",
                               "Chunxu Qu", "Yun Jiao", "Richard J. Smeyne"]
    assert data["editors"] == ["Cesario V. Borlongan"]
    assert data["year"] == 2012 and data["month"] == 3 and str(data["date"]) == "2012-03-21"
    assert data["doi"] == "10.1371/journal.pone.0033693"
    assert data["url"] == "https://doi.org/10.1371/journal.pone.0033693"
    assert data["venue"] == "PLoS ONE" and data["entry_type"] == "article"
    assert (data["volume"], data["number"], data["pages"]) == ("7", "3", "e33693")
    assert data["publisher"] == "Public Library of Science (PLoS)"
    assert data["issn"] == "1932-6203" and data["language"] == "en"
    # one URL is written as that URL (a list of one reads the same)
    assert data["sources"]["metadata"] == (
        recorded_server.url + "/works/10.1371/journal.pone.0033693")
    entry = Catalog.load(catalog, use_cache=False).get("sadasivan-2012-methylphenidate")
    assert entry.volume == "7"
    [asked] = recorded_server.asked(CROSSREF_WORKS)
    assert asked.path == "/works/10.1371/journal.pone.0033693"


def test_user_agent_names_the_tool_and_the_mailto(recorded_server, catalog: Path, kb_cli,
                                                  monkeypatch) -> None:
    recorded_server.replay_crossref(PLOS)
    assert kb_cli("add", "10.1371/journal.pone.0033693", "--dry-run",
                  "--catalog", str(catalog))[0] == 0
    monkeypatch.setenv("KB_CROSSREF_MAILTO", "someone@example.org")
    assert kb_cli("add", "10.1371/journal.pone.0033693", "--dry-run",
                  "--catalog", str(catalog))[0] == 0
    first, second = (r.headers["user-agent"] for r in recorded_server.asked(CROSSREF_WORKS))
    assert first.startswith("diffusion-kb/") and "mailto" not in first
    assert second.startswith("diffusion-kb/") and second.endswith("mailto:someone@example.org)")


def test_page_range_becomes_bibtex_dashes_and_a_month_without_day(recorded_server,
                                                                  catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(AGING)
    code, out, err = kb_cli("add", "https://doi.org/10.1016/j.neurobiolaging.2010.03.024",
                            "--catalog", str(catalog))
    assert code == 0, err
    data = added(out)
    assert data["pages"] == "588--602" and data["year"] == 2012 and data["month"] == 3
    assert "date" not in data  # Crossref gives 2012-03: no day, so no full date
    assert data["authors"][:3] == ["Hyun Ju Lee", "Jong Kil Lee", "Hyun Lee"]
    assert data["id"] == "lee-2012-human"


def test_suffix_and_jats_abstract(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(ORTHO)
    code, out, err = kb_cli("add", "10.1002/jor.1100150407", "--catalog", str(catalog))
    assert code == 0, err
    data = added(out)
    assert "Hora, Jr., Donald" in data["authors"]  # family Hora, suffix Jr., given Donald
    assert data["abstract"].startswith("Twenty‐two beagles were divided")  # no "Abstract"
    assert "<" not in data["abstract"].split("(p")[0]
    assert data["issn"] == "0736-0266"  # the first of two


def test_two_word_family_name_keeps_the_comma_form(recorded_server, catalog: Path,
                                                   kb_cli) -> None:
    recorded_server.replay_crossref(SREP)
    code, out, err = kb_cli("add", "10.1038/srep16696", "--catalog", str(catalog))
    assert code == 0, err
    data = added(out)
    assert "Dalla Serra, Mauro" in data["authors"] and "Tuomas P. J. Knowles" in data["authors"]
    assert "pages" not in data and data["volume"] == "5"


def test_no_date_means_no_year(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(NO_DATE)
    code, out, err = kb_cli("add", "10.1109/icdcsw.2003.1203662", "--catalog", str(catalog))
    assert code == 0, err
    data = added(out)
    assert "year" not in data and "date" not in data  # Crossref's issued is [[null]]
    assert data["id"] == "arya-accurate" and data["entry_type"] == "inproceedings"
    assert data["venue"].startswith("23rd International Conference on Distributed Computing")
    assert data["pages"] == "877--882" and data["authors"] == ["V. Arya", "T. Turletti"]


def test_author_with_only_a_family_name(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(ONE_NAME)
    code, out, err = kb_cli("add", "10.3892/ijo_00000353", "--catalog", str(catalog))
    assert code == 0, err
    assert added(out)["authors"] == ["Stravopodis"]


def test_arxiv_and_doi_together_in_the_order_given(recorded_server, catalog: Path,
                                                   kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    recorded_server.replay_crossref(PLOS_2)
    code, out, err = kb_cli("add", "doi:10.1371/journal.pone.0020476", "1605.08386",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert [Path(line).name for line in out.split()] == [
        "boulkedid-2011-using.yaml", "stanley-2016-heat.yaml"]


def test_kind_can_be_given(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(PLOS_2)
    code, out, err = kb_cli("add", "10.1371/journal.pone.0020476", "--kind", "survey",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert Path(out.strip()).parent.name == "surveys"


# -- one work, one entry --------------------------------------------------------------------

def test_same_doi_any_case_is_refused_without_asking(recorded_server, catalog: Path,
                                                     kb_cli) -> None:
    recorded_server.replay_crossref(PLOS)
    assert kb_cli("add", "doi:10.1371/journal.pone.0033693", "--catalog", str(catalog))[0] == 0
    before, asked = snapshot(catalog), len(recorded_server.requests)
    code, out, err = kb_cli("add", "https://doi.org/10.1371/JOURNAL.PONE.0033693",
                            "--catalog", str(catalog))
    assert code == 1 and "E202" in err
    assert "already in the catalog as 'sadasivan-2012-methylphenidate'" in err
    assert snapshot(catalog) == before and len(recorded_server.requests) == asked


def test_same_title_is_refused_after_asking(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "boulkedid-2011-delphi.yaml").write_text(
        "id: boulkedid-2011-delphi\nkind: paper\ntitle: Using and reporting the Delphi method "
        "for selecting healthcare quality indicators - a systematic review\n"
        "authors: [Rym Boulkedid]\nyear: 2011\ntopics: [history]\n", encoding="utf-8")
    recorded_server.replay_crossref(PLOS_2)
    before = snapshot(catalog)
    code, out, err = kb_cli("add", "10.1371/journal.pone.0020476", "--catalog", str(catalog))
    assert code == 1 and "as 'boulkedid-2011-delphi' (same title" in err
    assert snapshot(catalog) == before


def test_one_doi_given_twice_is_asked_once(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(PLOS)
    code, out, err = kb_cli("add", "10.1371/journal.pone.0033693",
                            "doi:10.1371/JOURNAL.PONE.0033693", "--catalog", str(catalog))
    assert code == 0, err
    assert len(out.split()) == 1 and len(recorded_server.asked(CROSSREF_WORKS)) == 1


# -- network faults: one message, exit code 2, nothing written ------------------------------

def _cut(name: str, keep: int) -> Reply:
    """The recorded answer cut to ``keep`` bytes, with a Content-Length that says so."""
    _, reply = crossref_recording(name)
    return Reply(200, reply.body[:keep], reply.headers)


FAULTS = {
    "unknown-doi-404": ("E504", "Crossref does not know DOI 10.1371/notarealdoi: Resource not "
                                "found."),
    "http-500": ("E503", "Crossref answered HTTP 500 (tried 2 times)"),
    "http-503": ("E503", "Crossref answered HTTP 503 (tried 2 times)"),
    "http-429": ("E503", "Crossref answered HTTP 429 (tried 2 times)"),
    "truncated-json": ("E503", "Crossref sent an answer that is not JSON"),
    "cut-off-body": ("E503", "Crossref's answer was cut off after 300 of"),
    "empty-body": ("E503", "Crossref sent an empty answer"),
    "not-a-work": ("E503", "is not a work record"),
    "timeout": ("E503", "Crossref did not answer within 0.5 s (tried 2 times)"),
    "dropped-connection": ("E503", "Remote end closed connection without response"),
    "connection-refused": ("E503", "Connection refused"),
    "second-doi-unknown": ("E504", "Crossref does not know DOI 10.1371/notarealdoi"),
}


def _make_fault(server, name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Set the server up to fail as ``name`` says; return the DOIs to ask for."""
    doi = "10.1371/journal.pone.0033693"
    path = CROSSREF_WORKS + doi
    replies = {"http-500": Reply(500), "http-503": Reply(503),
               "http-429": Reply(429, headers={"Retry-After": "0"}),
               "truncated-json": _cut(PLOS, 500), "empty-body": Reply(200, b""),
               "not-a-work": Reply.json({"status": "ok", "message-type": "work-list",
                                         "message": {"items": []}}),
               "timeout": Reply(delay=2.0), "dropped-connection": Reply(drop=True)}
    if name in replies:
        server.route(path, replies[name])
    elif name == "unknown-doi-404":
        return [server.replay_crossref(UNKNOWN)]
    elif name == "cut-off-body":
        _, reply = crossref_recording(PLOS)
        server.route(path, Reply(200, reply.body, reply.headers, cut_after=300))
    elif name == "connection-refused":
        monkeypatch.setenv("KB_CROSSREF_API_URL", closed_port_url() + CROSSREF_WORKS)
    elif name == "second-doi-unknown":
        server.replay_crossref(PLOS)
        return [doi, server.replay_crossref(UNKNOWN)]
    return [doi]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_network_fault_is_one_message_exit_2_and_nothing_written(
        fault: str, recorded_server, catalog: Path, kb_cli, monkeypatch) -> None:
    dois = _make_fault(recorded_server, fault, monkeypatch)
    before = snapshot(catalog)
    started = time.monotonic()
    code, out, err = kb_cli("add", *dois, "--catalog", str(catalog))
    error_code, message = FAULTS[fault]
    assert code == 2, err
    assert message in err and f"error[{error_code}]" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == ""
    assert snapshot(catalog) == before
    assert time.monotonic() - started < 5


def test_a_retry_that_succeeds_adds_the_work(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_crossref(PLOS)
    doi, recorded = crossref_recording(PLOS)
    recorded_server.route(CROSSREF_WORKS + doi, Reply(503), recorded)
    code, out, err = kb_cli("add", doi, "--catalog", str(catalog))
    assert code == 0, err
    assert len(recorded_server.asked(CROSSREF_WORKS)) == 2


# -- settings -------------------------------------------------------------------------------

def test_defaults(monkeypatch) -> None:
    for name in ("KB_CROSSREF_API_URL", "KB_CROSSREF_MAILTO", "KB_CROSSREF_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    settings = ApiSettings.from_env()
    assert settings.crossref_url == "https://api.crossref.org/works/"
    assert settings.crossref_mailto is None and settings.crossref_retries == 2


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KB_CROSSREF_MAILTO", "not an address", "is not an e-mail address"),
    ("KB_CROSSREF_API_URL", "ftp://example.org/works/", "is not an http(s) URL"),
    ("KB_CROSSREF_RETRIES", "many", "is not a int"),
])
def test_bad_setting_is_a_clear_error(name: str, value: str, message: str, catalog: Path,
                                      kb_cli, monkeypatch) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = kb_cli("add", "10.1371/journal.pone.0033693", "--catalog", str(catalog))
    assert code == 1 and f"{name}={value!r} {message}" in err and "E502" in err


def test_jats_markup_and_entities_become_text() -> None:
    assert jats_text("<jats:title>Abstract</jats:title><jats:p>A &amp; B &lt; C</jats:p>") \
        == "A & B < C"


def test_a_record_without_a_title_is_refused(recorded_server, catalog: Path, kb_cli) -> None:
    doi, reply = crossref_recording(PLOS)
    answer = json.loads(reply.body)
    answer["message"]["title"] = []
    recorded_server.route(CROSSREF_WORKS + doi, Reply.json(answer))
    before = snapshot(catalog)
    code, out, err = kb_cli("add", doi, "--catalog", str(catalog))
    assert code == 2 and "E505" in err and "record of 10.1371/journal.pone.0033693" in err
    assert "cannot be an entry: title" in err
    assert snapshot(catalog) == before


def test_endpoint_without_a_trailing_slash(recorded_server, catalog: Path, kb_cli,
                                           monkeypatch) -> None:
    monkeypatch.setenv("KB_CROSSREF_API_URL", recorded_server.url + "/works")
    recorded_server.replay_crossref(PLOS)
    code, out, err = kb_cli("add", "10.1371/journal.pone.0033693", "--catalog", str(catalog))
    assert code == 0, err


def test_an_arxiv_doi_asks_arxiv(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("add", "https://doi.org/10.48550/arXiv.1605.08386",
                            "--catalog", str(catalog))
    assert code == 0, err
    assert out.strip().endswith("papers/stanley-2016-heat.yaml")
    assert recorded_server.asked(CROSSREF_WORKS) == []
