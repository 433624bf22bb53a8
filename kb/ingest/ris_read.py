"""Read a RIS file into records with lines, and map each to entry fields.

A record runs from ``TY  - TYPE`` to ``ER  -``; every line between is ``TAG  - value`` (two
upper-case letters or a letter and a digit; one space before the dash is accepted too) or
continues the value above it. UTF-8 with or without a byte-order mark. The tags read are
those :mod:`kb.export.ris` writes, and the other usual spellings:

==============================  =======================================================
``TY``                          ``entry_type`` (JOUR article, CONF / CPAPER inproceedings,
                                BOOK book, CHAP incollection, THES phdthesis, RPRT
                                techreport, ELEC / WEB online, GEN misc …), so ``kind``
``AU``, ``A1``                  ``authors`` (``Family, Given[, Suffix]``; a name without a
                                comma is an organisation, or a one-word name)
``ED``, ``A2`` (``A3`` of a book)  ``editors``
``TI``, ``T1``                  ``title``
``T2``, ``JF``, ``JO``, ``BT``,  ``venue`` (the first one given)
``JA``, ``J2``
``PY``, ``Y1``, ``DA``          ``year``; ``month`` and ``date`` from ``DA`` (or ``Y1``)
``VL``, ``IS``, ``SP``+``EP``   ``volume``, ``number``, ``pages`` (``SP--EP``)
``PB``                          ``publisher`` (``school`` of a thesis, ``institution`` of a
                                report); ``CY`` address; ``ET`` edition
``SN``                          ``isbn``: the first number that reads as one (10 or 13
                                digits); ``issn``: the first other one
``DO``, ``UR``                  ``doi``, ``url``; an arXiv link or DOI gives ``arxiv``
``AB`` / ``N2``, ``KW``, ``N1``  ``abstract``, ``keywords``, ``note``; ``LA`` language
``ID``                          ``citekey``
==============================  =======================================================

A line outside a record, a record without ``ER``, or a ``TY`` without a type is an error at
its line (E523); with ``--skip-invalid`` the record is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import Diagnostic
from kb.export.ris import RIS_TYPES
from kb.ingest.bibtex_fields import kind_of_record
from kb.ingest.csl_entry import bibtex_pages
from kb.ingest.doi_ids import bare_doi
from kb.ingest.file_import import SourceRecord, read_text
from kb.models import ARXIV_RE, CITEKEY_RE
from kb.names import Name, format_name, parse_name

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_ARXIV = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\.)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?"
                    r"/\d{7})(?:v\d+)?", re.IGNORECASE)
# RIS type → BibTeX entry type: the inverse of kb.export.ris, and the spellings others use.
ENTRY_TYPES = {ris: bib for bib, ris in reversed(list(RIS_TYPES.items()))} | {
    "JFULL": "article", "MGZN": "article", "NEWS": "article", "EJOUR": "article",
    "CONF": "inproceedings", "EBOOK": "book", "EDBOOK": "book", "ECHAP": "incollection",
    "WEB": "online", "BLOG": "online", "MANSCPT": "unpublished", "GEN": "misc"}
VENUE_TAGS = ("T2", "JF", "JO", "BT", "JA", "J2")


@dataclass
class RisRecord:
    """One ``TY`` … ``ER`` record: its tags in order, each with its values and first line."""

    line: int
    tags: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, tag: str, value: str, line: int) -> None:
        self.tags.setdefault(tag, []).append(value)
        self.lines.setdefault(tag, line)

    def first(self, *tags: str) -> str | None:
        for tag in tags:
            for value in self.tags.get(tag, []):
                if value:
                    return value
        return None


def parse_ris(text: str, path: str = "<ris>") -> tuple[list[RisRecord], list[Diagnostic]]:
    """The well-formed records of a RIS text, and a problem for each line that is not."""
    records: list[RisRecord] = []
    problems: list[Diagnostic] = []
    current: RisRecord | None = None
    last_tag: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        match = _TAG_LINE.match(line)
        if match is None:
            if current is not None and last_tag and line.strip():
                values = current.tags[last_tag]
                values[-1] = f"{values[-1]} {line.strip()}".strip()
            elif line.strip():
                problems.append(Diagnostic("E523", "RIS: a line outside a record (a record "
                                           "starts with 'TY  - TYPE')", path, number))
            continue
        tag, value = match.group(1), " ".join((match.group(2) or "").split())
        if tag == "TY":
            if current is not None:
                problems.append(Diagnostic("E523", f"RIS: the record at line {current.line} "
                                           "has no 'ER  -' before the next 'TY'", path,
                                           current.line))
            current, last_tag = RisRecord(number), None
            if not value:
                problems.append(Diagnostic("E523", "RIS: 'TY' without a type", path, number))
                current = None
                continue
            current.add("TY", value.upper(), number)
        elif current is None:
            problems.append(Diagnostic("E523", f"RIS: '{tag}' outside a record (a record "
                                       "starts with 'TY  - TYPE')", path, number))
        elif tag == "ER":
            records.append(current)
            current, last_tag = None, None
        else:
            current.add(tag, value, number)
            last_tag = tag
    if current is not None:
        problems.append(Diagnostic("E523", "RIS: the record has no end ('ER  -')", path,
                                   current.line))
    return records, problems


def ris_person(text: str) -> str | None:
    """``Family, Given[, Suffix]`` as a catalog name; no comma: an organisation or one word."""
    parts = [" ".join(p.split()) for p in text.split(",")]
    if not parts[0]:
        return None
    if len(parts) == 1:
        return format_name(Name(literal=parts[0]) if " " in parts[0] else Name(family=parts[0]))
    split = parse_name(f"{parts[0]}, {parts[1]}")
    suffix = ", ".join(p for p in parts[2:] if p)
    return format_name(Name(given=split.given, family=split.family, particle=split.particle,
                            suffix=suffix))


def _dates(record: RisRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    year = re.match(r"^\s*(\d{4})", record.first("PY", "Y1", "DA") or "")
    if year:
        fields["year"] = int(year.group(1))
    full = re.match(r"^\s*(\d{4})[/-](\d{1,2})(?:[/-](\d{1,2}))?", record.first("DA", "Y1",
                                                                                   "PY") or "")
    if full and (not year or full.group(1) == year.group(1)) and 1 <= int(full.group(2)) <= 12:
        fields["month"] = int(full.group(2))
        if full.group(3):
            fields["date"] = f"{full.group(1)}-{int(full.group(2)):02d}-{int(full.group(3)):02d}"
    return fields


def _pages(record: RisRecord) -> str | None:
    first, last = record.first("SP"), record.first("EP")
    if first and last:
        return f"{first}--{last}"
    return bibtex_pages(first)


def _arxiv(record: RisRecord) -> str | None:
    for tag in ("UR", "DO", "N1", "L1", "L2"):
        for value in record.tags.get(tag, []):
            if (match := _ARXIV.search(value)) and ARXIV_RE.match(match.group(1)):
                return match.group(1)
    return None


def _is_isbn(value: str) -> bool:
    digits = re.sub(r"[\s-]", "", value)
    return bool(re.fullmatch(r"\d{9}[\dX]|\d{13}", digits, re.IGNORECASE))


def _editor_names(record: RisRecord) -> list[str]:
    """``ED`` and ``A2``; a book's ``A3``, where Zotero writes a book's editors."""
    names = record.tags.get("ED", []) + record.tags.get("A2", [])
    if not names and record.first("TY") in ("BOOK", "EDBOOK", "EBOOK"):
        names = record.tags.get("A3", [])
    return names


def _language(value: str | None) -> str | None:
    """``en`` of ``en``, ``en-US`` or ``EN``; a language's name ("English") is not a code."""
    match = re.fullmatch(r"([a-z]{2})(?:[-_][a-z0-9]+)*", (value or "").strip().lower())
    return match.group(1) if match else None


def ris_fields(record: RisRecord) -> dict[str, Any]:
    """The entry fields (no ``id``) of one record, empty ones left out."""
    entry_type = ENTRY_TYPES.get(record.first("TY") or "", "misc")
    title = record.first("TI", "T1") or ""
    numbers = [n for value in record.tags.get("SN", []) for n in re.split(r"[\s,;]+", value)
               if n]
    doi = bare_doi(record.first("DO") or "")
    if doi and doi.lower().startswith("10.48550/arxiv."):
        doi = None  # arXiv's own DOI names the preprint, which ``arxiv`` already does
    publisher_field = {"phdthesis": "school", "mastersthesis": "school",
                       "techreport": "institution"}.get(entry_type, "publisher")
    citekey = record.first("ID")
    arxiv = _arxiv(record)
    fields: dict[str, Any] = {
        "kind": kind_of_record(entry_type, title, ""), "title": title,
        "authors": [n for a in record.tags.get("AU", []) + record.tags.get("A1", [])
                    if (n := ris_person(a))],
        **_dates(record), "arxiv": arxiv, "doi": doi,
        "url": record.first("UR") or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None),
        "venue": record.first(*VENUE_TAGS),
        "citekey": citekey if citekey and CITEKEY_RE.match(citekey) else None,
        "entry_type": entry_type,
        "editors": [n for a in _editor_names(record) if (n := ris_person(a))],
        "volume": record.first("VL"), "number": record.first("IS"), "pages": _pages(record),
        publisher_field: record.first("PB"), "address": record.first("CY"),
        "edition": record.first("ET"),
        "isbn": next((n for n in numbers if _is_isbn(n)), None),
        "issn": next((n for n in numbers if not _is_isbn(n)), None),
        "note": record.first("N1"), "keywords": list(dict.fromkeys(
            k for k in record.tags.get("KW", []) if k)),
        "abstract": record.first("AB", "N2"),
        "language": _language(record.first("LA")),
    }
    return {name: value for name, value in fields.items() if value not in (None, [], "")}


FIELD_OF_TAG = {"TI": "title", "T1": "title", "AU": "authors", "A1": "authors",
                "PY": "year", "DA": "date", "DO": "doi", "UR": "url", "ID": "citekey",
                "ED": "editors", "A2": "editors", "VL": "volume", "IS": "number",
                "SP": "pages", "LA": "language", "AB": "abstract", "N1": "note"}


def read_ris(path: str | Path) -> tuple[list[SourceRecord], list[Diagnostic]]:
    """One record per ``TY`` … ``ER`` of the RIS file at ``path``, and the lines that are bad."""
    where = str(path)
    records, problems = parse_ris(read_text(path), where)
    found = []
    for number, record in enumerate(records, 1):
        citekey = record.first("ID")
        label = f"record '{citekey}'" if citekey else f"record {number}"
        lines = {field: record.lines[tag] for tag, field in reversed(FIELD_OF_TAG.items())
                 if tag in record.lines}
        found.append(SourceRecord(where, record.line, label, ris_fields(record), lines))
    return found, problems
