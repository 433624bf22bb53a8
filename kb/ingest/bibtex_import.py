"""``kb import bibtex``: a catalog entry for each BibTeX record the catalog does not have yet.

The files are read together (:mod:`kb.ingest.bibtex_read`), each record becomes entry
fields (:mod:`kb.ingest.bibtex_fields`) under a new id: :func:`kb.text.entry_slug`
(``ho-2020-denoising``), or the first words of the title when the record has no author
(``stable-video-4d``); ``-b``, ``-c`` … when taken.

A record is already there when the catalog (or an earlier record of the files) has the same
work (:mod:`kb.ingest.same_work`: arXiv id, DOI, or title with year and first author), the
same citation key and title (``citekey``, or the key ``kb export bibtex`` gives an entry
without one — so our own export, methods included, imports as nothing new), or the same URL
(web pages and repos have none of the others).

Every problem of every record is found in one pass. Without ``skip_invalid`` any problem
raises :class:`BibtexInvalid` listing them all and nothing is written; with it the records
that have problems are left out, one diagnostic each, and the rest are imported. The new
entries are written by :func:`kb.entry_writer.write_entries`: all of them, checked with the
catalog, or none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kb.errors import Diagnostic, KbError
from kb.ingest.bibtex_fields import BIB_FIELD_OF, entry_data
from kb.ingest.bibtex_read import BibFiles, BibRecord, BibtexInvalid, read_bibtex_files
from kb.ingest.same_work import Match, WorkIndex
from kb.models import Entry
from kb.text import STOPWORDS, ascii_word, entry_slug, normalize_title

TITLE_SLUG_WORDS = 5


@dataclass(frozen=True)
class Imported:
    """A new entry, the record it came from and the file it goes to."""

    entry: Entry
    key: str
    line: int
    path: Path
    source: str = ""


@dataclass(frozen=True)
class Skipped:
    """A record left out: the same work as ``match`` (in the catalog or earlier in the files)."""

    key: str
    line: int
    match: Match
    in_file: bool
    source: str = ""


@dataclass
class ImportResult:
    """What an import read, added, found already present and skipped as invalid."""

    read: int = 0
    added: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)  # one per record left out
    warnings: list[Diagnostic] = field(default_factory=list)
    written: bool = False


def new_id_base(authors: list[str], year: int | None, title: str) -> str:
    """``ho-2020-denoising``; without authors, the title's first words: ``stable-video-4d``."""
    if not authors:
        words = [ascii_word(w) for w in re.split(r"[\s\-:/]+", title)]
        words = [w for w in words if w]
        while words and words[0] in STOPWORDS:
            words.pop(0)
        if words:
            return "-".join(words[:TITLE_SLUG_WORDS])
    return entry_slug(authors, year, title)


def _key_and_title(key: str, entry: Entry) -> str:
    return f"{key.lower()}\n{normalize_title(entry.title)}"


def _url_key(url: str | None) -> str | None:
    return url.lower().split("://", 1)[-1].rstrip("/") if url else None


@dataclass
class KnownWorks:
    """Works by :class:`WorkIndex`, plus entries by citation key and by URL."""

    works: WorkIndex = field(default_factory=WorkIndex)
    keys: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def add(self, entry: Entry, key: str) -> None:
        self.works.add(entry)
        self.keys.setdefault(_key_and_title(key, entry), entry.id)
        if url := _url_key(entry.url):
            self.urls.setdefault(url, entry.id)

    def find(self, entry: Entry, key: str) -> Match | None:
        if match := self.works.find_entry(entry):
            return match
        if (both := _key_and_title(key, entry)) in self.keys:
            return Match(self.keys[both], "citation key and title", key)
        url = _url_key(entry.url)
        return Match(self.urls[url], "URL", url) if url in self.urls else None


def _entry(record: BibRecord, entry_id: str, data: dict[str, object]) -> Entry | None:
    """The entry, or None with the reasons added to ``record.problems``."""
    if isinstance(data.get("year"), str):
        record.problem("E515", f"year '{data['year']}' is not a year", "year")
        return None
    try:
        return Entry.model_validate({"id": entry_id, **data})
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            record.problem("E515", f"{name}: {error['msg']}", BIB_FIELD_OF.get(name, name))
        return None


def _one_line(record: BibRecord) -> Diagnostic:
    """A record's problems as one diagnostic at the line of the first."""
    first = record.problems[0]
    rest = [p.message.removeprefix(f"record '{record.key}': ") for p in record.problems[1:]]
    message = "; ".join([first.message, *rest])
    return Diagnostic(first.code, message, first.path, first.line)


def _prepare(files: BibFiles, catalog, topics: Sequence[str], tags: Sequence[str],  # noqa: ANN001
             result: ImportResult) -> None:
    from kb.catalog import entry_files
    from kb.entry_writer import entry_file
    from kb.export.bibtex_keys import bibtex_key
    from kb.ingest.arxiv_entry import unique_id

    known = KnownWorks()
    for entry in catalog:
        known.add(entry, bibtex_key(entry))
    taken = set(catalog.entries) | {path.stem for path in entry_files(catalog.root)}
    in_file: dict[str, BibRecord] = {}
    for record in files.records:
        if not record.fields.get("title"):
            continue  # E514 already; the rest needs a title
        data = entry_data(record, topics, tags)
        year = data.get("year") if isinstance(data.get("year"), int) else None
        people = data.get("authors") or data.get("editors") or []
        base = new_id_base(list(people), year, record.fields["title"])  # type: ignore[arg-type]
        try:
            entry_id = unique_id(base, taken)
        except KbError as exc:
            record.problem("E505", str(exc))
            continue
        entry = _entry(record, entry_id, data)  # its problems join the reading's ones
        if entry is None or record.problems:
            continue
        if match := known.find(entry, record.key):
            first = in_file.get(match.entry_id)
            shown = Match(first.key, match.by, match.value) if first else match
            result.skipped.append(Skipped(record.key, record.line, shown, first is not None,
                                          record.path))
            continue
        known.add(entry, record.key)
        taken.add(entry.id)
        in_file[entry.id] = record
        result.added.append(Imported(entry, record.key, record.line,
                                     entry_file(catalog.root, entry), record.path))


def import_bibtex(catalog_path: str | Path, bib_paths: str | Path | Sequence[str | Path], *,
                  topics: Iterable[str] = (), tags: Iterable[str] = (),
                  skip_invalid: bool = False, dry_run: bool = False,
                  progress: Callable[[str], None] | None = None) -> ImportResult:
    """Add the records of ``bib_paths`` (read together) that are new to the catalog.

    Raises :class:`BibtexInvalid` (every problem at its line) when a record is bad and
    ``skip_invalid`` is off, :class:`kb.errors.CatalogInvalid` when the new entries would not
    validate with the catalog; either way nothing is written. With ``dry_run`` nothing is.
    ``progress`` is told each step ("reading 2 files", "checking 3,305 records" …).
    """
    from kb.catalog import Catalog
    from kb.entry_writer import write_entries

    say = progress or (lambda step: None)
    paths = [bib_paths] if isinstance(bib_paths, str | Path) else list(bib_paths)
    say(f"reading {len(paths)} file{'s' if len(paths) != 1 else ''}")
    files = read_bibtex_files(paths)
    catalog = Catalog.load(catalog_path, strict=False)
    result = ImportResult(read=len(files.records) + files.failed_records)
    say(f"checking {len(files.records):,} records")
    _prepare(files, catalog, list(topics), list(tags), result)
    # a bad @string is no record: with --skip-invalid it is shown, and its uses are skipped
    result.warnings = files.warnings + files.string_problems + [
        w for r in files.records for w in r.warnings]
    if not skip_invalid and (problems := files.all_problems()):
        raise BibtexInvalid(problems, files.warnings + [
            w for r in files.records for w in r.warnings])
    bad = [_one_line(r) for r in files.records if r.problems]
    result.invalid = sorted(files.problems + bad, key=lambda d: (d.path or "", d.line or 0))
    say(f"{'checking' if dry_run else 'writing'} {len(result.added):,} new entries")
    write_entries(catalog.root, [item.entry for item in result.added], dry_run=dry_run)
    result.written = not dry_run and bool(result.added)
    return result
