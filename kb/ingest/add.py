"""``kb add``: new catalog entries from arXiv ids and DOIs, refused when the work is there.

>>> from kb.ingest.add import add_works
>>> added = add_works("catalog", ["arxiv:2006.11239", "doi:10.1371/journal.pone.0033693"])
>>> [a.path for a in added.added]

The order is: read the ids (a typo fails before any request), refuse ids the catalog already
has, fetch every record (arXiv: one request per 100 ids; Crossref: one per DOI), make the
entries, refuse works the catalog already has by DOI, arXiv id or title, check the new files
with the catalog, write them. Any fault on the way and nothing is written. One path serves
both sources; only fetching and mapping a record differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.catalog import Catalog, entry_files
from kb.entry_writer import entry_file, entry_yaml
from kb.errors import Diagnostic, KbError
from kb.ingest.arxiv_ids import parse_arxiv_id
from kb.ingest.catalog_update import FileChange, apply_changes, check_changes
from kb.ingest.doi_ids import looks_like_doi, parse_doi
from kb.ingest.same_work import Match, WorkIndex
from kb.ingest.settings import ApiSettings
from kb.models import Entry

ARXIV_DOI_PREFIX = "10.48550/arxiv."


@dataclass
class Added:
    """One entry made by ``kb add``: where it goes and its text."""

    entry: Entry
    path: Path
    text: str


@dataclass
class AddResult:
    added: list[Added]
    warnings: list[Diagnostic] = field(default_factory=list)
    written: bool = False


def _duplicate_error(what: str, match: Match, catalog: Catalog) -> KbError:
    if match.entry_id not in catalog:
        return KbError(f"{what} is the same work (same {match.by}) as '{match.entry_id}', "
                       "also being added: give it once", code="E202")
    where = catalog.path_of(match.entry_id)
    return KbError(f"{what} is already in the catalog as '{match.entry_id}' (same {match.by}"
                   f"{'' if match.by == 'title' else ' ' + match.value}): one work is one "
                   "entry, a preprint and its published version included",
                   path=where, code="E202")


def parse_inputs(inputs: Iterable[str]) -> list[tuple[str, str]]:
    """``("arxiv", id)`` or ``("doi", doi)`` for each input, in order, each work once.

    A DOI is given as ``doi:10.…``, ``10.…`` or a doi.org link; arXiv's own DOIs
    (``10.48550/arXiv.2006.11239``) name arXiv ids; anything else must be an arXiv id.
    Raises :class:`KbError` (E501) for the first input that is neither.
    """
    parsed: dict[tuple[str, str], None] = {}
    for text in inputs:
        if looks_like_doi(text):
            doi = parse_doi(text)
            if doi.lower().startswith(ARXIV_DOI_PREFIX):
                # arXiv's own DOIs (registered with DataCite, unknown to Crossref)
                parsed.setdefault(("arxiv", parse_arxiv_id(doi[len(ARXIV_DOI_PREFIX):])), None)
            elif not any(k == "doi" and v.lower() == doi.lower() for k, v in parsed):
                parsed.setdefault(("doi", doi), None)
        else:
            parsed.setdefault(("arxiv", parse_arxiv_id(text)), None)
    return list(parsed)


def add_works(catalog_path: str | Path, inputs: Iterable[str], *, kind: str | None = None,
              topics: Iterable[str] = (), tags: Iterable[str] = (), dry_run: bool = False,
              settings: ApiSettings | None = None) -> AddResult:
    """Add one entry per arXiv id or DOI in ``inputs`` to the catalog at ``catalog_path``.

    arXiv ids are asked of arXiv, DOIs of Crossref. ``kind`` overrides the kind of every new
    entry (default: paper; for a DOI, what its record is: a book is a book).

    Raises :class:`KbError` for a bad id or a work already in the catalog,
    :class:`kb.errors.NetworkError` when a service fails, :class:`kb.errors.CatalogInvalid`
    when the new files would not validate. With ``dry_run`` everything is checked, nothing
    written.
    """
    wanted = parse_inputs(inputs)
    if not wanted:
        raise KbError("no arXiv id or DOI given", code="E501")
    settings = settings or ApiSettings.from_env()
    catalog = Catalog.load(catalog_path, strict=False)
    works = WorkIndex.of(catalog)
    for source, key in wanted:
        if match := works.find(**{source: key}):
            raise _duplicate_error(_label(source, key), match, catalog)
    records = _fetch(wanted, settings)
    taken = set(catalog.entries) | {path.stem for path in entry_files(catalog.root)}
    added: list[Added] = []
    for source, key in wanted:
        entry = _make_entry(source, key, records[(source, key)], settings, kind=kind,
                            taken=taken, topics=topics, tags=tags)
        if match := works.find_entry(entry):
            raise _duplicate_error(f"{_label(source, key)} ('{entry.title}')", match, catalog)
        works.add(entry)
        taken.add(entry.id)
        added.append(Added(entry, entry_file(catalog.root, entry), entry_yaml(entry)))
    changes = [FileChange(a.path, a.text, new=True) for a in added]
    if dry_run:
        return AddResult(added, check_changes(catalog, changes), written=False)
    return AddResult(added, apply_changes(catalog, changes), written=True)


def add_from_arxiv(catalog_path: str | Path, inputs: Iterable[str], *, kind: str = "paper",
                   **options: Any) -> AddResult:
    """:func:`add_works` for arXiv ids only (a DOI among ``inputs`` is refused)."""
    inputs = list(inputs)
    for text in inputs:
        parse_arxiv_id(text)
    return add_works(catalog_path, inputs, kind=kind, **options)


def _label(source: str, key: str) -> str:
    return f"arXiv {key}" if source == "arxiv" else f"DOI {key}"


def _fetch(wanted: list[tuple[str, str]], settings: ApiSettings) -> dict[tuple[str, str], Any]:
    """Every record asked for, arXiv's first; a fault anywhere and there is none."""
    records: dict[tuple[str, str], Any] = {}
    arxiv_ids = [key for source, key in wanted if source == "arxiv"]
    dois = [key for source, key in wanted if source == "doi"]
    if arxiv_ids:
        from kb.ingest.arxiv_api import fetch_arxiv

        records |= {("arxiv", k): v for k, v in fetch_arxiv(arxiv_ids, settings).items()}
    if dois:
        from kb.ingest.crossref_api import fetch_crossref

        records |= {("doi", k): v for k, v in fetch_crossref(dois, settings).items()}
    return records


def _make_entry(source: str, key: str, record: Any, settings: ApiSettings, *,
                kind: str | None, taken: set[str], topics: Iterable[str],
                tags: Iterable[str]) -> Entry:
    if source == "arxiv":
        from kb.ingest.arxiv_entry import entry_from_arxiv

        return entry_from_arxiv(record, kind=kind or "paper", taken=taken, topics=topics,
                                tags=tags)
    from kb.ingest.crossref_api import work_url
    from kb.ingest.crossref_entry import entry_from_crossref

    return entry_from_crossref(record, source_url=work_url(settings, key), kind=kind,
                               taken=taken, topics=topics, tags=tags)
