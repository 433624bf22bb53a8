"""One GET, retried politely: what Semantic Scholar and Crossref both need.

HTTP 429 and 5xx, timeouts and failed connections are tried again up to ``policy.retries``
times, waiting ``policy.backoff · 2^attempt`` seconds, or what the server's ``Retry-After``
asks, never more than ``policy.max_wait``: the total time is bounded. Other answers (200,
404, other 4xx) are returned at once for the caller to read. A request that still fails is a
:class:`kb.errors.NetworkError` saying why (:func:`kb.ingest.http_errors.request_failure`).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kb.ingest.http_errors import request_failure

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to ask again."""

    retries: int
    backoff: float
    max_wait: float
    timeout: float

    @property
    def tries(self) -> int:
        return self.retries + 1

    def wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before the next try: ``Retry-After`` if given, else exponential backoff."""
        asked = retry_after_seconds(retry_after)
        wait = asked if asked is not None else self.backoff * 2 ** attempt
        return max(0.0, min(wait, self.max_wait))


@dataclass(frozen=True)
class Answer:
    """The final answer: its status, body and how many tries it took."""

    status: int
    body: bytes
    tries: int

    @property
    def retried_out(self) -> bool:
        """The last of several tries still failed with a status worth retrying."""
        return self.status in RETRY_STATUSES and self.tries > 1


def get_with_retries(url: str, *, service: str, policy: RetryPolicy,
                     headers: Mapping[str, str], params: Mapping[str, Any] | None = None,
                     sleep: Callable[[float], None] = time.sleep) -> Answer:
    """GET ``url``, retried by ``policy``; the last answer, whatever its status."""
    import requests

    for attempt in range(policy.tries):
        last = attempt == policy.tries - 1
        try:
            response = requests.get(url, params=params, headers=dict(headers),
                                    timeout=policy.timeout)
            body = response.content
        except (requests.ConnectionError, requests.Timeout) as exc:
            if last:
                raise request_failure(exc, service, url, policy.timeout, policy.tries) from None
            sleep(policy.wait(attempt, None))
            continue
        except requests.RequestException as exc:
            raise request_failure(exc, service, url, policy.timeout) from None
        if response.status_code in RETRY_STATUSES and not last:
            sleep(policy.wait(attempt, response.headers.get("Retry-After")))
            continue
        return Answer(response.status_code, body, attempt + 1)
    raise AssertionError("unreachable: the last try returns or raises")


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date from now (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()
