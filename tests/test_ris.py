"""``kb import ris`` and ``kb export ris``: real exported records, round trips, bad input.

tests/data/ris/hypernomicon-ristest.ris holds 14 RIS records that reference managers exported
(Hypernomicon's test data, see its README). Expected values are read off the file by eye.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from catalog_files import FIXTURE, snapshot, written

from kb.catalog import Catalog
from kb.export.ris import ris_name
from kb.ingest.ris_read import ris_person

DATA = Path(__file__).parent / "data"
REAL = DATA / "ris" / "hypernomicon-ristest.ris"
REPO_CATALOG = Path(__file__).parent.parent / "catalog"


# -- a real file ----------------------------------------------------------------------------

def test_real_exported_records_are_all_imported(catalog: Path, kb_cli) -> None:
    code, out, err = kb_cli("import", "ris", str(REAL), "--catalog", str(catalog))
    assert code == 0, err
    assert err.strip().endswith("14 read, 14 added, 0 already present, 0 skipped as invalid")
    assert len(out.splitlines()) == 14
    entries = Catalog.load(catalog, use_cache=False).entries
    assert len(entries) == 8 + 14


def test_real_records_keep_what_citing_needs(catalog: Path, kb_cli) -> None:
    assert kb_cli("import", "ris", str(REAL), "--catalog", str(catalog))[0] == 0
    # T1, JO and Y1 2017/01 (record 1)
    first = written(catalog, "papers", "green-2017-network")
    assert first["venue"] == "Synthese" and first["year"] == 2017 and first["month"] == 1
    assert first["authors"][1] == "Maria Şerban" and first["entry_type"] == "article"
    # a chapter: A2 editors, CY, two ISBNs in one SN, SP/EP (record 3)
    chapter = written(catalog, "papers", "kaufman-1997-disease")
    assert chapter["entry_type"] == "incollection" and chapter["venue"] == "What Is Disease?"
    assert chapter["editors"] == ["James M. Humber", "Robert F. Almeder"]
    assert chapter["pages"] == "271--286" and chapter["isbn"] == "978-1-61737-015-1"
    assert chapter["address"] == "Totowa, NJ" and chapter["publisher"] == "Humana"
    # a particle (record 4)
    assert written(catalog, "papers", "vanhooft-1997-disease")["authors"] == ["van Hooft, Stan"]
    # a book whose editors are A3, without authors: its id is made of title words (record 6)
    book = written(catalog, "books", "what-is-disease")
    assert book["kind"] == "book" and book["editors"][0] == "James M. Humber"
    # DA 2009/05/21/ and LA en (record 12); two ISSNs in one SN (record 8)
    agency = written(catalog, "papers", "steward-2009-animal")
    assert str(agency["date"]) == "2009-05-21" and agency["language"] == "en"
    assert agency["issn"] == "0020-174X" and agency["doi"] == "10.1080/00201740902917119"
    assert written(catalog, "papers", "keizer-2015-moving")["issn"] == "0169-3867"
    # DA 2011/04// (record 13): a month, no day
    reason = written(catalog, "papers", "mercier-2011-why")
    assert reason["month"] == 4 and "date" not in reason
    # a blog post (record 14): a tutorial; LA en-US is "en"
    blog = written(catalog, "tutorials", "branswell-2020-3")
    assert blog["entry_type"] == "online" and blog["language"] == "en"
    assert str(blog["date"]) == "2020-12-29"


def test_byte_order_mark_and_crlf_are_accepted(catalog: Path, tmp_path: Path, kb_cli) -> None:
    text = REAL.read_text(encoding="utf-8").replace("\n", "\r\n")
    bom = tmp_path / "bom.ris"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, out, err = kb_cli("import", "ris", str(bom), "--catalog", str(catalog), "--dry-run")
    assert code == 0, err
    assert "14 read, 14 would add" in err


def test_importing_the_same_file_twice_adds_nothing_the_second_time(catalog: Path,
                                                                    kb_cli) -> None:
    assert kb_cli("import", "ris", str(REAL), "--catalog", str(catalog))[0] == 0
    before = snapshot(catalog)
    code, out, err = kb_cli("import", "ris", str(REAL), "--catalog", str(catalog))
    assert code == 0 and "0 added, 14 already present" in err
    assert snapshot(catalog) == before


# -- export, and the round trip -------------------------------------------------------------

def test_export_writes_the_documented_tags(catalog: Path, kb_cli) -> None:
    code, out, err = kb_cli("query", "--catalog", str(catalog), "--format", "ris",
                            "denoising diffusion probabilistic")
    assert code == 0, err
    record = out.split("\n\n")[0].splitlines()
    assert record[0] == "TY  - CPAPER" and record[1] == "ID  - ho2020denoising"
    assert record[2:5] == ["AU  - Ho, Jonathan", "AU  - Jain, Ajay", "AU  - Abbeel, Pieter"]
    assert "TI  - Denoising Diffusion Probabilistic Models" in record
    assert "PY  - 2020" in record and record[-1] == "ER  - "
    assert "UR  - https://arxiv.org/abs/2006.11239" in record


@pytest.mark.parametrize("source", [FIXTURE, REPO_CATALOG], ids=["fixture", "catalog"])
def test_export_then_import_adds_nothing(source: Path, tmp_path: Path, kb_cli) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(source, root)
    exported = tmp_path / "all.ris"
    assert kb_cli("export", "ris", "--catalog", str(root), "-o", str(exported))[0] == 0
    count = len(Catalog.load(root, use_cache=False))
    before = snapshot(root)
    code, out, err = kb_cli("import", "ris", str(exported), "--catalog", str(root))
    assert code == 0, err
    assert f"{count} read, 0 added, {count} already present" in err
    assert snapshot(root) == before


@pytest.mark.parametrize(("catalog_name", "ris"), [
    ("Le Roux, Nicolas", "Le Roux, Nicolas"),
    ("van den Oord, Aäron", "van den Oord, Aäron"),
    ("Daumé III, Hal", "Daumé III, Hal"),
    ("Ho, Jr, Jonathan", "Ho, Jonathan, Jr"),
    ("{Google DeepMind}", "Google DeepMind"),
    ("Jiaming Song", "Song, Jiaming"),
    ("宋佳明", "宋佳明"),
])
def test_names_are_written_family_first_and_read_back(catalog_name: str, ris: str) -> None:
    assert ris_name(catalog_name) == ris
    assert ris_person(ris) == catalog_name


def test_exported_fields_come_back(catalog: Path, tmp_path: Path, kb_cli) -> None:
    (catalog / "papers" / "leroux-2012-stochastic.yaml").write_text(
        "id: leroux-2012-stochastic\nkind: paper\ntitle: A Stochastic Example\n"
        "authors: ['Le Roux, Nicolas', '{Example Lab}']\nyear: 2012\nmonth: 12\n"
        "venue: Example Proceedings\nentry_type: inproceedings\neditors: [Erika Editor]\n"
        "volume: '25'\nnumber: '4'\npages: 2663--2671\npublisher: Example Press\n"
        "address: Example City\nissn: 1234-5678\nnote: A note\nkeywords: [sgd, examples]\n"
        "topics: [history]\n", encoding="utf-8")
    exported = tmp_path / "one.ris"
    code, out, err = kb_cli("query", "Stochastic Example", "--catalog", str(catalog),
                            "--format", "ris")
    exported.write_text(out, encoding="utf-8")
    other = tmp_path / "other"
    shutil.copytree(FIXTURE, other)
    assert kb_cli("import", "ris", str(exported), "--catalog", str(other))[0] == 0
    back = written(other, "papers", "leroux-2012-stochastic")
    for name in ("title", "authors", "year", "month", "venue", "entry_type", "editors",
                 "volume", "number", "pages", "publisher", "address", "issn", "note",
                 "keywords"):
        assert back[name] == yaml.safe_load((catalog / "papers" / "leroux-2012-stochastic.yaml")
                                            .read_text())[name], name
    assert back["citekey"] == "leroux2012stochastic"


# -- bad input: file:line errors, all of them at once ---------------------------------------

BAD = """TY  - JOUR
TI  - A good record
AU  - Good, Gail
PY  - 2001
ER  -

stray text
TY  - JOUR
AU  - Titleless, Tom
PY  - 2002
ER  -

TY  - JOUR
TI  - From the future
PY  - 3000
ER  -

TY  -
ER  -

TY  - BOOK
TI  - Never ends
"""


def test_every_bad_record_is_reported_once_and_nothing_written(catalog: Path, tmp_path: Path,
                                                               kb_cli) -> None:
    bad = tmp_path / "bad.ris"
    bad.write_text(BAD, encoding="utf-8")
    before = snapshot(catalog)
    code, out, err = kb_cli("import", "ris", str(bad), "--catalog", str(catalog))
    assert code == 1 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert f"{bad}:7: error[E523]: RIS: a line outside a record" in lines[0] or any(
        f"{bad}:7: error[E523]" in line for line in lines)
    assert any(f"{bad}:8: error[E521]: record 2 has no title" in line for line in lines)
    assert any(f"{bad}:15: error[E522]" in line and "year 3000 is outside" in line
               for line in lines)
    assert any(f"{bad}:18: error[E523]: RIS: 'TY' without a type" in line for line in lines)
    assert any(f"{bad}:19: error[E523]: RIS: 'ER' outside a record" in line for line in lines)
    assert any(f"{bad}:21: error[E523]: RIS: the record has no end" in line for line in lines)
    assert len(lines) == 6
    assert snapshot(catalog) == before


def test_skip_invalid_imports_the_good_record(catalog: Path, tmp_path: Path, kb_cli) -> None:
    bad = tmp_path / "bad.ris"
    bad.write_text(BAD, encoding="utf-8")
    code, out, err = kb_cli("import", "ris", str(bad), "--catalog", str(catalog),
                            "--skip-invalid")
    assert code == 0, err
    assert out.strip().endswith("(record 1, " + f"{bad}:1)")
    assert "1 added, 0 already present, 6 skipped as invalid" in err
    assert (catalog / "papers" / "good-2001-good.yaml").exists()


def test_nothing_importable_exits_1(catalog: Path, tmp_path: Path, kb_cli) -> None:
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nPY  - 2002\nER  -\n", encoding="utf-8")
    code, out, err = kb_cli("import", "ris", str(bad), "--catalog", str(catalog),
                            "--skip-invalid")
    assert code == 1 and "0 added" in err


def test_a_file_that_is_not_utf8_is_one_clear_error(catalog: Path, tmp_path: Path,
                                                    kb_cli) -> None:
    latin = tmp_path / "latin1.ris"
    latin.write_bytes("TY  - JOUR\nTI  - Café\nER  -\n".encode("latin-1"))
    code, out, err = kb_cli("import", "ris", str(latin), "--catalog", str(catalog))
    assert code == 1 and "E001" in err and "not UTF-8 (byte 0xe9)" in err and f"{latin}:2" in err


def test_the_same_work_twice_in_one_file_is_added_once(catalog: Path, tmp_path: Path,
                                                       kb_cli) -> None:
    twice = tmp_path / "twice.ris"
    record = ("TY  - JOUR\nTI  - Twice Told\nAU  - Teller, Tina\nPY  - 2004\n"
              "DO  - 10.5555/x\nER  -\n")
    twice.write_text(record + "\n" + record.replace("Twice Told", "Twice told!"),
                     encoding="utf-8")
    code, out, err = kb_cli("import", "ris", str(twice), "--catalog", str(catalog))
    assert code == 0, err
    assert f"{twice}:8: skipped record 2: earlier in the input as 'record 1' (same DOI" in err
    assert len(out.splitlines()) == 1


@pytest.mark.parametrize(("command", "example"), [
    (["import", "ris"], "kb import ris"), (["import", "csl-json"], "kb import csl-json"),
    (["export"], "kb export ris")])
def test_help_has_examples(command: list[str], example: str, kb_cli) -> None:
    code, out, err = kb_cli(*command, "--help")
    assert code == 0 and "Example" in out and example in out


def test_rispy_reads_our_export_as_we_wrote_it(catalog: Path, tmp_path: Path, kb_cli) -> None:
    """rispy, an independent RIS parser, reads the export: one record per entry, same fields."""
    import rispy

    exported = tmp_path / "all.ris"
    assert kb_cli("export", "ris", "--catalog", str(catalog), "-o", str(exported))[0] == 0
    records = rispy.loads(exported.read_text(encoding="utf-8"))
    entries = sorted(Catalog.load(catalog, use_cache=False), key=lambda e: e.id)
    assert [r["title"] for r in records] == [e.title for e in entries]
    ddpm = next(r for r in records if r["id"] == "ho2020denoising")
    assert ddpm["type_of_reference"] == "CPAPER"
    assert ddpm["authors"] == ["Ho, Jonathan", "Jain, Ajay", "Abbeel, Pieter"]
    assert ddpm["year"] == "2020" and "https://arxiv.org/abs/2006.11239" in ddpm["urls"]


def test_we_read_the_real_file_as_rispy_does() -> None:
    import rispy

    from kb.ingest.ris_read import read_ris

    theirs = rispy.loads(REAL.read_text(encoding="utf-8"))
    ours, problems = read_ris(REAL)
    assert problems == [] and len(ours) == len(theirs) == 14
    assert [r.fields["title"] for r in ours] == [t.get("title") or t["primary_title"]
                                                 for t in theirs]
    assert [len(r.fields.get("authors", [])) for r in ours] == [
        len(t.get("authors", []) + t.get("first_authors", [])) for t in theirs]
