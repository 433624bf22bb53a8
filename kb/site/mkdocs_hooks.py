"""MkDocs glue (``hooks:`` in ``mkdocs.yml``): load the catalog, add the generated pages,
fill the home page, build the site in the other languages, and watch the catalog while serving.

Each handler is a few lines; the pages themselves are made by :mod:`kb.site.pages`, which
knows nothing about MkDocs. Nothing generated is ever written into ``site/``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from kb.catalog import Catalog
from kb.errors import KbError
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.home import fill_home
from kb.site.html_stash import restore, stash
from kb.site.i18n import LANGUAGES, site_prefix
from kb.site.languages import (
    PREFIX_KEY,
    ForkedBuild,
    alternate_links,
    build_language,
    build_other_languages,
    finish_other_languages,
    handed_context,
    start_other_languages,
    stop_other_languages,
    translated_source,
)
from kb.site.maths import typesetter
from kb.site.nav import site_nav
from kb.site.page_assets import page_assets
from kb.site.pages import generate_site_files
from kb.site.settings import catalog_dir, site_settings

log = logging.getLogger("mkdocs.plugins.kb")

_site: SiteContext | None = None
_stashed: dict[str, list[str]] = {}  # page → its HTML blocks, between markdown and content
_other_languages: ForkedBuild | None = None  # the other languages' build, if forked


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load the catalog (an invalid one stops the build) and set the navigation, in the
    theme's language; a build of another language gets the English build's context."""
    global _site
    logging.getLogger("jieba").setLevel(logging.WARNING)  # search's Chinese segmenter chatters
    try:
        lang = build_language(config)
    except KbError as error:
        raise PluginError(error.render()) from error
    _site = handed_context(config)
    if _site is None:
        config_dir = Path(config.config_file_path).resolve().parent
        path = catalog_dir(config.extra, config_dir)
        try:
            catalog = Catalog.load(path)
        except KbError as error:
            raise PluginError(f"the catalog at {path} is invalid:\n{error.render()}") from error
        settings = site_settings(config.extra, config_dir, config.use_directory_urls)
        _site = SiteContext(catalog, settings).in_language(lang)
        log.info(f"kb: {len(catalog)} entries and {len(catalog.topics)} topics from {path}")
    config.extra[PREFIX_KEY] = site_prefix(lang)
    config.extra["alternate"] = alternate_links(lang)  # the language switch in the header
    config.nav = site_nav(_site)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page (entry pages stay out of the navigation); then, under
    ``kb build``, start the other languages' build beside this one."""
    global _other_languages
    try:
        generated = generate_site_files(_context())
    except KbError as error:  # e.g. two entries whose BibTeX keys would clash
        raise PluginError(error.render()) from error
    if _context().lang == LANGUAGES[0]:
        _other_languages = start_other_languages(config, _context())
    for src, content in generated.items():
        if files.get_file_from_path(src) is not None:
            raise PluginError(f"{config.docs_dir}/{src} clashes with a generated page: "
                              "remove it (pages made from the catalog are never written)")
        inclusion = (InclusionLevel.NOT_IN_NAV if src.startswith(urls.ENTRY_PAGES)
                     else InclusionLevel.UNDEFINED)
        files.append(File.generated(config, src, content=content, inclusion=inclusion))
    return files


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    """In another language, a hand-written page is read from its translation, if it has one."""
    return translated_source(config, page.file.src_uri, _context().lang)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill the home page's markers; set every generated HTML block aside for rendering."""
    if page.file.src_uri == urls.HOME:
        markdown = fill_home(markdown, _context())
    markdown, _stashed[page.file.src_uri] = stash(markdown)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the generated HTML blocks back into the rendered page, and note the scripts and
    stylesheets it needs (``page.meta["kb_assets"]``, for ``site/overrides/main.html``)."""
    html = restore(html, _stashed.pop(page.file.src_uri, []))
    page.meta["kb_assets"] = page_assets(html)
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Typeset the page's maths with KaTeX. After the search plugin has read the page, so the
    search index keeps the LaTeX, not KaTeX's glyphs."""
    assets = page.meta.get("kb_assets")
    if assets is None or not assets.maths:
        return output
    return typesetter(Path(config.docs_dir)).typeset(output)


def on_post_build(config: MkDocsConfig) -> None:
    """After the site in the default language, the site in each other language below it
    (or, if it was forked, its end)."""
    global _other_languages
    context = _context()
    if context.lang != LANGUAGES[0]:
        return
    forked, _other_languages = _other_languages, None
    try:
        if forked is not None:
            finish_other_languages(forked)
        else:
            build_other_languages(config, context)
    except KbError as error:
        raise PluginError(error.render()) from error


def on_build_error(error: Exception) -> None:
    """A failed build stops the forked build of the other languages."""
    global _other_languages
    if _other_languages is not None:
        stop_other_languages(_other_languages)
        _other_languages = None


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:  # noqa: ANN001
    """Rebuild when a catalog file or a demo changes."""
    context = _context()
    server.watch(str(context.catalog.root))
    if context.settings.demos_dir.is_dir():
        server.watch(str(context.settings.demos_dir))
    return server


def _context() -> SiteContext:
    if _site is None:
        raise PluginError("kb hooks: on_config did not run")
    return _site
