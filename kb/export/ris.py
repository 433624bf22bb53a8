"""Entries as RIS, the tagged format EndNote, Zotero, Mendeley and JabRef read and write.

One record per entry, ``TAG  - value`` lines from ``TY`` to ``ER``; the tags and what fills
them are the table below, which :mod:`kb.ingest.ris_read` reads back the other way:

=========  ==========================================================================
``TY``     the type, from ``entry_type`` (else the BibTeX type the entry exports as):
           article ``JOUR``, inproceedings ``CPAPER``, book ``BOOK``, incollection /
           inbook ``CHAP``, theses ``THES``, techreport ``RPRT``, online ``ELEC``,
           software ``COMP``, dataset ``DATA``, unpublished ``UNPB``, anything else ``GEN``
``ID``     the citation key (the one ``kb export bibtex`` gives)
``AU``     each author, ``Family, Given`` (``van den Oord, Aäron``; ``Daumé, Hal, III`` for a
           suffix), an organisation as its name alone
``ED``     each editor, written as authors
``TI``     title; ``T2`` venue (journal, proceedings, …)
``PY``     year; ``DA`` ``YYYY/MM/DD`` (or ``YYYY/MM``) when the date or month is known
``VL``     volume; ``IS`` number; ``SP`` / ``EP`` first and last page
``PB``     publisher, else school or institution; ``CY`` address; ``ET`` edition
``SN``     ISBN, and ISSN
``DO``     DOI; ``UR`` url, and the arXiv abstract page when it is another
``AB``     abstract; ``KW`` each keyword; ``N1`` note; ``LA`` language
=========  ==========================================================================

Our own tags, topics and notes are not written: they are this catalog's, not the work's.
Values are written on one line each, UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.export.bibtex import record_type
from kb.export.bibtex_keys import bibtex_keys
from kb.models import Entry
from kb.names import parse_name

RIS_TYPES = {
    "article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER", "book": "BOOK",
    "incollection": "CHAP", "inbook": "CHAP", "phdthesis": "THES", "mastersthesis": "THES",
    "thesis": "THES", "techreport": "RPRT", "report": "RPRT", "online": "ELEC", "www": "ELEC",
    "software": "COMP", "dataset": "DATA", "unpublished": "UNPB",
}


def ris_name(text: str) -> str:
    """A catalog name as RIS writes it: ``Family, Given[, Suffix]``; an organisation whole."""
    name = parse_name(text)
    if name.literal:
        return name.literal
    family = " ".join(part for part in (name.particle, name.family) if part)
    return ", ".join(part for part in (family, name.given, name.suffix) if part)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _pages(pages: str) -> list[tuple[str, str]]:
    first, sep, last = pages.replace("--", "-").partition("-")
    if sep and first.strip() and last.strip():
        return [("SP", first.strip()), ("EP", last.strip())]
    return [("SP", pages)]


def ris_fields(entry: Entry, key: str) -> list[tuple[str, str]]:
    """``(tag, value)`` lines of one record, ``TY`` first, ``ER`` left out."""
    lines = [("TY", RIS_TYPES.get(entry.entry_type or record_type(entry), "GEN")), ("ID", key)]
    lines += [("AU", ris_name(a)) for a in entry.authors]
    lines += [("ED", ris_name(e)) for e in entry.editors]
    lines.append(("TI", entry.title))
    if entry.venue:
        lines.append(("T2", entry.venue))
    if entry.year:
        lines.append(("PY", str(entry.year)))
    if entry.date:
        lines.append(("DA", entry.date.strftime("%Y/%m/%d")))
    elif entry.year and entry.month:
        lines.append(("DA", f"{entry.year:04d}/{entry.month:02d}"))
    for tag, value in (("VL", entry.volume), ("IS", entry.number)):
        if value:
            lines.append((tag, value))
    if entry.pages:
        lines += _pages(entry.pages)
    publisher = entry.publisher or entry.school or entry.institution
    for tag, value in (("PB", publisher), ("CY", entry.address), ("ET", entry.edition),
                       ("SN", entry.isbn), ("SN", entry.issn), ("DO", entry.doi),
                       ("UR", entry.url)):
        if value:
            lines.append((tag, value))
    arxiv_page = f"https://arxiv.org/abs/{entry.arxiv}" if entry.arxiv else None
    if arxiv_page and arxiv_page != entry.url:
        lines.append(("UR", arxiv_page))
    if entry.abstract:
        lines.append(("AB", entry.abstract))
    lines += [("KW", keyword) for keyword in entry.keywords]
    for tag, value in (("N1", entry.note), ("LA", entry.language)):
        if value:
            lines.append((tag, value))
    return [(tag, _one_line(value)) for tag, value in lines]


def ris_record(entry: Entry, key: str) -> str:
    body = "".join(f"{tag}  - {value}\n" for tag, value in ris_fields(entry, key))
    return body + "ER  - \n"


def to_ris(entries: Iterable[Entry]) -> str:
    """A RIS file of ``entries`` in the given order, records separated by a blank line."""
    chosen = list(entries)
    keys = bibtex_keys(chosen)
    return "\n".join(ris_record(entry, keys[entry.id]) for entry in chosen)
