"""Discover new papers and similar entries by content (``kb discover``, ``kb query --like``).

One idea per module:

- :mod:`kb.discover.tokens` — words of a text, Chinese segmented by jieba;
- :mod:`kb.discover.features` — an entry's or a paper's text, and the tf-idf vectorizers;
- :mod:`kb.discover.similar` — entries similar by content (tf-idf cosine);
- :mod:`kb.discover.listing` — recent arXiv papers for a query, paged, politely;
- :mod:`kb.discover.default_query` — the query made of the catalog's topic words;
- :mod:`kb.discover.rank` — listed papers ranked by fit to the catalog (a classifier);
- :mod:`kb.discover.topics` — a paper's likely topics, voted by its nearest entries;
- :mod:`kb.discover.run` — the whole ``kb discover``: fetch, drop known works, rank, add.

scikit-learn, jieba, arxiv and requests are imported inside the functions that use them, so
importing this package costs nothing.
"""

from kb.discover.run import Discovered, add_top, discover

__all__ = ["Discovered", "add_top", "discover"]
