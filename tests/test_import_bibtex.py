"""``kb import bibtex``: new records become hand-written-looking entries; known works are
skipped; a malformed file or a bad record writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.errors import CatalogInvalid
from kb.export.bibtex import to_bibtex
from kb.ingest.bibtex_import import import_bibtex
from kb.ingest.bibtex_read import BibtexInvalid, read_bibtex, read_bibtex_file
from kb.models import ENTRY_FIELDS

DATA = Path(__file__).parent / "data" / "bibtex"
NEW_AND_KNOWN = DATA / "new_and_known.bib"


def files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "cache" not in p.parts}


def test_new_records_are_added_and_known_works_skipped(catalog_copy: Path) -> None:
    result = import_bibtex(catalog_copy, NEW_AND_KNOWN, topics=["sampling"])
    assert [(a.entry.id, a.key) for a in result.added] == [
        ("song-2021-score", "song2021score"), ("muller-2023-schrodingers", "schrodinger"),
        ("how-to-sample-faster", "howto"), ("ant-2015-alpha-b", "ant_again"),
        ("owl-2024-survey", "owl_survey")]
    assert [(s.key, s.match.entry_id, s.match.by, s.in_file) for s in result.skipped] == [
        ("known_by_doi", "dog-2021-delta", "DOI", False),
        ("known_by_arxiv", "cat-2020-gamma", "arXiv id", False),
        ("known_by_title", "cat-2020-gamma", "title", False),
        ("dup_in_file", "song2021score", "title", True),
        ("lone_page", "lone-tutorial", "URL", False)]
    assert result.written
    catalog = Catalog.load(catalog_copy, use_cache=False)
    song = catalog.get("song-2021-score")
    assert song.authors == ["Yang Song", "Jascha Sohl-Dickstein", "Diederik P. Kingma"]
    assert (song.arxiv, song.url) == ("2011.13456", "https://arxiv.org/abs/2011.13456")
    assert song.venue == "International Conference on Learning Representations"
    assert song.keywords == ["score", "SDE"] and song.tags == [] and song.topics == ["sampling"]
    assert (song.citekey, song.entry_type) == ("song2021score", "inproceedings")
    assert song.abstract == ("Creating noise from data is easy; creating data from noise is "
                             "generative modeling.")
    book = catalog.get("muller-2023-schrodingers")
    assert (book.kind, book.title, book.venue, book.language) == (
        "book", "Schrödinger's Diffusion: A Primer", "O'Reilly", "en")
    assert book.authors == ["Jörg Müller", "{Diffusion Team}"]  # an organisation, braced
    assert catalog.get("how-to-sample-faster").kind == "tutorial"
    assert catalog.get("owl-2024-survey").kind == "survey"


def test_written_files_look_hand_written(catalog_copy: Path) -> None:
    import_bibtex(catalog_copy, NEW_AND_KNOWN, topics=["sampling"])
    text = (catalog_copy / "books" / "muller-2023-schrodingers.yaml").read_text("utf-8")
    assert text == (
        "# yaml-language-server: $schema=../schema.json\n"
        "id: muller-2023-schrodingers\n"
        "kind: book\n"
        "title: \"Schrödinger's Diffusion: A Primer\"\n"
        "title_tex: 'Schr{\\\"o}dinger''s Diffusion: {A} Primer'\n"
        "authors:\n"
        "  - Jörg Müller\n"
        "  - \"{Diffusion Team}\"\n"
        "year: 2023\n"
        "venue: O'Reilly\n"
        "citekey: schrodinger\n"
        "entry_type: book\n"
        "publisher: O'Reilly\n"
        "topics: [sampling]\n"
        "language: en\n")
    song = (catalog_copy / "papers" / "song-2021-score.yaml").read_text("utf-8")
    keys = re.findall(r"^([a-z_]+):", song, re.MULTILINE)
    assert keys == [name for name in ENTRY_FIELDS if name in keys]
    assert 'arxiv: "2011.13456"' in song and "abstract: >\n" in song


def test_importing_again_adds_nothing(catalog_copy: Path) -> None:
    import_bibtex(catalog_copy, NEW_AND_KNOWN, topics=["sampling"])
    before = files(catalog_copy)
    again = import_bibtex(catalog_copy, NEW_AND_KNOWN, topics=["sampling"])
    assert again.added == [] and len(again.skipped) == 10
    assert files(catalog_copy) == before


def test_dry_run_writes_nothing(catalog_copy: Path) -> None:
    before = files(catalog_copy)
    result = import_bibtex(catalog_copy, NEW_AND_KNOWN, dry_run=True)
    assert len(result.added) == 5 and not result.written
    assert files(catalog_copy) == before


def test_an_entry_the_catalog_rejects_writes_nothing(catalog_copy: Path) -> None:
    before = files(catalog_copy)
    with pytest.raises(CatalogInvalid) as error:
        import_bibtex(catalog_copy, NEW_AND_KNOWN, topics=["no-such-topic"])
    assert {d.code for d in error.value.diagnostics} == {"E203"}
    assert files(catalog_copy) == before


def expectations(path: Path) -> list[tuple[str, int]]:
    """``% expect: E511 at line 4, E512 at line 8`` on the file's first line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return [(code, int(line)) for code, line in re.findall(r"(E\d+) at line (\d+)", first)]


@pytest.mark.parametrize("name", ["malformed.bib", "bad_values.bib"])
def test_bad_files_report_each_error_at_its_line(catalog_copy: Path, name: str) -> None:
    before = files(catalog_copy)
    with pytest.raises(BibtexInvalid) as error:
        import_bibtex(catalog_copy, DATA / name)
    found = [(d.code, d.line) for d in error.value.diagnostics]
    assert found == expectations(DATA / name)
    assert all(d.path == str(DATA / name) for d in error.value.diagnostics)
    rendered = error.value.render().splitlines()
    assert rendered[0].startswith(f"{DATA / name}:{found[0][1]}: error[{found[0][0]}]: ")
    assert files(catalog_copy) == before


def test_latex_is_read_as_text() -> None:
    [record] = read_bibtex(r"""@article{k,
      title = {{DDPM}s and Schr{\"o}dinger \& {\'E}cole: 50\% of $\epsilon$ -- ok},
      author = {van der Waals, J. D. and Ho, Jr., Jonathan and {Stability and AI}},
      year = 2020}""")
    assert record.fields["title"] == "DDPMs and Schrödinger & École: 50% of ϵ – ok"
    assert record.authors == ["van der Waals, J. D.", "Ho, Jr., Jonathan", "{Stability and AI}"]
    assert record.line == 1 and record.field_lines["year"] == 4


def test_our_export_imports_with_titles_authors_years_intact(graph_catalog, tmp_path) -> None:
    works = [e for e in graph_catalog if e.kind != "method"]
    bib = tmp_path / "export.bib"
    bib.write_text(to_bibtex(works), encoding="utf-8")
    records = read_bibtex_file(bib)
    assert [(r.fields["title"], r.authors, r.fields.get("year")) for r in records] == [
        (e.title, e.authors, str(e.year) if e.year else None) for e in works]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "topics.yaml").write_text((Path(graph_catalog.root) / "topics.yaml").read_text())
    result = import_bibtex(empty, bib)
    assert len(result.added) == len(works) and not result.skipped


@pytest.mark.parametrize("title", [
    "100% & {braces} # _under $dollar$ ~tilde ^caret \\backslash", "Unbalanced { brace",
    "a}{b", "\\textbf{bold} and \\emph{x}", "@article{inject, title={x}}",
    'A "quoted" title, with = and , signs', "Schrödinger Brücke: café, naïve Ångström",
    "擴散模型的蒸餾方法：一個綜述", "DDPM: {GANs} and ViT in 3D", "ends with backslash \\",
])
def test_any_exported_title_imports_unchanged(title: str) -> None:
    from kb.models import Entry

    entry = Entry(id="x-2020-y", kind="paper", title=title, authors=["Ann O'Neil & Co"],
                  year=2020)
    [record] = read_bibtex(to_bibtex([entry]))
    assert record.fields["title"] == title
    assert record.authors == ["Ann O'Neil & Co"]
