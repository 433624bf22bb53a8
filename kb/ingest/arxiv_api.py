"""Ask the arXiv API for papers by id, with the ``arxiv`` package's own client and parser.

:class:`ArxivClient` is ``arxiv.Client`` (its 3-second delay between requests and its retries
kept) with three things added: the endpoint is a setting (``KB_ARXIV_API_URL``), every request
has a timeout (``arxiv`` 4.0.2 calls ``session.get`` without one, so a silent server would hang
us for ever), and an answer that is not a well-formed Atom feed is an error instead of looking
like "no results". :func:`search_arxiv` turns every fault into one :class:`NetworkError`;
:func:`fetch_arxiv` asks for papers by id with it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kb.errors import NetworkError
from kb.ingest.arxiv_ids import strip_version
from kb.ingest.http_errors import request_failure
from kb.ingest.settings import ApiSettings

if TYPE_CHECKING:
    import arxiv
    import requests

ATOM_FEED = "{http://www.w3.org/2005/Atom}feed"
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
IDS_PER_REQUEST = 100  # arXiv's id_list works in pages of the client's page size

# The arxiv package logs skipped entries and retries as warnings; without a handler Python
# would print them to stderr. We report faults ourselves, once.
logging.getLogger("arxiv").addHandler(logging.NullHandler())


class MalformedFeed(Exception):
    """The API answered 200 with something that is not an Atom feed."""


def query_url_format(api_url: str) -> str:
    """``arxiv.Client.query_url_format`` for an endpoint: the client appends the query.

    >>> query_url_format("http://127.0.0.1:8000/api/query")
    'http://127.0.0.1:8000/api/query?{}'
    """
    escaped = api_url.replace("{", "{{").replace("}", "}}")
    return escaped + ("&{}" if "?" in api_url else "?{}")


@functools.cache
def _client_class() -> type:
    import arxiv
    import requests

    class TimeoutSession(requests.Session):
        """A session whose requests time out unless told otherwise."""

        def __init__(self, timeout: float) -> None:
            super().__init__()
            self.timeout = timeout

        def request(self, method, url, **kwargs):  # noqa: ANN001, ANN201 - requests' signature
            kwargs.setdefault("timeout", self.timeout)
            return super().request(method, url, **kwargs)

    class ArxivClient(arxiv.Client):
        """``arxiv.Client`` pointed at ``settings.arxiv_url``, each request bounded in time."""

        def __init__(self, settings: ApiSettings) -> None:
            super().__init__(page_size=IDS_PER_REQUEST, delay_seconds=settings.arxiv_delay,
                             num_retries=settings.arxiv_retries)
            self.settings = settings
            self.query_url_format = query_url_format(settings.arxiv_url)
            self.error_detail: str | None = None
            # arxiv.Client fetches with self._session.get(url, headers=…): give it ours.
            self._session = TimeoutSession(settings.timeout)
            self._session.hooks["response"].append(self._check_answer)

        def _check_answer(self, response: requests.Response, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            """Keep arXiv's error text of a non-200 answer; refuse a 200 that is not a feed."""
            if response.status_code != 200:
                self.error_detail = _error_summary(response.content)
                return
            _check_feed(response.content)

    return ArxivClient


def arxiv_client(settings: ApiSettings | None = None) -> arxiv.Client:
    """An ``ArxivClient`` for ``settings`` (from the environment by default).

    The class is made on first use so that importing this module does not import ``arxiv``
    and ``requests``.
    """
    return _client_class()(settings or ApiSettings.from_env())


def _parse_xml(content: bytes):  # noqa: ANN202 - an lxml element
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(content, parser=parser)


def _check_feed(content: bytes) -> None:
    from lxml import etree

    try:
        root = _parse_xml(content)
    except etree.XMLSyntaxError as exc:
        what = "an empty answer" if not content.strip() else f"not well-formed XML ({exc})"
        raise MalformedFeed(what) from None
    if root is None or root.tag != ATOM_FEED:
        raise MalformedFeed(f"not an Atom feed (the document is <{getattr(root, 'tag', '?')}>)")


def _error_summary(content: bytes) -> str | None:
    """The text of arXiv's error feed (``incorrect id format for abc``), if there is one."""
    from lxml import etree

    try:
        root = _parse_xml(content)
    except etree.XMLSyntaxError:
        return None
    summary = root.find("atom:entry/atom:summary", ATOM) if root is not None else None
    return " ".join(summary.text.split()) if summary is not None and summary.text else None


def _match_key(arxiv_id: str) -> str:
    """``math.GT/0309136`` and ``math/0309136`` are one paper; arXiv answers the latter."""
    archive, sep, number = strip_version(arxiv_id).partition("/")
    return (archive.split(".")[0] + sep + number) if sep else archive


def search_arxiv(client: arxiv.Client, search: arxiv.Search,
                 settings: ApiSettings) -> Iterator[arxiv.Result]:
    """``client.results(search)``, each fault of arXiv or the network made a
    :class:`NetworkError` (exit code 2) naming the endpoint and how often it was tried.

    Shared by :func:`fetch_arxiv` (ids) and :mod:`kb.discover.listing` (a query's listing), so
    both say the same thing for the same fault.
    """
    import arxiv
    import requests

    url = settings.arxiv_url
    tries = settings.arxiv_retries + 1
    client.error_detail = None
    try:
        yield from client.results(search)
    except arxiv.HTTPError as exc:
        detail = f": {client.error_detail}" if client.error_detail else ""
        raise NetworkError(f"arXiv answered HTTP {exc.status}{detail} (tried {tries} "
                           "times)", path=url, code="E503") from None
    except arxiv.UnexpectedEmptyPageError:
        raise NetworkError(f"arXiv sent an empty page in the middle of the results "
                           f"(tried {tries} times)", path=url, code="E503") from None
    except MalformedFeed as exc:
        raise NetworkError(f"arXiv's answer is not a usable feed: {exc}", path=url,
                           code="E503") from None
    except requests.RequestException as exc:
        # arxiv.Client retries refused and failed connections, not read timeouts.
        retried = isinstance(exc, requests.ConnectionError)
        raise request_failure(exc, "arXiv", url, settings.timeout,
                              tries if retried else 1) from None


def fetch_arxiv(ids: Iterable[str], settings: ApiSettings | None = None
                ) -> dict[str, arxiv.Result]:
    """The arXiv record of each canonical id in ``ids``, keyed by that id.

    Raises :class:`NetworkError` (exit code 2) when arXiv cannot be reached, answers badly, or
    does not know one of the ids; then nothing is returned at all.
    """
    import arxiv

    settings = settings or ApiSettings.from_env()
    wanted = list(dict.fromkeys(ids))
    client = arxiv_client(settings)
    found: dict[str, arxiv.Result] = {}
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        chunk = wanted[start:start + IDS_PER_REQUEST]
        search = arxiv.Search(id_list=chunk, max_results=len(chunk))
        for result in search_arxiv(client, search, settings):
            found[_match_key(result.get_short_id())] = result
    unknown = [arxiv_id for arxiv_id in wanted if _match_key(arxiv_id) not in found]
    if unknown:
        raise NetworkError(f"arXiv does not know {', '.join(unknown)} (it answered no record "
                           "for that id; check it on https://arxiv.org)", path=settings.arxiv_url,
                           code="E504")
    return {arxiv_id: found[_match_key(arxiv_id)] for arxiv_id in wanted}
