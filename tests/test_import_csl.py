"""``kb import csl-json``: Zotero-style items, the catalog's own export, bad input.

tests/data/csl/zotero-style.json is written by hand in Zotero's CSL-JSON layout (see its
README); expected values are read off it by eye.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from catalog_files import FIXTURE, snapshot, written

from kb.catalog import Catalog
from kb.ingest.csl_entry import csl_person

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "csl" / "zotero-style.json"
REPO_CATALOG = Path(__file__).parent.parent / "catalog"


def test_zotero_style_items_keep_what_citing_needs(catalog: Path, kb_cli) -> None:
    code, out, err = kb_cli("import", "csl-json", str(SAMPLE), "--catalog", str(catalog))
    assert code == 0, err
    assert err.strip().endswith("5 read, 5 added, 0 already present, 0 skipped as invalid")
    article = written(catalog, "papers", "leroux-2012-example")
    assert article["citekey"] == "leroux2012example"  # Better BibTeX's key, not the URI id
    assert article["authors"] == ["Le Roux, Nicolas", "van den Oord, Aäron",
                                  "{Example Research Group}"]
    assert article["doi"] == "10.5555/example.2012.1"  # the resolver prefix dropped
    assert (article["year"], article["month"], str(article["date"])) == (2012, 3, "2012-03-21")
    assert (article["volume"], article["number"], article["pages"]) == ("7", "3", "588--602")
    assert article["entry_type"] == "article" and article["venue"] == "Journal of Examples"
    assert article["language"] == "en" and article["issn"] == "1234-5678"
    paper = written(catalog, "papers", "daume-2020-conference")
    assert paper["authors"] == ["Daumé, III, Hal", "宋佳明"]
    assert paper["editors"] == ["Erika Editor"] and paper["entry_type"] == "inproceedings"
    assert paper["arxiv"] == "2101.00001" and paper["pages"] == "6840--6851"
    assert paper["address"] == "Example City" and paper["publisher"] == "Example Press"
    assert paper["year"] == 2020 and paper["month"] == 12 and "citekey" not in paper
    thesis = written(catalog, "papers", "student-2019-thesis")
    assert thesis["entry_type"] == "mastersthesis" and thesis["school"] == "University of Examples"
    assert thesis["year"] == 2019  # from issued.raw
    book = written(catalog, "books", "writer-1993-book")
    assert book["kind"] == "book" and book["edition"] == "2" and book["year"] == 1993
    assert book["keywords"] == ["diffusion", "sampling", "examples"] and "tags" not in book
    assert book["isbn"] == "978-84-460-0264-2" and book["address"] == "Madrid"
    page = written(catalog, "tutorials", "blog-post")
    assert page["entry_type"] == "online" and page["url"] == "https://blog.example.org/post"


@pytest.mark.parametrize(("person", "expected"), [
    ({"family": "Roux", "given": "Nicolas", "non-dropping-particle": "Le"}, "Le Roux, Nicolas"),
    ({"family": "Le Roux", "given": "Nicolas"}, "Le Roux, Nicolas"),
    ({"family": "Song", "given": "Jiaming"}, "Jiaming Song"),
    ({"family": "Daumé III", "given": "Hal"}, "Daumé III, Hal"),
    ({"literal": "Google DeepMind"}, "{Google DeepMind}"),
    ({"family": "Google DeepMind"}, "{Google DeepMind}"),
    ({"family": "宋佳明"}, "宋佳明"),
    ({"given": "Plato"}, "Plato"),
    ({}, None),
    ("not a name", None),
])
def test_csl_names_become_catalog_names(person: object, expected: str | None) -> None:
    assert csl_person(person) == expected


@pytest.mark.parametrize("source", [FIXTURE, REPO_CATALOG], ids=["fixture", "catalog"])
def test_export_then_import_adds_nothing(source: Path, tmp_path: Path, kb_cli) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(source, root)
    exported = tmp_path / "all.json"
    assert kb_cli("export", "csl-json", "--catalog", str(root), "-o", str(exported))[0] == 0
    count = len(Catalog.load(root, use_cache=False))
    before = snapshot(root)
    code, out, err = kb_cli("import", "csl-json", str(exported), "--catalog", str(root))
    assert code == 0, err
    assert f"{count} read, 0 added, {count} already present" in err
    assert snapshot(root) == before


def test_one_item_object_and_a_byte_order_mark(catalog: Path, tmp_path: Path, kb_cli) -> None:
    item = json.loads(SAMPLE.read_text(encoding="utf-8"))[3]
    single = tmp_path / "one.json"
    single.write_bytes(b"\xef\xbb\xbf" + json.dumps(item).encode("utf-8"))
    code, out, err = kb_cli("import", "csl-json", str(single), "--catalog", str(catalog))
    assert code == 0, err
    assert "writer-1993-book.yaml" in out


def test_several_files_are_read_together(catalog: Path, tmp_path: Path, kb_cli) -> None:
    items = json.loads(SAMPLE.read_text(encoding="utf-8"))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(items[:2]), encoding="utf-8")
    second.write_text(json.dumps(items[1:]), encoding="utf-8")  # item 2 in both
    code, out, err = kb_cli("import", "csl-json", str(first), str(second),
                            "--catalog", str(catalog))
    assert code == 0, err
    assert "6 read, 5 added, 1 already present" in err
    assert f"{second}:1: skipped item 1: earlier in the input as 'item 2'" in err


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "where", "message"), [
    ('[\n  {"title": "A"},\n  {"title": "B",}\n]', ":3:17:", "Expecting property name"),
    ('{"items": 1} extra', ":1:14:", "text after the item"),
    ('"a string"', ":1:1:", "expected an array of items"),
    ('[\n  {"title": "A"}\n  {"title": "B"}\n]', ":3:3:", "expected ',' or ']'"),
    ('[\n  {"title": "A"},\n  42\n]', ":3:3:", "item 2 is not an object"),
    ("", ":1:1:", "expected an array of items"),
])
def test_a_file_that_is_not_csl_json_is_one_error_at_its_place(
        text: str, where: str, message: str, catalog: Path, tmp_path: Path, kb_cli) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    before = snapshot(catalog)
    code, out, err = kb_cli("import", "csl-json", str(bad), "--catalog", str(catalog))
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"{bad}{where} error[E520]: CSL-JSON: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(catalog) == before


BAD_ITEMS = """[
  {"id": "good", "type": "article-journal", "title": "A Good Item",
   "issued": {"date-parts": [[2001]]}},
  {"id": "untitled", "type": "book",
   "issued": {"date-parts": [[2002]]}},
  {"id": "future", "type": "book", "title": "From the Future",
   "issued": {"date-parts": [[3000]]}}
]
"""


def test_bad_items_are_all_reported_with_their_lines(catalog: Path, tmp_path: Path,
                                                     kb_cli) -> None:
    bad = tmp_path / "items.json"
    bad.write_text(BAD_ITEMS, encoding="utf-8")
    before = snapshot(catalog)
    code, out, err = kb_cli("import", "csl-json", str(bad), "--catalog", str(catalog))
    assert code == 1
    assert err.splitlines() == [
        f"{bad}:4: error[E521]: item 'untitled' has no title",
        f"{bad}:7: error[E522]: item 'future': year: year 3000 is outside 1000..2027"]
    assert snapshot(catalog) == before
    code, out, err = kb_cli("import", "csl-json", str(bad), "--catalog", str(catalog),
                            "--skip-invalid")
    assert code == 0 and "3 read, 1 added, 0 already present, 2 skipped as invalid" in err
    assert written(catalog, "papers", "good-item")["citekey"] == "good"


def test_crossrefs_own_json_reads_as_csl(catalog: Path, tmp_path: Path, kb_cli) -> None:
    """A work record of the Crossref REST API (recorded, tests/data/crossref-api) saved as a
    file: its type names (journal-article) and lists (title, ISSN) are read as CSL."""
    recorded = json.loads((DATA / "crossref-api" / "works_10.1371_journal.pone.0033693.json")
                          .read_text(encoding="utf-8"))
    work = tmp_path / "work.json"
    work.write_text(json.dumps(json.loads(recorded["body"])["message"]), encoding="utf-8")
    code, out, err = kb_cli("import", "csl-json", str(work), "--catalog", str(catalog))
    assert code == 0, err
    data = written(catalog, "papers", "sadasivan-2012-methylphenidate")
    assert data["entry_type"] == "article" and data["venue"] == "PLoS ONE"
    assert data["issn"] == "1932-6203" and data["doi"] == "10.1371/journal.pone.0033693"
    assert data["authors"][0] == "Shankar Sadasivan" and data["volume"] == "7"


def test_rich_text_tags_and_lists_of_numbers(catalog: Path, tmp_path: Path, kb_cli) -> None:
    item = {"id": "coli2001", "type": "article-journal", "ISSN": "0020-174X, 1502-3923",
            "title": 'A study of <i>E. coli</i> on the <span class="nocase">iPhone</span>',
            "container-title": "<b>Journal</b> of Examples", "issued": {"date-parts": [[2001]]},
            "author": [{"family": "Coli", "given": "Eva"}]}
    path = tmp_path / "rich.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    assert kb_cli("import", "csl-json", str(path), "--catalog", str(catalog))[0] == 0
    data = written(catalog, "papers", "coli-2001-study")
    assert data["title"] == "A study of E. coli on the iPhone"
    assert data["venue"] == "Journal of Examples" and data["issn"] == "0020-174X"
