"""Real bibliographies in and out again (issue #14's acceptance): import → export keeps the
citation keys, entry types, family names, pages and volumes; re-importing the export adds
nothing; export → import → export is byte-identical.

The original and the export are compared through pybtex (and pylatexenc for accents), an
independent BibTeX reader, not through kb's own.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pybtex.errors
import pytest
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text

from kb.catalog import Catalog
from kb.export import export_text
from kb.ingest.bibtex_import import import_bibtex

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "data" / "bibtex" / "real"
IRIDIA = REPO / "benchmarks" / "data" / "iridia"
REAL_SETS = {
    "zotero": [REAL / "bilalhsp-diffusion.bib"],
    "thesis": [REAL / "omizzolo-thesis-references.bib"],
    "macros": [REAL / "ricker-macros.bib", REAL / "ricker-publications.bib"],
}
IRIDIA_SET = [IRIDIA / f"{name}.bib" for name in
              ("abbrev", "journals", "authors", "articles", "biblio", "crossref")]


@functools.cache
def _text_of(tex: str) -> str:
    text = LatexNodes2Text(math_mode="text").latex_to_text(tex)
    return " ".join(text.replace("{", "").replace("}", "").split())


def summary(text: str) -> dict[str, tuple]:
    """key (as BibTeX compares keys) → (key, type, family names, pages, volume), by pybtex."""
    pybtex.errors.set_strict_mode(False)
    entries = parse_string(text, "bibtex").entries
    return {key.lower(): (key, entry.type.lower(),
                          [_text_of(" ".join(p.prelast_names + p.last_names))
                           for p in entry.persons.get("author", [])],
                          entry.fields.get("pages"), entry.fields.get("volume"))
            for key, entry in entries.items()}


def unchanged(before: dict[str, tuple], after: dict[str, tuple], keys: list[str],
              part: int) -> float:
    """The share of ``keys`` whose ``part`` is the same after; a field the original did not
    have (authors, pages, volume) counts as unchanged when the export has it from a crossref
    parent (pybtex does not follow crossref; BibTeX does)."""
    same = sum(1 for k in keys if k in after and (
        before[k][part] == after[k][part] or (part >= 2 and not before[k][part])))
    return same / len(keys)


def round_trip(paths: list[Path], tmp_path: Path) -> dict[str, object]:
    root = tmp_path / "catalog"
    root.mkdir()
    result = import_bibtex(root, paths, skip_invalid=True)
    exported = export_text(Catalog.load(root, use_cache=False), "bibtex")
    export_path = tmp_path / "export.bib"
    export_path.write_text(exported, encoding="utf-8")
    again = import_bibtex(root, export_path, dry_run=True)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    import_bibtex(fresh, export_path)
    original = "\n".join(path.read_text(encoding="utf-8") for path in paths)
    before, after = summary(original), summary(exported)
    keys = [item.key.lower() for item in result.added]
    return {"result": result, "again": again, "keys": keys, "before": before, "after": after,
            "exported": exported,
            "exported_again": export_text(Catalog.load(fresh, use_cache=False), "bibtex")}


def check_acceptance(trip: dict[str, object]) -> None:
    result, again, keys = trip["result"], trip["again"], trip["keys"]
    before, after = trip["before"], trip["after"]
    assert (result.read - len(result.invalid)) / result.read >= 0.95
    named = [d.line for d in result.invalid]
    assert len(named) == len(set((d.path, d.line) for d in result.invalid))  # each once
    assert len(result.added) + len(result.skipped) + len(result.invalid) == result.read
    for part, what in enumerate(("key", "type", "family names", "pages", "volume")):
        assert unchanged(before, after, keys, part) >= 0.99, what
    assert again.added == [] and not again.invalid
    assert trip["exported_again"] == trip["exported"]


@pytest.mark.parametrize("name", REAL_SETS)
def test_real_files_round_trip(name: str, tmp_path: Path) -> None:
    trip = round_trip(REAL_SETS[name], tmp_path)
    check_acceptance(trip)
    # these three are clean: every key, type, name, page range and volume comes back
    keys, before, after = trip["keys"], trip["before"], trip["after"]
    assert all(before[k] == after[k] for k in keys)


def test_real_files_keep_what_citing_needs(tmp_path: Path) -> None:
    trip = round_trip(REAL_SETS["macros"], tmp_path)
    exported = trip["exported"]
    # venues that were @string macros come out as their text
    assert "@string" not in exported.lower()
    assert trip["result"].read == 85 and len(trip["result"].added) == 84
    catalog = Catalog.load(tmp_path / "catalog", use_cache=False)
    assert all(entry.citekey and entry.entry_type for entry in catalog)


@pytest.mark.slow
def test_the_large_iridia_bibliography(tmp_path: Path) -> None:
    """3,305 records with 1,716 @string macros and crossref parents, read as one
    \\bibliography{abbrev,journals,authors,articles,biblio,crossref}."""
    trip = round_trip(IRIDIA_SET, tmp_path)
    check_acceptance(trip)
    result = trip["result"]
    assert result.read == 3305 and not result.invalid
    assert {s.match.by for s in result.skipped} <= {"arXiv id", "DOI", "title", "URL"}


def test_our_catalog_exports_and_imports_back_as_itself(tmp_path: Path) -> None:
    """The shipped catalog (methods, repos, web pages included): re-importing its export
    adds nothing, and a fresh import of it exports byte-identically."""
    exported = export_text(Catalog.load(REPO / "catalog"), "bibtex")
    path = tmp_path / "catalog.bib"
    path.write_text(exported, encoding="utf-8")
    again = import_bibtex(REPO / "catalog", path, dry_run=True)
    assert again.added == [] and len(again.skipped) == exported.count("\n@") + 1
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = import_bibtex(fresh, path)
    catalog = Catalog.load(fresh, use_cache=False)
    assert export_text(catalog, "bibtex") == exported
    kinds = {entry.kind for entry in Catalog.load(REPO / "catalog")}
    assert {item.entry.kind for item in result.added} == kinds  # methods come back as methods


def test_real_files_are_unchanged_copies_of_the_shared_ones(shared_dir: Path) -> None:
    """tests/data/bibtex/real/ holds copies of ../shared/data/bib/ (its README says so)."""
    copies = sorted(REAL.glob("*.bib"))
    originals = shared_dir / "data" / "bib"
    assert len(copies) == 4
    assert [p.name for p in copies if (originals / p.name).read_bytes() != p.read_bytes()] == []
