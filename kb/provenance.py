"""What an entry's ``sources`` say: is its metadata sourced, were its cites read from a reference
list, which arXiv version was read, and does a cite point to a work released after it.

One place for these answers, so that ``kb validate`` (W302, W303), ``kb graph stats`` and the
site agree on them.

* A **sourced** entry names where its title, authors, year and venue were read
  (``sources.metadata``). Papers and surveys — the kinds that are published papers — must be.
* A **verified** edge starts at an entry with ``sources.references``: its ``cites`` were read
  from the work's own reference list.
* A cite goes to a **later** work when the cited work's first release comes after the citing
  one's: by ``date`` when both have one, else by ``year`` when both have one. Two works of the
  same year without both dates are *not* later: a paper can cite a same-year preprint, and
  without dates nothing says otherwise.
* A **version** is named by a ``sources.references`` URL of the form
  ``arxiv.org/abs|html|pdf/<id>v<N>``: the reference list of that version was read, so a cite
  of a work released after the first version can be right (DDIM's v4 cites score SDE).
"""

from __future__ import annotations

import re

from kb.models import Entry

SOURCED_KINDS = ("paper", "survey")
"""Kinds whose facts need ``sources.metadata`` (W302): they are published papers."""

DATED_KINDS = ("paper", "survey")
"""Kinds whose cites are checked against dates (W303): a paper is fixed at its release,
unlike a repo, list or tutorial that is updated after it."""

ARXIV_VERSION_URL_RE = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|html|pdf)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})v(?P<version>\d+)(?:[/?#.].*)?$")


def has_metadata_source(entry: Entry) -> bool:
    """True when the entry names where its metadata was read."""
    return bool(entry.sources and entry.sources.metadata)


def has_references_source(entry: Entry) -> bool:
    """True when the entry's cites were read from a reference list: its edges are verified."""
    return bool(entry.sources and entry.sources.references)


def needs_metadata_source(entry: Entry) -> bool:
    """True for a paper or survey without ``sources.metadata`` (what W302 warns about)."""
    return entry.kind in SOURCED_KINDS and not has_metadata_source(entry)


def cited_version(entry: Entry) -> str | None:
    """The arXiv version whose reference list was read (``"2010.02502v4"``), or None.

    Only a URL naming the entry's own arXiv id counts (any arXiv id, for an entry without
    one); the first such URL in ``sources.references`` wins.
    """
    if entry.sources is None:
        return None
    for url in entry.sources.references:
        match = ARXIV_VERSION_URL_RE.match(url)
        if match and (entry.arxiv is None or match.group("id") == entry.arxiv):
            return f"{match.group('id')}v{match.group('version')}"
    return None


def released_after(cited: Entry, citing: Entry) -> bool:
    """True when ``cited`` was first released after ``citing``: by date when both have one,
    else by year when both have one; same-year works without both dates are not later."""
    if cited.date is not None and citing.date is not None:
        return cited.date > citing.date
    if cited.year is not None and citing.year is not None:
        return cited.year > citing.year
    return False


def cites_later_work(citing: Entry, cited: Entry) -> bool:
    """True when a paper or survey cites a work released after it (explained or not)."""
    return citing.kind in DATED_KINDS and released_after(cited, citing)


def release(entry: Entry) -> str:
    """The entry's release as the comparison used it: the date, else the year."""
    if entry.date is not None:
        return entry.date.isoformat()
    return str(entry.year) if entry.year is not None else "undated"
