"""Filtering and text search over a catalog (``kb query`` and ``Catalog.query``).

Text search matches every word of the query, ignoring case and accents, as a substring of the
title, abstract, notes, authors, tags and id — so a Chinese word is found inside Chinese notes
without any word segmentation.

``like=ID`` asks for the entries similar by content to ``ID`` instead (tf-idf cosine on title,
abstract and notes, Chinese segmented: :mod:`kb.discover.similar`), most similar first; the
other filters still apply, and ``sort`` is ignored. :func:`similarity_of` gives the scores.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.models import KINDS, Entry
from kb.text import fold

if TYPE_CHECKING:
    from kb.catalog import Catalog

SORT_KEYS = ("year", "title", "id")


def parse_years(spec: str | int | tuple[int, int] | None) -> tuple[int, int] | None:
    """``"2020..2023"``, ``"2020.."``, ``"..2019"``, ``"2021"`` or ``(a, b)`` → inclusive range."""
    if spec is None or spec == "":
        return None
    if isinstance(spec, tuple):
        return spec
    if isinstance(spec, int):
        return (spec, spec)
    match = re.fullmatch(r"\s*(\d{4})?\s*(\.\.)?\s*(\d{4})?\s*", spec)
    if not match or not (match.group(1) or match.group(3)) or (
            not match.group(2) and match.group(3)):
        raise KbError(f"bad year range '{spec}': use 2020, 2020..2023, 2020.. or ..2019",
                      code="E020")
    low = int(match.group(1)) if match.group(1) else 0
    if not match.group(2):
        return (low, low)
    high = int(match.group(3)) if match.group(3) else dt.date.today().year + 1
    return (low, high)


@dataclass
class Query:
    """What to look for. Every given filter must hold (AND)."""

    text: str | None = None
    kind: str | None = None
    tag: str | None = None
    topic: str | None = None
    method: str | None = None
    author: str | None = None
    year: str | int | tuple[int, int] | None = None
    sort: str = "year"
    reverse: bool = False
    like: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise KbError(f"unknown kind '{self.kind}': use one of {', '.join(KINDS)}",
                          code="E105")
        if self.sort not in SORT_KEYS:
            raise KbError(f"unknown sort key '{self.sort}': use {' or '.join(SORT_KEYS)}",
                          code="E021")
        self.year = parse_years(self.year)
        if self.limit is not None and self.limit < 1:
            raise KbError(f"--limit must be at least 1, not {self.limit}", code="E022")


def search_text(entry: Entry) -> str:
    """Everything text search looks at, folded (lower case, no accents)."""
    parts = [entry.id, entry.title, entry.abstract or "", entry.notes or "", entry.summary or "",
             " ".join(entry.authors), " ".join(entry.tags)]
    return fold("\n".join(parts))


def _matches(entry: Entry, q: Query, topics: set[str] | None, words: list[str]) -> bool:
    if q.kind and entry.kind != q.kind:
        return False
    if q.tag and fold(q.tag) not in {fold(t) for t in entry.tags}:
        return False
    if topics is not None and not topics.intersection(entry.topics):
        return False
    if q.method and q.method not in entry.methods and entry.id != q.method:
        return False
    if q.author and not any(fold(q.author) in fold(a) for a in entry.authors):
        return False
    if q.year:
        low, high = q.year  # type: ignore[misc]
        if entry.year is None or not low <= entry.year <= high:
            return False
    if words:
        blob = search_text(entry)
        return all(word in blob for word in words)
    return True


def run_query(catalog: Catalog, q: Query) -> list[Entry]:
    topics = catalog.topic_and_descendants(q.topic) if q.topic else None
    if q.topic and q.topic not in catalog.topics:
        raise KbError(f"unknown topic '{q.topic}'", code="E203")
    words = fold(q.text).split() if q.text else []
    if q.like:
        similar = similarity_of(catalog, q.like)
        found = [catalog.get(i) for i in similar if _matches(catalog.get(i), q, topics, words)]
        return found[:q.limit] if q.limit else found
    found = [e for e in catalog if _matches(e, q, topics, words)]
    if q.sort == "year":
        found.sort(key=lambda e: (e.year or 9999, e.date or dt.date.max, e.title.casefold()))
    elif q.sort == "title":
        found.sort(key=lambda e: fold(e.title))
    else:
        found.sort(key=lambda e: e.id)
    if q.reverse:
        found.reverse()
    return found[:q.limit] if q.limit else found


def similarity_of(catalog: Catalog, entry_id: str) -> dict[str, float]:
    """Entry id → its content similarity to ``entry_id`` (> 0), most similar first."""
    from kb.discover.similar import ContentIndex

    catalog.get(entry_id)  # an unknown id is one clear error, with near matches
    index = ContentIndex.for_catalog(catalog)
    return {s.id: s.similarity for s in index.similar(entry_id, limit=None)}
