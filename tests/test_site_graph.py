"""The graph page's data and layouts (kb.site.graph_data, kb.site.graph_layouts, graph_page),
on tests/data/site_catalog/ — expected values read from its files:

    sohl-dickstein-2015-deep  2015-03-12  history         ho-2020-denoising  2020-06-19  history
    song-2020-denoising       2020-10-06  history, fast   ddpm (method)      2020        history
    salimans-2022-progressive 2022-02-01  fast-sampling   xss-2024-probe     2024-05-01  probes
    ho-2020-denoising is cited by song, salimans, xss (cites) and yang (reviews): 4 times.
    Only song-2020-denoising has sources.references: its one cite is verified.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.models import Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.graph_data import LAYOUTS, full_graph_data, graph_label
from kb.site.graph_layouts import (
    EMPTY_YEAR_WIDTH,
    MIN_GAP,
    QUIET_YEAR_WIDTH,
    YEAR_WIDTH,
    YearScale,
    citation_band,
    citation_bands,
    lanes,
    release_x,
)
from kb.site.graph_page import render_graph_page
from kb.site.pages import generate_site_files

SITE_CATALOG = Path(__file__).parent / "data" / "site_catalog"


@pytest.fixture(scope="module")
def ctx() -> SiteContext:
    return SiteContext(Catalog.load(SITE_CATALOG))


@pytest.fixture(scope="module")
def data(ctx: SiteContext) -> dict:
    return full_graph_data(ctx)


def _node(data: dict, entry_id: str) -> dict:
    return next(n for n in data["nodes"] if n["id"] == entry_id)


def test_every_node_has_a_position_in_every_layout(data: dict) -> None:
    assert data["default_layout"] == "timeline"
    assert set(data["layouts"]) == {"timeline", "citations", "topics"}
    for node in data["nodes"]:
        assert set(node["positions"]) == set(LAYOUTS)
        assert [node["x"], node["y"]] == node["positions"]["timeline"]
    for name in LAYOUTS:  # no two nodes on one spot
        spots = {tuple(n["positions"][name]) for n in data["nodes"]}
        assert len(spots) == len(data["nodes"]), name


def test_timeline_x_is_the_release_date_on_columns_as_wide_as_the_year_is_busy(data: dict
                                                                             ) -> None:
    def x(entry_id: str) -> float:
        return _node(data, entry_id)["positions"]["timeline"][0]

    # Entries per year: 2015 1, 2020 4 (the busiest), 2022 3, 2023 1, 2024 1; none in
    # 2016–2019 and 2021. Widths: W·√(n/4), at least QUIET; empty years EMPTY.
    w2015 = max(QUIET_YEAR_WIDTH, YEAR_WIDTH * 0.5)
    start2020 = w2015 + 4 * EMPTY_YEAR_WIDTH
    start2022 = start2020 + YEAR_WIDTH + EMPTY_YEAR_WIDTH
    start2023 = start2022 + YEAR_WIDTH * (3 / 4) ** 0.5
    # 2020-06-19 is day 171 of a leap year; ddpm has no date: mid-year
    assert x("ho-2020-denoising") == pytest.approx(start2020 + 170.5 / 366 * YEAR_WIDTH, abs=0.1)
    assert x("ddpm") == pytest.approx(start2020 + YEAR_WIDTH / 2)
    assert x("sohl-dickstein-2015-deep") < x("ho-2020-denoising") < x("song-2020-denoising")
    ticks = data["layouts"]["timeline"]["x_ticks"]
    assert [t[0] for t in ticks] == ["2015", "2020", "2022", "2023", "2024", "2025"]
    assert [t[1] for t in ticks] == pytest.approx(
        [0, start2020, start2022, start2023, start2023 + w2015, start2023 + 2 * w2015], abs=0.1)


def test_timeline_rows_are_first_topics_in_topic_order(data: dict) -> None:
    bands = data["layouts"]["timeline"]["bands"]
    assert [b[0] for b in bands] == ["History", "Fast sampling and distillation", "Surveys",
                                     '<i>Probe</i> topic "</script><script>window.__xss='
                                     "'topic'</script>"]
    history = bands[0]
    for entry_id in ("sohl-dickstein-2015-deep", "ho-2020-denoising", "song-2020-denoising",
                     "ddpm", "diffusion-intro-zh"):
        y = _node(data, entry_id)["positions"]["timeline"][1]
        assert history[1] < y < history[2], entry_id


def test_citation_rows_put_the_most_cited_on_top(data: dict) -> None:
    bands = data["layouts"]["citations"]["bands"]
    assert [b[0] for b in bands] == ["cited 4–7×", "cited 2–3×", "cited 1×", "cited 0×"]
    assert _node(data, "ho-2020-denoising")["cited_by"] == 4
    ho_y = _node(data, "ho-2020-denoising")["positions"]["citations"][1]
    assert bands[0][1] < ho_y < bands[0][2]


def test_topic_blocks_keep_a_topic_together(data: dict) -> None:
    labels = {label[0]: (label[1], label[2]) for label in data["layouts"]["topics"]["labels"]}
    assert set(labels) == {"History", "Fast sampling and distillation", "Surveys",
                           '<i>Probe</i> topic "</script><script>window.__xss=\'topic\'</script>'}
    history_x = labels["History"][0]
    xs = [_node(data, i)["positions"]["topics"][0] for i in ("ho-2020-denoising", "ddpm")]
    assert all(history_x < x < labels["Fast sampling and distillation"][0] for x in xs)


def test_lanes_separate_nodes_closer_than_the_gap() -> None:
    found = lanes([("a", 0.0), ("b", MIN_GAP / 2), ("c", MIN_GAP), ("d", 3 * MIN_GAP)])
    assert found == {"a": 0, "b": 1, "c": 0, "d": 0}


@pytest.mark.parametrize(("count", "band"), [(0, "cited 0×"), (1, "cited 1×"), (2, "cited 2–3×"),
                                             (3, "cited 2–3×"), (4, "cited 4–7×"),
                                             (8, "cited 8–15×"), (15, "cited 8–15×")])
def test_citation_band(count: int, band: str) -> None:
    assert citation_band(count) == band


def test_citation_bands_reach_the_largest_count() -> None:
    assert citation_bands(5) == ["cited 4–7×", "cited 2–3×", "cited 1×", "cited 0×"]
    assert citation_bands(0) == ["cited 1×", "cited 0×"]


def test_release_x_of_an_undated_entry_is_none() -> None:
    assert release_x(Entry(id="x", kind="paper", title="x"), YearScale([2015])) is None


def test_entries_with_a_year_only_spread_across_its_column() -> None:
    from kb.site.graph_layouts import band_xs

    scale = YearScale([2020, 2020, 2020, 2021])  # 2020 busiest: YEAR_WIDTH wide, from 0
    entries = [Entry(id=i, kind="paper", title=i, year=2020) for i in ("b", "a")]
    entries.append(Entry(id="u", kind="paper", title="u"))
    xs = dict(band_xs(entries, scale))
    assert xs["a"] == pytest.approx(YEAR_WIDTH / 4) and xs["b"] == pytest.approx(
        3 * YEAR_WIDTH / 4)
    assert xs["u"] < 0  # undated: left of the first year


def test_one_topic_title_twice_makes_two_bands(ctx: SiteContext) -> None:
    from kb.site.graph_layouts import banded_timeline

    entries = [Entry(id="a", kind="paper", title="a", year=2020, topics=["video"]),
               Entry(id="b", kind="survey", title="b", year=2021, topics=["survey-video"])]
    layout = banded_timeline(entries, lambda e: e.topics[0], ["video", "survey-video"],
                             lambda key: "Video")
    assert [band[0] for band in layout.bands] == ["Video", "Video"]
    assert layout.positions["a"][1] < layout.bands[0][2] < layout.positions["b"][1]


def test_edges_say_whether_they_were_read_from_a_reference_list(data: dict) -> None:
    verified = {(e["source"], e["target"]) for e in data["edges"] if e["verified"]}
    assert verified == {("song-2020-denoising", "ho-2020-denoising")}


@pytest.mark.parametrize(("title", "authors", "year", "label"), [
    ("Lumiere: A Space-Time Diffusion Model for Video Generation", ["Omer Bar-Tal"], 2024,
     "Lumiere"),
    ("Denoising Diffusion Implicit Models (DDIM)", ["Jiaming Song"], 2020, "DDIM"),
    ("Denoising Diffusion Implicit Models", ["Jiaming Song"], 2020, "Song 2020"),
    ("Short", [], None, "Short"),
])
def test_graph_label(title: str, authors: list[str], year: int | None, label: str) -> None:
    entry = Entry(id="x", kind="paper", title=title, authors=authors, year=year)
    assert graph_label(entry) == label


def test_graph_json_is_safe_to_embed(ctx: SiteContext) -> None:
    text = generate_site_files(ctx)[urls.GRAPH_DATA]
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["nodes"][0]["id"]


def test_graph_page_offers_layouts_and_filters_escaped(ctx: SiteContext) -> None:
    page = render_graph_page(ctx, full_graph_data(ctx))
    layouts = re.findall(r'<option value="([a-z]+)"( selected)?>', page.split("kb-graph-kind")[0])
    assert [value for value, _ in layouts] == ["timeline", "citations", "topics", "network"]
    assert dict(layouts)["timeline"] == " selected"
    assert 'id="kb-graph-verified"' in page and 'id="kb-graph-count"' in page
    topic_select = page.split('id="kb-graph-topic"')[1].split("</select>")[0]
    assert '<option value="fast-sampling">— Fast sampling and distillation</option>' in \
        topic_select
    assert "&lt;i&gt;Probe&lt;/i&gt; topic &quot;&lt;/script&gt;" in topic_select
    assert "<script>" not in page
    assert "1 of the cites were read from the citing work's own reference list" in page


def test_the_undated_column_is_labelled_in_the_sites_language(tmp_path: Path) -> None:
    """Undated entries stand left of the first year, under a tick in the site's words."""
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(SITE_CATALOG, catalog)
    (catalog / "lists").mkdir()
    (catalog / "lists" / "awesome-undated.yaml").write_text(
        "id: awesome-undated\nkind: list\ntitle: An undated list\n"
        "url: https://example.org/list\ntopics: [history]\n", encoding="utf-8")
    english = SiteContext(Catalog.load(catalog, use_cache=False))
    for lang, label in (("en", "undated"), ("zh-TW", "未註明年份")):
        data = json.loads(generate_site_files(english.in_language(lang))[urls.GRAPH_DATA])
        for layout in ("timeline", "citations"):
            ticks = data["layouts"][layout]["x_ticks"]
            assert ticks[0] == [label, -QUIET_YEAR_WIDTH], (lang, layout)
            assert _node(data, "awesome-undated")["positions"][layout][0] < 0
