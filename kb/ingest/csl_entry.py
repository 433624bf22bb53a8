"""One CSL-JSON item as catalog entry fields: the inverse of :mod:`kb.export.csl`.

CSL-JSON is what ``kb export csl-json``, Zotero, Pandoc and citeproc processors exchange, and
what :mod:`kb.ingest.crossref_csl` makes of a Crossref record, so ``kb import csl-json`` and
``kb add doi:`` share this one mapping. Which field comes from where:

==========================================  =================================================
``type``                                    ``entry_type``, as the BibTeX type (table below;
                                            Crossref's names such as ``journal-article`` are
                                            read too), and so ``kind`` as for a BibTeX
                                            record of that type (book, tutorial, repo, paper)
``citation-key``, else ``id``               ``citekey`` (when it is a valid key, not a URL)
``title``                                   ``title`` (rich-text tags such as ``<i>`` dropped)
``author`` / ``editor``                     ``authors`` / ``editors`` (:mod:`kb.names`)
``issued``                                  ``year``, ``month``, ``date`` (a full date only)
``container-title``                         ``venue``
``volume``, ``issue``, ``page``             ``volume``, ``number``, ``pages`` (``1-10`` →
                                            ``1--10``, as BibTeX writes ranges)
``publisher``                               ``publisher``; ``school`` of a thesis,
                                            ``institution`` of a report
``publisher-place``, ``edition``            ``address``, ``edition``
``ISBN``, ``ISSN``                          ``isbn``, ``issn`` (the first of a list, or of
                                            ``0020-174X, 1502-3923``)
``DOI``, ``URL``                            ``doi`` (bare), ``url``
``number`` ``arXiv:ID`` / arXiv URL or DOI  ``arxiv``
``note``, ``keyword``, ``abstract``         ``note``, ``keywords`` (split at commas),
                                            ``abstract``
``language``                                ``language`` (``en-US`` → ``en``)
==========================================  =================================================
"""

from __future__ import annotations

import re
from typing import Any

from kb.export.csl import CSL_TYPES as EXPORT_CSL_TYPES
from kb.ingest.arxiv_ids import strip_version
from kb.ingest.bibtex_fields import kind_of_record
from kb.ingest.crossref_csl import CSL_TYPES as CROSSREF_TYPES
from kb.ingest.doi_ids import bare_doi
from kb.models import ARXIV_RE, CITEKEY_RE
from kb.names import Name, format_name

# CSL type → BibTeX entry type: the inverse of kb.export.csl's table (the first BibTeX type
# that writes a CSL type reads back from it), and the CSL types our export never writes.
BIBTEX_TYPES = {csl: bib for bib, csl in reversed(list(EXPORT_CSL_TYPES.items()))} | {
    "article-magazine": "article", "article-newspaper": "article",
    "entry-encyclopedia": "incollection", "entry-dictionary": "incollection",
    "post": "online", "post-weblog": "online", "dataset": "dataset", "manuscript": "unpublished",
    "article": "misc", "entry": "misc", "speech": "misc", "document": "misc",
}
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\.)([a-z-]+(?:\.[A-Z]{2})?/\d{7}|"
                            r"\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(\w+)\s*[-‐‑–—]+\s*(\w+)\s*$")
# The markup CSL-JSON allows in values (citeproc-js "rich text"): dropped on import.
_RICH_TEXT_TAG = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^<>]*)?>", re.IGNORECASE)
_SIMPLE_FIELDS = {"volume": "volume", "issue": "number", "publisher-place": "address",
                  "edition": "edition", "note": "note", "abstract": "abstract"}


def text_of(value: Any) -> str | None:
    """A CSL field as one line of text: strings and numbers; a list gives its first item."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = " ".join(str(value).split())
    return text or None


def csl_person(person: Any) -> str | None:
    """A CSL name object as a catalog name string (:func:`kb.names.format_name`)."""
    if not isinstance(person, dict):
        return None
    literal = text_of(person.get("literal"))
    family = text_of(person.get("family")) or ""
    given = text_of(person.get("given")) or ""
    if literal:
        return format_name(Name(literal=literal))
    if not (family and given):
        alone = family or given
        if not alone:
            return None
        # One part only: an organisation when it has several words, else a one-word name.
        return format_name(Name(literal=alone) if " " in alone else Name(family=alone))
    particle = " ".join(p for p in (text_of(person.get("dropping-particle")),
                                    text_of(person.get("non-dropping-particle"))) if p)
    if particle and not particle[0].islower():
        # "Le" of Le Roux: a capitalised particle is part of the family name for BibTeX.
        family, particle = f"{particle} {family}", ""
    return format_name(Name(given=given, family=family, particle=particle,
                            suffix=text_of(person.get("suffix")) or ""))


def _people(value: Any) -> list[str]:
    people = value if isinstance(value, list) else []
    return [name for person in people if (name := csl_person(person))]


def _date_parts(issued: Any) -> list[int]:
    """``[year, month, day]`` (as many as known) of a CSL date."""
    if not isinstance(issued, dict):
        return []
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        numbers = []
        for part in parts[0][:3]:
            text = str(part).strip() if isinstance(part, (int, str)) else ""
            if not text.isdigit():
                break
            numbers.append(int(text))
        return numbers
    raw = text_of(issued.get("raw")) or text_of(issued.get("literal")) or ""
    found = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw)
    return [int(g) for g in found.groups() if g] if found else []


def _dates(issued: Any) -> dict[str, Any]:
    parts = _date_parts(issued)
    fields: dict[str, Any] = {}
    if parts:
        fields["year"] = parts[0]
    if len(parts) > 1 and 1 <= parts[1] <= 12:
        fields["month"] = parts[1]
    if len(parts) == 3:
        fields["date"] = f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"
    return fields


def bibtex_pages(pages: str | None) -> str | None:
    """``588-602`` or ``588–602`` → ``588--602``; anything else as it is."""
    if not pages:
        return None
    match = _RANGE.match(pages)
    return f"{match[1]}--{match[2]}" if match else pages


def _arxiv(item: dict[str, Any]) -> str | None:
    for name in ("number", "URL", "DOI", "archive_location", "note"):
        text = text_of(item.get(name)) or ""
        if match := _ARXIV_IN_TEXT.search(text):
            return strip_version(match.group(1))
    return None


def _citekey(item: dict[str, Any]) -> str | None:
    for name in ("citation-key", "id"):
        key = text_of(item.get(name))
        if key and "://" not in key and CITEKEY_RE.match(key) and re.search(r"[A-Za-z]", key):
            return key
    return None


def _first_number(value: Any) -> str | None:
    """The first of several ISBNs or ISSNs: Zotero writes ``0020-174X, 1502-3923``."""
    numbers = re.split(r"[\s,;]+", text_of(value) or "")
    return next((number for number in numbers if number), None)


def rich_text(value: Any) -> str | None:
    """A CSL rich-text value (``A study of <i>E. coli</i>``) as plain text."""
    text = text_of(value)
    return " ".join(_RICH_TEXT_TAG.sub("", text).split()) or None if text else None


def _keywords(value: Any) -> list[str]:
    words = value if isinstance(value, list) else re.split(r"[,;]", text_of(value) or "")
    return list(dict.fromkeys(w for word in words if (w := text_of(word))))


def _language(value: Any) -> str | None:
    code = (text_of(value) or "").lower()
    match = re.match(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$", code)
    return match.group(1) if match else None


def entry_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The entry fields (no ``id``, ``kind`` included) of one CSL item, empty ones left out."""
    csl_type = text_of(item.get("type")) or ""
    # Crossref's own type names (journal-article …), as its JSON and some tools give them.
    entry_type = BIBTEX_TYPES.get(CROSSREF_TYPES.get(csl_type, csl_type), "misc")
    if entry_type == "phdthesis" and re.search(r"master", text_of(item.get("genre")) or "",
                                               re.IGNORECASE):
        entry_type = "mastersthesis"
    title = rich_text(item.get("title")) or ""
    publisher_field = {"phdthesis": "school", "mastersthesis": "school",
                       "techreport": "institution"}.get(entry_type, "publisher")
    arxiv = _arxiv(item)
    doi = bare_doi(text_of(item.get("DOI")) or "")
    if doi and doi.lower().startswith("10.48550/arxiv."):
        doi = None  # arXiv's own DOI names the preprint, which ``arxiv`` already does
    fields: dict[str, Any] = {
        "kind": kind_of_record(entry_type, title, ""), "title": title, "authors": _people(item.get(
            "author")), **_dates(item.get("issued")),
        "arxiv": arxiv if arxiv and ARXIV_RE.match(arxiv) else None, "doi": doi,
        "url": text_of(item.get("URL")), "venue": rich_text(item.get("container-title")),
        "citekey": _citekey(item), "entry_type": entry_type,
        "editors": _people(item.get("editor")),
        "pages": bibtex_pages(text_of(item.get("page"))),
        publisher_field: text_of(item.get("publisher")),
        "isbn": _first_number(item.get("ISBN")), "issn": _first_number(item.get("ISSN")),
        "keywords": _keywords(item.get("keyword")),
        "language": _language(item.get("language")),
    }
    for csl_name, field in _SIMPLE_FIELDS.items():
        fields[field] = text_of(item.get(csl_name))
    number = text_of(item.get("number"))
    if not fields["number"] and number and not _ARXIV_IN_TEXT.search(number):
        fields["number"] = number  # a report's or a patent's number
    if arxiv and not fields["url"]:
        fields["url"] = f"https://arxiv.org/abs/{arxiv}"
    return {name: value for name, value in fields.items() if value not in (None, [], "")}
