"""Entries written as hand-written YAML, and added to a catalog all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.catalog import Catalog
from kb.entry_writer import MODELINE, entry_yaml, write_entries
from kb.errors import CatalogInvalid, KbError
from kb.load import ParsedFile, parse_yaml
from kb.models import ENTRY_FIELDS, Entry
from kb.validate import validate_entry


def read_back(text: str) -> Entry:
    parsed = ParsedFile("<written>")
    parse_yaml(text, parsed)
    entry = validate_entry(parsed)
    assert entry is not None, [d.render() for d in parsed.diagnostics]
    return entry


DDPM = Entry(
    id="ho-2020-denoising", kind="paper", title="Denoising Diffusion Probabilistic Models",
    authors=["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"], year=2020,
    date=dt.date(2020, 6, 19), arxiv="2006.11239", url="https://arxiv.org/abs/2006.11239",
    venue="NeurIPS 2020", tags=["ddpm"], abstract="We present high quality image synthesis "
    "results using diffusion probabilistic models, a class of latent variable models inspired "
    "by considerations from nonequilibrium thermodynamics. " * 3,
    notes="- 2020經典\n  - indented line\n\nsecond paragraph", links={"code": "https://x.org/c"},
    language="en")


def test_looks_hand_written() -> None:
    text = entry_yaml(DDPM)
    lines = text.splitlines()
    assert text.startswith(MODELINE)
    assert lines[1:8] == ["id: ho-2020-denoising", "kind: paper",
                          "title: Denoising Diffusion Probabilistic Models",
                          "authors: [Jonathan Ho, Ajay Jain, Pieter Abbeel]", "year: 2020",
                          "date: 2020-06-19", 'arxiv: "2006.11239"']
    assert "abstract: >" in lines and "notes: |" in lines and "  - 2020經典" in lines
    assert all(len(line) <= 100 for line in lines)
    keys = [line.split(":")[0] for line in lines[1:] if line and not line.startswith(" ")]
    assert keys == [name for name in ENTRY_FIELDS if name in keys]
    assert "\\u" not in text and "{" not in text  # UTF-8 as it is; block mappings
    assert read_back(text) == DDPM


def test_long_lists_become_block_lists() -> None:
    entry = Entry(id="x", kind="survey", title="X", cites=[f"some-long-entry-id-{i}"
                                                             for i in range(12)])
    text = entry_yaml(entry)
    assert "cites:\n  - some-long-entry-id-0\n" in text
    assert read_back(text) == entry


NASTY = ["yes", "null", "2020", "1.0", "- dash", ": colon", "# hash", "'single", '"double"',
         "a: b", "ends:", "[brackets]", "{braces}", "*star", "&anchor", "!tag", "%percent",
         "@at", "`tick", "a #b", "tab\there", "擴散模型", "emoji 🚀", "back\\slash", "~"]


@pytest.mark.parametrize("value", NASTY)
def test_any_scalar_reads_back(value: str) -> None:
    entry = Entry(id="x", kind="method", title=value, authors=[value, "B"], tags=[value, "c"],
                  venue=value, abstract=value, notes=value, summary=value, equations=[value],
                  links={"code": "https://example.org/a#b"})
    assert read_back(entry_yaml(entry)) == entry


@pytest.mark.parametrize("notes", [
    "  starts with spaces\nthen not", "trailing spaces   \nnext", "a\n\n\n\nb",
    "line\twith tab", "x\r\ny", "ends with newline\n", "\u2028separator", "null\n- item",
])
def test_any_markdown_reads_back(notes: str) -> None:
    entry = Entry(id="x", kind="paper", title="T", notes=notes, abstract=notes)
    assert read_back(entry_yaml(entry)) == entry


def new_paper(entry_id: str, **fields: object) -> Entry:
    fields.setdefault("topics", ["sampling"])
    return Entry(id=entry_id, kind="paper", title=fields.pop("title", entry_id.title()),
                 **fields)


def test_write_entries_adds_files(catalog_copy) -> None:
    paths = write_entries(catalog_copy, [new_paper("new-2024-one", cites=["cat-2020-gamma"]),
                                         new_paper("new-2024-two", cites=["new-2024-one"])])
    assert paths == [catalog_copy / "papers" / "new-2024-one.yaml",
                     catalog_copy / "papers" / "new-2024-two.yaml"]
    catalog = Catalog.load(catalog_copy, use_cache=False)
    assert catalog.get("new-2024-two").cites == ["new-2024-one"]


def files(root) -> set:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("bad, code", [
    (new_paper("new-2024-bad", cites=["no-such-entry"]), "E203"),
    (new_paper("new-2024-bad", arxiv="2006.11239"), "E202"),  # cat-2020-gamma has it
    (new_paper("new-2024-bad", topics=["no-such-topic"]), "E203"),
])
def test_one_bad_entry_writes_nothing(catalog_copy, bad: Entry, code: str) -> None:
    before = files(catalog_copy)
    with pytest.raises(CatalogInvalid) as error:
        write_entries(catalog_copy, [new_paper("new-2024-good"), bad])
    assert code in {d.code for d in error.value.diagnostics}
    assert files(catalog_copy) == before


def test_an_existing_file_is_never_overwritten(catalog_copy) -> None:
    before = (catalog_copy / "papers" / "cat-2020-gamma.yaml").read_text(encoding="utf-8")
    with pytest.raises(KbError) as error:
        write_entries(catalog_copy, [new_paper("cat-2020-gamma")])
    assert error.value.diagnostic.code in ("E506", "E201")
    assert (catalog_copy / "papers" / "cat-2020-gamma.yaml").read_text("utf-8") == before


def test_dry_run_checks_and_writes_nothing(catalog_copy) -> None:
    before = files(catalog_copy)
    paths = write_entries(catalog_copy, [new_paper("new-2024-one")], dry_run=True)
    assert paths == [catalog_copy / "papers" / "new-2024-one.yaml"]
    assert files(catalog_copy) == before
    with pytest.raises(CatalogInvalid):
        write_entries(catalog_copy, [new_paper("new-2024-one", cites=["nope"])], dry_run=True)
