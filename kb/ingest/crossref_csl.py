"""A Crossref work record as a CSL-JSON item, so ``kb add doi:`` maps it as any CSL item.

Crossref's JSON is close to CSL-JSON (it is what its citeproc-json transform starts from);
what differs:

- ``type`` uses Crossref's vocabulary: ``journal-article`` → ``article-journal``,
  ``proceedings-article`` → ``paper-conference``, ``book-chapter`` → ``chapter``,
  ``posted-content`` (preprints) → ``article``, ``dissertation`` → ``thesis`` …;
- ``title``, ``container-title``, ``ISSN``, ``ISBN`` are lists (the first is taken), and a
  ``subtitle`` is joined to the title with ": ";
- a name's ``name`` is a literal (an organisation);
- ``issued`` may be ``[[null]]`` when Crossref has no date: ``published-print``,
  ``published-online`` and ``published`` are tried next, and without any the item has no
  date (``created``, the DOI's registration, is not the work's date);
- ``abstract`` is JATS XML (``<jats:p>…``): its tags are dropped, entities decoded, and a
  heading that only says "Abstract" goes;
- ``issue`` stays ``issue``; ``edition-number`` is ``edition``;
- the DOI's resolver link ``https://doi.org/…`` is the URL.
"""

from __future__ import annotations

import html
import re
from typing import Any

CSL_TYPES = {
    "journal-article": "article-journal", "proceedings-article": "paper-conference",
    "book-chapter": "chapter", "book-part": "chapter", "book-section": "chapter",
    "reference-entry": "entry-encyclopedia", "book": "book", "monograph": "book",
    "edited-book": "book", "reference-book": "book", "book-set": "book",
    "book-series": "book", "posted-content": "article", "dissertation": "thesis",
    "report": "report", "report-component": "report", "standard": "standard",
    "dataset": "dataset", "component": "document", "other": "document",
    "peer-review": "review", "journal": "periodical", "proceedings": "book",
}
# Publication dates only: ``created`` and ``deposited`` say when the DOI was registered.
_DATE_FIELDS = ("issued", "published-print", "published-online", "published")
_TAG = re.compile(r"<[^>]+>")
_ABSTRACT_HEADING = re.compile(r"<(jats:)?title>\s*abstract\s*</(jats:)?title>", re.IGNORECASE)


def _first(value: Any) -> Any:
    return (value[0] if value else None) if isinstance(value, list) else value


def _person(author: Any) -> dict[str, str] | None:
    if not isinstance(author, dict):
        return None
    if author.get("name") and not author.get("family"):
        return {"literal": str(author["name"])}
    person = {key: str(author[key]) for key in ("given", "family", "suffix",
                                                 "non-dropping-particle", "dropping-particle")
              if author.get(key)}
    return person or None


def _date(work: dict[str, Any]) -> dict[str, Any] | None:
    """The first of Crossref's dates that has at least a year."""
    for name in _DATE_FIELDS:
        value = work.get(name)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] \
                and isinstance(parts[0][0], int):
            return {"date-parts": [parts[0]]}
    return None


def jats_text(text: str) -> str:
    """JATS XML (``<jats:p>Background</jats:p>``) as one line of plain text."""
    return " ".join(html.unescape(_TAG.sub(" ", _ABSTRACT_HEADING.sub(" ", text))).split())


def crossref_to_csl(work: dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON item for one Crossref work record (its ``message``)."""
    title = " ".join(str(_first(work.get("title")) or "").split())
    subtitle = " ".join(str(_first(work.get("subtitle")) or "").split())
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    doi = work.get("DOI")
    item: dict[str, Any] = {
        "type": CSL_TYPES.get(str(work.get("type")), "document"),
        "title": title,
        "author": [p for a in work.get("author") or [] if (p := _person(a))],
        "editor": [p for a in work.get("editor") or [] if (p := _person(a))],
        "issued": _date(work),
        "container-title": _first(work.get("container-title")),
        "volume": work.get("volume"), "issue": work.get("issue"), "page": work.get("page"),
        "publisher": work.get("publisher"), "publisher-place": work.get("publisher-location"),
        "edition": work.get("edition-number"),
        "ISSN": _first(work.get("ISSN")), "ISBN": _first(work.get("ISBN")),
        "DOI": doi, "URL": f"https://doi.org/{doi}" if doi else work.get("URL"),
        "abstract": jats_text(work["abstract"]) if isinstance(work.get("abstract"), str)
        else None,
        "language": work.get("language"),
    }
    return {key: value for key, value in item.items() if value not in (None, [], "")}
