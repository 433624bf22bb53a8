"""Ask the Crossref REST API for works by DOI: ``GET {KB_CROSSREF_API_URL}{doi}``.

The answer is ``{"status": "ok", "message-type": "work", "message": {…}}``; the message is
Crossref's record of the work (``title`` and ``container-title`` as lists, ``author`` with
``given``/``family``, ``issued.date-parts`` …), which :mod:`kb.ingest.crossref_csl` maps.

Crossref's etiquette asks clients to say who they are: the ``User-Agent`` names this tool and,
when ``KB_CROSSREF_MAILTO`` is set, an address to write to (``mailto:…``), which puts the
requests in Crossref's "polite" pool. Requests are retried on 429 / 5xx, timeouts and
refused connections (:mod:`kb.ingest.http_retry`); 404 means Crossref does not know the DOI.
Every failure is a :class:`kb.errors.NetworkError` (exit code 2).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from kb import __version__
from kb.errors import NetworkError
from kb.ingest.http_retry import Answer, RetryPolicy, get_with_retries
from kb.ingest.settings import ApiSettings

SERVICE = "Crossref"


def user_agent(settings: ApiSettings) -> str:
    """``diffusion-kb/0.1.0 (kb add; mailto:you@example.org)``, as Crossref's etiquette asks."""
    contact = f"; mailto:{settings.crossref_mailto}" if settings.crossref_mailto else ""
    return f"diffusion-kb/{__version__} (kb add{contact})"


def work_url(settings: ApiSettings, doi: str) -> str:
    """The works endpoint for ``doi``; characters a path cannot hold are percent-escaped."""
    base = settings.crossref_url if settings.crossref_url.endswith("/") \
        else settings.crossref_url + "/"
    return base + quote(doi, safe="/:;()")


def fetch_crossref(dois: Iterable[str], settings: ApiSettings | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> dict[str, dict[str, Any]]:
    """Crossref's record (the ``message``) of each DOI in ``dois``, keyed by that DOI.

    Raises :class:`NetworkError` when Crossref cannot be reached, answers badly or does not
    know a DOI; then nothing is returned at all.
    """
    settings = settings or ApiSettings.from_env()
    policy = RetryPolicy(settings.crossref_retries, settings.s2_backoff, settings.s2_max_wait,
                         settings.timeout)
    headers = {"User-Agent": user_agent(settings), "Accept": "application/json"}
    found: dict[str, dict[str, Any]] = {}
    for doi in dict.fromkeys(dois):
        url = work_url(settings, doi)
        answer = get_with_retries(url, service=SERVICE, policy=policy, headers=headers,
                                  sleep=sleep)
        found[doi] = _work(answer, doi, settings.crossref_url)
    return found


def _work(answer: Answer, doi: str, where: str) -> dict[str, Any]:
    """The ``message`` of a final answer, or the :class:`NetworkError` it deserves."""
    if answer.status == 404:
        raise NetworkError(f"Crossref does not know DOI {doi}{_detail(answer.body)} (check it "
                           f"on https://doi.org/{doi})", path=where, code="E504")
    if answer.status != 200:
        after = f" (tried {answer.tries} times)" if answer.retried_out else ""
        raise NetworkError(f"Crossref answered HTTP {answer.status}{_detail(answer.body)}{after}",
                           path=where, code="E503")
    try:
        data = json.loads(answer.body)
    except (UnicodeDecodeError, ValueError):
        what = "an empty answer" if not answer.body.strip() else "an answer that is not JSON"
        raise NetworkError(f"Crossref sent {what} for DOI {doi}", path=where,
                           code="E503") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or data.get("message-type") != "work":
        raise NetworkError(f"Crossref's answer for DOI {doi} is not a work record", path=where,
                           code="E503")
    return message


def _detail(body: bytes) -> str:
    """``: Resource not found.`` — Crossref's short plain-text reason, when it gave one."""
    try:
        text = " ".join(body.decode("utf-8").split())
    except UnicodeDecodeError:
        return ""
    return f": {text[:200]}" if text and not text.startswith(("{", "<")) else ""
