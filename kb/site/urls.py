"""Where each generated page lives, and the relative links between pages.

Every page is addressed by its source path in the docs dir (``entries/ho-2020-denoising.md``),
as MkDocs does. Generated HTML links with paths relative to the linking page's URL, so the
site works under any base path and when opened from a sub-folder.
"""

from __future__ import annotations

import posixpath
import re

from kb.models import Entry

HOME = "index.md"
GUIDE = "guide.md"
GLOSSARY = "glossary.md"
TIMELINE = "timeline.md"
TIMELINE_PLOT = "assets/generated/entries-per-year.svg"
GRAPH = "graph.md"
GRAPH_DATA = "assets/data/graph.json"
TOPICS_INDEX = "topics/index.md"
METHODS_INDEX = "methods/index.md"
CATALOG_INDEX = "catalog/index.md"
TAGS = "catalog/tags.md"
RESULTS_INDEX = "results/index.md"
ENTRY_PAGES = "entries/"  # kept out of the navigation

ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_PDF = "https://arxiv.org/pdf/"
DOI_ORG = "https://doi.org/"


def entry_src(entry: Entry) -> str:
    """Methods have a method page; every other entry an entry page."""
    folder = "methods/" if entry.kind == "method" else ENTRY_PAGES
    return f"{folder}{entry.id}.md"


def results_src(dataset: str, metric: str) -> str:
    """``results/cifar-10-fid.md``: the page of one dataset and metric's reported results."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{dataset} {metric}".replace("×", "x").casefold())
    return f"results/{slug.strip('-')}.md"


def topic_src(topic_id: str) -> str:
    return f"topics/{topic_id}.md"


def kind_src(kind: str) -> str:
    """The list page of a kind; the methods' list is the Methods overview."""
    return METHODS_INDEX if kind == "method" else f"catalog/{kind}s.md"


def page_url(src: str, use_directory_urls: bool = True) -> str:
    """The URL path of a source file, relative to the site root, as MkDocs computes it."""
    if not src.endswith(".md"):
        return src
    stem = src[: -len(".md")]
    if use_directory_urls:
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"
    return stem + ".html"


def relative_url(from_src: str, to_src: str, use_directory_urls: bool = True) -> str:
    """The href that leads from the page ``from_src`` to the page or file ``to_src``: up to the
    site root, then down (``../../methods/ddim/``)."""
    here = page_url(from_src, use_directory_urls)
    there = page_url(to_src, use_directory_urls)
    if here == there:
        return "./" if use_directory_urls else posixpath.basename(there)
    return "../" * here.count("/") + there or "./"
