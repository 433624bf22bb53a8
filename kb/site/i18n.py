"""The site's own words in English and Traditional Chinese: one message table per language.

``kb/site/locales/en.yaml`` and ``zh-TW.yaml`` map a key (``entry.abstract``) to the text of
that language (``Abstract`` / ``摘要``); every page-maker asks :func:`t` instead of writing
English itself, so a language is one more table, never an edit of the code. Plain YAML tables
were chosen over gettext ``.po`` files: the site has ~200 short strings and two languages, the
tables are read with the safe loader at build time with no compile step, and a test compares
their keys (``tests/test_site_i18n.py``).

Messages are ours and may hold HTML; values filled into them (``{count}``) are escaped by the
caller when they come from the catalog. Catalog text (titles, abstracts, notes) is never
translated: :func:`text_language` tells which language it is written in, for ``lang``
attributes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import yaml

from kb.errors import KbError

LANGUAGES = ("en", "zh-TW")
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).parent / "locales"
# The ``lang`` attribute of text written in each script (BCP 47: Chinese in Traditional script).
CHINESE_TEXT = "zh-Hant"
ENGLISH_TEXT = "en"

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN = re.compile("[A-Za-z]")


def check_language(lang: str) -> str:
    """``lang`` if the site has a table for it; else one clear error (E705)."""
    if lang not in LANGUAGES:
        raise KbError(f"unknown site language {lang!r} (the site has: {', '.join(LANGUAGES)})",
                      code="E705")
    return lang


@functools.cache
def messages(lang: str) -> Mapping[str, str]:
    """The whole message table of ``lang``, read once (safe loader), read-only."""
    path = LOCALES / f"{check_language(lang)}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise KbError(f"not valid YAML: {getattr(error, 'problem', error)}", path=path,
                      line=mark.line + 1 if mark else None,
                      col=mark.column + 1 if mark else None, code="E705") from error
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise KbError(f"{path}: a message table maps keys to strings", path=path, code="E705")
    return MappingProxyType(data)


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    table = messages(lang)
    if key not in table:
        raise KbError(f"no message {key!r} in {LOCALES / lang}.yaml", code="E705")
    text = table[key]
    return text.format(**values) if values else text


def other_languages(lang: str) -> tuple[str, ...]:
    return tuple(other for other in LANGUAGES if other != lang)


def site_prefix(lang: str) -> str:
    """Where a language's site lives below the site root: ``""`` (English) or ``zh-TW/``."""
    return "" if check_language(lang) == DEFAULT_LANGUAGE else f"{lang}/"


def text_language(text: str) -> str:
    """``zh-Hant`` for text mostly in Chinese characters, else ``en``.

    A Han character carries about a word, so it counts as three Latin letters: a Chinese note
    with a few English terms is Chinese, an English note quoting one Chinese term is English.
    """
    han = len(_HAN.findall(text))
    return CHINESE_TEXT if han and 3 * han >= len(_LATIN.findall(text)) else ENGLISH_TEXT


def lang_attr(text: str) -> str:
    """`` lang="…"`` for an element holding catalog ``text`` as written."""
    return f' lang="{text_language(text)}"'
