"""The glossary: each term of diffusion-model writing in English and in Traditional Chinese as
Taiwanese ML writing puts it (擴散模型, 去噪, 取樣, 蒸餾, 潛在空間 …), with a one-line meaning
in the page's language. The terms are in ``locales/glossary.yaml``; method pages link here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import yaml

from kb.errors import KbError
from kb.site.context import SiteContext
from kb.site.fragments import block, front_matter
from kb.site.html import esc
from kb.site.i18n import CHINESE_TEXT, DEFAULT_LANGUAGE, ENGLISH_TEXT, LOCALES

GLOSSARY_FILE = LOCALES / "glossary.yaml"
FIELDS = ("en", "zh", "meaning_en", "meaning_zh")


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    meaning_en: str
    meaning_zh: str

    @property
    def anchor(self) -> str:
        return "term-" + "-".join(re.findall(r"[a-z0-9]+", self.en.lower()))


@functools.cache
def glossary_terms() -> tuple[Term, ...]:
    """The terms of ``glossary.yaml``, in its order (safe loader; every field required)."""
    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    terms = []
    for index, item in enumerate(data if isinstance(data, list) else [None]):
        if not isinstance(item, dict) or set(item) != set(FIELDS) or not all(
                isinstance(item[f], str) and item[f].strip() for f in FIELDS):
            raise KbError(f"{GLOSSARY_FILE}: term {index + 1} needs exactly the text fields "
                          f"{', '.join(FIELDS)}", path=GLOSSARY_FILE, code="E705")
        terms.append(Term(**item))
    return tuple(terms)


def render_glossary_page(ctx: SiteContext) -> str:
    title = ctx.t("glossary.title")
    english = ctx.lang == DEFAULT_LANGUAGE
    rows = "".join(
        f'<tr id="{esc(term.anchor)}"><td lang="{ENGLISH_TEXT}">{esc(term.en)}</td>'
        f'<td lang="{CHINESE_TEXT}">{esc(term.zh)}</td>'
        f"<td>{esc(term.meaning_en if english else term.meaning_zh)}</td></tr>"
        for term in glossary_terms())
    head = "".join(f"<th>{esc(ctx.t(f'glossary.{column}'))}</th>"
                   for column in ("english", "chinese", "meaning"))
    table = (f'<table class="kb-table kb-glossary"><thead><tr>{head}</tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    return front_matter(title) + f"# {title}\n\n{ctx.t('glossary.intro')}\n" + block(table)

