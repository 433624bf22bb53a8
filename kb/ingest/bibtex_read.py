"""Read a ``.bib`` file into plain records: Unicode text, names split, lines kept.

bibtexparser 2 splits the file into blocks (``@string`` macros resolved, enclosing braces or
quotes removed); this module turns each record's values from LaTeX into text with pylatexenc
(``Sch{\\"o}lkopf`` → ``Schölkopf``, ``{D}enoising`` → ``Denoising``). The commands
:mod:`kb.export.bibtex` writes for special characters (``\\textbraceleft{}`` …) are read back
to the characters themselves, so an exported file imports to the same titles and names.

Anything bibtexparser cannot read, a key given twice, a field given twice in one record, or a
record without a title is an error at its line; all of them are reported together as
:class:`BibtexInvalid`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import Diagnostic, KbError

# The commands our exporter writes (and LaTeX's own) → the character, kept away from
# pylatexenc, which drops \textbraceleft and turns \textasciicircum into a modifier letter.
_LITERALS = {r"\textbackslash": "\\", r"\textbraceleft": "{", r"\textbraceright": "}",
             r"\textasciitilde": "~", r"\textasciicircum": "^", r"\{": "{", r"\}": "}",
             r"\%": "%", r"\&": "&", r"\#": "#", r"\_": "_", r"\$": "$"}
_LITERAL_RE = re.compile(r"(\\text(?:backslash|braceleft|braceright|asciitilde|asciicircum)"
                         r"(?:\{\}|(?![A-Za-z])\s?)|\\[{}%&#_$])")
_PRIVATE = 0xF0000  # Unicode private use plane: placeholders no .bib file contains
_AND_RE = re.compile(r"\s+and\s+", re.IGNORECASE)


@dataclass
class BibRecord:
    """One ``@type{key, …}`` record: ``fields`` decoded to text, ``authors`` split."""

    key: str
    type: str
    line: int  # 1-based line of the ``@``
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)


class BibtexInvalid(KbError):
    """The ``.bib`` file has errors; ``diagnostics`` lists every one, each at its line."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"the BibTeX file has {len(diagnostics)} error(s)", code="E510")
        self.diagnostics = diagnostics

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


def latex_to_text(value: str) -> str:
    """A BibTeX value as plain Unicode text, on one line."""
    from pylatexenc.latex2text import LatexNodes2Text

    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        command = re.match(r"\\text[a-z]+|\\.", match.group()).group()  # type: ignore[union-attr]
        kept.append(_LITERALS[command])
        return chr(_PRIVATE + len(kept) - 1)

    held = _LITERAL_RE.sub(hold, value)
    text = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True).latex_to_text(held)
    text = "".join(kept[ord(c) - _PRIVATE] if _PRIVATE <= ord(c) < _PRIVATE + len(kept) else c
                   for c in text)
    return " ".join(text.replace("\xa0", " ").split())


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


def person_name(raw: str) -> str:
    """``Ho, Jonathan`` → ``Jonathan Ho``; ``Ho, Jr., Jonathan`` → ``Jonathan Ho Jr.``."""
    parts = [latex_to_text(part) for part in _split_commas(raw)]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}".strip()
    if len(parts) == 3:
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return latex_to_text(raw)


def _split_commas(raw: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(raw):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(raw[start:index])
            start = index + 1
    return [*parts, raw[start:]]


def _record(block, path: str, diagnostics: list[Diagnostic]) -> BibRecord | None:  # noqa: ANN001
    line = block.start_line + 1
    record = BibRecord(block.key, block.entry_type.lower(), line)
    for item in block.fields:
        name = item.key.lower()
        raw = str(item.value)
        record.field_lines[name] = (item.start_line or block.start_line) + 1
        if name in ("author", "editor"):
            people = [person_name(n) for n in split_names(raw)]
            setattr(record, "authors" if name == "author" else "editors", people)
        elif name in ("url", "doi", "eprint"):
            record.fields[name] = raw.strip()
        else:
            record.fields[name] = latex_to_text(raw)
    if not record.fields.get("title"):
        diagnostics.append(Diagnostic("E514", f"record '{block.key}' has no title", path,
                                      line))
        return None
    return record


def read_bibtex(text: str, path: str | Path = "<bibtex>") -> list[BibRecord]:
    """The records of a ``.bib`` text, in file order; :class:`BibtexInvalid` on any error."""
    import bibtexparser
    from bibtexparser import model

    where = str(path)
    splitter_log = logging.getLogger("bibtexparser.splitter")
    was_disabled, splitter_log.disabled = splitter_log.disabled, True  # we report them
    try:
        library = bibtexparser.parse_string(text)
    finally:
        splitter_log.disabled = was_disabled
    diagnostics: list[Diagnostic] = []
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            diagnostics.append(Diagnostic("E512", f"duplicate key '{block.key}'", where, line))
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            diagnostics.append(Diagnostic("E513", f"field given twice in one record: {names}",
                                          where, line))
        else:
            error = getattr(block, "error", None)
            reason = " ".join(str(getattr(error, "abort_reason", "") or error or
                                  "cannot read this record").split())
            diagnostics.append(Diagnostic("E511", f"BibTeX syntax: {reason}", where, line))
    records = [_record(block, where, diagnostics) for block in library.entries]
    if diagnostics:
        raise BibtexInvalid(sorted(diagnostics, key=lambda d: d.line or 0))
    return [record for record in records if record is not None]


def read_bibtex_file(path: str | Path) -> list[BibRecord]:
    """:func:`read_bibtex` of a file, which must be UTF-8."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise KbError(f"cannot read file: {exc.strerror or exc}", path=path, code="E010") from exc
    except UnicodeDecodeError as exc:
        raise KbError(f"file is not UTF-8 (byte 0x{exc.object[exc.start]:02x})", path=path,
                      code="E001") from exc
    return read_bibtex(text, path)
