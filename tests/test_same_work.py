"""One rule for "the same work" (kb.ingest.same_work), in kb validate (E202) and imports:
same arXiv id or DOI; same title only with the same year and first author's family name."""

from __future__ import annotations

from pathlib import Path

from kb.catalog import Catalog
from kb.ingest.same_work import WorkIndex
from kb.models import Entry

BELLMAN_BOOK = Entry(id="bellman-1957-dynamic", kind="book", title="Dynamic Programming",
                     authors=["Richard Bellman"], year=1957)
BELLMAN_ARTICLE = Entry(id="bellman-1966-dynamic", kind="paper", title="Dynamic Programming",
                        authors=["Bellman, Richard"], year=1966, venue="Science")


def write_catalog(root: Path, entries: list[Entry]) -> None:
    from kb.entry_writer import entry_file, entry_yaml

    for entry in entries:
        path = entry_file(root, entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_yaml(entry), encoding="utf-8")


def test_same_title_in_another_year_is_another_work(tmp_path: Path) -> None:
    write_catalog(tmp_path, [BELLMAN_BOOK, BELLMAN_ARTICLE])
    catalog = Catalog.load(tmp_path, strict=False, use_cache=False)
    assert [d for d in catalog.diagnostics if d.code == "E202"] == []


def test_same_title_year_and_family_is_the_same_work() -> None:
    index = WorkIndex.of([BELLMAN_BOOK])
    again = BELLMAN_BOOK.model_copy(update={"id": "x", "kind": "paper",
                                            "title": "Dynamic programming.",
                                            "authors": ["Bellman, R."]})
    match = index.find_entry(again)
    assert (match.entry_id, match.by) == ("bellman-1957-dynamic", "title")
    other_author = again.model_copy(update={"authors": ["Richard Dreyfus"]})
    assert index.find_entry(other_author) is None
    assert index.find_entry(BELLMAN_ARTICLE) is None


def test_a_bare_title_still_finds_its_entry() -> None:
    """Semantic Scholar references and hand-written entries may give no year or author."""
    index = WorkIndex.of([BELLMAN_BOOK])
    assert index.find(title="Dynamic programming").entry_id == "bellman-1957-dynamic"
    assert index.find(title="Dynamic programming", year=1966) is None


def test_arxiv_and_doi_need_nothing_else() -> None:
    paper = Entry(id="p", kind="paper", title="A", year=2020, arxiv="2006.11239",
                  doi="10.1000/a")
    index = WorkIndex.of([paper])
    assert index.find(arxiv="2006.11239v3").by == "arXiv id"
    assert index.find(doi="10.1000/A").by == "DOI"
