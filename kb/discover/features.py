"""The text of a catalog entry or a listed paper, and the tf-idf that turns it into features.

Two vectorizers, both scikit-learn's ``TfidfVectorizer``:

- :func:`content_vectorizer` — ours: :func:`kb.discover.tokens.tokenize` (Chinese segmented),
  English stop words dropped, words and word pairs (bigrams: "score matching" is not "score"
  and "matching"), sublinear term frequency, l2 rows, terms in fewer than ``min_df``
  documents dropped;
- :func:`sanity_vectorizer` — arxiv-sanity-lite's settings (``compute.py``), kept for the
  baseline of ``benchmarks/discover_quality.py``: its token pattern, 10,000 features,
  ``min_df=5`` and ``max_df=0.5``.

An entry's text is its title, abstract, notes (any language) and a method's summary; a
paper's, its title and abstract. Titles count twice: a title says what a paper is about in
few words, and an entry without an abstract has little else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kb.discover.tokens import tokenize

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kb.models import Entry

MAX_FEATURES = 50_000


class Titled(Protocol):
    """A listed paper, or anything with a title and an abstract."""

    title: str
    abstract: str | None


def entry_text(entry: Entry) -> str:
    """Title (twice), abstract, notes and summary of a catalog entry."""
    parts = [entry.title, entry.title, entry.abstract, entry.notes, entry.summary]
    return "\n".join(part for part in parts if part)


def paper_text(paper: Titled) -> str:
    """Title (twice) and abstract of a listed paper."""
    return "\n".join(part for part in (paper.title, paper.title, paper.abstract) if part)


def content_vectorizer(min_df: int = 1, max_features: int = MAX_FEATURES,
                       bigrams: bool = True, max_df: float = 1.0) -> TfidfVectorizer:
    """Our tf-idf (see the module docstring); ``min_df`` 2 drops one-off words and typos."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    return TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                           stop_words=sorted(ENGLISH_STOP_WORDS),
                           ngram_range=(1, 2 if bigrams else 1),
                           sublinear_tf=True, min_df=min_df, max_df=max_df,
                           max_features=max_features, dtype=_float32())


def sanity_vectorizer(documents: int) -> TfidfVectorizer:
    """arxiv-sanity-lite's tf-idf (``compute.py``); ``min_df`` 5 only once there are 50
    documents, else a tiny catalog would have no features at all."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(strip_accents="unicode", lowercase=True, analyzer="word",
                           stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
                           ngram_range=(1, 2), max_features=10_000, norm="l2", use_idf=True,
                           smooth_idf=True, sublinear_tf=True, max_df=0.5,
                           min_df=5 if documents >= 50 else 1, dtype=_float32())


def _float32() -> type:
    import numpy as np

    return np.float32
