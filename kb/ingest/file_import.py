"""``kb import csl-json`` and ``kb import ris``: records read from files become new entries.

The readers (:mod:`kb.ingest.csl_read`, :mod:`kb.ingest.ris_read`) give each record's entry
fields and where it is; this module does the rest, the same for every format:

1. each record with a title becomes an entry with a fresh id (:mod:`kb.ingest.new_entries`);
   one that makes no valid entry is a problem at its line (E521 no title, E522 a bad field);
2. a record that is a work the catalog (or an earlier record) already has is left out: the
   same arXiv id or DOI, or the same title with the same year and first author
   (:mod:`kb.ingest.same_work`), or the same citation key *and* title — which is how an
   export of the catalog (``kb export csl-json`` / ``ris``) is recognised whole on re-import,
   methods and web pages included — or the same URL (web pages have no DOI);
3. without ``skip_invalid``, any problem and nothing is written (all problems reported in one
   go); with it, bad records are skipped and the rest imported;
4. the new entries are checked with the catalog and written all or none
   (:func:`kb.entry_writer.write_entries`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kb.errors import CatalogInvalid, Diagnostic, KbError
from kb.ingest.new_entries import new_entry, problems_of
from kb.ingest.same_work import Match, WorkIndex
from kb.models import Entry
from kb.text import normalize_title


def read_text(path: str | Path) -> str:
    """A UTF-8 file's text, a byte-order mark dropped; :class:`KbError` when it is not."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KbError(f"cannot read file: {exc.strerror or exc}", path=path, code="E010") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KbError(f"file is not UTF-8 (byte 0x{exc.object[exc.start]:02x})", path=path,
                      line=line, code="E001") from exc


@dataclass(frozen=True)
class SourceRecord:
    """One record of an input file: its entry fields and where it is."""

    path: str
    line: int
    label: str  # how messages name it: "item 'ho2020denoising'", "record 3"
    fields: dict[str, Any]
    field_lines: dict[str, int] = field(default_factory=dict)  # entry field → line


@dataclass(frozen=True)
class Imported:
    entry: Entry
    record: SourceRecord
    path: Path


@dataclass(frozen=True)
class Present:
    """A record left out: the same work as ``match``, in the catalog or earlier in the input."""

    record: SourceRecord
    match: Match
    in_input: bool


@dataclass
class FileImportResult:
    added: list[Imported] = field(default_factory=list)
    present: list[Present] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)
    read: int = 0
    written: bool = False


def _url_key(url: str | None) -> str | None:
    return url.lower().split("://", 1)[-1].rstrip("/") if url else None


@dataclass
class _KeyIndex:
    """Entries by citation key (their own, and the one exports give them) with their title,
    and by URL: web pages and repositories have no DOI, and their titles are not compared."""

    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def add(self, entry: Entry, key: str | None) -> None:
        for name in {entry.citekey, key} - {None}:
            self.keys.setdefault(str(name), (entry.id, normalize_title(entry.title)))
        if url := _url_key(entry.url):
            self.urls.setdefault(url, entry.id)

    def find(self, entry: Entry) -> Match | None:
        if entry.citekey and entry.citekey in self.keys:
            entry_id, title = self.keys[entry.citekey]
            if title == normalize_title(entry.title):
                return Match(entry_id, "citation key and title", entry.citekey)
        url = _url_key(entry.url)
        if url and url in self.urls:
            return Match(self.urls[url], "URL", entry.url or "")
        return None


def _export_key(entry: Entry) -> str | None:
    """The citation key ``kb export`` gives ``entry`` (None if it cannot make one)."""
    from kb.export.bibtex_keys import bibtex_keys

    try:
        return bibtex_keys([entry])[entry.id]
    except KbError:
        return None


def _problems(record: SourceRecord, error: ValidationError) -> list[Diagnostic]:
    return [Diagnostic("E522", f"{record.label}: {name}: {message}", record.path,
                       record.field_lines.get(name, record.line))
            for name, message in problems_of(error)]


def import_records(catalog_path: str | Path, records: Iterable[SourceRecord], *,
                   problems: Iterable[Diagnostic] = (), topics: Iterable[str] = (),
                   tags: Iterable[str] = (), skip_invalid: bool = False,
                   dry_run: bool = False) -> FileImportResult:
    """Add the records that are new works to the catalog at ``catalog_path``.

    ``problems`` are the records the reader could not read (each one bad record).

    Raises :class:`CatalogInvalid` listing every bad record (unless ``skip_invalid``) or every
    error the new entries would give the catalog; either way nothing is written.
    """
    from kb.catalog import Catalog, entry_files
    from kb.entry_writer import entry_file, write_entries

    catalog = Catalog.load(catalog_path, strict=False)
    works = WorkIndex.of(catalog)
    keys = _KeyIndex()
    for known in catalog:
        keys.add(known, _export_key(known))
    taken = set(catalog.entries) | {path.stem for path in entry_files(catalog.root)}
    topics, tags = list(topics), list(tags)
    from_input: dict[str, SourceRecord] = {}
    result = FileImportResult(invalid=list(problems))
    result.read = len(result.invalid)
    for record in records:
        result.read += 1
        if not record.fields.get("title"):
            result.invalid.append(Diagnostic("E521", f"{record.label} has no title",
                                             record.path, record.line))
            continue
        try:
            entry = new_entry(record.fields, taken=taken, topics=topics, tags=tags)
        except ValidationError as exc:
            result.invalid += _problems(record, exc)
            continue
        if match := works.find_entry(entry) or keys.find(entry):
            in_input = match.entry_id in from_input
            shown = Match(from_input[match.entry_id].label, match.by, match.value) \
                if in_input else match
            result.present.append(Present(record, shown, in_input))
            continue
        works.add(entry)
        keys.add(entry, None)
        taken.add(entry.id)
        from_input[entry.id] = record
        result.added.append(Imported(entry, record, entry_file(catalog.root, entry)))
    if result.invalid and not skip_invalid:
        raise CatalogInvalid(result.invalid)
    write_entries(catalog.root, [item.entry for item in result.added], dry_run=dry_run)
    result.written = not dry_run and bool(result.added)
    return result
