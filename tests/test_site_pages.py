"""Page-making, without MkDocs: each page function takes models and returns Markdown/HTML.

The fixture catalog (tests/data/site_catalog/) is small enough to know every expected value
by reading it: DDPM (2020) ← DDIM (2020) ← progressive distillation (2022), the 2015 paper
they all descend from, a survey, a Chinese tutorial, and an entry made of hostile strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.demos import demo_file_name, demo_url, find_demo
from kb.site.entry_page import render_entry_page
from kb.site.graph_data import full_graph_data, layout_positions, neighbourhood_data
from kb.site.home import fill_home
from kb.site.lineage import lineage, short_label
from kb.site.method_page import fenced_code, render_method_page
from kb.site.nav import site_nav
from kb.site.pages import generate_site_files
from kb.site.settings import SiteSettings, catalog_dir, site_settings
from kb.site.timeline_page import group_by_year, render_timeline_page

SITE_CATALOG = Path(__file__).parent / "data" / "site_catalog"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(SITE_CATALOG)


@pytest.fixture()
def ctx(catalog: Catalog, tmp_path: Path) -> SiteContext:
    demos = tmp_path / "demos"
    demos.mkdir()
    (demos / "ddim.py").write_text('"""DDIM in five lines."""\nx = "```"\n', encoding="utf-8")
    return SiteContext(catalog, SiteSettings(demos_dir=demos,
                                             demo_base_url="http://demo.test:9000/"))


# -- urls ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("here", "there", "expected"), [
    ("entries/a.md", "entries/b.md", "../../entries/b/"),
    ("entries/a.md", "methods/ddim.md", "../../methods/ddim/"),
    ("entries/a.md", "index.md", "../../"),
    ("index.md", "timeline.md", "timeline/"),
    ("index.md", "index.md", "./"),
    ("topics/index.md", "topics/history.md", "../topics/history/"),
    ("entries/a.md", "entries/a.md", "./"),
    ("graph.md", "assets/data/graph.json", "../assets/data/graph.json"),
])
def test_relative_urls_between_pages(here: str, there: str, expected: str) -> None:
    assert urls.relative_url(here, there) == expected


def test_relative_urls_without_directory_urls() -> None:
    assert urls.relative_url("entries/a.md", "methods/ddim.md", False) == "../methods/ddim.html"


def test_methods_get_method_pages_and_other_entries_entry_pages(catalog: Catalog) -> None:
    assert urls.entry_src(catalog.get("ddim")) == "methods/ddim.md"
    assert urls.entry_src(catalog.get("ho-2020-denoising")) == "entries/ho-2020-denoising.md"


def test_catalog_dir_prefers_extra_then_environment_then_default(tmp_path: Path) -> None:
    assert catalog_dir({"catalog": "/x"}, tmp_path, {"KB_CATALOG": "/y"}) == Path("/x")
    assert catalog_dir({}, tmp_path, {"KB_CATALOG": "/y"}) == Path("/y")
    assert catalog_dir({}, tmp_path, {}) == (tmp_path / "catalog").resolve()


def test_demo_base_url_from_the_environment_before_mkdocs_yml(tmp_path: Path) -> None:
    extra = {"demo_base_url": "http://from-yml:1"}
    assert site_settings(extra, tmp_path, environ={}).demo_base_url == "http://from-yml:1"
    assert site_settings(extra, tmp_path, environ={"KB_DEMO_BASE_URL": "http://env:2"}
                         ).demo_base_url == "http://env:2"
    assert site_settings({}, tmp_path, environ={}).demo_base_url == "http://localhost:8501"


# -- entry pages --------------------------------------------------------------------------

def test_entry_page_lists_cites_and_cited_by_with_relative_links(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("ho-2020-denoising"))
    cites = _section(page, "Cites")
    assert 'href="../../entries/sohl-dickstein-2015-deep/"' in cites
    cited_by = _section(page, "Cited by")
    # Every entry whose cites names ho-2020-denoising, oldest first, then by id.
    assert re.findall(r'href="\.\./\.\./entries/([a-z0-9-]+)/"', cited_by) == [
        "song-2020-denoising", "salimans-2022-progressive", "yang-2022-diffusion",
        "xss-2024-probe"]


def test_entry_page_shows_its_sources_and_whether_its_cites_were_read(ctx: SiteContext
                                                                      ) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("song-2020-denoising"))
    sources = _section(page, "Sources")
    assert '<a href="https://arxiv.org/abs/2010.02502" rel="noopener noreferrer">' in sources
    assert 'href="https://arxiv.org/html/2010.02502v4"' in sources
    assert "from the reference list of 2010.02502v4" in sources
    assert "Read from its own reference list" in _section(page, "Cites")
    unsourced = render_entry_page(ctx, ctx.catalog.get("ho-2020-denoising"))
    assert "not recorded yet" in _section(unsourced, "Sources")
    assert "Not yet checked against its reference list" in _section(unsourced, "Cites")
    tutorial = render_entry_page(ctx, ctx.catalog.get("diffusion-intro-zh"))
    assert "## Sources" not in tutorial  # only papers and surveys need sources


def test_entry_page_escapes_its_source_urls(ctx: SiteContext) -> None:
    sources = _section(render_entry_page(ctx, ctx.catalog.get("xss-2024-probe")), "Sources")
    assert "<script>" not in sources
    assert ('href="https://example.org/?s=&quot;&gt;&lt;script&gt;window.__xss=&#x27;source'
            "&#x27;&lt;/script&gt;\"") in sources


def test_related_entries_come_with_their_scores(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("song-2020-denoising"))
    related = _section(page, "Related")
    found = re.findall(r'<span class="kb-score"[^>]*>([0-9.]+)</span>.*?'
                       r'href="\.\./\.\./(?:entries|methods)/([a-z0-9-]+)/"', related)
    # score = co-cited + shared references + linked + ½·shared topics + ¼·shared tags:
    # ho: 2 co-citations (salimans, yang cite both) + linked + history = 3.5;
    # salimans: shares ho + linked + fast-sampling + tag fast-sampling = 2.75;
    # yang: shares ho + linked = 2; ddim: linked + fast-sampling + tag ddim = 1.75;
    # xss: shares ho + history = 1.5
    assert found[:5] == [("3.50", "ho-2020-denoising"), ("2.75", "salimans-2022-progressive"),
                         ("2.00", "yang-2022-diffusion"), ("1.75", "ddim"),
                         ("1.50", "xss-2024-probe")]


def test_entry_page_has_its_bibtex_escaped(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("ho-2020-denoising"))
    bibtex = _section(page, "BibTeX")
    assert "{ho2020denoising," in bibtex
    assert "title = {Denoising Diffusion Probabilistic Models}" in bibtex
    hostile = _section(render_entry_page(ctx, ctx.catalog.get("xss-2024-probe")), "BibTeX")
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_entry_page_front_matter_escapes_title_and_tags(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("xss-2024-probe"))
    front = page.split("---")[1]
    assert "<script>" not in front and "&lt;script&gt;" in front


def test_entry_page_marks_its_year_on_the_strip(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("salimans-2022-progressive"))
    strip = _section(page, "On the timeline")
    years = re.findall(r"#year-(\d{4})", strip)
    assert years == [str(y) for y in range(2015, 2025)]  # 2015 … newest entry (2024)
    assert '<li class="is-current"><a href="../../timeline/#year-2022">2022</a>' in strip


def test_neighbourhood_holds_the_entry_and_its_one_hop_neighbours(ctx: SiteContext) -> None:
    entry = ctx.catalog.get("song-2020-denoising")
    data = neighbourhood_data(ctx, urls.entry_src(entry), entry)
    ids = {n["id"] for n in data["nodes"]}
    # cites ho; cited by salimans and yang; built upon by salimans; introduces ddim.
    assert ids == {"song-2020-denoising", "ho-2020-denoising", "salimans-2022-progressive",
                   "yang-2022-diffusion", "ddim"}
    assert [n["id"] for n in data["nodes"] if n["self"]] == ["song-2020-denoising"]
    # not a cite: nothing to verify (drawn solid, not dashed)
    assert {"source": "song-2020-denoising", "target": "ddim", "type": "introduces",
            "verified": None} in data["edges"]
    # DDIM's cites were read from its reference list (sources.references); yang's were not.
    assert {"source": "song-2020-denoising", "target": "ho-2020-denoising", "type": "cites",
            "verified": True} in data["edges"]
    assert {"source": "yang-2022-diffusion", "target": "song-2020-denoising",
            "type": "reviews", "verified": False} in data["edges"]


def test_neighbourhood_json_in_the_page_is_script_safe(ctx: SiteContext) -> None:
    page = render_entry_page(ctx, ctx.catalog.get("xss-2024-probe"))
    script = re.search(r'<script type="application/json" id="kb-neighbourhood-data">(.*?)'
                       r"</script>", page, re.S).group(1)
    assert "<" not in script and "\u2028" not in script
    nodes = json.loads(script)["nodes"]
    assert nodes[0]["title"] == ctx.catalog.get("xss-2024-probe").title


# -- method pages -------------------------------------------------------------------------

def test_method_page_escapes_equations_inside_display_maths(ctx: SiteContext) -> None:
    page = render_method_page(ctx, ctx.catalog.get("ddim"))
    equations = re.findall(r'<div class="arithmatex kb-equation">(.*?)</div>', page)
    assert len(equations) == 2
    assert equations[1] == r"\[a &lt; b \quad\text{and}\quad b &gt; a\]"


def test_method_page_embeds_the_demo_file_and_links_the_demo(ctx: SiteContext) -> None:
    page = render_method_page(ctx, ctx.catalog.get("ddim"))
    assert 'href="http://demo.test:9000/ddim?steps=20"' in page
    assert "<code>kb demo ddim</code>" in page
    # the file as it is on disk, in a fence longer than the ``` inside it
    assert '\n```` python title="demos/ddim.py"\n"""DDIM in five lines."""\nx = "```"\n````\n' \
        in page


def test_method_page_without_its_demo_file_says_where_it_will_be(ctx: SiteContext) -> None:
    page = render_method_page(ctx, ctx.catalog.get("ddpm"))  # no ddpm.py in the tmp demos
    assert "will live in <code>demos/ddpm.py</code>" in page
    assert 'href="http://demo.test:9000/ddpm?steps=1000"' in page


def test_lineage_goes_back_through_builds_on(ctx: SiteContext) -> None:
    def builds_on(entry_id: str) -> list[str]:
        return ctx.catalog.entries[entry_id].builds_on

    built_upon_by = ctx.built_upon_by
    nodes, edges = lineage("progressive-distillation", builds_on, built_upon_by)
    assert [(n.entry_id, n.generation) for n in nodes] == [
        ("ddpm", -2), ("ddim", -1), ("progressive-distillation", 0)]
    assert edges == [("ddim", "progressive-distillation"), ("ddpm", "ddim")]
    nodes, _ = lineage("ddpm", builds_on, built_upon_by)
    assert [(n.entry_id, n.generation) for n in nodes] == [("ddpm", 0), ("ddim", 1)]


def test_lineage_svg_is_in_the_method_page_and_links_ancestors(ctx: SiteContext) -> None:
    page = render_method_page(ctx, ctx.catalog.get("progressive-distillation"))
    svg = _section(page, "Lineage")
    assert '<a href="../../methods/ddim/"' in svg and '<a href="../../methods/ddpm/"' in svg
    assert ">DDIM</text>" in svg


def test_short_labels_use_the_acronym_in_parentheses(catalog: Catalog) -> None:
    assert short_label(catalog.get("ddim")) == "DDIM"
    assert short_label(catalog.get("progressive-distillation")) == "Progressive Distillation"


@pytest.mark.parametrize(("name", "file"), [
    ("ddpm", "ddpm.py"), ("score-sde", "score_sde.py"), ("flow-matching", "flow_matching.py"),
    ("progressive-distillation", "distill.py"), ("consistency-models", "consistency.py"),
    ("rectified-flow", "rectified_flow.py"), ("../../etc/passwd", None), ("a b", None),
])
def test_demo_names_map_to_files_in_demos(name: str, file: str | None) -> None:
    assert demo_file_name(name) == file


def test_demo_url_carries_the_steps() -> None:
    assert demo_url("http://localhost:8501", "score-sde", 7) == \
        "http://localhost:8501/score-sde?steps=7"


def test_find_demo_of_an_unsafe_name_is_none(tmp_path: Path) -> None:
    assert find_demo(tmp_path, "../secrets", "http://x") is None


def test_fenced_code_outgrows_any_backtick_run() -> None:
    assert fenced_code("a = '`````'", "python").startswith("\n`````` python\n")


# -- timeline, nav, home, graph -----------------------------------------------------------

def test_timeline_has_every_year_from_2015_to_the_newest(catalog: Catalog) -> None:
    timeline = group_by_year(list(catalog), 2015)
    assert list(timeline.years) == list(range(2015, 2025))
    assert timeline.years[2016] == []
    assert [e.id for e in timeline.years[2020]] == [
        "ho-2020-denoising", "song-2020-denoising", "ddim", "ddpm"]  # dated first, by date
    assert timeline.earlier == [] and timeline.undated == []


def test_timeline_items_carry_kind_and_ancestor_topics(ctx: SiteContext) -> None:
    page = render_timeline_page(ctx)
    item = re.search(r'<li class="kb-timeline-item" data-kind="method" '
                     r'data-topics="([^"]*)"><span[^>]*>method</span> <a href="../methods/ddim/"',
                     page)
    assert item and item.group(1) == "fast-sampling methods"
    assert page.count("<h2") == 0 and page.count("\n## ") == 10
    assert "\n## 2016 { #year-2016 data-search-exclude }\n" in page


def test_navigation_has_the_tabs_and_no_entry_pages(ctx: SiteContext) -> None:
    nav = site_nav(ctx)
    assert [next(iter(item)) for item in nav] == [
        "Home", "Topics", "Methods", "Timeline", "Graph", "Results", "Catalog", "Guide"]
    flat = json.dumps(nav)
    assert "entries/" not in flat
    assert "methods/ddim.md" in flat and "topics/fast-sampling.md" in flat
    assert "<i>" not in flat and "&lt;i&gt;Probe&lt;/i&gt;" in flat


def test_home_markers_are_filled(ctx: SiteContext) -> None:
    home = fill_home("a\n<!-- kb:stats -->\n<!-- kb:newest -->\n<!-- kb:topic-map -->\n", ctx)
    assert "<!-- kb:" not in home
    assert "<strong>10</strong> entries" in home
    newest = re.findall(r'href="(?:entries|methods)/([a-z0-9-]+)/"', home)
    # by date; an entry with a year only counts as the end of that year (ties: id, reversed)
    assert newest[:5] == ["xss-2024-probe", "diffusion-intro-zh", "yang-2022-diffusion",
                          "progressive-distillation", "salimans-2022-progressive"]
    assert 'href="topics/fast-sampling/"' in home


def test_graph_data_has_every_entry_and_typed_edges(ctx: SiteContext) -> None:
    data = full_graph_data(ctx)
    assert sorted(n["id"] for n in data["nodes"]) == sorted(ctx.catalog.entries)
    edges = {(e["source"], e["target"], e["type"]) for e in data["edges"]}
    assert ("salimans-2022-progressive", "song-2020-denoising", "builds_on") in edges
    assert ("ddim", "ddpm", "builds_on") in edges
    assert ("ho-2020-denoising", "ddpm", "introduces") in edges
    assert ("diffusion-intro-zh", "ddpm", "introduces") in edges  # a tutorial's methods
    assert ("yang-2022-diffusion", "song-2020-denoising", "reviews") in edges  # a survey cites
    expected_cites = sum(len(e.cites) for e in ctx.catalog if e.kind != "survey")
    assert sum(1 for e in edges if e[2] == "cites") == expected_cites
    node = next(n for n in data["nodes"] if n["id"] == "ddim")
    assert node["url"] == "../methods/ddim/"
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])


def test_layout_separates_components_and_is_reproducible() -> None:
    edges = [("a", "b", "cites"), ("b", "c", "cites")]
    first = layout_positions(["a", "b", "c", "lonely"], edges)
    assert first == layout_positions(["a", "b", "c", "lonely"], edges)
    assert len(set(first.values())) == 4


def test_every_page_is_generated_once(ctx: SiteContext) -> None:
    files = generate_site_files(ctx)
    entry_pages = [s for s in files if s.startswith("entries/")]
    method_pages = [s for s in files if s.startswith("methods/") and s != "methods/index.md"]
    assert len(entry_pages) == 7 and len(method_pages) == 3
    assert {f"topics/{t}.md" for t in ctx.catalog.topics} <= set(files)
    assert "catalog/papers.md" in files and "catalog/tags.md" in files
    assert json.loads(files["assets/data/graph.json"])["nodes"]


def _section(page: str, title: str) -> str:
    """The text between the heading ``## title`` (with any ``{ attributes }``) and the next."""
    start = re.search(rf"\n## {re.escape(title)}( {{[^}}]*}})?\n", page).start()
    end = page.find("\n## ", start + 1)
    return page[start:end if end >= 0 else None]


def test_method_pages_show_the_first_benchmark_table_when_it_exists(
        catalog: Catalog, tmp_path: Path) -> None:
    from kb.site.demos import Demo
    from kb.site.method_page import quality_section as section_of

    demos_dir = tmp_path / "demos"
    demos_dir.mkdir()
    site = SiteContext(catalog, SiteSettings(demos_dir=demos_dir))

    def quality_section(demos_dir: Path, demo: Demo | None) -> str:
        # A method whose paper reports nothing: the section is the demo's table alone.
        method = catalog.entries["progressive-distillation"]
        return section_of(site, urls.entry_src(method), method, demo)

    demo = Demo("ddim", "demos/ddim.py", "", "http://localhost:8501/ddim", "kb demo ddim")
    assert quality_section(demos_dir, demo) == ""  # no benchmark yet: no section
    results = tmp_path / "benchmarks" / "results"
    results.mkdir(parents=True)
    (results / "nfe_quality.md").write_text(
        "# Quality\n\ntext\n\n| sampler | NFE |\n|---|---:|\n| DDIM | 20 |\n\nmore\n\n"
        "| other | table |\n|---|---|\n", encoding="utf-8")
    section = quality_section(demos_dir, demo)
    assert "| DDIM | 20 |" in section and "| other |" not in section
    assert quality_section(demos_dir, None) == ""  # methods without a demo
    (results / "ldm_vs_pixel.md").write_text("| model | GFLOPs |\n|---|---:|\n| pixel | 14.98 |\n",
                                             encoding="utf-8")
    assert "| pixel | 14.98 |" not in quality_section(demos_dir, demo)
    ldm = Demo("ldm", "demos/ldm.py", "", "http://localhost:8501/ldm", "kb demo ldm")
    section = quality_section(demos_dir, ldm)
    assert "| DDIM | 20 |" in section and "| pixel | 14.98 |" in section


def test_a_demo_page_shows_the_files_it_builds_on_after_its_own(ctx: SiteContext,
                                                                tmp_path: Path) -> None:
    from kb.site.method_page import demo_section

    (tmp_path / "ldm.py").write_text("LATENT = 1\n", encoding="utf-8")
    assert find_demo(tmp_path, "ldm", "http://x").companions == ()  # no autoencoder file yet
    (tmp_path / "autoencoder.py").write_text("ENCODER = 2\n", encoding="utf-8")
    demo = find_demo(tmp_path, "ldm", "http://x")
    assert demo.companions == (("demos/autoencoder.py", "ENCODER = 2\n"),)
    page = demo_section(ctx, demo)
    assert page.index("LATENT = 1") < page.index("ENCODER = 2")
    assert 'title="demos/autoencoder.py"' in page
