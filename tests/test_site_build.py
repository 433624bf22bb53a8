"""Whole-site builds: MkDocs with the kb hook, `kb build`, `mkdocs build --strict`, `kb serve`.

One build of the small fixture catalog serves most checks; the shipped catalog is built once
to show it builds. Browser checks live in tests/browser/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kb.catalog import Catalog
from kb.errors import CatalogInvalid, KbError
from kb.site.build import build_site

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "mkdocs.yml"
SITE_CATALOG = REPO / "tests" / "data" / "site_catalog"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site") / "public"
    build_site(CONFIG, catalog_dir=SITE_CATALOG, site_dir=site)
    return site


# -- what gets built ----------------------------------------------------------------------

def test_every_entry_topic_and_kind_has_a_page(fixture_site: Path) -> None:
    catalog = Catalog.load(SITE_CATALOG)
    for entry in catalog:
        folder = "methods" if entry.kind == "method" else "entries"
        assert (fixture_site / folder / entry.id / "index.html").is_file(), entry.id
    for topic in catalog.topics:
        assert (fixture_site / "topics" / topic / "index.html").is_file()
    for page in ("timeline", "graph", "guide", "catalog", "catalog/papers", "catalog/tags",
                 "methods", "topics"):
        assert (fixture_site / page / "index.html").is_file(), page
    graph = json.loads((fixture_site / "assets/data/graph.json").read_text(encoding="utf-8"))
    assert len(graph["nodes"]) == len(catalog)


def test_every_internal_link_and_asset_resolves(fixture_site: Path) -> None:
    broken = []
    for page in fixture_site.rglob("*.html"):
        if page.name == "404.html":  # served at any depth, so MkDocs links it from the root
            continue
        base = page.parent.relative_to(fixture_site).as_posix()
        for url in _links(page):
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "//")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{base}: {url}")
    assert broken == []


def test_nothing_is_loaded_from_another_host(fixture_site: Path) -> None:
    remote = []
    for page in fixture_site.rglob("*.html"):
        for tag, attr, url in _resources(page):
            if urlsplit(url).scheme or url.startswith("//"):
                remote.append(f"{page.relative_to(fixture_site)}: <{tag} {attr}={url}>")
    for css in fixture_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote += [f"{css.name}: {m}" for m in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*",
                                                          text)]
        remote += [f"{css.name}: {m}" for m in re.findall(r"@import\s+['\"]https?:[^;]*", text)]
    assert remote == []


def test_vendored_libraries_keep_their_licenses_and_versions() -> None:
    vendor = REPO / "site" / "assets" / "vendor"
    versions = (vendor / "VERSIONS.md").read_text(encoding="utf-8")
    for library, script in (("katex", "katex.min.js"), ("cytoscape", "cytoscape.min.js")):
        assert (vendor / library / "LICENSE").read_text(encoding="utf-8").startswith(
            ("The MIT License", "MIT License", "Copyright"))
        assert (vendor / library / script).stat().st_size > 100_000
    assert re.search(r"\| \[KaTeX\]\([^)]*\) \| \d+\.\d+\.\d+ \|", versions)
    assert re.search(r"\| \[Cytoscape\.js\]\([^)]*\) \| \d+\.\d+\.\d+ \|", versions)
    assert list((vendor / "katex" / "fonts").glob("KaTeX_Main-Regular.woff2"))


def test_search_index_segments_chinese_and_knows_both_languages(fixture_site: Path) -> None:
    index = json.loads((fixture_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "zh"]
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "蒸餾" in texts.replace("\u200b", "")
    assert "\u200b" in texts  # jieba's word boundaries
    assert any("DDIM" in doc["title"] for doc in index["docs"])


def test_one_build_writes_english_at_the_root_and_zh_tw_below(fixture_site: Path) -> None:
    page = "entries/song-2020-denoising/index.html"
    english = (fixture_site / page).read_text(encoding="utf-8")
    chinese = (fixture_site / "zh-TW" / page).read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="zh-TW"' in chinese
    assert ">摘要<" not in english and re.search(r'<h2 id="abstract">摘要', chinese)
    # the switch leads to the same page in the other language, and back
    assert 'href="../../zh-TW/entries/song-2020-denoising/" hreflang="zh-TW"' in english
    assert 'href="../../../entries/song-2020-denoising/" hreflang="en"' in chinese
    assert "基本觀念" not in english  # topic titles: title_zh only on the zh-TW site
    home = (fixture_site / "zh-TW" / "index.html").read_text(encoding="utf-8")
    assert "如何使用" in home and "<!-- kb:" not in home  # site/zh-TW/index.md, filled
    index = json.loads((fixture_site / "zh-TW/search/search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["en", "zh"]
    titles = [doc["title"] for doc in index["docs"]]
    assert "如何\u200b使用" in titles  # the zh-TW headings, segmented by jieba
    assert not (fixture_site / "zh-TW" / "zh-TW").exists()


def test_a_failing_translation_fails_the_build_and_keeps_the_previous_site(
        tmp_path: Path) -> None:
    """The zh-TW site is built in a forked process; its failure is the build's failure."""
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "site", docs)
    with (docs / "zh-TW" / "guide.md").open("a", encoding="utf-8") as guide:
        guide.write("\n[壞掉的連結](no-such-page.md)\n")  # a warning, in strict mode an error
    config = _config_copy(tmp_path, docs)
    site = tmp_path / "public"
    site.mkdir()
    (site / "previous.html").write_text("old", encoding="utf-8")
    with pytest.raises(KbError, match="the site in zh-TW failed"):
        build_site(config, catalog_dir=SITE_CATALOG, site_dir=site)
    assert [p.name for p in site.iterdir()] == ["previous.html"]


def test_entry_pages_stay_out_of_the_sidebar(fixture_site: Path) -> None:
    def primary_nav(page: str) -> str:
        html = (fixture_site / page / "index.html").read_text(encoding="utf-8")
        return html[html.index("md-nav--primary"):html.index("md-sidebar--secondary")]

    for page in ("timeline", "topics", "methods", "catalog", "entries/song-2020-denoising"):
        assert "entries/" not in primary_nav(page), page
    assert "history/" in primary_nav("topics")  # the Topics tab lists the topic pages
    assert "ddim/" in primary_nav("methods")  # and the Methods tab the method pages
    html = (fixture_site / "timeline/index.html").read_text(encoding="utf-8")
    tabs = re.findall(r'class="md-tabs__link[^"]*">\s*([^<]+?)\s*<', html)
    assert tabs == ["Home", "Topics", "Methods", "Timeline", "Graph", "Results", "Catalog",
                    "Guide"]


def test_tags_index_lists_entries_by_tag(fixture_site: Path) -> None:
    html = (fixture_site / "catalog/tags/index.html").read_text(encoding="utf-8")
    assert 'id="tag:fast-sampling"' in html
    assert "../../entries/song-2020-denoising/" in html


def test_no_generated_markdown_is_written_to_the_docs_dir(fixture_site: Path) -> None:
    docs = REPO / "site"
    for generated in ("entries", "methods", "topics", "catalog", "timeline.md", "graph.md"):
        assert not (docs / generated).exists(), generated


def test_home_shows_newest_entries_and_the_topic_map(fixture_site: Path) -> None:
    html = (fixture_site / "index.html").read_text(encoding="utf-8")
    assert "<!-- kb:" not in html
    assert 'href="entries/diffusion-intro-zh/" lang="zh">擴散模型入門</a>' in html
    assert 'class="kb-topic-map"' in html and 'href="topics/fast-sampling/"' in html


# -- failures leave the previous build ----------------------------------------------------

def test_invalid_catalog_raises_and_keeps_the_previous_site(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SITE_CATALOG, catalog)
    (catalog / "papers" / "ho-2020-denoising.yaml").write_text(
        "id: ho-2020-denoising\nkind: paper\nyear: soon\n", encoding="utf-8")
    site = tmp_path / "public"
    site.mkdir()
    (site / "previous.html").write_text("old", encoding="utf-8")
    with pytest.raises(CatalogInvalid) as raised:
        build_site(CONFIG, catalog_dir=catalog, site_dir=site)
    assert "ho-2020-denoising.yaml" in raised.value.render()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "public"]
    assert (site / "previous.html").read_text(encoding="utf-8") == "old"


def test_a_failing_mkdocs_build_keeps_the_previous_site(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "site", docs)
    (docs / "timeline.md").write_text("# clashes with the generated timeline\n",
                                      encoding="utf-8")
    config = _config_copy(tmp_path, docs)
    site = tmp_path / "public"
    site.mkdir()
    (site / "previous.html").write_text("old", encoding="utf-8")
    with pytest.raises(KbError, match="clashes with a generated page"):
        build_site(config, catalog_dir=SITE_CATALOG, site_dir=site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "public"]
    assert [p.name for p in site.iterdir()] == ["previous.html"]


def test_kb_build_exits_1_with_every_error_on_an_invalid_catalog(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SITE_CATALOG, catalog)
    (catalog / "papers" / "song-2020-denoising.yaml").write_text(
        "id: song-2020-denoising\nkind: paper\ntitle: x\ncites: [nobody]\n", encoding="utf-8")
    result = subprocess.run([BIN / "kb", "build", "--catalog", catalog, "--site-dir",
                             tmp_path / "out"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert re.search(r"song-2020-denoising\.yaml:\d+:\d+: error\[E203\]: cites: unknown "
                     r"entry 'nobody'", result.stderr)
    assert not (tmp_path / "out").exists()


# -- the shipped catalog, mkdocs itself, and start-up cost --------------------------------

def test_the_shipped_catalog_builds(tmp_path: Path) -> None:
    result = subprocess.run([BIN / "kb", "build", "--site-dir", tmp_path / "public"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    catalog = Catalog.load(REPO / "catalog")
    built = {p.parent.name for p in (tmp_path / "public").glob("*/*/index.html")}
    assert {e.id for e in catalog} <= built


def test_mkdocs_build_strict_runs_the_hook(tmp_path: Path) -> None:
    env = {**os.environ, "KB_CATALOG": str(SITE_CATALOG), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([BIN / "mkdocs", "build", "--strict", "--site-dir",
                             tmp_path / "public"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public/entries/xss-2024-probe/index.html").is_file()


def test_kb_starts_without_importing_mkdocs() -> None:
    code = ("import sys; from kb.cli import cli\n"
            "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('mkdocs', 'material', 'markdown', 'nh3', 'networkx', 'jieba')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_kb_serve_rebuilds_when_a_catalog_file_changes(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SITE_CATALOG, catalog)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "kb", "serve", "--catalog", catalog, "--dev-addr", f"127.0.0.1:{port}",
         "--no-demos"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/entries/song-2020-denoising/"
    try:
        assert "Denoising Diffusion Implicit Models" in _wait_for(url, "Implicit", 90)
        paper = catalog / "papers" / "song-2020-denoising.yaml"
        paper.write_text(paper.read_text(encoding="utf-8").replace(
            "title: Denoising Diffusion Implicit Models", "title: Renamed While Serving"),
            encoding="utf-8")
        assert "Renamed While Serving" in _wait_for(url, "Renamed While Serving", 60)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


# -- helpers ------------------------------------------------------------------------------

class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append((tag, name, value))


def _collect(page: Path) -> list[tuple[str, str, str]]:
    parser = _Collector()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def _links(page: Path) -> list[str]:
    return [url for _, _, url in _collect(page)]


def _resources(page: Path) -> list[tuple[str, str, str]]:
    """What the browser loads by itself: scripts, stylesheets, icons, images, frames."""
    return [(tag, attr, url) for tag, attr, url in _collect(page)
            if tag in ("script", "link", "img", "iframe", "source", "video", "audio")]


def _config_copy(tmp_path: Path, docs: Path) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("docs_dir: site", f"docs_dir: {docs}")
    text = text.replace("custom_dir: site/overrides", f"custom_dir: {docs / 'overrides'}")
    text = text.replace("  - kb/site/mkdocs_hooks.py", f"  - {REPO / 'kb/site/mkdocs_hooks.py'}")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if text in body:
                return body
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {text!r}")


def test_timeline_page_shows_the_entries_per_year_plot(fixture_site: Path) -> None:
    from kb.catalog import Catalog

    svg = (fixture_site / "assets/generated/entries-per-year.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    kinds = {e.kind for e in Catalog.load(SITE_CATALOG, use_cache=False) if e.year}
    assert svg.count("<g id=\"patch_") >= len(kinds)  # at least one bar per kind shown
    timeline = (fixture_site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert "entries-per-year.svg" in timeline


def test_each_language_has_its_own_timeline_plot(fixture_site: Path) -> None:
    """The zh-TW site's plot, at its own URL, speaks Chinese (when the build machine has a CJK
    font; tests/test_site_i18n.py checks the fallback). matplotlib writes each text's words
    in a comment above its glyph outlines."""
    from kb.graph.timeline_plot import installed_font

    plot = "assets/generated/entries-per-year.svg"
    english = (fixture_site / plot).read_text(encoding="utf-8")
    chinese = (fixture_site / "zh-TW" / plot).read_text(encoding="utf-8")
    assert "<!-- entries -->" in english and "條目數" not in english
    if installed_font() is None:
        pytest.skip("no CJK font on this machine: the zh-TW plot keeps English words")
    assert "<!-- 條目數 -->" in chinese and "<!-- 年份 -->" in chinese
    assert "<!-- 論文 -->" in chinese and "<!-- entries -->" not in chinese
    page = (fixture_site / "zh-TW" / "timeline" / "index.html").read_text(encoding="utf-8")
    assert 'src="../assets/generated/entries-per-year.svg"' in page  # /zh-TW/assets/…


# -- what each page loads -------------------------------------------------------------------

def _scripts(page: str) -> list[str]:
    return re.findall(r'<script defer src="([^"]+)"></script>', page)


def _read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_each_page_loads_only_the_scripts_and_styles_it_uses(fixture_site: Path) -> None:
    home = _read(fixture_site, "index.html")
    assert _scripts(home) == []
    assert "katex" not in home and "cytoscape" not in home
    entry = _read(fixture_site, "entries/song-2020-denoising/index.html")
    assert _scripts(entry) == ["../../assets/javascripts/graph.js",
                               "../../assets/javascripts/copy.js"]
    assert "katex.min.css" not in entry  # no maths on it
    timeline = _read(fixture_site, "timeline/index.html")
    assert _scripts(timeline) == ["../assets/javascripts/timeline.js"]
    graph = _read(fixture_site, "graph/index.html")
    assert _scripts(graph) == ["../assets/javascripts/graph.js",
                               "../assets/javascripts/graph-page.js"]
    # graph.js fetches Cytoscape when a graph is about to be drawn, from data-kb-cytoscape.
    for page, html in (("entries/song-2020-denoising", entry), ("graph", graph)):
        cytoscape = re.search(r'data-kb-cytoscape="([^"]+)"', html).group(1)
        assert (fixture_site / page / cytoscape).resolve().name == "cytoscape.min.js"
        assert (fixture_site / page / cytoscape).resolve().is_file()
    # Every script but Material's own bundle is deferred: none holds up the first paint.
    blocking = re.findall(r'<script src="([^"]+)"', entry)
    assert len(blocking) == 1 and "/javascripts/bundle." in blocking[0]


def test_maths_is_typeset_at_build_time_and_katex_js_is_not_shipped(fixture_site: Path) -> None:
    method = _read(fixture_site, "methods/ddim/index.html")
    assert method.count('<div class="arithmatex kb-equation"><span class="katex-display">') == 2
    summary = method.split('class="kb-summary"')[1].split("</div>")[0]
    assert '<span class="arithmatex"><span class="katex">' in summary  # $\eta = 0$
    assert 'class="katex-error"' not in method
    assert '<link rel="stylesheet" href="../../assets/vendor/katex/katex.min.css">' in method
    assert re.search(r'<link rel="preload" href="[^"]*KaTeX_Main-Regular\.woff2" as="font"',
                     method)
    assert "katex.min.js" not in method and "math.js" not in method
    assert not list(fixture_site.rglob("katex.min.js"))  # only the build runs it
    assert (fixture_site / "assets/vendor/katex/fonts/KaTeX_Main-Regular.woff2").is_file()
    chinese = _read(fixture_site, "zh-TW/methods/ddim/index.html")
    assert chinese.count('<span class="katex-display">') == 2


def test_search_keeps_the_latex_not_katexs_glyphs(fixture_site: Path) -> None:
    index = json.loads((fixture_site / "search/search_index.json").read_text(encoding="utf-8"))
    ddim = " ".join(doc["text"] for doc in index["docs"]
                    if doc["location"].startswith("methods/ddim/"))
    assert "\\(\\eta = 0\\)" in ddim
    assert "katex" not in ddim


def test_the_graph_page_holds_its_picture(fixture_site: Path) -> None:
    graph = _read(fixture_site, "graph/index.html")
    data = json.loads((fixture_site / "assets/data/graph.json").read_text(encoding="utf-8"))
    svg = re.search(r'<svg class="kb-graph-preview"[^>]*>.*?</svg>', graph, re.S).group(0)
    assert 'aria-hidden="true"' in svg
    arcs = re.findall(r"a[\d.]+ [\d.]+ 0 1 0 -?[\d.]+ 0", svg)  # two per node
    assert len(arcs) == 2 * len(data["nodes"])
    assert data["fit"] == {"margin": 13.0, "padding": 30}
