"""``kb add``: new catalog entries from arXiv ids, refused when the work is already there.

>>> from kb.ingest.add import add_from_arxiv
>>> added = add_from_arxiv("catalog", ["arxiv:2006.11239"], topics=["history"])
>>> [a.path for a in added]

The order is: read the ids (a typo fails before any request), refuse ids the catalog already
has, fetch every record (one request per 100 ids), make the entries, refuse works the catalog
already has by DOI or title, check the new files with the catalog, write them. Any fault on the
way and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.catalog import Catalog, entry_files
from kb.entry_writer import entry_file, entry_yaml
from kb.errors import Diagnostic, KbError
from kb.ingest.arxiv_ids import unique_ids
from kb.ingest.catalog_update import FileChange, apply_changes, check_changes
from kb.ingest.same_work import Match, WorkIndex
from kb.ingest.settings import ApiSettings
from kb.models import Entry


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


def add_from_arxiv(catalog_path: str | Path, inputs: Iterable[str], *, kind: str = "paper",
                   topics: Iterable[str] = (), tags: Iterable[str] = (), dry_run: bool = False,
                   settings: ApiSettings | None = None) -> AddResult:
    """Add one entry per arXiv id or URL in ``inputs`` to the catalog at ``catalog_path``.

    Raises :class:`KbError` for a bad id or a work already in the catalog,
    :class:`kb.errors.NetworkError` when arXiv fails, :class:`kb.errors.CatalogInvalid` when
    the new files would not validate. With ``dry_run`` everything is checked, nothing written.
    """
    from kb.ingest.arxiv_api import fetch_arxiv
    from kb.ingest.arxiv_entry import entry_from_arxiv

    ids = unique_ids(list(inputs))
    if not ids:
        raise KbError("no arXiv id given", code="E501")
    catalog = Catalog.load(catalog_path, strict=False)
    works = WorkIndex.of(catalog)
    for arxiv_id in ids:
        if match := works.find(arxiv=arxiv_id):
            raise _duplicate_error(f"arXiv {arxiv_id}", match, catalog)
    results = fetch_arxiv(ids, settings)
    taken = set(catalog.entries) | {path.stem for path in entry_files(catalog.root)}
    added: list[Added] = []
    for arxiv_id in ids:
        entry = entry_from_arxiv(results[arxiv_id], kind=kind, taken=taken, topics=topics,
                                 tags=tags)
        if match := works.find_entry(entry):
            raise _duplicate_error(f"arXiv {arxiv_id} ('{entry.title}')", match, catalog)
        works.add(entry)
        taken.add(entry.id)
        added.append(Added(entry, entry_file(catalog.root, entry), entry_yaml(entry)))
    changes = [FileChange(a.path, a.text, new=True) for a in added]
    if dry_run:
        return AddResult(added, check_changes(catalog, changes), written=False)
    return AddResult(added, apply_changes(catalog, changes), written=True)
