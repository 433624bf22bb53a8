"""The site in every language from one build: English at ``/``, Traditional Chinese at
``/zh-TW/``.

The language of a build is the theme's (``theme.language`` in ``mkdocs.yml``, ``en``). When the
English build is done, :func:`build_other_languages` builds each other language, in the same
process, into ``<site_dir>/<lang>/``: the same ``mkdocs.yml`` with ``theme.language`` set to it
(Material's own strings, search included, follow), and the English build's
:class:`SiteContext` handed over in ``extra`` so the catalog, its graph and its BibTeX keys are
not made twice. So ``kb build``, ``mkdocs build`` and ``mkdocs serve`` all write both.

``kb build`` (:func:`kb.site.build.build_site`, which sets ``extra.kb_languages_in_parallel``)
starts the other languages as soon as the English pages are made, in a forked process, so on
two cores both sites are built in about the time of one (:func:`start_other_languages`);
``mkdocs build`` and ``mkdocs serve`` build them one after the other.

Hand-written pages (``site/index.md``, ``site/guide.md``) have their translation at the same
path under ``site/<lang>/``, which the English build excludes (``exclude_docs``).
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KbError
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
PARALLEL_KEY = "kb_languages_in_parallel"  # extra key: set by kb build, never while serving


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


@dataclass
class ForkedBuild:
    """The other languages' build, running in a child process."""

    pid: int
    errors: int  # the read end of a pipe: the child's error message, if it fails


def start_other_languages(config: MkDocsConfig, ctx: SiteContext) -> ForkedBuild | None:
    """Fork a process that builds the other languages, if ``kb build`` asked for it and the
    system can fork; else ``None`` (then :func:`build_other_languages` runs after English)."""
    if not config.extra.get(PARALLEL_KEY) or not hasattr(os, "fork"):
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: build, report a failure through the pipe, exit without cleanup
        os.close(read)
        code = 0
        try:
            build_other_languages(config, ctx)
        except BaseException as error:  # noqa: BLE001 — every failure must reach the parent
            os.write(write, (str(error) or type(error).__name__).encode("utf-8"))
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    return ForkedBuild(pid, read)


def finish_other_languages(forked: ForkedBuild) -> None:
    """Wait for the forked build; its failure fails this build (E702) with its message."""
    with os.fdopen(forked.errors, "rb") as pipe:
        message = pipe.read().decode("utf-8", errors="replace").strip()
    _, status = os.waitpid(forked.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise KbError(f"the site in {', '.join(other_languages(DEFAULT_LANGUAGE))} failed: "
                      f"{message or 'its process ended abnormally'}", code="E702")


def stop_other_languages(forked: ForkedBuild) -> None:
    """The English build failed: end the forked build, its output is thrown away too."""
    os.kill(forked.pid, signal.SIGTERM)
    os.waitpid(forked.pid, 0)
    os.close(forked.errors)
