"""What a paper cites, from the Semantic Scholar Graph API, retried politely and cached.

``GET {base}/paper/{paper}/references?fields=externalIds,title&offset=…&limit=1000`` returns
pages ``{"offset", "next"?, "data": [{"citedPaper": {"paperId", "externalIds", "title"}}]}``;
we follow ``next`` until it is absent. ``paper`` is ``arXiv:2006.11239`` or ``DOI:10.…``.

- HTTP 429 and 5xx, timeouts and failed connections are retried up to ``s2_retries`` times,
  waiting ``s2_backoff · 2^attempt`` seconds, or what ``Retry-After`` asks, capped by
  ``s2_max_wait``: the total time is bounded.
- 404 means the service does not know the paper; other 4xx are not retried.
- An API key (``KB_S2_API_KEY`` or ``S2_API_KEY``) goes in the ``x-api-key`` header.
- Answers are cached as JSON under the user cache dir (``$KB_CACHE_DIR`` overrides it), one
  file per paper, so asking again costs nothing; ``use_cache=False`` asks anyway.

Every failure is a :class:`kb.errors.NetworkError` (exit code 2).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kb.errors import NetworkError
from kb.ingest.http_errors import endpoint
from kb.ingest.http_retry import Answer, RetryPolicy, get_with_retries
from kb.ingest.settings import ApiSettings

FIELDS = "externalIds,title"
PAGE_LIMIT = 1000  # the API's maximum for /references
MAX_PAGES = 10  # the API serves at most 10,000 references of one paper
CACHE_VERSION = 1


@dataclass(frozen=True)
class Reference:
    """One work a paper cites, as Semantic Scholar knows it."""

    title: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    paper_id: str | None = None

    @classmethod
    def from_api(cls, cited: dict[str, Any]) -> Reference:
        ids = cited.get("externalIds") or {}
        return cls(title=cited.get("title") or None, arxiv=ids.get("ArXiv") or None,
                   doi=ids.get("DOI") or None, paper_id=cited.get("paperId") or None)


@dataclass
class SemanticScholar:
    """A small client of the Graph API; ``sleep`` is injectable so tests need not wait."""

    settings: ApiSettings = field(default_factory=ApiSettings.from_env)
    cache_dir: Path | None = None
    sleep: Callable[[float], None] = time.sleep

    def references(self, paper: str, *, use_cache: bool = True) -> list[Reference]:
        """What ``paper`` (``arXiv:ID`` or ``DOI:10.…``) cites, in the API's order."""
        cached = self._cache_file(paper)
        if use_cache and cached is not None and cached.exists():
            stored = _read_cache(cached)
            if stored is not None:
                return stored
        references = self._fetch_references(paper)
        if cached is not None:
            _write_cache(cached, paper, references)
        return references

    def _fetch_references(self, paper: str) -> list[Reference]:
        url = f"{self.settings.s2_url}/paper/{quote(paper, safe='/:')}/references"
        found: list[Reference] = []
        offset: int | None = 0
        for _ in range(MAX_PAGES):
            page = self._get_json(url, {"fields": FIELDS, "offset": offset, "limit": PAGE_LIMIT},
                                  paper)
            data = page.get("data")
            if not isinstance(data, list):
                raise NetworkError(f"Semantic Scholar's answer for {paper} has no reference "
                                   "list", path=url, code="E503")
            found += [Reference.from_api(item["citedPaper"]) for item in data
                      if isinstance(item, dict) and isinstance(item.get("citedPaper"), dict)]
            offset = page.get("next")
            if not isinstance(offset, int):
                break
        return found

    def _get_json(self, url: str, params: dict[str, Any], paper: str) -> dict[str, Any]:
        headers = {"User-Agent": "diffusion-kb (kb cites fetch)"}
        if self.settings.s2_api_key:
            headers["x-api-key"] = self.settings.s2_api_key
        policy = RetryPolicy(self.settings.s2_retries, self.settings.s2_backoff,
                             self.settings.s2_max_wait, self.settings.timeout)
        answer = get_with_retries(url, service="Semantic Scholar", policy=policy,
                                  headers=headers, params=params, sleep=self.sleep)
        return _page(answer, url, paper)

    def _cache_file(self, paper: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha1(f"{self.settings.s2_url}|{paper}".encode()).hexdigest()[:20]
        return self.cache_dir / f"references-{digest}.json"


def _page(answer: Answer, url: str, paper: str) -> dict[str, Any]:
    """The decoded JSON page of a final answer, or the :class:`NetworkError` it deserves."""
    where = endpoint(url)
    status, body = answer.status, answer.body
    if status == 404:
        raise NetworkError(f"Semantic Scholar does not know {paper}{_api_error(body)}",
                           path=where, code="E504")
    if status != 200:
        after = f" (tried {answer.tries} times)" if answer.retried_out else ""
        raise NetworkError(f"Semantic Scholar answered HTTP {status}{_api_error(body)}{after}",
                           path=where, code="E503")
    try:
        page = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        what = "an empty answer" if not body.strip() else "an answer that is not JSON"
        raise NetworkError(f"Semantic Scholar sent {what} for {paper}", path=where,
                           code="E503") from None
    if not isinstance(page, dict):
        raise NetworkError(f"Semantic Scholar's answer for {paper} is not a JSON object",
                           path=where, code="E503")
    return page


def _api_error(body: bytes) -> str:
    """``: Paper with id 0 not found`` from ``{"error": …}`` or ``{"message": …}``."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return ""
    if isinstance(data, dict):
        text = data.get("error") or data.get("message")
        if isinstance(text, str) and text.strip():
            return f": {' '.join(text.split())[:200]}"
    return ""


def _read_cache(path: Path) -> list[Reference] | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("version") != CACHE_VERSION:
            return None
        return [Reference(**item) for item in stored["references"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a broken cache file is asked again, never trusted


def _write_cache(path: Path, paper: str, references: list[Reference]) -> None:
    from kb.schema_export import write_atomically

    data = {"version": CACHE_VERSION, "paper": paper, "fetched": time.strftime("%Y-%m-%d"),
            "references": [asdict(r) for r in references]}
    try:
        write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    except OSError:
        pass  # a cache that cannot be written only costs a second request later


def default_cache_dir() -> Path:
    """``<user cache dir>/semantic-scholar`` (``$KB_CACHE_DIR/semantic-scholar`` in tests)."""
    from kb.parse_cache import cache_dir

    return cache_dir() / "semantic-scholar"
