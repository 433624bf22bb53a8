"""Read ``.bib`` files into plain records: macros evaluated, crossref inherited, lines kept.

Several files are read together, as BibTeX reads ``\\bibliography{a,b}``: an @string
defined in the first serves the second, and a crossref may point into another file.
bibtexparser 2 splits each file into blocks (its middlewares are not used: we evaluate
values ourselves, :mod:`kb.ingest.bibtex_values`, so an undefined macro is an error). Values
are then read from LaTeX into text with pylatexenc (``Sch{\\"o}lkopf`` → ``Schölkopf``); the
commands :mod:`kb.export.bibtex` writes for special characters (``\\textbraceleft{}`` …) are
read back to the characters themselves.

A file that is not UTF-8 is read as Windows-1252 (then Latin-1) with a warning naming the
encoding. Every problem is a :class:`~kb.errors.Diagnostic` at its line: problems of one
record go to ``record.problems`` (so an import can skip just that record), a record
bibtexparser cannot read to ``BibFiles.problems``, a bad @string to
``BibFiles.string_problems``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import Diagnostic, KbError
from kb.ingest.bibtex_values import Macros, MalformedValue, UndefinedMacro, evaluate
from kb.names import format_name, parse_name
from kb.text import entry_slug

# The commands our exporter writes (and LaTeX's own) → the character, kept away from
# pylatexenc, which drops \textbraceleft and turns \textasciicircum into a modifier letter.
_LITERALS = {r"\textbackslash": "\\", r"\textbraceleft": "{", r"\textbraceright": "}",
             r"\textasciitilde": "~", r"\textasciicircum": "^", r"\{": "{", r"\}": "}",
             r"\%": "%", r"\&": "&", r"\#": "#", r"\_": "_", r"\$": "$"}
_LITERAL_RE = re.compile(r"(\\text(?:backslash|braceleft|braceright|asciitilde|asciicircum)"
                         r"(?:\{\}|(?![A-Za-z])\s?)|\\[{}%&#_$])")
_PRIVATE = 0xF0000  # Unicode private use plane: placeholders no .bib file contains
_NEEDS_LATEX = re.compile(r"[\\$~%&]")
_PUNCTUATION = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))
_ET_AL = re.compile(r"\s*,?\s*\bet\.?\s+al\b\.?$", re.IGNORECASE)
# Fields read as written (braces and white space aside): identifiers and numbers.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "pages", "volume", "number", "isbn",
                             "issn", "year", "date", "month", "edition", "crossref", "xdata",
                             "archiveprefix", "eprinttype", "primaryclass", "eprintclass",
                             "langid", "language", "entrysubtype"})
NAME_FIELDS = ("author", "editor")
# Fields a crossref child never takes from its parent: what names or describes the parent
# itself (its DOI is not the child's DOI).
NOT_INHERITED = frozenset({"crossref", "xdata", "ids", "title", "entrysubtype", "key", "doi",
                           "url", "eprint", "eprinttype", "archiveprefix", "primaryclass",
                           "abstract", "keywords", "note", "urldate", "file"})
CONTAINER_TYPES = frozenset({"proceedings", "book", "collection", "mvbook", "mvproceedings",
                             "mvcollection", "reference", "mvreference", "periodical"})


@dataclass
class BibRecord:
    """One ``@type{key, …}`` record: ``fields`` as text, ``tex`` as evaluated TeX."""

    key: str
    type: str
    line: int  # 1-based line of the ``@``
    path: str = "<bibtex>"
    fields: dict[str, str] = field(default_factory=dict)
    tex: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    et_al: bool = False
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    def problem(self, code: str, message: str, name: str | None = None) -> None:
        line = self.field_lines.get(name, self.line) if name else self.line
        self.problems.append(Diagnostic(code, f"record '{self.key}': {message}", self.path,
                                        line))

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Diagnostic(code, f"record '{self.key}': {message}", self.path,
                                        self.line, severity="warning"))


@dataclass
class BibFiles:
    """What a set of ``.bib`` files holds: records, and problems outside any record."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    failed_records: int = 0  # records bibtexparser could not read (in ``problems``)
    string_problems: list[Diagnostic] = field(default_factory=list)  # bad @string blocks

    def all_problems(self) -> list[Diagnostic]:
        found = self.string_problems + self.problems + [p for r in self.records
                                                        for p in r.problems]
        return sorted(found, key=lambda d: (d.path or "", d.line or 0))


class BibtexInvalid(KbError):
    """The ``.bib`` file has errors; ``diagnostics`` lists every one, each at its line."""

    def __init__(self, diagnostics: list[Diagnostic],
                 warnings: list[Diagnostic] | None = None) -> None:
        super().__init__(f"the BibTeX file has {len(diagnostics)} error(s)", code="E510")
        self.diagnostics = diagnostics
        self.warnings = warnings or []  # shown too: "read as Windows-1252" explains an error

    def render(self) -> str:
        return "\n".join(d.render() for d in [*self.warnings, *self.diagnostics])


@functools.lru_cache(maxsize=1 << 16)  # names and venues repeat in every large file
def latex_to_text(value: str, math: str = "verbatim") -> str:
    """A BibTeX value as plain Unicode text, on one line (``math="text"``: ``$\\alpha$`` → α)."""
    if not _NEEDS_LATEX.search(value):  # only braces and dashes: what pylatexenc would give
        text = value.replace("{", "").replace("}", "")
        for tex, char in _PUNCTUATION:
            text = text.replace(tex, char)
        return " ".join(text.split())
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        command = re.match(r"\\text[a-z]+|\\.", match.group()).group()  # type: ignore[union-attr]
        kept.append(_LITERALS[command])
        return chr(_PRIVATE + len(kept) - 1)

    held = _LITERAL_RE.sub(hold, value)
    text = _converter(math).latex_to_text(held)
    text = "".join(kept[ord(c) - _PRIVATE] if _PRIVATE <= ord(c) < _PRIVATE + len(kept) else c
                   for c in text)
    return " ".join(text.replace("\xa0", " ").split())


@functools.cache
def _converter(math: str):  # noqa: ANN202
    """One pylatexenc converter per maths mode: building one costs more than using it."""
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import get_default_latex_context_db

    converter = LatexNodes2Text(math_mode=math, strict_latex_spaces=True)
    walker_context = get_default_latex_context_db()

    class Cached:
        @staticmethod
        def latex_to_text(text: str) -> str:
            from pylatexenc.latexwalker import LatexWalker

            walker = LatexWalker(text, latex_context=walker_context, tolerant_parsing=True)
            nodes, _, _ = walker.get_latex_nodes()
            return converter.nodelist_to_text(nodes)

    return Cached


def verbatim_text(value: str) -> str:
    """An identifier or number as written: braces, ``\\url{}`` and TeX escapes of
    ``& _ % # $ ~ \\`` and control spaces removed, white space dropped at the ends."""
    value = re.sub(r"\\url\s*\{(.*)\}", r"\1", value.strip(), flags=re.DOTALL)
    value = re.sub(r"\\textasciitilde(\{\})?|\\~\{\}", "~", value)
    value = re.sub(r"\\textbackslash(\{\})?", "\x00", value)
    value = re.sub(r"\\([&_%#$ ])", r"\1", value).replace("\x00", "\\")
    return " ".join(value.replace("{", "").replace("}", "").split())


def split_names(value: str) -> list[str]:
    """``A and {B and C} and D`` → three raw names: "and" splits only outside braces."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def people(value: str) -> tuple[list[str], bool]:
    """Catalog names of an author or editor field, and whether it ends in "and others"."""
    names, et_al = [], False
    for raw in split_names(value):
        if raw.lower() == "others":
            et_al = True
            continue
        if _ET_AL.search(raw):
            raw, et_al = _ET_AL.sub("", raw), True
        if raw.strip(" ,"):
            names.append(format_name(parse_name(raw.strip(" ,"), latex_to_text)))
    return names, et_al


# 1. Files to blocks.

def decode_bib(data: bytes, path: str) -> tuple[str, Diagnostic | None]:
    """The text of a file: UTF-8, else Windows-1252, else Latin-1 (with a warning)."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = data[:exc.start].count(b"\n") + 1
        for encoding in ("cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return text, Diagnostic(
                "W304", f"not UTF-8 (byte 0x{data[exc.start]:02x} at line {where}): read as "
                f"{'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}", path, where,
                severity="warning")
    raise AssertionError("Latin-1 decodes any bytes")


def _blocks(text: str):  # noqa: ANN202
    import bibtexparser

    splitter_log = logging.getLogger("bibtexparser.splitter")
    was_disabled, splitter_log.disabled = splitter_log.disabled, True  # we report them
    try:
        return bibtexparser.parse_string(text, parse_stack=[]).blocks
    finally:
        splitter_log.disabled = was_disabled


# 2. Blocks to records.

@dataclass
class _Reader:
    """The blocks of all files, in order: macros defined as they come, records collected
    with their problems, keys compared as BibTeX compares them (without case)."""

    files: BibFiles = field(default_factory=BibFiles)
    macros: Macros = field(default_factory=Macros)
    keys: dict[str, BibRecord] = field(default_factory=dict)
    xdata: dict[str, BibRecord] = field(default_factory=dict)

    def read(self, path: str, blocks: list) -> None:
        from bibtexparser import model

        for block in blocks:
            line = block.start_line + 1
            if isinstance(block, model.String):
                try:
                    self.macros.define(block.key, block.value, line)
                except (UndefinedMacro, MalformedValue) as exc:
                    self.files.string_problems.append(Diagnostic(
                        "E516" if isinstance(exc, UndefinedMacro) else "E511",
                        f"@string '{block.key}': {exc}", path, line))
            elif isinstance(block, model.DuplicateBlockKeyBlock):
                self.entry(path, block.ignore_error_block)  # E512 there, or an empty key
            elif isinstance(block, model.DuplicateFieldKeyBlock):
                names = ", ".join(sorted(block.duplicate_keys))
                self.files.failed_records += 1
                self.files.problems.append(Diagnostic(
                    "E513", f"record '{getattr(block, 'key', '?')}': field given twice in one "
                    f"record: {names}",
                    path, line))
            elif isinstance(block, model.ParsingFailedBlock):
                self.files.failed_records += 1
                error = getattr(block, "error", None)
                reason = " ".join(str(getattr(error, "abort_reason", "") or error or
                                      "cannot read this record").split())
                self.files.problems.append(Diagnostic("E511", f"BibTeX syntax: {reason}",
                                                      path, line))
            elif isinstance(block, model.Entry):
                self.entry(path, block)

    def entry(self, path: str, block) -> None:  # noqa: ANN001
        record = BibRecord(block.key, block.entry_type.lower(), block.start_line + 1, path)
        for item in block.fields:
            name = item.key.lower()
            record.field_lines[name] = (item.start_line or block.start_line) + 1
            try:
                record.tex[name] = evaluate(str(item.value), self.macros)
            except UndefinedMacro as exc:
                record.problem("E516", f"{name}: {exc}", name)
            except MalformedValue as exc:
                record.problem("E511", f"{name}: {exc}", name)
        if record.type == "xdata":
            self.xdata[record.key.lower()] = record
            return
        if not record.key.strip():
            record.key = self._new_key(record)
            record.warn("W305", "the file gives no citation key (as Mendeley writes them); "
                        "this one was made from author, year and title")
        elif (first := self.keys.get(record.key.lower())) is not None:
            record.problem("E512", f"duplicate key '{record.key}' (first at {first.path}:"
                           f"{first.line})")
        self.keys.setdefault(record.key.lower(), record)
        self.files.records.append(record)

    def _new_key(self, record: BibRecord) -> str:
        author = split_names(record.tex.get("author", ""))
        year = re.match(r"\d{4}", verbatim_text(record.tex.get("year", "")))
        title = latex_to_text(record.tex.get("title", "")) or "untitled"
        first = [format_name(parse_name(author[0], latex_to_text))] if author else []
        base = entry_slug(first, int(year.group()) if year else None, title).replace("-", "")
        key, suffix = base, 0
        while key.lower() in self.keys:
            suffix += 1
            key = base + chr(ord("a") + suffix - 1) if suffix <= 26 else f"{base}{suffix}"
        return key


# 3. Crossref and xdata: children take what they lack from their parents.

def _inherit(record: BibRecord, reader: _Reader, seen: frozenset[str] = frozenset()) -> None:
    for parent_key in re.split(r"\s*,\s*", verbatim_text(record.tex.get("xdata", ""))):
        if parent := reader.xdata.get(parent_key.lower()):
            for name, value in parent.tex.items():
                if name not in NOT_INHERITED:
                    record.tex.setdefault(name, value)
        elif parent_key:
            record.warn("W306", f"xdata '{parent_key}' is not in the files read")
    parent_key = verbatim_text(record.tex.get("crossref", ""))
    if not parent_key:
        return
    parent = reader.keys.get(parent_key.lower())
    if parent is None:
        record.warn("W306", f"crossref '{parent_key}' is not in the files read")
        return
    if parent.key.lower() not in seen and parent is not record:
        _inherit(parent, reader, seen | {record.key.lower()})
    for name, value in parent.tex.items():
        if name not in NOT_INHERITED:
            record.tex.setdefault(name, value)
    if parent.type in CONTAINER_TYPES and "title" in parent.tex:
        record.tex.setdefault("booktitle", parent.tex["title"])


# 4. TeX to text.

def _to_text(record: BibRecord) -> None:
    for name, value in record.tex.items():
        if name in NAME_FIELDS:
            names, et_al = people(value)
            setattr(record, "authors" if name == "author" else "editors", names)
            record.et_al = record.et_al or (et_al and name == "author")
        elif name in VERBATIM_FIELDS:
            record.fields[name] = verbatim_text(value)
        elif name in ("abstract", "note"):
            record.fields[name] = latex_to_text(value)
        else:
            text = latex_to_text(value, "text" if name == "title" else "verbatim")
            # a value made only of commands pylatexenc does not know (\MaxMinAntSystem)
            record.fields[name] = text or verbatim_text(value)
    if not record.fields.get("title"):
        record.problem("E514", "no title")


def read_bibtex_texts(texts: list[tuple[str, str]]) -> BibFiles:
    """The records of ``(path, text)`` pairs read together, in order."""
    reader = _Reader()
    parsed = [(path, _blocks(text)) for path, text in texts]
    for _path, blocks in parsed:
        for block in blocks:
            if type(block).__name__ == "String":
                reader.macros.defined_later.setdefault(block.key.lower(),
                                                       block.start_line + 1)
    for path, blocks in parsed:
        reader.read(path, blocks)
    for record in reader.files.records:
        _inherit(record, reader)
        _to_text(record)
    return reader.files


def read_bibtex_files(paths: list[str | Path]) -> BibFiles:
    """:func:`read_bibtex_texts` of files; an unreadable file is :class:`KbError` (E010)."""
    texts, warnings = [], []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise KbError(f"cannot read file: {exc.strerror or exc}", path=path,
                          code="E010") from exc
        text, warning = decode_bib(data, str(path))
        warnings += [warning] if warning else []
        texts.append((str(path), text))
    files = read_bibtex_texts(texts)
    files.warnings = warnings + files.warnings
    return files


def read_bibtex(text: str, path: str | Path = "<bibtex>") -> list[BibRecord]:
    """The records of one ``.bib`` text; :class:`BibtexInvalid` if any has a problem."""
    files = read_bibtex_texts([(str(path), text)])
    if problems := files.all_problems():
        raise BibtexInvalid(problems)
    return files.records


def read_bibtex_file(path: str | Path) -> list[BibRecord]:
    """:func:`read_bibtex` of one file (UTF-8, else Windows-1252 / Latin-1)."""
    files = read_bibtex_files([path])
    if problems := files.all_problems():
        raise BibtexInvalid(problems)
    return files.records
