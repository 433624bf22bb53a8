"""Entries as CSL-JSON, the input of citeproc processors (Zotero, Pandoc, citeproc-py).

Each item's ``id`` is the entry id and ``citation-key`` its BibTeX key. Types follow the
CSL 1.0 vocabulary as Zotero writes it: ``paper-conference`` and ``article-journal`` for
published papers, ``article`` (with ``publisher: arXiv`` and ``number: arXiv:ID``) for
preprints, ``book``, ``webpage`` for tutorials, lists, repos and systems, ``entry`` for
methods. Names are split into ``family`` and ``given`` (particles such as *van*, *de*, *del*
stay with the family name); a single-word or CJK name is kept whole as ``literal``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from kb.export.bibtex import record_type
from kb.export.bibtex_keys import bibtex_keys
from kb.models import Entry

PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du",
                       "dos", "das", "la", "le", "ten", "ter", "bin", "al"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def csl_name(name: str) -> dict[str, str]:
    """``"Matias del Campo"`` → ``{"family": "del Campo", "given": "Matias"}``."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return {"family": family, "given": given} if given else {"literal": family}
    words = name.split()
    if len(words) < 2 or _CJK.search(name):
        return {"literal": name}
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return {"family": " ".join(words[start:]), "given": " ".join(words[:start])}


def csl_type(entry: Entry) -> str:
    return {"inproceedings": "paper-conference", "article": "article-journal",
            "book": "book", "online": "webpage"}.get(
        record_type(entry), "entry" if entry.kind == "method" else "article")


def csl_item(entry: Entry, key: str) -> dict[str, object]:
    """One CSL-JSON item."""
    item: dict[str, object] = {"id": entry.id, "type": csl_type(entry), "citation-key": key,
                               "title": entry.title}
    if entry.authors:
        item["author"] = [csl_name(author) for author in entry.authors]
    if entry.date:
        item["issued"] = {"date-parts": [[entry.date.year, entry.date.month, entry.date.day]]}
    elif entry.year:
        item["issued"] = {"date-parts": [[entry.year]]}
    if entry.venue:
        field = {"book": "publisher", "webpage": "publisher"}.get(item["type"],
                                                                   "container-title")
        item[field] = entry.venue
    elif entry.arxiv:
        item["publisher"] = "arXiv"
    if entry.arxiv:
        item["number"] = f"arXiv:{entry.arxiv}"
    if entry.doi:
        item["DOI"] = entry.doi
    if entry.url:
        item["URL"] = entry.url
    if entry.abstract:
        item["abstract"] = entry.abstract
    if entry.tags:
        item["keyword"] = ", ".join(entry.tags)
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
