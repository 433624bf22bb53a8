"""``kb import bibtex``: a catalog entry for each BibTeX record the catalog does not have yet.

Which field comes from where:

- ``kind``: ``@book`` → book; ``@online``/``@www``/``@electronic`` → tutorial; ``@software`` →
  repo; anything else → paper, or survey when the title has the word "survey";
- ``id``: :func:`kb.text.entry_slug` (``ho-2020-denoising``), or the first words of the title
  when the record has no author (``stable-video-4d``); ``-b``, ``-c`` … when taken;
- ``title``, ``abstract``: as written, LaTeX read as text;
- ``authors``: ``author`` (else ``editor``), each as "Given Family";
- ``year``: ``year``, else the year of ``date``; ``date``: a full ISO ``date`` field;
- ``arxiv``: ``eprint`` of an arXiv record, else an ``arXiv:ID`` in ``journal``, ``url`` or
  ``doi`` (10.48550/arXiv.ID), without version; ``doi``: without ``https://doi.org/``;
- ``url``: ``url``, else the arXiv abstract page;
- ``venue``: ``journal``, ``booktitle``, then ``publisher`` (books), ``organization``,
  ``institution``, ``school``, ``howpublished`` (an "arXiv preprint" journal is no venue);
- ``tags``: ``keywords`` in lower case, then ``--tag`` values; ``topics``: ``--topic``;
- ``language``: ``langid``/``language`` as an ISO 639-1 code.

A record is skipped when the catalog (or an earlier record of the file) has the same work: the
same arXiv id, DOI or normalized title (titles of papers, surveys and books only: the rule of
E202 in :mod:`kb.validate`), or the same URL (so web pages and repos, which have none of
those, are not imported twice). The new entries are written by
:func:`kb.entry_writer.write_entries`: all of them, checked with the catalog, or none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kb.errors import Diagnostic
from kb.ingest.bibtex_read import BibRecord, BibtexInvalid, read_bibtex_file
from kb.ingest.same_work import Match, work_keys
from kb.models import ARXIV_RE, ARXIV_VERSION_RE, Entry
from kb.text import STOPWORDS, ascii_word, entry_slug
from kb.validate import TITLED_WORKS

KINDS_BY_TYPE = {"book": "book", "online": "tutorial", "www": "tutorial",
                 "electronic": "tutorial", "webpage": "tutorial", "software": "repo"}
VENUE_FIELDS = ("journal", "booktitle", "publisher", "organization", "institution", "school",
                "howpublished")
LANGUAGES = {"english": "en", "american": "en", "british": "en", "chinese": "zh",
             "german": "de", "ngerman": "de", "french": "fr", "japanese": "ja",
             "korean": "ko", "spanish": "es", "italian": "it", "russian": "ru"}
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\.)([a-z-]+(?:\.[A-Z]{2})?/\d{7}|"
                            r"\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Imported:
    """A new entry, the record it came from and the file it goes to."""

    entry: Entry
    key: str
    line: int
    path: Path


@dataclass(frozen=True)
class Skipped:
    """A record left out: the same work as ``match`` (in the catalog or earlier in the file)."""

    key: str
    line: int
    match: Match
    in_file: bool


@dataclass
class ImportResult:
    added: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    written: bool = False


TITLE_SLUG_WORDS = 5


def work_and_url_keys(entry: Entry) -> list[tuple[str, str]]:
    """The keys under which an entry is "the same work" for an import."""
    title = entry.title if entry.kind in TITLED_WORKS else None
    keys = work_keys(arxiv=entry.arxiv, doi=entry.doi, title=title)
    if entry.url:
        keys.append(("URL", entry.url.lower().split("://", 1)[-1].rstrip("/")))
    return keys


@dataclass
class KnownWorks:
    """Entry ids by each of their work keys."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        for key in work_and_url_keys(entry):
            self.keys.setdefault(key, entry.id)

    def find(self, entry: Entry) -> Match | None:
        for what, value in work_and_url_keys(entry):
            if (what, value) in self.keys:
                return Match(self.keys[(what, value)], what, value)
        return None


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


def _arxiv(record: BibRecord) -> str | None:
    fields = record.fields
    eprint = fields.get("eprint", "")
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    candidate = ARXIV_VERSION_RE.sub("", eprint.removeprefix("arXiv:").strip())
    if eprint and (archive == "arxiv" or ARXIV_RE.match(candidate)):
        return candidate
    for name in ("journal", "url", "doi", "note", "howpublished"):
        if match := _ARXIV_IN_TEXT.search(fields.get(name, "")):
            return match.group(1)
    return None


def _venue(record: BibRecord) -> str | None:
    for name in VENUE_FIELDS:
        value = record.fields.get(name, "")
        if value and not re.match(r"^(arxiv|corr)\b", value, re.IGNORECASE) \
                and not value.startswith("http"):
            return value
    return None


def _year_and_date(record: BibRecord) -> tuple[int | None, str | None]:
    date = record.fields.get("date", "")
    year_text = record.fields.get("year", "") or date[:4]
    year = int(year_text) if year_text.isdigit() else None
    return year, date if _ISO_DATE.match(date) else None


def _language(record: BibRecord) -> str | None:
    value = (record.fields.get("langid") or record.fields.get("language") or "").lower()
    return value if re.fullmatch(r"[a-z]{2}", value) else LANGUAGES.get(value)


def _kind(record: BibRecord) -> str:
    kind = KINDS_BY_TYPE.get(record.type, "paper")
    if kind == "paper" and re.search(r"\bsurvey\b", record.fields["title"], re.IGNORECASE):
        return "survey"
    return kind


def entry_data(record: BibRecord, topics: Iterable[str] = (), tags: Iterable[str] = ()
               ) -> dict[str, object]:
    """The entry's fields (without ``id``) from one record, empty ones left out."""
    fields = record.fields
    year, date = _year_and_date(record)
    arxiv = _arxiv(record)
    doi = _DOI_PREFIX.sub("", fields.get("doi", "")).strip() or None
    if doi and doi.lower().startswith("10.48550/arxiv."):
        doi = None  # arXiv's own DOI names the preprint, which ``arxiv`` already does
    keywords = [k.strip().lower() for k in re.split(r"[,;]", fields.get("keywords", ""))]
    url = fields.get("url") or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None)
    data: dict[str, object] = {
        "kind": _kind(record), "title": fields["title"],
        "authors": record.authors or record.editors, "year": year, "date": date,
        "arxiv": arxiv, "doi": doi, "url": url, "venue": _venue(record),
        "tags": list(dict.fromkeys([k for k in keywords if k] + list(tags))),
        "topics": list(dict.fromkeys(topics)), "abstract": fields.get("abstract") or None,
        "language": _language(record)}
    return {name: value for name, value in data.items() if value not in (None, [], "")}


def _entry(record: BibRecord, entry_id: str, data: dict[str, object], path: str
           ) -> tuple[Entry | None, list[Diagnostic]]:
    year = record.fields.get("year", "")
    if year and not year.isdigit():
        return None, [Diagnostic("E515", f"record '{record.key}': year '{year}' is not a year",
                                 path, record.field_lines.get("year", record.line))]
    try:
        return Entry.model_validate({"id": entry_id, **data}), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            bib_name = {"venue": "journal", "authors": "author", "arxiv": "eprint"}.get(name,
                                                                                         name)
            line = record.field_lines.get(bib_name, record.line)
            problems.append(Diagnostic("E515", f"record '{record.key}': {name}: "
                                       f"{error['msg']}", path, line))
        return None, problems


def import_bibtex(catalog_path: str | Path, bib_path: str | Path, *, topics: Iterable[str] = (),
                  tags: Iterable[str] = (), dry_run: bool = False) -> ImportResult:
    """Add the records of ``bib_path`` that are new to the catalog at ``catalog_path``.

    Raises :class:`BibtexInvalid` (every problem at its line) for a malformed file or a record
    that makes no valid entry, :class:`kb.errors.CatalogInvalid` when the new entries would not
    validate with the catalog; either way nothing is written. With ``dry_run`` nothing is.
    """
    from kb.catalog import Catalog, entry_files
    from kb.entry_writer import entry_file, write_entries
    from kb.ingest.arxiv_entry import unique_id

    records = read_bibtex_file(bib_path)
    catalog = Catalog.load(catalog_path, strict=False)
    works = KnownWorks()
    for known in catalog:
        works.add(known)
    taken = set(catalog.entries) | {path.stem for path in entry_files(catalog.root)}
    from_file: dict[str, BibRecord] = {}
    result = ImportResult()
    problems: list[Diagnostic] = []
    for record in records:
        data = entry_data(record, topics, tags)
        base = new_id_base(list(data.get("authors", [])), data.get("year"),  # type: ignore[arg-type]
                           record.fields["title"])
        entry, errors = _entry(record, unique_id(base, taken), data, str(bib_path))
        problems += errors
        if entry is None:
            continue
        if match := works.find(entry):
            in_file = match.entry_id in from_file
            shown = Match(from_file[match.entry_id].key, match.by, match.value) if in_file \
                else match
            result.skipped.append(Skipped(record.key, record.line, shown, in_file))
            continue
        works.add(entry)
        taken.add(entry.id)
        from_file[entry.id] = record
        result.added.append(Imported(entry, record.key, record.line,
                                     entry_file(catalog.root, entry)))
    if problems:
        raise BibtexInvalid(problems)
    write_entries(catalog.root, [item.entry for item in result.added], dry_run=dry_run)
    result.written = not dry_run and bool(result.added)
    return result
