"""One BibTeX record as catalog entry fields: which field comes from where.

- ``kind``: ``entrysubtype`` when it names a kind (our export writes it where the type alone
  would not tell: methods, repos …); else ``@book``/``@proceedings``/``@collection`` → book;
  ``@online``/``@www``/``@electronic``/``@webpage`` → tutorial; ``@software`` → repo; else
  paper, or survey when the title has the word "survey";
- ``citekey``, ``entry_type``: the record's key and type, as written;
- ``title``: readable text (``Schr{\\"o}dinger`` → Schrödinger, ``$\\alpha$`` → α, braces
  dropped); ``title_tex``: the BibTeX form, kept only when our exporter would not write the
  same from ``title`` (protected ``{Langevin}``, maths);
- ``authors``, ``editors``: names split by BibTeX's rules (:mod:`kb.names`; an edited book
  has editors and no authors); ``and others`` or ``et al.`` sets ``et_al``;
- ``year``: ``year`` (``2023a`` → 2023), else the year of ``date``; ``date``: a full ISO
  ``date``; ``month``: ``month`` (``aug``, ``8``, ``August``), else that of a ``date``
  without a day;
- ``arxiv``: ``eprint`` of an arXiv record (``archivePrefix``/``eprinttype``), else an
  ``arXiv:ID`` in ``journal``, ``url``, ``doi``, ``note`` or ``howpublished``;
- ``doi``: the bare DOI (``https://doi.org/``, ``dx.doi.org``, ``doi.acm.org``, ``doi:``
  removed), arXiv's own (10.48550/arXiv.…) included;
- ``url``: ``url`` (TeX escapes removed, ``http://`` added when it has no scheme), else a
  ``\\url{}`` in ``howpublished``, else the arXiv abstract page;
- ``venue``: ``journal``/``journaltitle``, ``booktitle``, then ``publisher``,
  ``organization``, ``institution``, ``school``, ``howpublished`` (an "arXiv preprint" only
  from the type's own field: an ``@article``'s journal);
- ``volume``, ``number``, ``pages``, ``publisher``, ``address``/``location``, ``edition``,
  ``school``, ``institution``, ``isbn``, ``issn``, ``note``: as written; ``keywords``: the
  record's keywords, split at commas and semicolons;
- ``tags``: ``primaryClass`` of an arXiv record in lower case (as ``kb add`` writes arXiv
  categories), then ``--tag`` values; ``topics``: ``--topic``;
- ``abstract``; ``language``: ``langid``/``language`` as an ISO 639-1 code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.ingest import doi_ids
from kb.ingest.bibtex_read import BibRecord, verbatim_text
from kb.ingest.bibtex_values import month_number
from kb.models import ARXIV_RE, ARXIV_VERSION_RE, KINDS

KINDS_BY_TYPE = {"book": "book", "proceedings": "book", "collection": "book",
                 "mvbook": "book", "online": "tutorial", "www": "tutorial",
                 "electronic": "tutorial", "webpage": "tutorial", "software": "repo"}
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "publisher", "organization",
                "institution", "school", "howpublished")
KEPT_AS_WRITTEN = ("volume", "number", "pages", "publisher", "edition", "school",
                   "institution", "isbn", "issn", "note")
LANGUAGES = {"english": "en", "american": "en", "british": "en", "chinese": "zh",
             "german": "de", "ngerman": "de", "french": "fr", "japanese": "ja",
             "korean": "ko", "spanish": "es", "italian": "it", "russian": "ru"}
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\.)([a-z-]+(?:\.[A-Z]{2})?/\d{7}|"
                            r"\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEAR = re.compile(r"^(\d{4})[a-z]?$")  # 2023a: a second 2023 work by the same authors
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def arxiv_id(record: BibRecord) -> str | None:
    fields = record.fields
    eprint = fields.get("eprint", "")
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    candidate = ARXIV_VERSION_RE.sub("", re.sub(r"^arxiv:\s*", "", eprint.strip(), flags=re.I))
    if eprint and (archive == "arxiv" or ARXIV_RE.match(candidate)):
        return candidate
    for name in ("journal", "url", "doi", "note", "howpublished"):
        if match := _ARXIV_IN_TEXT.search(fields.get(name, "")):
            return match.group(1)
    return None


def bare_doi(text: str) -> str | None:
    """The file's DOI made bare (:func:`kb.ingest.doi_ids.bare_doi`); a value that is no DOI is
    kept as written, so validation reports it at its line instead of dropping it."""
    return doi_ids.bare_doi(text) or text.strip() or None


def web_url(text: str) -> str | None:
    """``www.example.org/a`` → ``http://www.example.org/a``; spaces make it no URL."""
    url = text.strip()
    if not url:
        return None
    return url if _SCHEME.match(url) else f"http://{url.lstrip('/')}"


def _url_in(tex: str) -> str:
    """The URL a ``howpublished`` holds (``\\url{…}`` or bare), else ''."""
    text = verbatim_text(tex)
    return text if "\\url" in tex or re.match(r"^(https?://|www\.)\S+$", text) else ""


def venue(record: BibRecord) -> str | None:
    """The venue: the field where the record's type keeps it, else the first of
    :data:`VENUE_FIELDS` (a URL is none)."""
    from kb.export.bibtex import VENUE_FIELD_OF_TYPE

    own = VENUE_FIELD_OF_TYPE.get(record.type, "howpublished")
    for name in (own, *VENUE_FIELDS):
        value = record.fields.get(name, "")
        if not value or _url_in(record.tex.get(name, "")) \
                or re.match(r"^(https?://|www\.)", value):
            continue
        # "arXiv preprint arXiv:…" is an @article's journal as written (kept, so it is
        # exported back), but no venue to take from any other field
        if name == own or not re.match(r"^(arxiv|corr)\b", value, re.IGNORECASE):
            return value
    return None


def year_month_date(record: BibRecord) -> tuple[str | int | None, int | None, str | None]:
    """``year`` (an int, or the text when it is no year), ``month`` and a full ``date``."""
    date = _ISO_DATE.match(record.fields.get("date", ""))
    year_text = record.fields.get("year", "")
    year: str | int | None = None
    if year_text:
        match = _YEAR.match(year_text)
        year = int(match.group(1)) if match else year_text
    elif date:
        year = int(date.group(1))
    month = None
    if month_text := record.fields.get("month"):
        month = month_number(month_text)
    elif date and date.group(2) and not date.group(3):
        month = int(date.group(2))  # 2020-06: no full date to keep it
    full = record.fields["date"] if date and date.group(3) else None
    return year, month, full


def _language(record: BibRecord) -> str | None:
    value = (record.fields.get("langid") or record.fields.get("language") or "").lower()
    return value if re.fullmatch(r"[a-z]{2}", value) else LANGUAGES.get(value)


def kind_of_record(entry_type: str, title: str, subtype: str) -> str:
    """The catalog kind a record of this type, title and ``entrysubtype`` imports as."""
    if subtype.lower() in KINDS:
        return subtype.lower()
    kind = KINDS_BY_TYPE.get(entry_type, "paper")
    if kind == "paper" and re.search(r"\bsurvey\b", title, re.IGNORECASE):
        return "survey"
    return kind


def _words(text: str) -> list[str]:
    return [word.strip() for word in re.split(r"[,;]", text) if word.strip()]


_GROUP = re.compile(r"\{([^{}]*)\}")
_COMMAND_BEFORE = re.compile(r"\\(?:[A-Za-z]+\s*|[^A-Za-z\s])$")


def protected_words(tex: str) -> list[str]:
    """What braces protect in a title: ``{Langevin}``, ``{DDPM}s`` (not ``{\\"o}``, not a
    command's argument)."""
    return sorted(match.group(1) for match in _GROUP.finditer(tex)
                  if not match.group(1).startswith("\\")
                  and not _COMMAND_BEFORE.search(tex[:match.start()]))


def title_tex(record: BibRecord, title: str) -> str | None:
    """The title's BibTeX form when it has maths, or protects words our exporter would not
    (``tex_title`` braces only words with an inner capital); else None."""
    from kb.export.bibtex import tex_title

    tex = " ".join(record.tex.get("title", "").split())
    if "$" in tex.replace("\\$", "") or protected_words(tex) != protected_words(
            tex_title(title)):
        return tex
    return None


def entry_data(record: BibRecord, topics: Iterable[str] = (), tags: Iterable[str] = ()
               ) -> dict[str, object]:
    """The entry's fields (without ``id``) from one record, empty ones left out.

    ``year`` is the record's text when it is no year: the entry's validation reports it.
    """
    fields = record.fields
    year, month, date = year_month_date(record)
    arxiv = arxiv_id(record)
    url = web_url(fields.get("url", "")) or web_url(_url_in(record.tex.get("howpublished", "")))
    primary = fields.get("primaryclass") or fields.get("eprintclass") if arxiv else None
    kind = kind_of_record(record.type, fields["title"], fields.get("entrysubtype", ""))
    data: dict[str, object] = {
        "kind": kind, "title": fields["title"],
        "title_tex": title_tex(record, fields["title"]),
        "authors": record.authors, "year": year, "date": date,
        "arxiv": arxiv, "doi": bare_doi(fields.get("doi", "")),
        "url": url or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None),
        "venue": venue(record), "citekey": record.key, "entry_type": record.type,
        "editors": record.editors,
        **{name: fields.get(name) or None for name in KEPT_AS_WRITTEN},
        "address": fields.get("address") or fields.get("location") or None,
        "month": month, "keywords": _words(fields.get("keywords", "")),
        "et_al": record.et_al,
        "tags": list(dict.fromkeys([*([primary.lower()] if primary else []), *tags])),
        "topics": list(dict.fromkeys(topics)), "abstract": fields.get("abstract") or None,
        "language": _language(record)}
    return {name: value for name, value in data.items() if value not in (None, [], "", False)}


# Where a problem with an entry field is in the record (for its line).
BIB_FIELD_OF = {"venue": "journal", "authors": "author", "editors": "editor", "arxiv": "eprint",
                "title_tex": "title", "keywords": "keywords", "address": "address",
                "citekey": "", "entry_type": ""}
