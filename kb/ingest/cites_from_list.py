"""``kb cites match``: set an entry's ``cites`` from its paper's own reference list.

The list's text (copied from the paper's arXiv HTML, ar5iv page or PDF) is matched against the
catalog (:mod:`kb.ingest.reference_list`). With ``write``, ``cites`` becomes exactly the
entries found — those the list does not hold are dropped — and the URL the list was read from
joins ``sources.references``, so the edges count as verified. The file is rewritten through a
temporary file and a rename, after the whole catalog is checked with the change in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.catalog import Catalog
from kb.errors import Diagnostic, KbError
from kb.ingest.catalog_update import FileChange, apply_changes, updated_text
from kb.ingest.reference_list import ReferenceMatch, ReferenceMatcher, split_references
from kb.models import URL_RE, Sources


@dataclass
class ListMatch:
    """What one reference list holds of the catalog, against the entry's ``cites`` now."""

    entry_id: str
    references: int
    cited: list[ReferenceMatch]
    added: list[str]
    dropped: list[str]
    path: Path | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    written: bool = False


def match_reference_list(catalog_path: str | Path, entry_id: str, text: str, source: str, *,
                         write: bool = False) -> ListMatch:
    """Match ``text`` (the reference list of ``entry_id``'s paper, read at ``source``)."""
    if not URL_RE.match(source):
        raise KbError(f"--source '{source}' is not an http(s) URL: name the page the list "
                      "was read from", code="E110")
    catalog = Catalog.load(catalog_path, strict=False)
    entry = catalog.get(entry_id)
    references = split_references(text)
    if not references:
        raise KbError("the reference list is empty", code="E520")
    matcher = ReferenceMatcher(catalog.entries.values())
    cited = matcher.cited(references, citing=entry.id)
    ids = [m.entry_id for m in cited]
    result = ListMatch(entry.id, len(references), cited,
                       added=[i for i in ids if i not in entry.cites],
                       dropped=[i for i in entry.cites if i not in ids])
    if not write:
        return result
    old_sources = entry.sources or Sources()
    sources = old_sources.model_copy(update={"references": list(dict.fromkeys(
        [*old_sources.references, source]))})
    new = entry.model_copy(update={"cites": ids, "sources": sources})
    result.path = Path(catalog.path_of(entry.id) or "")
    old_text = result.path.read_text(encoding="utf-8")
    change = FileChange(result.path, updated_text(old_text, entry, new))
    result.warnings = apply_changes(catalog, [change])
    result.written = True
    return result
