"""The built site in real headless Chromium: it loads cleanly and offline, search works in
English and Chinese, maths renders, the graph and the timeline work, and hostile catalog
strings show as text and never run.

Expected values come from reading tests/data/site_catalog/: 10 entries, 2015 … 2024, three
methods, DDIM's two equations.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ENTRIES = 10
METHODS = 3


def test_home_loads_cleanly_and_offline(visit) -> None:
    visit.open("")
    visit.screenshot("home.png", full_page=True)
    page = visit.page
    assert page.title() == "diffusion-kb"
    assert page.locator(".kb-topic-map a", has_text="Fast sampling and distillation").count() == 1
    assert page.locator(".md-tabs__link").all_inner_texts() == [
        "Home", "Topics", "Methods", "Timeline", "Graph", "Results", "Catalog", "Guide"]
    visit.assert_clean()


# True once the result list holds this query's results. Material's search runs in a web worker
# and renders the answer when it comes, so until then the list may still show the previous
# query's results. Each result link carries the query terms it matched (`?h=…`, from the
# search.highlight feature): the list is this query's when it has links and every matched term
# is part of this query (Chinese terms are jieba's segments of it).
RESULTS_OF_THIS_QUERY = """query => {
  const asked = query.toLowerCase();
  const links = [...document.querySelectorAll('.md-search-result__item a')];
  const matched = links.flatMap(a =>
    (new URL(a.href).searchParams.get('h') || '').split(' ').filter(term => term));
  return matched.length > 0 && matched.every(term => asked.includes(term));
}"""


def _search(page, query: str) -> list[str]:
    """The result links of a site search for ``query``: this query's, never the last one's.

    The field is emptied first, which empties the list (so results of a previous query that
    shares this one's terms are gone too); then the query is typed and its results awaited.
    """
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field = page.locator("input.md-search__input")
    field.fill("")
    field.press("End")  # Material searches on key events, which fill() alone does not send
    page.wait_for_function("!document.querySelector('.md-search-result__item')",
                           timeout=15_000)
    field.fill(query)
    field.press("End")
    page.wait_for_function(RESULTS_OF_THIS_QUERY, arg=query, timeout=15_000)
    return page.locator(".md-search-result__item a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")


def test_search_finds_ddim_and_a_chinese_phrase(visit) -> None:
    visit.open("")
    hrefs = _search(visit.page, "DDIM")
    assert any("methods/ddim/" in h for h in hrefs)
    hrefs = _search(visit.page, "蒸餾")
    assert any("entries/salimans-2022-progressive/" in h for h in hrefs)
    visit.assert_clean()


# The search worker's answers, each handed to the page 400 ms late: a loaded machine, made
# reliable. A search helper that reads the list too early gets the previous query's results.
SLOW_SEARCH_WORKER = """(() => {
  const Native = window.Worker;
  window.Worker = class extends Native {
    addEventListener(type, listener, options) {
      if (type !== 'message') return super.addEventListener(type, listener, options);
      const late = event => setTimeout(() => listener.call(this, event), 400);
      return super.addEventListener(type, late, options);
    }
  };
})();"""


def test_search_shows_this_querys_results_when_the_worker_is_slow(visit) -> None:
    visit.page.add_init_script(SLOW_SEARCH_WORKER)
    visit.open("")
    assert any("methods/ddim/" in h for h in _search(visit.page, "DDIM"))
    hrefs = _search(visit.page, "蒸餾")
    assert any("entries/salimans-2022-progressive/" in h for h in hrefs)
    assert not any("h=ddim" in h for h in hrefs)  # none of the previous query's results
    visit.assert_clean()


def test_graph_draws_every_entry_and_a_click_opens_its_page(visit) -> None:
    visit.open("graph/")
    page = visit.page
    visit.start_graph()
    assert page.evaluate("window.kbGraph.nodes().length") == ENTRIES
    visit.screenshot("graph.png")
    kinds = page.evaluate("window.kbGraph.getElementById('ddim').data('colour')")
    page.select_option("#kb-graph-colour", "year")
    assert page.evaluate("window.kbGraph.getElementById('ddim').data('colour')") != kinds
    page.fill("#kb-graph-search", "implicit")
    page.press("#kb-graph-search", "Enter")
    assert page.locator("#kb-graph-status").inner_text() == "2 matches"  # DDIM paper, method
    page.wait_for_timeout(400)  # the zoom animation
    point = page.evaluate("""() => {
        const cy = window.kbGraph, node = cy.getElementById('ddim');
        cy.stop(); cy.zoom(2); cy.center(node);
        const p = node.renderedPosition(), box = cy.container().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    with page.expect_navigation():
        page.mouse.click(point["x"], point["y"])
    assert page.url.endswith("/methods/ddim/")
    visit.assert_clean()


# Where the picture draws a node, in px from the graph box's padding edge (its viewBox fitted
# into the picture's box, xMidYMid meet), and the scale.
PICTURE_POSITION = """(id) => {
    const svg = document.querySelector('#kb-graph .kb-graph-preview');
    const node = window.__graph.nodes.find(n => n.id === id);
    const vb = svg.viewBox.baseVal, box = svg.getBoundingClientRect();
    const frame = document.getElementById('kb-graph'), outer = frame.getBoundingClientRect();
    const s = Math.min(box.width / vb.width, box.height / vb.height);
    const left = box.left + (box.width - s * vb.width) / 2 - outer.left - frame.clientLeft;
    const top = box.top + (box.height - s * vb.height) / 2 - outer.top - frame.clientTop;
    return {x: left + s * (node.x - vb.x), y: top + s * (node.y - vb.y), zoom: s};
}"""


def test_graph_page_shows_its_picture_then_the_live_graph_in_the_same_place(visit) -> None:
    visit.open("graph/")
    page = visit.page
    page.wait_for_selector("#kb-graph-count[data-nodes]")
    # Before any use: the build-time picture, its axes, legend and count; no Cytoscape drawn.
    assert page.locator("#kb-graph svg.kb-graph-preview").count() == 1
    assert page.locator("#kb-graph canvas").count() == 0
    assert page.evaluate("window.kbGraph") is None
    assert page.locator(".kb-axis-tick-label").count() > 0
    assert page.locator("#kb-graph-legend .kb-legend-item").count() > 0
    assert page.locator("#kb-graph-count").get_attribute("data-nodes") == str(ENTRIES)
    page.evaluate("fetch(document.getElementById('kb-graph').dataset.kbGraphSrc)"
                  ".then(r => r.json()).then(d => { window.__graph = d; })")
    page.wait_for_function("window.__graph !== undefined")
    picture = page.evaluate(PICTURE_POSITION, "ddim")
    visit.screenshot("graph-picture.png")

    visit.start_graph()  # pointing at it starts Cytoscape
    live = page.evaluate("""() => { const cy = window.kbGraph;
        const p = cy.getElementById('ddim').renderedPosition();
        return {x: p.x, y: p.y, zoom: cy.zoom()}; }""")
    assert live == pytest.approx(picture, abs=0.01)
    page.wait_for_selector("#kb-graph svg.kb-graph-preview", state="detached")
    assert page.locator("#kb-graph canvas").count() > 0
    visit.assert_clean()


def test_the_graph_says_so_when_cytoscape_cannot_load(visit) -> None:
    visit.page.route("**/cytoscape.min.js", lambda route: route.abort())
    visit.open("graph/")
    page = visit.page
    page.wait_for_selector("#kb-graph-count[data-nodes]")
    page.hover("#kb-graph")
    message = page.locator("#kb-graph")
    expect_text = "The graph could not be loaded: could not load"
    page.wait_for_function("document.getElementById('kb-graph').textContent"
                           f".startsWith({expect_text!r})")
    assert "cytoscape.min.js" in message.inner_text()
    assert page.locator("#kb-graph svg, #kb-graph canvas").count() == 0
    assert visit.page_errors == []


def test_a_link_that_asks_for_a_layout_starts_the_graph_at_once(visit) -> None:
    visit.open("graph/?layout=topics&kind=paper")
    page = visit.page
    page.wait_for_selector('#kb-graph[data-kb-ready="1"]')  # with no pointing
    assert page.locator("#kb-graph-layout").input_value() == "topics"
    assert page.evaluate("window.kbGraph.nodes().not('.kb-hidden')"
                         ".every(n => n.data('kind') === 'paper')")
    visit.assert_clean()


def test_method_page_renders_equations_and_links_the_demo(visit) -> None:
    visit.open("methods/ddim/")
    page = visit.page
    page.wait_for_selector(".kb-equation .katex-display")
    assert page.locator(".kb-equation .katex-display").count() == 2
    assert page.locator(".kb-summary .katex").count() >= 1  # $\eta = 0$ in the summary
    assert page.locator(".kb-equation .katex-error").count() == 0
    demo = page.locator("a.kb-run-demo")
    assert demo.get_attribute("href") == "http://localhost:8501/ddim?steps=20"
    assert page.locator("code", has_text="kb demo ddim").count() == 1
    assert page.locator("svg.kb-lineage a").count() == 3  # DDPM ← DDIM ← distillation
    page.locator("#equations").scroll_into_view_if_needed()
    visit.screenshot("method.png")
    visit.assert_clean()


def test_timeline_shows_every_year_and_filters(visit) -> None:
    visit.open("timeline/")
    page = visit.page
    years = [y for y in page.locator(".md-content h2").all_inner_texts()]
    assert [re.sub(r"\D", "", y) for y in years] == [str(y) for y in range(2015, 2025)]
    visit.screenshot("timeline.png")
    page.select_option("#kb-filter-kind", "method")
    assert page.locator("#kb-timeline-count").inner_text() == f"{METHODS} entries"
    visible = page.locator(".kb-timeline-item:visible")
    assert visible.count() == METHODS
    assert set(visible.evaluate_all("items => items.map(i => i.dataset.kind)")) == {"method"}
    page.select_option("#kb-filter-kind", "")
    page.select_option("#kb-filter-topic", "methods")  # fast-sampling is under methods
    assert page.locator(".kb-timeline-item:visible").count() == 4
    assert "topic=methods" in page.url
    visit.assert_clean()


def test_entry_page_draws_its_neighbourhood_and_copies_its_bibtex(visit) -> None:
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    fetched = []
    visit.page.on("request", lambda request: fetched.append(request.url))
    visit.page.set_viewport_size({"width": 1280, "height": 300})  # the graph below the fold
    visit.open("entries/song-2020-denoising/")
    page = visit.page
    # Cytoscape is fetched only once the graph comes within a screen of the window.
    assert not any(url.endswith("/cytoscape.min.js") for url in fetched)
    assert page.evaluate("typeof window.cytoscape") == "undefined"
    page.locator('[data-kb-graph="neighbourhood"]').scroll_into_view_if_needed()
    page.wait_for_selector('[data-kb-graph="neighbourhood"][data-kb-ready="1"]')
    assert any(url.endswith("/cytoscape.min.js") for url in fetched)
    # itself, the paper it cites, the two that cite it, and the method it introduces
    assert page.evaluate("window.kbGraph.nodes().length") == 5
    page.click("button.kb-copy")
    page.wait_for_function("document.querySelector('button.kb-copy').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@") and "title = {Denoising Diffusion Implicit Models}" in copied
    visit.assert_clean()


HOSTILE_PAGES = ["entries/xss-2024-probe/", "", "timeline/", "graph/", "topics/probes/",
                 "topics/", "catalog/tags/", "catalog/papers/", "entries/ho-2020-denoising/"]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_strings_never_run(visit, path: str) -> None:
    visit.open(path)
    if path == "graph/":
        visit.start_graph()  # the catalog's titles reach Cytoscape and the find box
    page = visit.page
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("""() => [...document.querySelectorAll('.md-content *')]
        .flatMap(e => [...e.attributes].map(a => a.name))
        .filter(n => n.startsWith('on'))""") == []
    assert page.locator('a[href^="javascript:" i]').count() == 0
    visit.assert_clean()


def test_hostile_strings_show_as_text(visit) -> None:
    visit.open("entries/xss-2024-probe/")
    page = visit.page
    title = ("<script>window.__xss='title'</script> \"Probe\" & 'quotes' "
             "<img src=x onerror=\"window.__xss='img'\">")
    assert page.locator("h1").inner_text() == title
    assert page.title() == f"{title} - diffusion-kb"
    meta = page.locator(".kb-meta").inner_text()
    assert "</script><script>window.__xss='author'</script>" in meta
    assert '"><svg onload="window.__xss=\'venue\'">' in meta
    notes = page.locator(".kb-notes")
    assert notes.locator("script, img, iframe, style, svg").count() == 0
    assert "Notes with" in notes.inner_text() and "end of notes." in notes.inner_text()
    assert page.locator(".md-tag", has_text="<script>window.__xss=\"tag\"</script>").count() == 1
    hrefs = _search(page, "Probe")
    assert any("entries/xss-2024-probe/" in h for h in hrefs)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    visit.assert_clean()
