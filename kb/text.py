"""Text normalisation shared by search, duplicate detection and id making."""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with"})


# Combining diacritical marks (the accents NFKD splits off).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents: ``"Éléphant"`` → ``"elephant"``. CJK is kept as it is."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def normalize_title(title: str) -> str:
    """A key under which a preprint and its published version have the same title."""
    return re.sub(r"[\W_]+", " ", fold(title)).strip()


def ascii_word(text: str) -> str:
    """Letters and digits of ``text`` transliterated to ASCII, lower case."""
    return re.sub(r"[^a-z0-9]+", "", fold(text).encode("ascii", "ignore").decode())


def first_title_word(title: str) -> str:
    """The first word of a title that is not a stop word, as used in ids and BibTeX keys."""
    for word in re.split(r"[\s\-:/]+", title):
        word = ascii_word(word)
        if word and word not in STOPWORDS:
            return word
    return "untitled"


def family_name(author: str) -> str:
    """Family name of ``"Jonathan Ho"`` or ``"Ho, Jonathan"``, as ASCII."""
    name = author.split(",")[0] if "," in author else author.split()[-1] if author.split() else ""
    return ascii_word(name) or "anon"


def entry_slug(authors: list[str], year: int | None, title: str) -> str:
    """``ho-2020-denoising``: first author's family name, year, first title word."""
    parts = [family_name(authors[0]) if authors else "anon"]
    if year:
        parts.append(str(year))
    parts.append(first_title_word(title))
    return "-".join(parts)
