"""The site in every language from one build: English at ``/``, Traditional Chinese at
``/zh-TW/``.

The language of a build is the theme's (``theme.language`` in ``mkdocs.yml``, ``en``). When the
English build is done, :func:`build_other_languages` builds each other language, in the same
process, into ``<site_dir>/<lang>/``: the same ``mkdocs.yml`` with ``theme.language`` set to it
(Material's own strings, search included, follow), and the English build's
:class:`SiteContext` handed over in ``extra`` so the catalog, its graph and its BibTeX keys are
not made twice. So ``kb build``, ``mkdocs build`` and ``mkdocs serve`` all write both.

Hand-written pages (``site/index.md``, ``site/guide.md``) have their translation at the same
path under ``site/<lang>/``, which the English build excludes (``exclude_docs``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kb.site.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    check_language,
    other_languages,
    site_prefix,
    t,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from kb.site.context import SiteContext

CONTEXT_KEY = "kb_site_context"  # extra key: the English build's context, for the next build
PREFIX_KEY = "kb_language_prefix"  # extra key: "" or "zh-TW/", for the language switch


def alternate_links(lang: str) -> list[dict[str, str]]:
    """Material's ``extra.alternate`` for the site in ``lang``: each language's name and the
    link to its home from this site's root (``./``, ``zh-TW/``; ``../`` from ``zh-TW/``).
    The switch in the header (``site/overrides/partials/alternate.html``) adds the page."""
    up = "../" if site_prefix(lang) else ""
    return [{"name": t("language.name", other), "lang": other,
             "link": (up + site_prefix(other)) or "./"} for other in LANGUAGES]


def build_language(config: MkDocsConfig) -> str:
    """The language this build writes: the theme's (E705 if the site has no table for it)."""
    return check_language(str(config.theme.get("language") or DEFAULT_LANGUAGE))


def handed_context(config: MkDocsConfig) -> SiteContext | None:
    """The context the English build handed to this one, if it did (taken out of ``extra``,
    which the templates see)."""
    return config.extra.pop(CONTEXT_KEY, None)


def translated_source(config: MkDocsConfig, src_uri: str, lang: str) -> str | None:
    """The text of ``site/<lang>/<src_uri>``, the translation of a hand-written page."""
    if lang == DEFAULT_LANGUAGE:
        return None
    path = Path(config.docs_dir) / lang / src_uri
    return path.read_text(encoding="utf-8") if path.is_file() else None


def build_other_languages(config: MkDocsConfig, ctx: SiteContext) -> None:
    """Build the site in every other language into ``<site_dir>/<lang>/``."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for lang in other_languages(ctx.lang):
        other = load_config(config.config_file_path, strict=config.strict,
                            site_dir=str(Path(config.site_dir) / site_prefix(lang)))
        other.theme["language"] = lang
        if "catalog" in config.extra:  # kb build --catalog DIR
            other.extra["catalog"] = config.extra["catalog"]
        other.extra[CONTEXT_KEY] = ctx.in_language(lang)
        build(other)
