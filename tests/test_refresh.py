"""``kb refresh``: entries compared with recorded arXiv answers, shown as a diff, applied with
``--write`` without touching what people wrote by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from recorded_server import (
    ARXIV_PATH,
    HEAT_BATH,
    QUANTUM,
    Reply,
    merged_arxiv_feed,
    with_arxiv_fields,
)

from kb.catalog import Catalog
from kb.ingest.yaml_patch import patch_fields, split_blocks
from kb.models import ENTRY_FIELDS, Entry

TITLE = "Heat-bath random walks with Markov bases"
DOI = "10.1016/j.aam.2017.12.004"
JOURNAL = "Adv. Appl. Math. 95 (2018) 1-32"

# A hand-written entry from before v2: an older title, our venue, tags, notes and a comment.
HAND_WRITTEN = """\
# yaml-language-server: $schema=../schema.json
id: stanley-2016-heat
kind: paper
title: Heat-bath random walks
authors: [Caprice Stanley, Tobias Windisch]
year: 2016
date: 2016-05-26
arxiv: "1605.08386"
venue: Advances in Applied Mathematics
tags: [markov-bases, mixing]
topics: [history]
# why it is here
notes: |
  Mixing of heat-bath walks; 好論文.
links:
  code: https://example.org/heat-bath
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    (root / "topics.yaml").write_text("- id: history\n  title: History\n", encoding="utf-8")
    (root / "papers" / "stanley-2016-heat.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    return root


def entry_file(root: Path) -> Path:
    return root / "papers" / "stanley-2016-heat.yaml"


def serve_version_2(server) -> None:
    """arXiv's answer once the paper got a DOI and a journal reference."""
    server.replay_arxiv(HEAT_BATH, body=lambda body: with_arxiv_fields(
        body, doi=DOI, journal_ref=JOURNAL))


def test_refresh_shows_a_diff_and_writes_nothing(recorded_server, catalog: Path,
                                                 kb_cli) -> None:
    serve_version_2(recorded_server)
    code, out, err = kb_cli("refresh", "stanley-2016-heat", "--catalog", str(catalog))
    assert code == 0, err
    name = str(entry_file(catalog))
    assert out.startswith(f"--- {name}\n+++ {name}\n")
    assert "-title: Heat-bath random walks\n" in out and f"+title: {TITLE}\n" in out
    assert f"+doi: {DOI}\n" in out
    assert "+url: https://arxiv.org/abs/1605.08386\n" in out
    assert "-venue" not in out and "+venue" not in out  # hand-set: kept ...
    assert f"venue (arXiv's journal reference) kept as 'Advances in Applied Mathematics'; " \
           f"arXiv has '{JOURNAL}'" in err  # ... and reported
    assert "stanley-2016-heat: arXiv v1, updated 2016-05-26: title, doi, url, abstract, links" \
        in err
    assert "run with --write" in err and "\x1b[" not in out  # no colour when not a terminal
    assert entry_file(catalog).read_text(encoding="utf-8") == HAND_WRITTEN


def test_write_changes_arxiv_fields_and_keeps_every_hand_written_line(
        recorded_server, catalog: Path, kb_cli) -> None:
    serve_version_2(recorded_server)
    code, out, err = kb_cli("refresh", "--write", "--catalog", str(catalog))
    assert code == 0, err
    assert "wrote 1 file" in err
    text = entry_file(catalog).read_text(encoding="utf-8")
    for line in HAND_WRITTEN.splitlines():
        if not line.startswith("title:"):
            assert line in text.splitlines()  # notes, comment, flow lists, venue: untouched
    data = yaml.safe_load(text)
    assert data["title"] == TITLE and data["doi"] == DOI
    assert data["venue"] == "Advances in Applied Mathematics"
    assert data["links"] == {"code": "https://example.org/heat-bath",
                             "pdf": "https://arxiv.org/pdf/1605.08386"}
    assert data["abstract"].startswith("Graphs on lattice points")
    assert list(data) == [f for f in ENTRY_FIELDS if f in data]  # documented order
    entry = Catalog.load(catalog, use_cache=False).get("stanley-2016-heat")
    assert entry.notes == "Mixing of heat-bath walks; 好論文."
    again = kb_cli("refresh", "--catalog", str(catalog))
    assert again[0] == 0 and again[1] == "" and "1 entry compared with arXiv, 0 changed" in again[2]


def test_empty_fields_are_filled(recorded_server, catalog: Path, kb_cli) -> None:
    entry_file(catalog).write_text('id: stanley-2016-heat\nkind: paper\ntitle: ' + TITLE +
                                   '\narxiv: "1605.08386"\ntopics: [history]\n',
                                   encoding="utf-8")
    recorded_server.replay_arxiv(HEAT_BATH)
    code, out, err = kb_cli("refresh", "--write", "--catalog", str(catalog))
    assert code == 0, err
    entry = Catalog.load(catalog, use_cache=False).get("stanley-2016-heat")
    assert entry.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert entry.year == 2016 and entry.date == dt.date(2016, 5, 26)
    assert entry.url == "https://arxiv.org/abs/1605.08386" and entry.doi is None
    assert entry.topics == ["history"]


def test_refresh_all_asks_once_for_every_entry(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "blaha-2002-quantum.yaml").write_text(
        'id: blaha-2002-quantum\nkind: paper\ntitle: "Quantum Computers and Quantum Computer '
        'Languages: Quantum Assembly Language and Quantum C Language"\narxiv: quant-ph/0201082\n'
        'year: 2002\ntopics: [history]\n', encoding="utf-8")
    recorded_server.route(ARXIV_PATH, Reply(200, merged_arxiv_feed(HEAT_BATH, QUANTUM)))
    code, out, err = kb_cli("refresh", "--catalog", str(catalog))
    assert code == 0, err
    assert "2 entries compared with arXiv, 2 changed" in err
    [asked] = recorded_server.asked(ARXIV_PATH)
    assert sorted(asked.query["id_list"].split(",")) == ["1605.08386", "quant-ph/0201082"]


def test_network_fault_writes_nothing(recorded_server, catalog: Path, kb_cli) -> None:
    recorded_server.route(ARXIV_PATH, Reply(503))
    code, out, err = kb_cli("refresh", "--write", "--catalog", str(catalog))
    assert code == 2 and "HTTP 503" in err and "Traceback" not in err
    assert entry_file(catalog).read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_refresh_that_makes_the_catalog_invalid_writes_nothing(recorded_server,
                                                                 catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "stanley-2018-markov.yaml").write_text(
        f"id: stanley-2018-markov\nkind: paper\ntitle: Published\ndoi: {DOI}\n"
        "topics: [history]\n", encoding="utf-8")
    serve_version_2(recorded_server)
    code, out, err = kb_cli("refresh", "--write", "--catalog", str(catalog))
    assert code == 1 and "E202" in err and "same DOI" in err
    assert entry_file(catalog).read_text(encoding="utf-8") == HAND_WRITTEN


def test_entry_without_arxiv_id_and_unknown_id(recorded_server, catalog: Path, kb_cli) -> None:
    (catalog / "papers" / "no-arxiv.yaml").write_text(
        "id: no-arxiv\nkind: paper\ntitle: A book chapter\ntopics: [history]\n", encoding="utf-8")
    code, out, err = kb_cli("refresh", "no-arxiv", "--catalog", str(catalog))
    assert code == 1 and "no-arxiv has no arXiv id" in err
    code, out, err = kb_cli("refresh", "stanley-2016-haet", "--catalog", str(catalog))
    assert code == 1 and "did you mean stanley-2016-heat" in err
    assert recorded_server.requests == []


# -- the patcher on its own ------------------------------------------------------------------

RENDERED = """\
# yaml-language-server: $schema=../schema.json
id: x
kind: paper
title: New title
doi: 10.1/x
notes: |
  rewritten
"""


def test_patch_replaces_and_inserts_only_the_named_fields() -> None:
    original = "# top\nid: x\nkind: paper\n# about the title\ntitle: Old\ntags:\n- a\n- b\n" \
               "notes: |\n  mine\n\n  still mine\n"
    patched = patch_fields(original, RENDERED, ["title", "doi"], ENTRY_FIELDS)
    assert patched == ("# top\nid: x\nkind: paper\n# about the title\ntitle: New title\n"
                       "doi: 10.1/x\ntags:\n- a\n- b\nnotes: |\n  mine\n\n  still mine\n")


def test_patch_removes_a_field_absent_from_the_rendering() -> None:
    original = "id: x\nkind: paper\ntitle: Old\nvenue: V\n"
    assert patch_fields(original, RENDERED, ["venue"], ENTRY_FIELDS) == \
        "id: x\nkind: paper\ntitle: Old\n"


@pytest.mark.parametrize("layout", ["---\nid: x\n", "{id: x, kind: paper}\n", "? id\n: x\n"])
def test_patch_declines_layouts_it_does_not_know(layout: str) -> None:
    assert split_blocks(layout) is None
    assert patch_fields(layout, RENDERED, ["title"], ENTRY_FIELDS) is None


def test_refreshed_entry_rules() -> None:
    from kb.ingest.refresh import refreshed_entry

    entry = Entry(id="e", kind="paper", title="Old", authors=["A. Person"], venue="NeurIPS",
                  notes="ours", tags=["t"])
    new, notes = refreshed_entry(entry, {"title": "New", "authors": ["Ada Person", "B"],
                                         "doi": DOI, "venue": JOURNAL, "tags": ["cs.lg"],
                                         "links": {"pdf": "https://arxiv.org/pdf/1"}})
    assert new.title == "New" and new.doi == DOI  # replaced; filled
    assert new.authors == ["A. Person"] and new.venue == "NeurIPS"  # hand-set: kept
    assert new.tags == ["t"] and new.notes == "ours"  # never touched
    assert new.links == {"pdf": "https://arxiv.org/pdf/1"}
    assert [n.split()[0] for n in notes] == ["authors", "venue"]
