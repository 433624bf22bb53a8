"""``kb cites fetch``: which catalog entries an entry cites, from Semantic Scholar.

For each entry, its reference list is asked by arXiv id (else DOI); each reference that is a
catalog entry — the same arXiv id, DOI or normalized title (:mod:`kb.ingest.same_work`) — is a
citation. New ones are appended to ``cites`` after those already there; nothing is removed.
Every list is fetched before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.catalog import Catalog
from kb.errors import Diagnostic, KbError
from kb.ingest.catalog_update import FileChange, apply_changes, updated_text
from kb.ingest.same_work import Match, WorkIndex
from kb.ingest.semantic_scholar import Reference, SemanticScholar, default_cache_dir
from kb.ingest.settings import ApiSettings
from kb.models import Entry


@dataclass
class CitedEntry:
    """A reference that is a catalog entry, and how it was recognised."""

    reference: Reference
    match: Match


@dataclass
class CitesFound:
    """What one entry cites among the catalog's entries."""

    entry_id: str
    paper: str  # what Semantic Scholar was asked: arXiv:… or DOI:…
    references: int  # how many references the service listed
    cited: list[CitedEntry]
    added: list[str]  # cited ids not yet in the entry's cites
    path: Path | None = None
    old_text: str = ""
    new_text: str = ""


@dataclass
class CitesResult:
    found: list[CitesFound]
    warnings: list[Diagnostic] = field(default_factory=list)
    written: bool = False


def paper_key(entry: Entry) -> str:
    """How Semantic Scholar names the entry's paper: ``arXiv:2006.11239`` or ``DOI:10.…``."""
    if entry.arxiv:
        return f"arXiv:{entry.arxiv}"
    if entry.doi:
        return f"DOI:{entry.doi}"
    raise KbError(f"'{entry.id}' has neither an arXiv id nor a DOI to look it up by",
                  code="E508")


def cited_entries(entry: Entry, references: list[Reference], works: WorkIndex
                  ) -> list[CitedEntry]:
    """The references that are catalog entries (other than ``entry``), each once, in order."""
    cited: dict[str, CitedEntry] = {}
    for reference in references:
        match = works.find(arxiv=reference.arxiv, doi=reference.doi, title=reference.title)
        if match and match.entry_id != entry.id and match.entry_id not in cited:
            cited[match.entry_id] = CitedEntry(reference, match)
    return list(cited.values())


def fetch_cites(catalog_path: str | Path, ids: Iterable[str], *, write: bool = False,
                use_cache: bool = True, settings: ApiSettings | None = None,
                client: SemanticScholar | None = None) -> CitesResult:
    """Find what entries ``ids`` cite in the catalog; with ``write`` add it to their files."""
    catalog = Catalog.load(catalog_path, strict=False)
    entries = [catalog.get(entry_id) for entry_id in dict.fromkeys(ids)]
    if not entries:
        raise KbError("no entry id given", code="E404")
    keys = {entry.id: paper_key(entry) for entry in entries}
    client = client or SemanticScholar(settings or ApiSettings.from_env(), default_cache_dir())
    references = {entry.id: client.references(keys[entry.id], use_cache=use_cache)
                  for entry in entries}
    works = WorkIndex.of(catalog)
    found: list[CitesFound] = []
    for entry in entries:
        cited = cited_entries(entry, references[entry.id], works)
        added = [c.match.entry_id for c in cited if c.match.entry_id not in entry.cites]
        item = CitesFound(entry.id, keys[entry.id], len(references[entry.id]), cited, added)
        if added:
            item.path = Path(catalog.path_of(entry.id) or "")
            item.old_text = item.path.read_text(encoding="utf-8")
            new = entry.model_copy(update={"cites": [*entry.cites, *added]})
            item.new_text = updated_text(item.old_text, entry, new)
        found.append(item)
    changes = [FileChange(f.path, f.new_text) for f in found if f.added and f.path]
    if not write or not changes:
        return CitesResult(found)
    return CitesResult(found, apply_changes(catalog, changes), written=True)
