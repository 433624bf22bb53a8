"""Personal and corporate names, split and joined by BibTeX's rules.

A name has up to four parts, as in BibTeX: *given* ("First"), *particle* ("von"), *family*
("Last") and *suffix* ("Jr"). BibTeX reads three forms:

=============================  ===========================================================
``First von Last``             ``Aäron van den Oord``: the particle runs from the first to
                               the last lower-case word before the last word
``von Last, First``            ``van den Oord, Aäron``; ``Le Roux, Nicolas`` (family "Le Roux")
``von Last, Jr, First``        ``Ho, Jr, Jonathan``
=============================  ===========================================================

Braces protect what they enclose: a word inside braces is never split and never a particle,
and a name that is one brace group, ``{Google DeepMind}``, is a *literal* (an organisation).
A word's case is that of its first letter outside braces; ``{\\"o}`` counts as its letter.
Words without a cased letter (CJK, digits) are never particles.

The catalog writes a name the readable way when that reads back to the same parts:
"Given Family" (``Jiaming Song``) for a one-word family without particle or suffix, else
the comma form (``Le Roux, Nicolas``, ``Daumé III, Hal``, ``van den Oord, Aäron``,
``Ho, Jr, Jonathan``); an organisation keeps its braces; a CJK name is kept as written
(``宋佳明``, one family part).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

# TeX commands that are a letter themselves: their case is the command name's.
_LETTER_COMMANDS = frozenset({"o", "O", "l", "L", "ss", "ae", "AE", "oe", "OE", "aa", "AA",
                              "i", "j", "SS", "NG", "ng", "TH", "th", "DH", "dh", "DJ", "dj"})
_AND_WORD = re.compile(r"\s+and\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """One name's parts; an organisation has only ``literal``."""

    given: str = ""
    family: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""


def _unbrace(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


# 1. Splitting: commas and words at brace depth 0.

def _split_top(text: str, separators: str) -> list[tuple[str, str]]:
    """``(piece, separator that followed it)`` for ``text`` cut at depth-0 ``separators``."""
    pieces: list[tuple[str, str]] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in separators and text[index - 1:index] != "\\":
            pieces.append((text[start:index], char))  # (``\~n`` is ñ, not a tie)
            start = index + 1
    pieces.append((text[start:], ""))
    return pieces


def _words(part: str) -> list[tuple[str, str]]:
    """Words of one comma part (white space and ``~`` separate, as pybtex reads them; a
    hyphenated ``Sohl-Dickstein`` is one word), each with a space after it."""
    return [(word, " ") for word, _ in _split_top(part, " \t\n~") if word]


def _join(words: list[tuple[str, str]]) -> str:
    return " ".join(word for word, _ in words)


def _command_case(text: str) -> bool | None:
    """Case of ``{\\"o}``, ``{\\AA}``, ``{\\v{c}}``: the letter it stands for."""
    match = re.match(r"\\([A-Za-z]+|.)", text)
    if not match:
        return None
    name, rest = match.group(1), text[match.end():]
    if name in _LETTER_COMMANDS:
        return name[0].islower()
    for char in rest:
        if char.isalpha():
            return char.islower() if (char.islower() or char.isupper()) else None
    return None


def _is_lower(word: str) -> bool:
    """BibTeX's test for a particle word: its first letter outside braces is lower case."""
    depth, index = 0, 0
    while index < len(word):
        char = word[index]
        if char == "{":
            if depth == 0 and word[index + 1:index + 2] == "\\":
                end = _group_end(word, index)
                case = _command_case(word[index + 1:end])
                if case is not None:
                    return case
                index = end
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char.isalpha():
            return char.islower()
        index += 1
    return False


def _group_end(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return len(text)


# 2. Parts: the three forms.

def _split_von_last(words: list[tuple[str, str]]) -> tuple[str, str]:
    """The particle (up to the last lower-case word before the final one) and the family."""
    lower = [i for i, (word, _) in enumerate(words[:-1]) if _is_lower(word)]
    if not lower:
        return "", _join(words)
    return _join(words[:lower[-1] + 1]), _join(words[lower[-1] + 1:])


def _raw_parts(text: str) -> Name:
    text = " ".join(text.split())
    if text.startswith("{") and _group_end(text, 0) == len(text) - 1:
        return Name(literal=text[1:-1])
    commas = [piece for piece, _ in _split_top(text, ",")]
    if len(commas) == 1:
        words = _words(commas[0])
        if not words:
            return Name()
        lower = [i for i, (word, _) in enumerate(words[:-1]) if _is_lower(word)]
        if not lower:
            return Name(given=_join(words[:-1]), family=words[-1][0])
        first, last = lower[0], lower[-1]
        return Name(given=_join(words[:first]), particle=_join(words[first:last + 1]),
                    family=_join(words[last + 1:]))
    particle, family = _split_von_last(_words(commas[0]))
    if len(commas) == 2:
        return Name(given=_join(_words(commas[1])), particle=particle, family=family)
    given = ", ".join(piece.strip() for piece in commas[2:])
    return Name(given=" ".join(given.split()), particle=particle, family=family,
                suffix=_join(_words(commas[1])))


@functools.lru_cache(maxsize=1 << 16)  # a large bibliography names the same people often
def parse_name(text: str, to_text: Callable[[str], str] = _unbrace) -> Name:
    """The parts of a catalog (or, with ``to_text=latex_to_text``, a BibTeX) name."""
    raw = _raw_parts(text)
    return Name(**{part: to_text(value) if value else ""
                   for part, value in vars(raw).items()})


# 3. Joining: a form that reads back to the same parts.

def _protect(text: str, always: bool = False) -> str:
    """Brace a part that the word "and" or a comma would cut apart (or any, with ``always``)."""
    return f"{{{text}}}" if always or _AND_WORD.search(f" {text} ") or "," in text else text


def _written(name: Name, layout: str) -> str:
    """``name`` in one layout: ``plain`` "Given Family", ``comma`` or ``braced`` (family braced)."""
    if layout == "plain":
        return " ".join(p for p in (name.given, _protect(name.family)) if p)
    family = " ".join(p for p in (_protect(name.particle),
                                   _protect(name.family, layout == "braced")) if p)
    parts = [family, _protect(name.suffix), _protect(name.given)]
    if not name.suffix:
        del parts[1]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


def _layout(name: Name, *, plain_ok: bool) -> str:
    """The first layout that reads back to ``name``'s parts."""
    if plain_ok and not (name.particle or name.suffix) and " " not in name.family \
            and parse_name(_written(name, "plain")) == name:
        return "plain"
    return "comma" if parse_name(_written(name, "comma")) == name else "braced"


def format_name(name: Name) -> str:
    """The catalog string for ``name``: "Given Family" when that reads back, else commas."""
    if name.literal:
        return f"{{{name.literal}}}"
    return _written(name, _layout(name, plain_ok=True))


def bibtex_name(text: str) -> str:
    """``text`` (a catalog name) as a ``.bib`` author: ``Song, Jiaming``, ``{Google DeepMind}``.

    Persons are written in the comma form, which every BibTeX reader splits the same way (a
    one-word name stays one word); TeX's special characters are escaped.
    """
    from kb.export.bibtex import tex_escape

    name = parse_name(text)
    if name.literal:
        return f"{{{tex_escape(name.literal)}}}"
    plain_ok = not (name.given or name.particle or name.suffix)
    layout = _layout(name, plain_ok=plain_ok)
    escaped = Name(**{part: tex_escape(value) for part, value in vars(name).items()})
    return _written(escaped, layout)


def csl_name(text: str) -> dict[str, str]:
    """``text`` as a CSL-JSON name: family, given, non-dropping-particle, suffix or literal."""
    name = parse_name(text)
    if name.literal or not (name.given or name.particle or name.suffix):
        return {"literal": name.literal or name.family}
    item = {"family": name.family, "given": name.given,
            "non-dropping-particle": name.particle, "suffix": name.suffix}
    return {key: value for key, value in item.items() if value}


def family_of(text: str) -> str:
    """The family name (an organisation's whole name): what duplicate checks compare."""
    name = parse_name(text)
    return name.literal or name.family
