"""The graph page at scale, in headless Chromium: a generated catalog of 320 entries (the site
benchmark's generator: the shipped topics, papers citing earlier papers, most of them
sourced). It loads without a console error, defaults to the timeline, switches layouts, the
verified-only filter leaves only the cites read from a reference list, and the topic and kind
filters hide the other nodes. Screenshots go to tests/screenshots/graph-*.png.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
from conftest import REPO, SCREENSHOTS, Visit, open_visit, serve_directory

pytestmark = pytest.mark.browser

ENTRIES = 320


def _generator():  # noqa: ANN202 - benchmarks/site_build.py's generate()
    spec = importlib.util.spec_from_file_location("site_build", REPO / "benchmarks" /
                                                  "site_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.fixture(scope="module")
def big_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from kb.site.build import build_site

    root = tmp_path_factory.mktemp("graph-scale")
    catalog = root / "catalog"
    catalog.mkdir()
    _generator()(catalog, ENTRIES)
    site = root / "public"
    build_site(REPO / "mkdocs.yml", catalog_dir=catalog, site_dir=site)
    with serve_directory(site) as url:
        yield url


@pytest.fixture()
def big_visit(browser: object, big_site_url: str) -> Iterator[Visit]:
    with open_visit(browser, big_site_url) as record:
        yield record


def _shown(page) -> tuple[int, int]:  # noqa: ANN001 - a playwright Page
    count = page.locator("#kb-graph-count")
    return int(count.get_attribute("data-nodes")), int(count.get_attribute("data-edges"))


def _screenshot(page, name: str) -> None:  # noqa: ANN001
    """The graph and its axes only (the page around it is the same every time)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(100)  # the axes are redrawn on the next animation frame
    page.locator(".kb-graph-frame").screenshot(path=str(SCREENSHOTS / name))


def _position(page, node_id: str) -> dict:  # noqa: ANN001
    return page.evaluate(f"window.kbGraph.getElementById({node_id!r}).position()")


def test_graph_of_320_entries_switches_layouts_and_filters(big_visit: Visit) -> None:
    big_visit.open("graph/")
    page = big_visit.page
    big_visit.start_graph()
    all_edges = page.evaluate("window.kbGraph.edges().length")
    assert page.evaluate("window.kbGraph.nodes().length") == ENTRIES
    assert _shown(page) == (ENTRIES, all_edges)
    assert page.locator("#kb-graph-layout").input_value() == "timeline"
    years = page.locator(".kb-axis-tick-label").all_inner_texts()
    assert years[:3] == ["2015", "2016", "2017"]
    assert page.locator(".kb-axis-band-label").count() >= 5  # a row per topic
    _screenshot(page, "graph-timeline.png")

    # Zoomed in, the labels of the most cited entries are drawn (checked on the screenshot).
    page.evaluate("""() => { const cy = window.kbGraph;
        const top = cy.nodes().max(n => n.data('cited_by')).ele;
        cy.zoom({level: 1.6, position: top.position()}); cy.center(top); }""")
    _screenshot(page, "graph-timeline-zoomed.png")

    node = "entry-00100"
    before = _position(page, node)
    page.select_option("#kb-graph-layout", "topics")
    assert _position(page, node) != before
    assert page.locator(".kb-axis-label").count() >= 5  # a label per topic block
    _screenshot(page, "graph-topics.png")
    page.select_option("#kb-graph-layout", "citations")
    assert page.locator(".kb-axis-band-label").first.inner_text().startswith("cited ")
    _screenshot(page, "graph-citations.png")
    assert "layout=citations" in page.url

    page.check("#kb-graph-verified")
    nodes, edges = _shown(page)
    verified = page.evaluate("window.kbGraph.edges().filter(e => e.data('verified') === 1)"
                             ".length")
    assert nodes == ENTRIES and edges == verified and 0 < edges < all_edges
    assert page.evaluate("window.kbGraph.edges().not('.kb-hidden')"
                         ".every(e => e.data('verified') === 1)")
    page.uncheck("#kb-graph-verified")
    assert _shown(page) == (ENTRIES, all_edges)

    page.select_option("#kb-graph-topic", "guidance")
    nodes, edges = _shown(page)
    with_topic = page.evaluate("window.kbGraph.nodes()"
                               ".filter(n => n.data('topics').includes('guidance')).length")
    assert 0 < nodes == with_topic < ENTRIES and edges < all_edges
    assert page.evaluate("""() => window.kbGraph.nodes().every(n =>
        n.data('topics').includes('guidance') === !n.hasClass('kb-hidden')
        && n.visible() === !n.hasClass('kb-hidden'))""")
    page.select_option("#kb-graph-kind", "survey")
    assert page.evaluate("window.kbGraph.nodes().not('.kb-hidden')"
                         ".every(n => n.data('kind') === 'survey')")
    assert "topic=guidance" in page.url and "kind=survey" in page.url
    big_visit.assert_clean()
