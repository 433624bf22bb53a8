"""Entries similar by content: tf-idf cosine on title, abstract and notes.

Where :mod:`kb.graph.related` needs citations or shared topics, this needs only text, so a
new entry with no cites still has neighbours. For entries *x* and *y* with tf-idf rows
``v(x)`` and ``v(y)`` (l2-normalised by the vectorizer),

    similarity(x, y) = cos(v(x), v(y)) = v(x) · v(y)     in [0, 1]

Chinese notes are segmented by jieba (:mod:`kb.discover.tokens`), so a Chinese note and a
Chinese query share words. ``kb query --like ID`` and the "Similar by content" list of entry
pages both ask :meth:`ContentIndex.similar`.

>>> index = ContentIndex.for_catalog(catalog)
>>> [(s.id, round(s.similarity, 2)) for s in index.similar("song-2020-denoising", 3)]
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.discover.features import content_vectorizer, entry_text
from kb.errors import unknown_id

if TYPE_CHECKING:
    from kb.catalog import Catalog
    from kb.models import Entry

# One index per loaded catalog (by identity: a Catalog is not hashable), dropped with it:
# `kb query --like` and every entry page of a build share it.
_INDEXES: dict[int, tuple[weakref.ref, ContentIndex]] = {}


@dataclass(frozen=True)
class Similar:
    """A catalog entry and its cosine similarity to what was asked about."""

    id: str
    similarity: float


@dataclass
class ContentIndex:
    """The tf-idf rows of a catalog's entries (``matrix``, one row per id in ``ids``)."""

    ids: list[str]
    vectorizer: Any  # a fitted sklearn TfidfVectorizer
    matrix: Any  # scipy.sparse CSR, (entries, terms), l2-normalised rows

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> ContentIndex:
        entries = list(entries)
        texts = [entry_text(entry) for entry in entries]
        vectorizer = content_vectorizer(min_df=1)
        matrix = vectorizer.fit_transform(texts) if any(t.strip() for t in texts) else None
        return cls([entry.id for entry in entries], vectorizer, matrix)

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> ContentIndex:
        """The index of ``catalog``, made once per loaded catalog."""
        key = id(catalog)
        if key in _INDEXES and _INDEXES[key][0]() is catalog:
            return _INDEXES[key][1]
        index = cls.of(catalog)
        _INDEXES[key] = (weakref.ref(catalog, lambda _: _INDEXES.pop(key, None)), index)
        return index

    def similar(self, entry_id: str, limit: int | None = 10,
                min_similarity: float = 0.0) -> list[Similar]:
        """The entries most similar to ``entry_id``, best first, itself left out."""
        try:
            row = self.ids.index(entry_id)
        except ValueError:
            raise unknown_id(entry_id, self.ids) from None
        if self.matrix is None:
            return []
        return self._ranked(self.matrix[row], limit, min_similarity, exclude=row)

    def similar_to_text(self, text: str, limit: int | None = 10,
                        min_similarity: float = 0.0) -> list[Similar]:
        """The entries most similar to a free text (a query, a new paper's abstract)."""
        if self.matrix is None:
            return []
        return self._ranked(self.vectorizer.transform([text]), limit, min_similarity)

    def _ranked(self, vector: Any, limit: int | None, min_similarity: float,
                exclude: int | None = None) -> list[Similar]:
        scores = (self.matrix @ vector.T).toarray().ravel()
        if exclude is not None:
            scores[exclude] = -1.0
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.ids[i]))
        found = [Similar(self.ids[i], round(float(scores[i]), 4)) for i in order
                 if scores[i] > min_similarity]
        return found if limit is None else found[:limit]
