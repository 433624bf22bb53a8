"""W302 (a paper or survey without sources.metadata) and W303 (a cite of a later work): the
cases the bad files in tests/data/bad/ do not show — where no warning must be given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.models import Entry
from kb.provenance import cited_version, released_after

SOURCED = "sources:\n  metadata: https://example.org/meta\n"


def _catalog(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int | None]]:
    """(code, file name, line) of every diagnostic of a catalog made of ``files``."""
    root = tmp_path / "catalog"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "topics.yaml").write_text("- id: basics\n  title: Basics\n", encoding="utf-8")
    catalog = Catalog.load(root, strict=False, use_cache=False)
    return [(d.code, Path(d.path or "").name, d.line) for d in catalog.diagnostics]


def _paper(entry_id: str, extra: str, kind: str = "paper") -> str:
    return (f"id: {entry_id}\nkind: {kind}\ntitle: {entry_id}\ntopics: [basics]\n{extra}")


def test_sourced_papers_and_unsourced_other_kinds_give_no_w302(tmp_path: Path) -> None:
    found = _catalog(tmp_path, {
        "papers/a.yaml": _paper("a", SOURCED),
        "surveys/s.yaml": _paper("s", SOURCED, kind="survey"),
        "tutorials/t.yaml": _paper("t", "", kind="tutorial"),
        "repos/r.yaml": _paper("r", "", kind="repo"),
    })
    assert found == []


def test_a_survey_without_metadata_is_warned_like_a_paper(tmp_path: Path) -> None:
    found = _catalog(tmp_path, {
        "surveys/s.yaml": _paper("s", "sources:\n  references: https://example.org/refs\n",
                                 kind="survey")})
    assert found == [("W302", "s.yaml", 5)]  # at `sources:`, which lacks metadata


def test_same_year_without_both_dates_is_not_later(tmp_path: Path) -> None:
    found = _catalog(tmp_path, {
        "papers/a.yaml": _paper("a", SOURCED + "year: 2020\ndate: 2020-10-06\ncites: [b]\n"),
        "papers/b.yaml": _paper("b", SOURCED + "year: 2020\n"),
    })
    assert found == []


def test_an_earlier_or_undated_work_is_not_later(tmp_path: Path) -> None:
    found = _catalog(tmp_path, {
        "papers/a.yaml": _paper("a", SOURCED + "year: 2021\ncites: [b, c]\n"),
        "papers/b.yaml": _paper("b", SOURCED + "year: 2020\n"),
        "papers/c.yaml": _paper("c", SOURCED),
    })
    assert found == []


def test_a_named_arxiv_version_explains_a_later_cite(tmp_path: Path) -> None:
    ddim = ('arxiv: "2010.02502"\nyear: 2020\ndate: 2020-10-06\ncites: [sde]\nsources:\n'
            "  metadata: https://arxiv.org/abs/2010.02502\n"
            "  references: https://arxiv.org/html/2010.02502v4\n")
    sde = SOURCED + "year: 2020\ndate: 2020-11-26\n"
    assert _catalog(tmp_path / "named", {"papers/ddim.yaml": _paper("ddim", ddim),
                                         "papers/sde.yaml": _paper("sde", sde)}) == []
    unversioned = ddim.replace("2010.02502v4", "2010.02502")
    assert _catalog(tmp_path / "unversioned", {
        "papers/ddim.yaml": _paper("ddim", unversioned),
        "papers/sde.yaml": _paper("sde", sde)}) == [("W303", "ddim.yaml", 8)]


def test_a_version_of_another_paper_explains_nothing(tmp_path: Path) -> None:
    text = ('arxiv: "2010.02502"\nyear: 2019\ncites: [b]\nsources:\n'
            "  metadata: https://example.org/a\n"
            "  references: https://arxiv.org/abs/2011.13456v2\n")
    found = _catalog(tmp_path, {"papers/a.yaml": _paper("a", text),
                                "papers/b.yaml": _paper("b", SOURCED + "year: 2020\n")})
    assert found == [("W303", "a.yaml", 7)]


def test_a_repo_may_cite_what_came_after_its_first_release(tmp_path: Path) -> None:
    found = _catalog(tmp_path, {
        "repos/r.yaml": _paper("r", "year: 2020\ncites: [b]\n", kind="repo"),
        "papers/b.yaml": _paper("b", SOURCED + "year: 2022\n"),
    })
    assert found == []


@pytest.mark.parametrize(("url", "version"), [
    ("https://arxiv.org/abs/2010.02502v4", "2010.02502v4"),
    ("https://arxiv.org/html/2010.02502v4", "2010.02502v4"),
    ("https://arxiv.org/html/2010.02502v4#bib", "2010.02502v4"),
    ("https://arxiv.org/pdf/2010.02502v12.pdf", "2010.02502v12"),
    ("https://arxiv.org/abs/math/0601001v2", "math/0601001v2"),
    ("https://arxiv.org/abs/2010.02502", None),
    ("https://ar5iv.labs.arxiv.org/html/2010.02502", None),
    ("https://example.org/abs/2010.02502v4", None),
])
def test_cited_version_reads_the_version_from_the_url(url: str, version: str | None) -> None:
    entry = Entry.model_validate({"id": "x", "kind": "paper", "title": "x",
                                  "sources": {"references": url}})
    assert cited_version(entry) == version


def test_released_after_prefers_dates_then_years() -> None:
    def make(year: int | None, date: str | None = None) -> Entry:
        return Entry(id="x", kind="paper", title="x", year=year,
                     date=dt.date.fromisoformat(date) if date else None)

    assert released_after(make(2020, "2020-11-26"), make(2020, "2020-10-06"))
    assert not released_after(make(2020, "2020-10-06"), make(2020, "2020-11-26"))
    assert released_after(make(2021), make(2020, "2020-12-31"))
    assert not released_after(make(2020), make(2020, "2020-01-01"))
    assert not released_after(make(None), make(2020))
