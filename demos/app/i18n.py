"""The demo app's own words in English and Traditional Chinese: ``?lang=zh-TW``.

The same approach as the site (:mod:`kb.site.i18n`): one message table per language,
``demos/app/locales/en.yaml`` and ``zh-TW.yaml``, read with the safe loader; pages ask
:func:`say` instead of writing English themselves — titles, sidebar labels and their help,
progress, warnings and errors, plot labels, and the methods' summaries
(``method.<name>.summary``, whose English is :attr:`demos.registry.Method.summary`).
Widgets keep fixed keys, so a label in another language never resets a control. The site's
"Run the demo" buttons on its zh-TW pages add ``lang=zh-TW`` to the link. A page switch clears
the query parameters (:class:`demos.app.state.PageControls`), so the language chosen is kept
in the session.

This module imports neither streamlit nor torch.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from types import MappingProxyType

import yaml

LANGUAGES = ("en", "zh-TW")
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"
SESSION_KEY = "kb_lang"
QUERY_KEY = "lang"


@functools.cache
def messages(lang: str) -> Mapping[str, str]:
    """The message table of ``lang`` (one of :data:`LANGUAGES`), read once, read-only."""
    if lang not in LANGUAGES:
        raise ValueError(f"no demo app text in {lang!r} (there is: {', '.join(LANGUAGES)})")
    path = LOCALES / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: a message table maps keys to strings")
    return MappingProxyType(data)


def say(key: str, lang: str, /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    Every message goes through :meth:`str.format`, so a literal brace is written ``{{``; the
    pages keep LaTeX with braces in their code and pass it in as a value (``{formula}``).
    """
    return messages(lang)[key].format(**values)


def page_language(query: Mapping[str, str], session: MutableMapping[str, object]) -> str:
    """``?lang=`` if the app has that language (and remember it for the session), else the
    language remembered, else English."""
    asked = query.get(QUERY_KEY)
    if asked in LANGUAGES:
        session[SESSION_KEY] = asked
    chosen = session.get(SESSION_KEY, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def site_path(lang: str) -> str:
    """Where the knowledge-base site in ``lang`` lives below its root: ``""`` or ``/zh-TW``."""
    return "" if lang == DEFAULT_LANGUAGE else f"/{lang}"


def unknown_language(query: Mapping[str, str]) -> str | None:
    """The ``?lang=`` value asked for that the app does not have, if any."""
    asked = query.get(QUERY_KEY)
    return asked if asked and asked not in LANGUAGES else None
