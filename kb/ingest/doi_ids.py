"""What a user (or a file) may give for a DOI, made the bare DOI the catalog stores.

Accepted: ``doi:10.1371/journal.pone.0033693``, ``10.1371/journal.pone.0033693``,
``https://doi.org/10.…``, ``http://dx.doi.org/10.…``, ``doi.org/10.…`` and
``https://doi.acm.org/10.…``, percent-escapes (``10.1371%2Fjournal…``) decoded. DOIs are
compared without regard to case (the DOI handbook, §2.4); the catalog keeps the case the
registry gives.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from kb.errors import KbError
from kb.models import DOI_RE

_PREFIX_RE = re.compile(r"^doi:\s*", re.IGNORECASE)
_DOI_HOSTS = ("doi.org", "www.doi.org", "dx.doi.org", "doi.acm.org")


def looks_like_doi(text: str) -> bool:
    """``text`` is meant as a DOI (``doi:…``, ``10.…`` or a doi.org link), well-formed or not."""
    raw = text.strip()
    if _PREFIX_RE.match(raw) or raw.startswith("10."):
        return True
    host = urlsplit(raw if "://" in raw else "https://" + raw).hostname or ""
    return host in _DOI_HOSTS


def bare_doi(text: str) -> str | None:
    """The DOI in ``text`` without prefix or resolver URL, or None when it is not one."""
    candidate = _PREFIX_RE.sub("", text.strip())
    if "://" in candidate or candidate.split("/", 1)[0] in _DOI_HOSTS:
        url = urlsplit(candidate if "://" in candidate else "https://" + candidate)
        if url.hostname not in _DOI_HOSTS:
            return None
        candidate = url.path.lstrip("/")
    candidate = unquote(candidate).strip()
    return candidate if DOI_RE.match(candidate) else None


def parse_doi(text: str) -> str:
    """The bare DOI in ``text``; :class:`KbError` (E501) naming the input when there is none."""
    doi = bare_doi(text)
    if doi is None:
        raise KbError(f"'{text.strip()}' is not a DOI: use doi:10.1371/journal.pone.0033693, "
                      "10.1371/journal.pone.0033693 or https://doi.org/10.1371/…", code="E501")
    return doi
