"""What a user may type for an arXiv paper, made the canonical id the catalog stores.

Accepted: ``arxiv:2006.11239``, ``arXiv:2006.11239v2``, ``2006.11239``,
``https://arxiv.org/abs/2006.11239``, ``https://arxiv.org/pdf/2006.11239v1.pdf``,
``export.arxiv.org/abs/…``, and old-style ids such as ``quant-ph/0201082`` or
``math.GT/0309136``. The version suffix is dropped: an entry is the work, not one version.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kb.errors import KbError
from kb.models import ARXIV_RE, ARXIV_VERSION_RE

_PREFIX_RE = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_URL_PATH_RE = re.compile(r"^/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?$")
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")


def parse_arxiv_id(text: str) -> str:
    """The canonical arXiv id in ``text``: no prefix, no URL, no version.

    Raises :class:`KbError` (E501) naming the input when it is not an arXiv id.
    """
    raw = text.strip()
    candidate = _PREFIX_RE.sub("", raw)
    if "://" in candidate or candidate.split("/", 1)[0] in _ARXIV_HOSTS:
        candidate = _id_from_url(candidate, raw)
    candidate = ARXIV_VERSION_RE.sub("", candidate)
    if not ARXIV_RE.match(candidate):
        raise KbError(f"'{raw}' is not an arXiv id: use 2006.11239, quant-ph/0201082, "
                      "arxiv:2006.11239 or https://arxiv.org/abs/2006.11239", code="E501")
    return candidate


def _id_from_url(candidate: str, raw: str) -> str:
    url = urlsplit(candidate if "://" in candidate else "https://" + candidate)
    match = _URL_PATH_RE.match(url.path)
    if url.hostname not in _ARXIV_HOSTS or match is None:
        raise KbError(f"'{raw}' is not an arXiv abstract or PDF link "
                      "(https://arxiv.org/abs/ID or https://arxiv.org/pdf/ID)", code="E501")
    return match.group("id")


def strip_version(arxiv_id: str) -> str:
    """``2006.11239v2`` → ``2006.11239``."""
    return ARXIV_VERSION_RE.sub("", arxiv_id)


def unique_ids(texts: list[str]) -> list[str]:
    """Canonical ids of ``texts`` in the order given, each once."""
    seen: dict[str, None] = {}
    for text in texts:
        seen.setdefault(parse_arxiv_id(text), None)
    return list(seen)
