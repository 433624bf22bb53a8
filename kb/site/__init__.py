"""The website: MkDocs Material pages made from the catalog.

Page-making is plain Python that takes models and returns Markdown (with escaped HTML blocks):

* :mod:`kb.site.pages` — every generated file, ``{source path: content}``;
* :mod:`kb.site.entry_page`, :mod:`kb.site.method_page` — one page per entry / method;
* :mod:`kb.site.index_pages`, :mod:`kb.site.timeline_page`, :mod:`kb.site.graph_page`,
  :mod:`kb.site.home`, :mod:`kb.site.nav` — topic, kind and overview pages, the navigation;
* :mod:`kb.site.graph_data`, :mod:`kb.site.lineage`, :mod:`kb.site.demos` — graph JSON and
  layout, lineage SVG, demo sources and links;
* :mod:`kb.site.html`, :mod:`kb.site.markdown_text`, :mod:`kb.site.html_stash` — escaping,
  sanitized Markdown, and keeping generated HTML away from the Markdown parser;
* :mod:`kb.site.context`, :mod:`kb.site.settings`, :mod:`kb.site.urls` — shared indexes,
  settings and links.

MkDocs meets it in :mod:`kb.site.mkdocs_hooks` (the ``hooks:`` of ``mkdocs.yml``);
:mod:`kb.site.build` builds and serves for ``kb build`` / ``kb serve``, and
:mod:`kb.site.link_check` checks external links for ``kb check-links``.
"""
