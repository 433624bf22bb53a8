"""BibTeX field values as BibTeX evaluates them: ``{…}``, ``"…"``, numbers, macros and ``#``.

``journal = ieeetec # " (Special Issue)"`` is the text of the @string ``ieeetec`` followed
by `` (Special Issue)``. Macro names are case-insensitive; ``jan`` … ``dec`` are predefined
(as BibTeX's standard styles define them) unless a file redefines them. A name no @string
defines is an error that names it — never silently a value (bibtexparser 2 leaves such a
name in place as if it were text, so we evaluate values ourselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_MACROS = {name[:3]: name.capitalize() for name in MONTHS}
# What BibTeX allows in a macro name: anything but white space and "#%'(),={}.
_NAME = re.compile(r"""[^\s"#%'(),={}]+""")
_NUMBER = re.compile(r"\d+")


class UndefinedMacro(ValueError):
    """A value uses a macro no @string defined (before it)."""

    def __init__(self, name: str, later_line: int | None = None,
                 failed_line: int | None = None) -> None:
        self.name = name
        hint = (f" (its @string at line {failed_line} could not be read)" if failed_line else
                f" (an @string at line {later_line} defines it, but after its use)"
                if later_line else "")
        super().__init__(f"undefined macro '{name}'{hint}: define it with "
                         f"@string{{{name} = {{…}}}} before it is used")


class MalformedValue(ValueError):
    """A value BibTeX itself could not read (an unclosed brace or quote, a stray token)."""


@dataclass
class Macros:
    """The @string definitions read so far, by lower-case name (plus the months)."""

    values: dict[str, str] = field(default_factory=lambda: dict(MONTH_MACROS))
    defined_later: dict[str, int] = field(default_factory=dict)  # name → line, for hints
    failed: dict[str, int] = field(default_factory=dict)  # name → line of a bad @string

    def define(self, name: str, raw: str, line: int | None = None) -> None:
        self.defined_later.pop(name.lower(), None)
        try:
            self.values[name.lower()] = evaluate(raw, self)
        except ValueError:
            self.failed[name.lower()] = line or 0
            raise

    def get(self, name: str) -> str:
        try:
            return self.values[name.lower()]
        except KeyError:
            raise UndefinedMacro(name, self.defined_later.get(name.lower()),
                                 self.failed.get(name.lower())) from None


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    raise MalformedValue("a '{' is never closed")


def _closing_quote(text: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return index
    raise MalformedValue("a '\"' is never closed")


def evaluate(raw: str, macros: Macros) -> str:
    """The text of a raw value: its pieces joined by ``#``, outer braces or quotes removed."""
    pieces: list[str] = []
    index, expect_piece = 0, True
    while index < len(raw):
        char = raw[index]
        if char.isspace():
            index += 1
            continue
        if not expect_piece:
            if char != "#":
                raise MalformedValue(f"expected '#' between parts of a value, found "
                                     f"'{raw[index:index + 20].strip()}'")
            expect_piece, index = True, index + 1
            continue
        if char == "{":
            end = _closing_brace(raw, index)
            pieces.append(raw[index + 1:end])
        elif char == '"':
            end = _closing_quote(raw, index)
            pieces.append(raw[index + 1:end])
        elif number := _NUMBER.match(raw, index):
            end = number.end() - 1
            pieces.append(number.group())
        elif name := _NAME.match(raw, index):
            end = name.end() - 1
            pieces.append(macros.get(name.group()))
        else:
            raise MalformedValue(f"unexpected '{char}' in a value")
        index, expect_piece = end + 1, False
    if expect_piece and pieces:
        raise MalformedValue("a value ends with '#'")
    return "".join(pieces)


def month_number(text: str) -> int | None:
    """``8``, ``aug``, ``August``, ``Aug.`` → 8; anything else → None."""
    value = text.strip().strip("{}").strip().rstrip(".").lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    for number, name in enumerate(MONTHS, start=1):
        if len(value) >= 3 and name.startswith(value):
            return number
    return None
