"""One clear sentence for each way an HTTP request can fail, for :class:`NetworkError`."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

from kb.errors import NetworkError


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions behind it, outermost first.

    requests and urllib3 keep the reason in ``args`` (``ProtocolError('Connection
    aborted.', RemoteDisconnected(…))``) as often as in ``__cause__``.
    """
    chain: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(chain) < 20:
        current = todo.pop(0)
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        todo += [arg for arg in current.args if isinstance(arg, BaseException)]
        todo += [c for c in (current.__cause__, current.__context__) if c is not None]
    return chain


def _reason_text(exc: BaseException) -> str:
    """The innermost readable reason: ``Connection refused``, ``Remote end closed …``."""
    for cause in reversed(_causes(exc)):
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
    innermost = _causes(exc)[-1]
    return str(innermost) or type(innermost).__name__


def request_failure(exc: Exception, service: str, url: str, timeout: float,
                    tries: int = 1) -> NetworkError:
    """A :class:`NetworkError` saying why a request for ``url`` to ``service`` failed.

    The error's path is the endpoint (``url`` without its query), so it renders as
    ``https://export.arxiv.org/api/query: error[E503]: …``.
    """
    import requests

    parts = urlsplit(url)
    host = parts.netloc or url
    after = f" (tried {tries} times)" if tries > 1 else ""
    causes = _causes(exc)
    if any(isinstance(c, socket.gaierror) or type(c).__name__ == "NameResolutionError"
           for c in causes):
        message = f"cannot resolve {parts.hostname or host}{after}: are you offline?"
    elif isinstance(exc, requests.Timeout):
        message = f"{service} did not answer within {timeout:g} s{after}"
    elif isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                          requests.exceptions.ContentDecodingError)):
        counts = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", str(exc))
        detail = (f" after {counts[1]} of {int(counts[1]) + int(counts[2])} bytes" if counts
                  else f": {_reason_text(exc)}")
        message = f"{service}'s answer was cut off{detail}"
    elif isinstance(exc, requests.ConnectionError):
        message = f"cannot connect to {service} at {host}: {_reason_text(exc)}{after}"
    else:
        message = f"request to {service} at {host} failed: {_reason_text(exc)}"
    return NetworkError(message, path=endpoint(url), code="E503")


def endpoint(url: str) -> str:
    """``url`` without its query string: where a message says the fault happened."""
    return url.split("?", 1)[0]
