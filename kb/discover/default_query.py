"""The query ``kb discover`` asks arXiv when the user gives none: words of the catalog's topics.

For each topic, the words and word pairs of its entries' titles are weighed by tf-idf, with
one document per topic (the titles of the entries in it or in a topic under it): a term
scores high when it is frequent in the topic and rare in the other topics. The best term of
each topic that is in at least two of its titles and a tenth of them (one title's odd word
does not speak for a topic) joins the query, most frequent topics first, together with the
term that the most entry titles share (``diffusion`` in this catalog), which no topic owns.
So the query follows the catalog: add a topic on audio with its papers and "speech" or
"audio" joins. Words that say nothing of a subject (:data:`GENERIC`: "model", "learning",
"survey" …) are left out. For the shipped catalog the query reads like ``diffusion OR
sampling OR editing OR guidance OR score OR audio OR "flow matching" …`` (``kb discover``
prints it).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from kb.discover.tokens import tokenize

if TYPE_CHECKING:
    from kb.catalog import Catalog

MAX_TERMS = 10
MIN_ENTRIES = 3  # a topic with fewer entries says too little to pick a word for it
GENERIC = frozenset({"model", "models", "modeling", "learning", "based", "using", "network",
                     "networks", "neural", "deep", "data", "new", "via", "towards", "method",
                     "methods", "approach", "analysis", "improved", "efficient", "large",
                     "scale", "high", "generative", "generation", "paper", "survey", "review",
                     "tutorial", "introduction", "understanding", "fast", "simple",
                     "comprehensive", "single", "ai", "text", "image", "images", "work",
                     "general", "better", "make", "makes", "good"})


def default_terms(catalog: Catalog, max_terms: int = MAX_TERMS) -> list[str]:
    """The catalog's query terms, most shared first (see the module docstring)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    topics = [t for t in catalog.topics if _size(catalog, t) >= MIN_ENTRIES]
    if not topics:
        return []
    documents = [" \n".join(e.title for e in _entries(catalog, t)) for t in topics]
    stop = sorted(ENGLISH_STOP_WORDS | GENERIC)
    vectorizer = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                                 stop_words=stop, ngram_range=(1, 2), sublinear_tf=True)
    matrix = vectorizer.fit_transform(documents)
    vocabulary = vectorizer.get_feature_names_out()
    titles = Counter(word for e in catalog for word in set(tokenize(e.title))
                     if word not in stop)
    terms = [titles.most_common(1)[0][0]] if titles else []
    by_size = sorted(range(len(topics)), key=lambda i: -_size(catalog, topics[i]))
    for i in by_size:
        entries = _entries(catalog, topics[i])
        row = matrix[i].toarray().ravel()
        shared = [j for j in row.nonzero()[0]
                  if _titles_with(entries, str(vocabulary[j])) >= _enough(len(entries))
                  and str(vocabulary[j]).isascii()]
        if not shared:
            continue
        term = str(vocabulary[max(shared, key=lambda j: (row[j], vocabulary[j]))])
        if not any(_overlaps(term, t) for t in terms):
            terms.append(term)
    return terms[:max_terms]


def _enough(entries: int) -> int:
    """Titles a term must be in to speak for its topic: two, and a tenth of them."""
    return max(2, -(-entries // 10))


def _titles_with(entries: list, term: str) -> int:
    words = term.split()
    count = 0
    for entry in entries:
        tokens = tokenize(entry.title)
        pairs = {" ".join(tokens[k:k + len(words)]) for k in range(len(tokens))}
        count += term in pairs
    return count


def _overlaps(term: str, other: str) -> bool:
    """``score matching`` and ``score`` would ask arXiv the same thing twice."""
    return bool(set(term.split()) & set(other.split()))


def _entries(catalog: Catalog, topic: str) -> list:
    topics = catalog.topic_and_descendants(topic)
    return [e for e in catalog if topics.intersection(e.topics)]


def _size(catalog: Catalog, topic: str) -> int:
    return len(_entries(catalog, topic))
