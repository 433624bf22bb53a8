"""Recent arXiv papers for a query, through the same client as ``kb add``.

:func:`fetch_listing` asks the arXiv API (``KB_ARXIV_API_URL``) for the newest papers that
match a :class:`ListingQuery`, sorted by submission date, newest first. Paging is the
``arxiv`` client's: ``start=0, 100, 200 …`` with ``max_results`` of one page
(:data:`PAGE_SIZE`), ``KB_ARXIV_DELAY`` seconds (3 by default, as arXiv asks) between two
requests, ``KB_ARXIV_RETRIES`` retries of a failed one. It stops at ``max_results`` papers, at
the end of the results, or at the first paper submitted before ``since`` (the listing is
newest first, so no later page can hold a newer one). Every fault is one
:class:`kb.errors.NetworkError` (exit code 2) from :func:`kb.ingest.arxiv_api.search_arxiv`; an
empty listing is one too (E509): arXiv sends an empty feed when it is overloaded, and a real
"nothing new" is too unlikely for a query over three categories to be worth believing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kb.errors import KbError, NetworkError
from kb.ingest.arxiv_api import arxiv_client, search_arxiv
from kb.ingest.settings import ApiSettings

DEFAULT_CATEGORIES = ("cs.CV", "cs.LG", "stat.ML")
PAGE_SIZE = 100
DEFAULT_MAX_RESULTS = 300


@dataclass(frozen=True)
class Paper:
    """One listed paper: what ranking and ``kb discover`` show need."""

    arxiv: str  # without its version
    title: str
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass(frozen=True)
class ListingQuery:
    """What to ask arXiv: ``terms`` (any of them, in title or abstract) or a ``text`` query,
    in any of ``categories``, submitted on or after ``since``."""

    terms: Sequence[str] = ()
    text: str | None = None
    categories: Sequence[str] = DEFAULT_CATEGORIES
    since: dt.date | None = None
    max_results: int = DEFAULT_MAX_RESULTS

    def search_query(self, today: dt.date | None = None) -> str:
        """The arXiv API's ``search_query``.

        >>> ListingQuery(terms=["diffusion", "flow matching"], categories=["cs.LG"]
        ...              ).search_query()
        'cat:cs.LG AND (ti:diffusion OR abs:diffusion OR ti:"flow matching" OR abs:"flow matching")'
        """
        parts = []
        if self.categories:
            cats = " OR ".join(f"cat:{c}" for c in self.categories)
            parts.append(f"({cats})" if len(self.categories) > 1 else cats)
        if self.text:
            parts.append(_text_query(self.text))
        elif self.terms:
            terms = " OR ".join(f"ti:{_quoted(t)} OR abs:{_quoted(t)}" for t in self.terms)
            parts.append(f"({terms})")
        if self.since:
            end = today or dt.date.today()
            parts.append(f"submittedDate:[{self.since:%Y%m%d}0000 TO {end:%Y%m%d}2359]")
        if not parts:
            raise KbError("nothing to ask arXiv: give a query, a category or a topic",
                          code="E022")
        return " AND ".join(parts)


def _quoted(term: str) -> str:
    term = term.replace('"', " ").strip()
    return f'"{term}"' if " " in term else term


def _text_query(text: str) -> str:
    """A user's query: arXiv syntax as it is (``abs:diffusion AND cat:cs.CV``), else every
    word anywhere (``all:``)."""
    if ":" in text:
        return f"({text.strip()})"
    words = [w for w in text.replace('"', " ").split() if w]
    return "(" + " AND ".join(f"all:{w}" for w in words) + ")" if len(words) > 1 else (
        f"all:{words[0]}" if words else "")


def paper_of(result: object) -> Paper:
    """A :class:`Paper` of an ``arxiv.Result``, mapped as ``kb add`` maps it."""
    from kb.ingest.arxiv_entry import arxiv_fields

    fields = arxiv_fields(result)  # type: ignore[arg-type]
    return Paper(arxiv=fields["arxiv"], title=fields.get("title") or fields["arxiv"],
                 abstract=fields.get("abstract"), authors=tuple(fields.get("authors", ())),
                 date=fields.get("date"), categories=tuple(getattr(result, "categories", ())),
                 doi=fields.get("doi"))


@dataclass
class Listing:
    """The papers arXiv listed and the query that listed them."""

    query: str
    papers: list[Paper] = field(default_factory=list)
    listed: int = 0  # records in arXiv's answer, those before ``since`` included


def fetch_listing(query: ListingQuery, settings: ApiSettings | None = None,
                  progress: Callable[[int], None] | None = None) -> Listing:
    """The newest papers for ``query``, newest first; ``progress(n)`` after each paper.

    Raises :class:`NetworkError` on any fault, and for an empty feed (E509); a listing whose
    papers are all older than ``since`` is no fault, only empty.
    """
    import arxiv

    if query.max_results < 1:
        raise KbError(f"--max-results must be at least 1, not {query.max_results}",
                      code="E022")
    settings = settings or ApiSettings.from_env()
    search_query = query.search_query()
    client = arxiv_client(settings)
    client.page_size = min(PAGE_SIZE, query.max_results)
    search = arxiv.Search(query=search_query, max_results=query.max_results,
                          sort_by=arxiv.SortCriterion.SubmittedDate,
                          sort_order=arxiv.SortOrder.Descending)
    listing = Listing(search_query)
    seen: set[str] = set()
    for result in search_arxiv(client, search, settings):
        listing.listed += 1
        paper = paper_of(result)
        if query.since and paper.date and paper.date < query.since:
            break
        if paper.arxiv not in seen:
            seen.add(paper.arxiv)
            listing.papers.append(paper)
            if progress:
                progress(len(listing.papers))
    if not listing.listed:
        raise NetworkError(f"arXiv listed no paper for {search_query!r} (an empty feed): "
                           "try again later, or widen the query or --since",
                           path=settings.arxiv_url, code="E509")
    return listing
