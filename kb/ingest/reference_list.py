"""Which catalog entries a paper's reference list holds, read from the list's own text.

A reference list copied from a paper (its arXiv HTML, ar5iv page or PDF text) is split into
one reference per line or numbered item; each reference is then matched to catalog entries:

- by an arXiv id it names (``arXiv:2006.11239``, ``arxiv.org/abs/2006.11239v2``), or a DOI;
- else by a catalog title that the reference contains whole, once case, accents and
  punctuation are set aside. A short title (three words or fewer, "Imagen Video") also
  needs the first author's family name in the same reference. When several titles fit one
  reference, the longest wins ("Denoising diffusion probabilistic models" over "Diffusion
  probabilistic models"), so a reference is one work.

The result is what ``cites`` should be when the list is the source (``sources.references``):
exactly the catalog entries the list holds, each with the reference that matched it, for a
person to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.ingest.arxiv_ids import strip_version
from kb.ingest.same_work import TITLED_WORKS
from kb.models import Entry
from kb.names import family_of
from kb.text import normalize_title

# "[^12]: …" (ar5iv / arXiv HTML copied as Markdown), "[12] …", "12. …" at a line's start.
_ITEM_START = re.compile(r"^\s*(?:\[\^?\d+\]:?|\[\d+\]|\d{1,3}\.\s)\s*")
# arXiv:2006.11239, arxiv.org/abs/2006.11239v2, and DBLP's "CoRR, abs/2006.11239".
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[:\s./]*(?:abs/|pdf/|html/)?|arxiv\.org/(?:abs|pdf|html)/|\babs/)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
# Greek letters as LaTeX writes them in a title ("PixArt-$\alpha$"): the catalog has "α".
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
          "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
          "phi": "φ", "omega": "ω"}
_TEX_GREEK = re.compile(r"\$?\\(" + "|".join(_GREEK) + r")\b\$?")
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s,;<>\"]+[^\s,;<>\".)\]])")
SHORT_TITLE_WORDS = 3
MIN_TITLE_CHARS = 12


@dataclass(frozen=True)
class ReferenceMatch:
    """A catalog entry the list holds, how it was recognised, and the reference's text."""

    entry_id: str
    by: str  # "arXiv id", "DOI" or "title"
    reference: str


def split_references(text: str) -> list[str]:
    """One string per reference: numbered items (``[^3]:``, ``[3]``, ``3.``) when the text
    has them, each with its continuation lines; else one per non-empty paragraph."""
    lines = text.splitlines()
    if sum(bool(_ITEM_START.match(line)) for line in lines) >= 3:
        items: list[str] = []
        for line in lines:
            if _ITEM_START.match(line):
                items.append(_ITEM_START.sub("", line).strip())
            elif items and line.strip():
                items[-1] += " " + line.strip()
        return [item for item in items if item]
    paragraphs = re.split(r"\n\s*\n", text)
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


@dataclass(frozen=True)
class _Titled:
    entry_id: str
    key: str  # the normalized title, padded with spaces
    family: str
    short: bool


class ReferenceMatcher:
    """The catalog's entries, indexed for matching reference texts against them."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_arxiv: dict[str, str] = {}
        self.by_doi: dict[str, str] = {}
        self.titled: list[_Titled] = []
        for entry in entries:
            if entry.arxiv:
                self.by_arxiv[entry.arxiv.lower()] = entry.id
            if entry.doi:
                self.by_doi[entry.doi.lower()] = entry.id
            key = normalize_title(entry.title) if entry.kind in TITLED_WORKS else ""
            if len(key) >= MIN_TITLE_CHARS:
                family = normalize_title(family_of(entry.authors[0])) if entry.authors else ""
                self.titled.append(_Titled(entry.id, f" {key} ", f" {family} ",
                                           len(key.split()) <= SHORT_TITLE_WORDS))

    def match(self, reference: str) -> tuple[str, str] | None:
        """``(entry id, how)`` of the work ``reference`` names, or None."""
        for found in _ARXIV_IN_TEXT.findall(reference):
            entry_id = self.by_arxiv.get(strip_version(found).lower())
            if entry_id:
                return entry_id, "arXiv id"
        for found in _DOI_IN_TEXT.findall(reference):
            entry_id = self.by_doi.get(found.lower())
            if entry_id:
                return entry_id, "DOI"
        plain = _TEX_GREEK.sub(lambda m: _GREEK[m.group(1)], reference)
        text = f" {normalize_title(plain)} "
        fitting = [t for t in self.titled if t.key in text
                   and (not t.short or (t.family.strip() and t.family in text))]
        if not fitting:
            return None
        return max(fitting, key=lambda t: len(t.key)).entry_id, "title"

    def cited(self, references: Iterable[str], citing: str | None = None
              ) -> list[ReferenceMatch]:
        """The entries the references name, each once, in the list's order; ``citing`` (the
        paper whose list it is) is left out."""
        found: dict[str, ReferenceMatch] = {}
        for reference in references:
            hit = self.match(reference)
            if hit and hit[0] != citing and hit[0] not in found:
                found[hit[0]] = ReferenceMatch(hit[0], hit[1], reference)
        return list(found.values())

