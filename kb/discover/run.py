"""``kb discover``: fetch a listing, drop what the catalog has, rank the rest, maybe add some.

>>> from kb.discover import discover
>>> found = discover("catalog", limit=10)
>>> [(c.paper.arxiv, round(c.score, 2)) for c in found.candidates]

The order is: load the catalog, build the query (the user's, or the catalog's topic words:
:mod:`kb.discover.default_query`), fetch the listing (:mod:`kb.discover.listing`), drop the
works the catalog already has (:class:`kb.ingest.same_work.WorkIndex`: arXiv id, DOI, or
title with year and first author), rank (:mod:`kb.discover.rank`), keep the best ``limit``.
:func:`add_top` then adds the best K through :func:`kb.ingest.add.add_works`, the path of
``kb add``: the same duplicate checks, the same entry mapping, all written or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.discover.listing import DEFAULT_CATEGORIES, DEFAULT_MAX_RESULTS, ListingQuery, Paper
from kb.discover.rank import OURS, Candidate, RankModel
from kb.errors import KbError
from kb.ingest.settings import ApiSettings


@dataclass
class Discovered:
    """What ``kb discover`` found: the query asked, the counts, the candidates best first."""

    query: str
    listed: int
    known: list[tuple[Paper, str]] = field(default_factory=list)  # (paper, catalog id)
    candidates: list[Candidate] = field(default_factory=list)


def parse_since(text: str | None) -> dt.date | None:
    """``2024-05-01`` (or ``2024-05``, ``2024``) as the first day it names."""
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise KbError(f"--since {text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY",
                  code="E022")


def discover(catalog_path: str | Path, query: str | None = None, *,
             categories: Sequence[str] = DEFAULT_CATEGORIES, since: dt.date | None = None,
             limit: int | None = 20, topic: str | None = None, tag: str | None = None,
             max_results: int = DEFAULT_MAX_RESULTS, model: RankModel = OURS,
             settings: ApiSettings | None = None,
             progress: Callable[[str, int | None], None] | None = None) -> Discovered:
    """The listing's papers the catalog lacks, ranked by fit (see the module docstring).

    Raises :class:`kb.errors.NetworkError` (exit code 2) for any fault of the listing, and
    :class:`KbError` for a bad argument, before any request.
    """
    from kb.catalog import Catalog
    from kb.discover.default_query import default_terms
    from kb.discover.listing import fetch_listing
    from kb.discover.rank import positives_of, rank_papers

    if limit is not None and limit < 1:
        raise KbError(f"--limit must be at least 1, not {limit}", code="E022")
    say = progress or (lambda step, count: None)
    catalog = Catalog.load(catalog_path, strict=False)
    positives = positives_of(catalog, topic=topic, tag=tag)  # a bad topic fails before asking
    terms = [] if query else default_terms(catalog)
    listing_query = ListingQuery(terms=terms, text=query, categories=categories, since=since,
                                 max_results=max_results)
    listing = fetch_listing(listing_query, settings, lambda n: say("listing", n))
    found = Discovered(listing.query, len(listing.papers))
    new_papers = _drop_known(catalog, listing.papers, found.known)
    ranked = rank_papers(catalog, new_papers, positives=positives, model=model, explain=limit,
                         progress=lambda step: say(step, None))
    found.candidates = ranked if limit is None else ranked[:limit]
    return found


def _drop_known(catalog: object, papers: list[Paper],
                known: list[tuple[Paper, str]]) -> list[Paper]:
    """The papers that are no catalog entry's work; the others go to ``known``."""
    from kb.ingest.same_work import WorkIndex

    works = WorkIndex.of(catalog)  # type: ignore[arg-type]
    fresh = []
    for paper in papers:
        match = works.find(arxiv=paper.arxiv, doi=paper.doi, title=paper.title,
                           year=paper.year, first_author=paper.authors[0] if paper.authors
                           else None)
        if match:
            known.append((paper, match.entry_id))
        else:
            fresh.append(paper)
    return fresh


def check_add_count(count: int) -> None:
    """``--add K`` needs K ≥ 1; checked before asking arXiv anything."""
    if count < 1:
        raise KbError(f"--add must be at least 1, not {count}", code="E022")


def add_top(catalog_path: str | Path, candidates: Sequence[Candidate], count: int, *,
            topics: Sequence[str] = (), dry_run: bool = False,
            settings: ApiSettings | None = None):  # noqa: ANN201 - kb.ingest.add.AddResult
    """Add the best ``count`` candidates with ``kb add``'s own path (one transaction)."""
    from kb.ingest.add import add_works

    check_add_count(count)
    if count > len(candidates):
        raise KbError(f"--add {count}: only {len(candidates)} candidate(s) to add",
                      code="E022")
    ids = [f"arxiv:{c.paper.arxiv}" for c in candidates[:count]]
    return add_works(catalog_path, ids, kind="paper", topics=topics, dry_run=dry_run,
                     settings=settings)
