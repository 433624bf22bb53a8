"""Entries as BibTeX (biblatex-friendly), one record per entry, keys from :mod:`bibtex_keys`.

An entry imported from BibTeX goes out as it came: its ``citekey``, its ``entry_type``, its
title's BibTeX form (``title_tex``, when it still reads as ``title``), and every
bibliographic field it kept. Otherwise the record type fits the work:

=====================================  ===============================================
paper or survey at a conference        ``@inproceedings`` (``booktitle`` = venue)
paper or survey in a journal           ``@article`` (``journal`` = venue)
paper or survey on arXiv only          ``@misc`` with ``eprint``, ``archivePrefix`` and
                                       ``primaryClass`` (from the id, or the arXiv
                                       category ``kb add`` put first in the tags)
book                                   ``@book`` (``publisher`` = venue)
tutorial, repo, system, list           ``@online`` (``organization`` = venue)
method, or a paper with nothing else   ``@misc``
=====================================  ===============================================

Where the type alone would not tell the kind back (a method is a ``@misc``, a repo an
``@online``), ``entrysubtype = {method}`` says it — a standard biblatex field that styles
ignore — so our export imports as the same kinds. Names are written by :mod:`kb.names`
(``Le Roux, Nicolas``, ``{Google DeepMind}``), then ``and others`` when the list is cut.

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
from kb.names import bibtex_name

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
# arXiv's archives, as kb add writes their categories in tags (lower case).
_ARXIV_CATEGORY = re.compile(r"^(cs|math|stat|eess|econ|q-bio|q-fin|physics|astro-ph|cond-mat|"
                             r"nlin)\.([a-z-]+)$|^(?:(gr-qc|quant-ph|math-ph|hep-[a-z]+|"
                             r"nucl-[a-z]+))()$")
ONLINE_KINDS = ("tutorial", "repo", "system", "list")
# Where each type keeps the venue; any other type: howpublished.
VENUE_FIELD_OF_TYPE = {
    "article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
    "inbook": "booktitle", "conference": "booktitle", "book": "publisher",
    "proceedings": "publisher", "collection": "publisher", "techreport": "institution",
    "report": "institution", "phdthesis": "school", "mastersthesis": "school",
    "thesis": "school", "online": "organization", "manual": "organization"}
AS_WRITTEN_FIELDS = ("volume", "number", "pages")
OWN_FIELDS = ("publisher", "institution", "school")  # venues that are entry fields too
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")


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
    """One author or editor as a ``.bib`` name (:func:`kb.names.bibtex_name`)."""
    return bibtex_name(name)


def record_type(entry: Entry) -> str:
    """The BibTeX entry type that fits the work (see the module table)."""
    if entry.kind == "book":
        return "book"
    if entry.kind in ONLINE_KINDS:
        return "online"
    if entry.kind in ("paper", "survey") and entry.venue:
        return "inproceedings" if _CONFERENCE.search(entry.venue) else "article"
    return "misc"


def bibtex_type(entry: Entry) -> str:
    """The type the record is written with: the one it came with, else :func:`record_type`."""
    return entry.entry_type or record_type(entry)


def _url(url: str) -> str:
    # URLs are taken verbatim by the url package; only braces would break the record.
    return url.replace("{", "%7B").replace("}", "%7D")


def _title(entry: Entry) -> str:
    if entry.title_tex:
        from kb.ingest.bibtex_read import latex_to_text

        if latex_to_text(entry.title_tex, "text") == entry.title:
            return entry.title_tex
    return tex_title(entry.title)


def primary_class(entry: Entry) -> str | None:
    """``primaryClass`` of an arXiv entry: from an old-style id, else the first arXiv
    category in the tags (``cs.lg`` → ``cs.LG``: two-letter subject classes are capitals)."""
    if not entry.arxiv:
        return None
    if old := _OLD_ARXIV.match(entry.arxiv):
        return old.group(1)
    for tag in entry.tags:
        if match := _ARXIV_CATEGORY.match(tag):
            archive, subject = match.group(1) or match.group(3), match.group(2)
            if not subject:
                return archive
            return f"{archive}.{subject.upper() if len(subject) == 2 else subject}"
    return None


def _names(names: list[str], et_al: bool = False) -> str:
    return " and ".join([tex_name(n) for n in names] + (["others"] if et_al else []))


def record_fields(entry: Entry) -> list[tuple[str, str]]:
    """``(field, value)`` pairs of one record, values already escaped, in the usual order.

    Values go in braces, except ``month``, written as BibTeX's macro (``aug``).
    """
    from kb.ingest.bibtex_fields import kind_of_record

    kind = bibtex_type(entry)
    fields: list[tuple[str, str]] = []
    if entry.authors:
        fields.append(("author", _names(entry.authors, entry.et_al)))
    if entry.editors:
        fields.append(("editor", _names(entry.editors)))
    fields.append(("title", _title(entry)))
    venue_field = VENUE_FIELD_OF_TYPE.get(kind, "howpublished")
    if entry.venue and venue_field not in OWN_FIELDS \
            and entry.venue not in (entry.publisher, entry.institution, entry.school):
        fields.append((venue_field, tex_escape(entry.venue)))
    if entry.year:
        fields.append(("year", str(entry.year)))
    if entry.month:
        fields.append(("month", MONTH_MACROS[entry.month - 1]))
    if entry.date:
        fields.append(("date", entry.date.isoformat()))
    for name in AS_WRITTEN_FIELDS:
        if value := getattr(entry, name):
            fields.append((name, tex_escape(value)))
    for name in OWN_FIELDS:
        value = getattr(entry, name) or (entry.venue if venue_field == name else None)
        if value:
            fields.append((name, tex_escape(value)))
    for name in ("address", "edition", "isbn", "issn"):
        if value := getattr(entry, name):
            fields.append((name, tex_escape(value)))
    if entry.doi:
        fields.append(("doi", _url(entry.doi)))
    primary = primary_class(entry)
    if entry.arxiv:
        fields += [("eprint", entry.arxiv), ("archivePrefix", "arXiv")]
        if primary:
            fields.append(("primaryClass", primary))
    if entry.url:
        fields.append(("url", _url(entry.url)))
    tags = [tag for tag in entry.tags if tag != (primary or "").lower()]  # said already
    if words := list(dict.fromkeys([*entry.keywords, *tags])):
        fields.append(("keywords", tex_escape(", ".join(words))))
    if entry.note:
        fields.append(("note", tex_escape(entry.note)))
    if entry.language:
        fields.append(("langid", tex_escape(entry.language)))
    if kind_of_record(kind, entry.title, "") != entry.kind:
        fields.append(("entrysubtype", entry.kind))
    return fields


def bibtex_record(entry: Entry, key: str) -> str:
    """One ``@type{key, …}`` record."""
    body = "".join(f"  {name} = {value},\n" if name == "month" else
                   f"  {name} = {{{value}}},\n" for name, value in record_fields(entry))
    return f"@{bibtex_type(entry)}{{{key},\n{body}}}\n"


def to_bibtex(entries: Iterable[Entry]) -> str:
    """A ``.bib`` file of ``entries`` in the given order, records separated by a blank line."""
    chosen = list(entries)
    keys = bibtex_keys(chosen)
    return "\n".join(bibtex_record(entry, keys[entry.id]) for entry in chosen)
