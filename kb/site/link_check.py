"""Check the external links of catalog entries: each distinct URL once, many at a time.

A URL is asked with ``HEAD`` first (cheap); servers that refuse ``HEAD`` (405, 403, 501 …) or
fail on it are asked again with a streamed ``GET`` whose body is never read. Redirects are
followed. A link is *ok* when the final status is below 400.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import requests

from kb.catalog import Catalog
from kb.errors import NetworkError
from kb.site.urls import ARXIV_ABS, DOI_ORG

USER_AGENT = "diffusion-kb link check (python-requests)"
RETRY_WITH_GET = {403, 405, 406, 429, 501}


@dataclass(frozen=True)
class Link:
    entry_id: str
    name: str  # "url", "arxiv", "doi" or the key under links:
    url: str


@dataclass
class LinkStatus:
    url: str
    status: int | None = None
    error: str | None = None
    seconds: float = 0.0
    entries: list[Link] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


def entry_links(catalog: Catalog) -> list[Link]:
    """Every external link shown on the entry pages."""
    found = []
    for entry in catalog:
        if entry.url:
            found.append(Link(entry.id, "url", entry.url))
        if entry.arxiv:
            found.append(Link(entry.id, "arxiv", ARXIV_ABS + entry.arxiv))
        if entry.doi:
            found.append(Link(entry.id, "doi", DOI_ORG + entry.doi))
        found += [Link(entry.id, name, url) for name, url in entry.links.items()]
    return found


def check_url(session: requests.Session, url: str, timeout: float) -> LinkStatus:
    """Ask one URL: HEAD, then GET if HEAD was refused or failed."""
    started = time.perf_counter()
    result = LinkStatus(url)
    try:
        response = session.head(url, timeout=timeout, allow_redirects=True)
        result.status = response.status_code
    except requests.RequestException as error:
        result.error = _describe(error)
    if result.status is None or result.status in RETRY_WITH_GET:
        try:
            with session.get(url, timeout=timeout, allow_redirects=True, stream=True) as got:
                result.status, result.error = got.status_code, None
        except requests.RequestException as error:
            result.error = _describe(error)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _describe(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError):
        return "connection failed"
    return type(error).__name__


def check_links(links: Iterable[Link], *, timeout: float = 10.0,
                workers: int = 8) -> list[LinkStatus]:
    """Check each distinct URL once with ``workers`` threads; results in URL order."""
    by_url: dict[str, list[Link]] = {}
    for item in links:
        by_url.setdefault(item.url, []).append(item)
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=max(workers, 10))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda url: check_url(session, url, timeout), sorted(by_url)))
    for result in results:
        result.entries = by_url[result.url]
    return results


def check_catalog_links(catalog: Catalog, *, timeout: float = 10.0,
                        workers: int = 8) -> list[LinkStatus]:
    """Check every entry's links; :class:`NetworkError` if not one server answered."""
    results = check_links(entry_links(catalog), timeout=timeout, workers=workers)
    if results and all(r.status is None for r in results):
        raise NetworkError(f"none of {len(results)} links could be reached: "
                           "is there a network connection?", code="E601")
    return results


@dataclass
class LinkReport:
    checked: int
    broken: list[LinkStatus]
    seconds: float

    def lines(self) -> list[str]:
        out = []
        for result in self.broken:
            why = f"HTTP {result.status}" if result.status is not None else result.error
            for item in result.entries:
                out.append(f"{item.entry_id}: {item.name}: {result.url}: {why}")
        out.append(f"{self.checked} links checked, {len(self.broken)} broken "
                   f"({self.seconds:.1f} s of requests)")
        return out

    def as_dict(self) -> dict:
        return {"checked": self.checked, "broken": [
            {**asdict(r), "entries": [asdict(e) for e in r.entries]} for r in self.broken]}


def summarize(results: list[LinkStatus]) -> LinkReport:
    return LinkReport(checked=len(results), broken=[r for r in results if not r.ok],
                      seconds=sum(r.seconds for r in results))
