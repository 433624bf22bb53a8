"""``kb refresh``: what arXiv says now about catalog entries, as a diff of their files.

Which fields arXiv may change (everything else is ours and never touched):

- ``title`` is **replaced** when arXiv's differs (a new version renamed the paper);
- ``authors``, ``year``, ``date``, ``doi``, ``venue`` (from the journal reference), ``url``,
  ``abstract`` and ``links.pdf`` are **filled when empty** (a DOI or journal reference added
  after publication). A hand-set value that differs from arXiv's is kept and reported as a
  note, so a person decides;
- ``id``, ``kind``, ``arxiv``, ``tags``, ``topics``, ``methods``, ``cites``, ``builds_on``,
  ``notes``, ``language``, the other ``links`` and the method fields are never touched.

Entries do not store an arXiv version, so the latest version and its date are shown beside
each entry's diff. Only the changed fields' lines are rewritten
(:func:`kb.ingest.catalog_update.updated_text`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kb.catalog import Catalog
from kb.errors import Diagnostic, KbError, NetworkError
from kb.ingest.catalog_update import FileChange, apply_changes, changed_fields, updated_text
from kb.ingest.settings import ApiSettings
from kb.models import Entry

REPLACED = ("title",)
FILLED = ("authors", "year", "date", "doi", "venue", "url", "abstract")
NOTED = {"authors": "authors", "year": "year", "date": "date", "doi": "DOI",
         "venue": "venue (arXiv's journal reference)"}


@dataclass
class Refreshed:
    """One entry compared with arXiv."""

    entry_id: str
    path: Path
    version: str  # "v3"
    updated: dt.date | None
    fields: list[str]  # the fields that change
    notes: list[str]  # hand-set values that differ from arXiv's, kept
    old_text: str
    new_text: str

    def diff(self) -> str:
        """A unified diff of the entry file, from what it is to what ``--write`` makes it."""
        name = str(self.path)
        return "".join(difflib.unified_diff(self.old_text.splitlines(keepends=True),
                                            self.new_text.splitlines(keepends=True),
                                            fromfile=name, tofile=name))


@dataclass
class RefreshResult:
    compared: list[Refreshed]
    warnings: list[Diagnostic] = field(default_factory=list)
    written: bool = False

    @property
    def changed(self) -> list[Refreshed]:
        return [r for r in self.compared if r.fields]


def refreshed_entry(entry: Entry, from_arxiv: dict[str, Any]) -> tuple[Entry, list[str]]:
    """``entry`` with arXiv's fields applied by the rules above, and the notes to show."""
    data = entry.as_dict()
    notes: list[str] = []
    for name in REPLACED:
        if from_arxiv.get(name) and " ".join(str(data.get(name, "")).split()) != from_arxiv[name]:
            data[name] = from_arxiv[name]
    for name in FILLED:
        ours, theirs = data.get(name), from_arxiv.get(name)
        if theirs in (None, [], ""):
            continue
        if ours in (None, [], ""):
            data[name] = theirs
        elif name in NOTED and _shown(ours) != _shown(theirs):
            notes.append(f"{NOTED[name]} kept as {_shown(ours)!r}; arXiv has {_shown(theirs)!r}")
    pdf = from_arxiv.get("links", {}).get("pdf")
    if pdf and "pdf" not in data.get("links", {}):
        data["links"] = {**data.get("links", {}), "pdf": pdf}
    try:
        return Entry.model_validate(data), notes
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise NetworkError(f"arXiv's record of {entry.arxiv} does not fit entry '{entry.id}': "
                           f"{problems}", code="E505") from None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value.isoformat() if isinstance(value, dt.date) else value)


def _entries_to_refresh(catalog: Catalog, ids: Iterable[str]) -> list[Entry]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return [e for e in catalog if e.arxiv]
    entries = [catalog.get(entry_id) for entry_id in wanted]
    without = [e.id for e in entries if not e.arxiv]
    if without:
        raise KbError(f"{', '.join(without)} ha{'s' if len(without) == 1 else 've'} no arXiv "
                      "id to refresh from", code="E508")
    return entries


def refresh_from_arxiv(catalog_path: str | Path, ids: Iterable[str] = (), *,
                       write: bool = False, settings: ApiSettings | None = None
                       ) -> RefreshResult:
    """Compare entries ``ids`` (default: every entry with an arXiv id) with arXiv.

    With ``write``, the changed files are checked with the catalog and written; a network
    fault or an invalid result writes nothing.
    """
    from kb.ingest.arxiv_api import fetch_arxiv
    from kb.ingest.arxiv_entry import arxiv_fields

    catalog = Catalog.load(catalog_path, strict=False)
    entries = _entries_to_refresh(catalog, ids)
    results = fetch_arxiv([e.arxiv for e in entries if e.arxiv], settings)
    compared: list[Refreshed] = []
    for entry in entries:
        result = results[entry.arxiv]
        new, notes = refreshed_entry(entry, arxiv_fields(result))
        path = Path(catalog.path_of(entry.id) or "")
        old_text = path.read_text(encoding="utf-8")
        short_id = result.get_short_id()
        version = short_id[len(entry.arxiv):] if short_id.startswith(entry.arxiv) else ""
        updated = result.updated.date() if result.updated else None
        fields = changed_fields(entry, new)
        new_text = updated_text(old_text, entry, new) if fields else old_text
        compared.append(Refreshed(entry.id, path, version, updated, fields, notes, old_text,
                                  new_text))
    changes = [FileChange(r.path, r.new_text) for r in compared if r.fields]
    if not write or not changes:
        return RefreshResult(compared)
    return RefreshResult(compared, apply_changes(catalog, changes), written=True)
