"""Entries as BibTeX (biblatex-friendly), one record per entry, keys from :mod:`bibtex_keys`.

The record type fits the work:

=====================================  ===============================================
paper or survey at a conference        ``@inproceedings`` (``booktitle`` = venue)
paper or survey in a journal           ``@article`` (``journal`` = venue)
paper or survey on arXiv only          ``@misc`` with ``eprint``, ``archivePrefix`` and,
                                       when the id names it, ``primaryClass``
book                                   ``@book`` (``publisher`` = venue)
tutorial, repo, system, list           ``@online`` (``organization`` = venue)
method, or a paper with nothing else   ``@misc``
=====================================  ===============================================

Text is written as UTF-8 (accents and CJK as they are, for biber or bibtex8) with the
characters TeX treats specially escaped: ``\\ { } % & # _ $ ~ ^``. Braces become
``\\textbraceleft{}``/``\\textbraceright{}`` rather than ``\\{``, because classic BibTeX counts
every brace, escaped or not, when it looks for the end of a value. In titles, words with an
inner capital (``DDPM``, ``GANs``, ``ViT``) are braced so styles that lower-case titles keep
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.export.bibtex_keys import bibtex_keys
from kb.models import Entry

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "#": r"\#", "_": r"\_", "$": r"\$",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _TEX_SPECIAL))
# A word with a capital letter after its first character: an acronym or a name like "ViT".
_INNER_CAPITAL = re.compile(r"\w[A-Z]")
_WORD_PARTS = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_CONFERENCE = re.compile(
    r"\b(NeurIPS|NIPS|ICLR|ICML|CVPR|ICCV|ECCV|WACV|BMVC|AAAI|IJCAI|ACL|EMNLP|NAACL|AACL|"
    r"COLING|SIGGRAPH|KDD|WWW|MICCAI|UAI|AISTATS|COLT|ICASSP|INTERSPEECH|CoRL|RSS|ICRA|IROS|"
    r"3DV|ACM MM|Conference|Proceedings|Workshop|Symposium)\b", re.IGNORECASE)
_OLD_ARXIV = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?)/\d{7}$")
ONLINE_KINDS = ("tutorial", "repo", "system", "list")


def tex_escape(text: str) -> str:
    """``text`` with TeX's special characters written as commands; the rest unchanged."""
    return _TEX_SPECIAL_RE.sub(lambda m: _TEX_SPECIAL[m.group()], text)


def tex_title(title: str) -> str:
    """An escaped title whose acronyms are braced: ``{DDPM} for {GANs}``."""
    out = []
    for word in re.split(r"(\s+)", title):
        lead, core, trail = _WORD_PARTS.match(word).groups()  # type: ignore[union-attr]
        if _INNER_CAPITAL.search(core):
            out.append(f"{tex_escape(lead)}{{{tex_escape(core)}}}{tex_escape(trail)}")
        else:
            out.append(tex_escape(word))
    return "".join(out)


def tex_name(name: str) -> str:
    """One author: escaped, and braced if it holds the word "and" (which would split it)."""
    escaped = tex_escape(name)
    return f"{{{escaped}}}" if re.search(r"\band\b", name, re.IGNORECASE) else escaped


def record_type(entry: Entry) -> str:
    """The BibTeX entry type that fits the work (see the module table)."""
    if entry.kind == "book":
        return "book"
    if entry.kind in ONLINE_KINDS:
        return "online"
    if entry.kind in ("paper", "survey") and entry.venue:
        return "inproceedings" if _CONFERENCE.search(entry.venue) else "article"
    return "misc"


def _url(url: str) -> str:
    # URLs are taken verbatim by the url package; only braces would break the record.
    return url.replace("{", "%7B").replace("}", "%7D")


def record_fields(entry: Entry) -> list[tuple[str, str]]:
    """``(field, value)`` pairs of one record, values already escaped, in the usual order."""
    kind = record_type(entry)
    fields: list[tuple[str, str]] = []
    if entry.authors:
        fields.append(("author", " and ".join(tex_name(a) for a in entry.authors)))
    fields.append(("title", tex_title(entry.title)))
    if entry.venue:
        venue_field = {"inproceedings": "booktitle", "article": "journal", "book": "publisher",
                       "online": "organization"}.get(kind, "howpublished")
        fields.append((venue_field, tex_escape(entry.venue)))
    if entry.year:
        fields.append(("year", str(entry.year)))
    if entry.date:
        fields.append(("date", entry.date.isoformat()))
    if entry.doi:
        fields.append(("doi", _url(entry.doi)))
    if entry.arxiv:
        fields += [("eprint", entry.arxiv), ("archivePrefix", "arXiv")]
        if old := _OLD_ARXIV.match(entry.arxiv):
            fields.append(("primaryClass", old.group(1)))
    if entry.url:
        fields.append(("url", _url(entry.url)))
    if entry.tags:
        fields.append(("keywords", tex_escape(", ".join(entry.tags))))
    if entry.language:
        fields.append(("langid", tex_escape(entry.language)))
    return fields


def bibtex_record(entry: Entry, key: str) -> str:
    """One ``@type{key, …}`` record."""
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in record_fields(entry))
    return f"@{record_type(entry)}{{{key},\n{body}}}\n"


def to_bibtex(entries: Iterable[Entry]) -> str:
    """A ``.bib`` file of ``entries`` in the given order, records separated by a blank line."""
    chosen = list(entries)
    keys = bibtex_keys(chosen)
    return "\n".join(bibtex_record(entry, keys[entry.id]) for entry in chosen)
