"""Is this work already in the catalog? One rule for ``kb validate`` (E202) and every import.

A preprint and its published version are one work when they share

- an arXiv id (any version), or
- a DOI, or
- a title once case, accents and punctuation are set aside (:func:`kb.text.normalize_title`),
  *and* the year and the first author's family name agree. A side that does not give a year
  or an author agrees with any: a bare title still finds its entry, but Bellman's 1957 book
  *Dynamic Programming* and his 1966 *Science* article of the same title are two works.

Only papers, surveys and books are matched by title (:data:`TITLED_WORKS`): "DDIM" the method
and the DDIM paper, or a paper and its code repository, are two entries on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kb.ingest.arxiv_ids import strip_version
from kb.models import Entry
from kb.names import family_of
from kb.text import ascii_word, fold, normalize_title

# Kinds whose title names one published work (a repo or video may share a paper's title).
TITLED_WORKS = ("paper", "survey", "book")


@dataclass(frozen=True)
class Work:
    """What identifies a work: any of these may be missing."""

    arxiv: str | None = None
    doi: str | None = None
    title: str | None = None
    year: int | None = None
    first_author: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> Work:
        title = entry.title if entry.kind in TITLED_WORKS else None
        people = entry.authors or entry.editors  # an edited book: its first editor
        author = people[0] if people else None
        return cls(entry.arxiv, entry.doi, title, entry.year, author)

    def exact_keys(self) -> list[tuple[str, str]]:
        """``("arXiv id", …)`` and ``("DOI", …)``: equal means the same work."""
        keys = []
        if self.arxiv:
            keys.append(("arXiv id", strip_version(self.arxiv.strip()).lower()))
        if self.doi:
            keys.append(("DOI", self.doi.strip().lower()))
        return keys

    def title_key(self) -> str | None:
        return normalize_title(self.title) if self.title else None

    def family(self) -> str | None:
        """The first author's family name, folded (``Müller`` = ``Muller``)."""
        return _folded_family(self.first_author) if self.first_author else None


@lru_cache(maxsize=65536)
def _folded_family(author: str) -> str:
    """Parsing a name is the slow part of indexing a catalog; many entries share authors."""
    family = family_of(author)
    return ascii_word(family) or fold(family)


@dataclass(frozen=True)
class Match:
    """The entry a work matched, and by what (``arXiv id``, ``DOI`` or ``title``)."""

    entry_id: str
    by: str
    value: str


def _agree(a: object, b: object) -> bool:
    return a is None or b is None or a == b


@dataclass
class WorkIndex:
    """Catalog entries by arXiv id and DOI, and by title with their year and first author."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    titles: dict[str, list[tuple[int | None, str | None, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> WorkIndex:
        index = cls()
        for entry in entries:
            index.add(entry)
        return index

    def add_work(self, work: Work, entry_id: str) -> None:
        for key in work.exact_keys():
            self.keys.setdefault(key, entry_id)
        if title := work.title_key():
            self.titles.setdefault(title, []).append((work.year, work.family(), entry_id))

    def add(self, entry: Entry) -> None:
        self.add_work(Work.of(entry), entry.id)

    def find_work(self, work: Work) -> Match | None:
        """The entry that is the same work: arXiv id, else DOI, else title, year and author."""
        for key in work.exact_keys():
            if key in self.keys:
                return Match(self.keys[key], *key)
        title = work.title_key()
        if not title:
            return None
        family = work.family()
        for year, other_family, entry_id in self.titles.get(title, ()):
            if _agree(work.year, year) and _agree(family, other_family):
                return Match(entry_id, "title", title)
        return None

    def find(self, *, arxiv: str | None = None, doi: str | None = None,
             title: str | None = None, year: int | None = None,
             first_author: str | None = None) -> Match | None:
        """:meth:`find_work` for the parts a caller knows (a bare title matches any year)."""
        return self.find_work(Work(arxiv, doi, title, year, first_author))

    def find_entry(self, entry: Entry) -> Match | None:
        """The catalog entry that is the same work as ``entry``."""
        return self.find_work(Work.of(entry))
