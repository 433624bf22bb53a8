"""Entries as CSL-JSON, the input of citeproc processors (Zotero, Pandoc, citeproc-py).

Each item's ``id`` and ``citation-key`` are its BibTeX key (:mod:`kb.export.bibtex_keys`,
or the entry's own ``citekey``), so a document can switch between the BibTeX and the
CSL-JSON export without changing a citation. Types follow the CSL 1.0 vocabulary as Zotero
writes it: ``paper-conference`` and ``article-journal`` for published papers, ``chapter``,
``thesis``, ``report``, ``article`` (with ``publisher: arXiv`` and ``number: arXiv:ID``) for
preprints only, ``book``, ``webpage`` for tutorials, lists, repos and systems, ``entry`` for
methods. Names are split by :mod:`kb.names` (``family``, ``given``,
``non-dropping-particle``, ``suffix``; an organisation or a one-word CJK name is a
``literal``). Titles are the readable text (``α``, not ``$\\alpha$``); pages use a plain
hyphen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kb.export.bibtex import bibtex_type
from kb.export.bibtex_keys import bibtex_keys
from kb.models import Entry
from kb.names import csl_name

CSL_TYPES = {"inproceedings": "paper-conference", "conference": "paper-conference",
             "article": "article-journal", "book": "book", "proceedings": "book",
             "collection": "book", "incollection": "chapter", "inbook": "chapter",
             "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
             "techreport": "report", "report": "report", "manual": "report",
             "online": "webpage", "www": "webpage", "software": "software"}
# Entry fields copied as they are: CSL variable ← entry field.
PLAIN_VARIABLES = (("volume", "volume"), ("edition", "edition"), ("ISBN", "isbn"),
                   ("ISSN", "issn"), ("note", "note"), ("publisher-place", "address"))

__all__ = ["csl_item", "csl_items", "csl_name", "csl_type", "to_csl_json"]


def csl_type(entry: Entry) -> str:
    kind = bibtex_type(entry)
    if kind in CSL_TYPES:
        return CSL_TYPES[kind]
    return "entry" if entry.kind == "method" else "article"


def _date(entry: Entry) -> dict[str, object] | None:
    if entry.date:
        return {"date-parts": [[entry.date.year, entry.date.month, entry.date.day]]}
    if entry.year:
        return {"date-parts": [[entry.year, entry.month] if entry.month else [entry.year]]}
    return None


def _publisher(entry: Entry, item_type: str) -> str | None:
    if entry.publisher:
        return entry.publisher
    if item_type == "thesis":
        return entry.school or entry.venue
    if item_type == "report":
        return entry.institution or entry.venue
    if item_type in ("book", "webpage") or (item_type == "article" and not entry.arxiv):
        return entry.venue
    return None


def csl_item(entry: Entry, key: str) -> dict[str, object]:
    """One CSL-JSON item."""
    item_type = csl_type(entry)
    item: dict[str, object] = {"id": key, "type": item_type, "citation-key": key,
                               "title": entry.title}
    if entry.authors:
        item["author"] = [csl_name(author) for author in entry.authors]
    if entry.editors:
        item["editor"] = [csl_name(editor) for editor in entry.editors]
    if issued := _date(entry):
        item["issued"] = issued
    publisher = _publisher(entry, item_type)
    if entry.venue and entry.venue != publisher:
        item["container-title"] = entry.venue
    if publisher:
        item["publisher"] = publisher
    elif entry.arxiv and not entry.venue:
        item["publisher"] = "arXiv"
    if entry.arxiv and not entry.venue:
        item["number"] = f"arXiv:{entry.arxiv}"  # a preprint's number; a published paper's
    elif entry.number:                           # number is its issue
        item["issue" if item_type == "article-journal" else "number"] = entry.number
    for variable, name in PLAIN_VARIABLES:
        if value := getattr(entry, name):
            item[variable] = value
    if entry.pages:
        item["page"] = entry.pages.replace("--", "-")
    if entry.doi:
        item["DOI"] = entry.doi
    if entry.url:
        item["URL"] = entry.url
    if entry.abstract:
        item["abstract"] = entry.abstract
    if words := list(dict.fromkeys([*entry.keywords, *entry.tags])):
        item["keyword"] = ", ".join(words)
    if entry.language:
        item["language"] = entry.language
    return item


def csl_items(entries: Iterable[Entry]) -> list[dict[str, object]]:
    chosen = list(entries)
    keys = bibtex_keys(chosen)
    return [csl_item(entry, keys[entry.id]) for entry in chosen]


def to_csl_json(entries: Iterable[Entry]) -> str:
    """A CSL-JSON array, UTF-8 kept, two-space indented."""
    return json.dumps(csl_items(entries), ensure_ascii=False, indent=2) + "\n"
