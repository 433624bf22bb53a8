"""The graph page's build-time picture (kb/site/graph_preview.py): nodes and edges where
Cytoscape will draw them, in graph.js's colours and sizes, with no catalog text in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kb.site.graph_preview import (
    DASH_SHARE,
    EDGE_COLOURS,
    EDGE_OPACITY,
    FIT_MARGIN,
    KIND_COLOURS,
    fit_box,
    node_size,
    preview_svg,
)

GRAPH_JS = (Path(__file__).resolve().parent.parent / "site" / "assets" / "javascripts" /
            "graph.js").read_text(encoding="utf-8")


def _js_table(name: str) -> dict[str, str]:
    body = re.search(rf"var {name} = \{{(.*?)\}};", GRAPH_JS, re.S).group(1)
    return dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', body))


def test_colours_and_sizes_are_graph_js_ones() -> None:
    assert _js_table("KIND_COLOURS") == KIND_COLOURS
    assert _js_table("EDGE_COLOURS") == EDGE_COLOURS
    assert "return Math.min(12 + 2.5 * Math.sqrt(node.cited_by), 26);" in GRAPH_JS
    assert 'if (typeof node.cited_by !== "number") return 14;' in GRAPH_JS
    assert node_size(None) == 14 and node_size(4) == 17 and node_size(1000) == 26
    assert f'"opacity": {EDGE_OPACITY}' in GRAPH_JS
    assert '"line-dash-pattern": [4, 3]' in GRAPH_JS and DASH_SHARE == 4 / 7


DATA = {
    "nodes": [
        {"id": "a", "kind": "paper", "x": 0, "y": 0, "cited_by": 0,
         "title": "<script>alert(1)</script>"},
        {"id": "b", "kind": "method", "x": 100, "y": 50, "cited_by": 4},
        {"id": "c", "kind": "survey", "x": 40, "y": 200, "cited_by": 1},
        {"id": "lost", "kind": "paper"},  # no position: left out
    ],
    "edges": [
        {"source": "a", "target": "b", "type": "introduces", "verified": None},
        {"source": "c", "target": "a", "type": "cites", "verified": True},
        {"source": "c", "target": "b", "type": "cites", "verified": False},
        {"source": "lost", "target": "a", "type": "cites", "verified": False},
    ],
}


def test_the_picture_frames_the_centres_widened_by_the_margin() -> None:
    svg = preview_svg(DATA)
    assert fit_box(DATA["nodes"][:3]) == (-FIT_MARGIN, -FIT_MARGIN, 100 + 2 * FIT_MARGIN,
                                          200 + 2 * FIT_MARGIN)
    assert 'viewBox="-13 -13 126 226"' in svg
    assert 'preserveAspectRatio="xMidYMid meet"' in svg
    assert "top:30px;left:30px;width:calc(100% - 60px);height:calc(100% - 60px)" in svg


def test_edges_lie_below_nodes_one_path_per_colour_and_style() -> None:
    svg = preview_svg(DATA)
    edges, nodes = svg.split("</g>")
    assert re.findall(r'stroke="([^"]+)" stroke-opacity="([^"]+)" d="([^"]+)"', edges) == [
        ("#9e9e9e", "0.55", "M40 200L0 0"),
        ("#9e9e9e", "0.31", "M40 200L100 50"),  # a cite not read from a reference list
        ("#ff9800", "0.55", "M0 0L100 50"),
    ]
    fills = dict(re.findall(r'<path fill="([^"]+)" d="([^"]+)"/>', nodes))
    assert fills == {
        "#3f51b5": "M-6 0a6 6 0 1 0 12 0a6 6 0 1 0 -12 0",  # a paper cited 0 times: 12 wide
        "#009688": "M32.8 200a7.2 7.2 0 1 0 14.5 0a7.2 7.2 0 1 0 -14.5 0",  # cited once
        "#f44336": "M91.5 50a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0 -17 0",
    }


def test_no_catalog_text_reaches_the_picture() -> None:
    svg = preview_svg(DATA)
    assert "script" not in svg and "alert" not in svg and "<text" not in svg
    assert json.dumps(DATA)  # the data itself is unchanged
