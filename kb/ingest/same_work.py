"""Is this work already in the catalog? The keys ``kb validate`` uses for rule E202.

A preprint and its published version are one work: they share an arXiv id (any version), a
DOI, or a title once case, accents and punctuation are set aside
(:func:`kb.text.normalize_title`). Only papers, surveys and books are matched by title
(:data:`kb.validate.TITLED_WORKS`): "DDIM" the method and the DDIM paper, or a paper and its
code repository, are two entries on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.ingest.arxiv_ids import strip_version
from kb.models import Entry
from kb.text import normalize_title
from kb.validate import TITLED_WORKS


def work_keys(*, arxiv: str | None = None, doi: str | None = None, title: str | None = None
              ) -> list[tuple[str, str]]:
    """``(what, key)`` pairs naming a work, strongest first: arXiv id, DOI, title."""
    keys = []
    if arxiv:
        keys.append(("arXiv id", strip_version(arxiv.strip()).lower()))
    if doi:
        keys.append(("DOI", doi.strip().lower()))
    if title and (normalized := normalize_title(title)):
        keys.append(("title", normalized))
    return keys


def entry_keys(entry: Entry) -> list[tuple[str, str]]:
    """The keys of ``entry`` as ``kb validate`` checks them (rule E202)."""
    title = entry.title if entry.kind in TITLED_WORKS else None
    return work_keys(arxiv=entry.arxiv, doi=entry.doi, title=title)


@dataclass(frozen=True)
class Match:
    """The entry a work matched, and by what (``arXiv id``, ``DOI`` or ``title``)."""

    entry_id: str
    by: str
    value: str


@dataclass
class WorkIndex:
    """Catalog entries by each of their work keys."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> WorkIndex:
        index = cls()
        for entry in entries:
            index.add(entry)
        return index

    def add(self, entry: Entry) -> None:
        for key in entry_keys(entry):
            self.keys.setdefault(key, entry.id)

    def find(self, *, arxiv: str | None = None, doi: str | None = None,
             title: str | None = None) -> Match | None:
        """The entry with the same arXiv id, else DOI, else normalized title, or None."""
        for what, key in work_keys(arxiv=arxiv, doi=doi, title=title):
            if (what, key) in self.keys:
                return Match(self.keys[(what, key)], what, key)
        return None

    def find_entry(self, entry: Entry) -> Match | None:
        """The catalog entry that is the same work as ``entry``, by the keys it has."""
        for key in entry_keys(entry):
            if key in self.keys:
                return Match(self.keys[key], *key)
        return None
