"""Which scripts and stylesheets a page needs, read off its HTML: each page loads only its own.

Every page used to load KaTeX (270 kB) and Cytoscape.js (430 kB) whether it showed maths or a
graph or not, and the scripts held up the first paint of short pages such as the graph page
(issue #18). Now:

- no page lists Cytoscape: ``graph.js`` fetches it when a graph is about to be drawn (an
  entry's small graph as it nears the window, the graph page's on first use);
- a page with a BibTeX block loads the copy button's script, the timeline its filters;
- maths is typeset at build time (:mod:`kb.site.maths`), so a page with maths loads only
  KaTeX's stylesheet, and preloads its two main fonts.

The theme override (``site/overrides/main.html``) writes the tags. Scripts are deferred, so
none of them holds up the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.site import maths

# Cytoscape.js: graph.js fetches it when a graph is about to be drawn, from the graph's
# data-kb-cytoscape, so no page lists it.
CYTOSCAPE = "assets/vendor/cytoscape/cytoscape.min.js"
# (a marker in the page's HTML, the script it needs), in the order the scripts must run.
SCRIPTS = (
    ("data-kb-graph=", "assets/javascripts/graph.js"),
    ('data-kb-graph="full"', "assets/javascripts/graph-page.js"),
    ('id="kb-filter-kind"', "assets/javascripts/timeline.js"),
    ("data-kb-copy=", "assets/javascripts/copy.js"),
)


@dataclass(frozen=True)
class PageAssets:
    """Paths below the site's root, for the template's ``url`` filter; ``maths``: whether
    the page has maths for :mod:`kb.site.maths` to typeset."""

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)
    maths: bool = False


def page_assets(page_html: str) -> PageAssets:
    """The assets a page with this HTML (its content, before maths is typeset) needs."""
    scripts: list[str] = []
    for marker, script in SCRIPTS:
        if marker in page_html and script not in scripts:
            scripts.append(script)
    if maths.has_maths(page_html):
        return PageAssets(scripts, [maths.STYLESHEET], list(maths.PRELOADED_FONTS), maths=True)
    return PageAssets(scripts)
