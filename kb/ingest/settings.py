"""Where the remote APIs are and how patiently we ask them.

Defaults live here; the environment overrides them (for mirrors, proxies and tests):

- ``KB_ARXIV_API_URL`` — arXiv API query endpoint (``https://export.arxiv.org/api/query``);
- ``KB_ARXIV_DELAY`` — seconds between two arXiv requests (3.0);
- ``KB_ARXIV_RETRIES`` — retries of a failed arXiv request (3);
- ``KB_S2_API_URL`` — Semantic Scholar Graph API base (``https://api.semanticscholar.org/graph/v1``);
- ``KB_S2_API_KEY`` (or ``S2_API_KEY``) — sent as the ``x-api-key`` header when set;
- ``KB_S2_RETRIES`` — retries on HTTP 429 / 5xx, timeouts and refused connections (4);
- ``KB_S2_BACKOFF`` — first wait in seconds, doubled on each retry (1.0);
- ``KB_S2_MAX_WAIT`` — cap on any single wait, a server's ``Retry-After`` included (60);
- ``KB_CROSSREF_API_URL`` — Crossref REST API works endpoint (``https://api.crossref.org/works/``);
- ``KB_CROSSREF_MAILTO`` — an e-mail address for Crossref's "polite" pool, sent in the
  ``User-Agent`` (``mailto:…``) as Crossref's etiquette asks; none by default;
- ``KB_CROSSREF_RETRIES`` — retries on HTTP 429 / 5xx, timeouts and refused connections (2),
  waiting as for Semantic Scholar (``KB_S2_BACKOFF`` doubled, at most ``KB_S2_MAX_WAIT``);
- ``KB_HTTP_TIMEOUT`` — seconds allowed to connect, and between bytes of an answer (30).

The 3-second delay is what arXiv's terms of use ask for ("no more than one request every
three seconds"); lower it only for a local server.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from kb.errors import KbError

ARXIV_API_URL = "https://export.arxiv.org/api/query"
S2_API_URL = "https://api.semanticscholar.org/graph/v1"
CROSSREF_API_URL = "https://api.crossref.org/works/"


def _number(name: str, default: float, kind: type = float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise KbError(f"{name}={text!r} is not a {kind.__name__}", code="E502") from None
    if value < 0:
        raise KbError(f"{name}={text!r} must not be negative", code="E502")
    return value


def _url(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if not value.startswith(("http://", "https://")):
        raise KbError(f"{name}={value!r} is not an http(s) URL", code="E502")
    return value


def _mailto(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if value and not re.fullmatch(r"[^@\s;()]+@[^@\s;()]+\.[^@\s;()]+", value):
        raise KbError(f"{name}={value!r} is not an e-mail address", code="E502")
    return value or None


@dataclass(frozen=True)
class ApiSettings:
    """Everything the API clients need to know, read once from the environment."""

    arxiv_url: str = ARXIV_API_URL
    arxiv_delay: float = 3.0
    arxiv_retries: int = 3
    s2_url: str = S2_API_URL
    s2_api_key: str | None = None
    s2_retries: int = 4
    s2_backoff: float = 1.0
    s2_max_wait: float = 60.0
    crossref_url: str = CROSSREF_API_URL
    crossref_mailto: str | None = None
    crossref_retries: int = 2
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> ApiSettings:
        return cls(
            arxiv_url=_url("KB_ARXIV_API_URL", ARXIV_API_URL),
            arxiv_delay=_number("KB_ARXIV_DELAY", 3.0),
            arxiv_retries=int(_number("KB_ARXIV_RETRIES", 3, int)),
            s2_url=_url("KB_S2_API_URL", S2_API_URL).rstrip("/"),
            s2_api_key=(os.environ.get("KB_S2_API_KEY") or os.environ.get("S2_API_KEY")
                        or None),
            s2_retries=int(_number("KB_S2_RETRIES", 4, int)),
            s2_backoff=_number("KB_S2_BACKOFF", 1.0),
            s2_max_wait=_number("KB_S2_MAX_WAIT", 60.0),
            crossref_url=_url("KB_CROSSREF_API_URL", CROSSREF_API_URL),
            crossref_mailto=_mailto("KB_CROSSREF_MAILTO"),
            crossref_retries=int(_number("KB_CROSSREF_RETRIES", 2, int)),
            timeout=_number("KB_HTTP_TIMEOUT", 30.0) or 30.0,
        )
