"""The graph page's first picture: every node and edge of the default layout, drawn at build time
as an inline SVG that the page shows until the visitor first points at, touches or tabs into
the graph; then Cytoscape.js takes over at the very same place and scale (``graph-page.js``).

Starting Cytoscape on 357 nodes and 827 edges blocks the browser's main thread for
150–300 ms, enough to cost the page its Lighthouse performance score (issue #18); a visitor who
only looks at the picture never pays for it, and one who reaches for the graph has it by the
time the pointer arrives. This is the "facade" Lighthouse recommends for heavy embeds.

The picture and the live graph agree because both map the nodes' centres, widened by
``FIT_MARGIN`` graph units, into the graph's box less ``FIT_PADDING_PX`` on each side,
centred, at the largest scale that fits: the SVG by its ``viewBox`` (``preserveAspectRatio``
meet) in a box inset by the padding, ``graph-page.js`` by the same arithmetic,
with both numbers read from ``graph.json``. The colours and sizes are ``graph.js``'s
(``tests/test_graph_preview.py`` keeps the two in step). The picture has no labels: at the
scale that fits the shipped catalog's graph (about 0.2) no label reaches the 8 px Cytoscape
needs to draw one; a much smaller catalog gains its labels when the live graph starts.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kb.site.html import esc

FIT_MARGIN = 13.0  # graph units around each centre: the largest node's radius
FIT_PADDING_PX = 30
# graph.js: KIND_COLOURS, EDGE_COLOURS, nodeSize(), and the edge style (width 1, opacity
# 0.55, verified 0 dashed 4 3).
KIND_COLOURS = {
    "paper": "#3f51b5", "survey": "#009688", "tutorial": "#ff9800", "book": "#795548",
    "repo": "#607d8b", "system": "#e91e63", "list": "#9c27b0", "method": "#f44336",
}
EDGE_COLOURS = {
    "cites": "#9e9e9e", "builds_on": "#f44336", "introduces": "#ff9800", "reviews": "#8bc34a",
}
OTHER_COLOUR = "#9e9e9e"
EDGE_OPACITY = 0.55
DASH_SHARE = 4 / 7  # graph.js dashes unverified cites 4 on, 3 off


def node_size(cited_by: object) -> float:
    """A node's diameter in graph units: larger the more the catalog cites it."""
    if not isinstance(cited_by, int):
        return 14.0
    return min(12 + 2.5 * math.sqrt(cited_by), 26.0)


def fit_box(nodes: list[dict]) -> tuple[float, float, float, float]:
    """x, y, width, height of the nodes' centres widened by FIT_MARGIN: the region both the
    picture and the live graph fit into the graph's box."""
    xs = [float(n["x"]) for n in nodes]
    ys = [float(n["y"]) for n in nodes]
    if not xs:
        return (-FIT_MARGIN, -FIT_MARGIN, 2 * FIT_MARGIN, 2 * FIT_MARGIN)
    return (min(xs) - FIT_MARGIN, min(ys) - FIT_MARGIN,
            max(xs) - min(xs) + 2 * FIT_MARGIN, max(ys) - min(ys) + 2 * FIT_MARGIN)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def preview_svg(data: dict, inset_px: int = FIT_PADDING_PX) -> str:
    """An inline SVG of ``graph.json``'s nodes at their default positions (``x``, ``y``) and
    its edges, edges below nodes as in Cytoscape, placed ``inset_px`` inside its container.

    One path per edge colour and line style and one per node colour (each circle two arcs)
    keep it to a dozen elements, drawn with the page's first paint (about 30 kB for the
    shipped catalog). A dashed edge is drawn solid at the dashes' share of its opacity: at the
    scale of the whole graph a 4-on-3-off dash is under a pixel, and dashing hundreds of long
    lines made the picture take a third of a second to draw."""
    nodes = [n for n in data["nodes"] if isinstance(n.get("x"), (int, float))]
    where = {n["id"]: (n["x"], n["y"]) for n in nodes}
    edges: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for edge in data["edges"]:
        if edge["source"] not in where or edge["target"] not in where:
            continue
        (x1, y1), (x2, y2) = where[edge["source"]], where[edge["target"]]
        dashed = edge.get("verified") is False  # a cite not read from a reference list
        edges[(EDGE_COLOURS.get(edge["type"], OTHER_COLOUR), dashed)].append(
            f"M{_number(x1)} {_number(y1)}L{_number(x2)} {_number(y2)}")
    circles: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        r = node_size(node.get("cited_by")) / 2
        circles[KIND_COLOURS.get(node.get("kind"), OTHER_COLOUR)].append(
            f"M{_number(node['x'] - r)} {_number(node['y'])}"
            f"a{_number(r)} {_number(r)} 0 1 0 {_number(2 * r)} 0"
            f"a{_number(r)} {_number(r)} 0 1 0 {_number(-2 * r)} 0")
    x, y, width, height = fit_box(nodes)
    place = (f"top:{inset_px}px;left:{inset_px}px;width:calc(100% - {2 * inset_px}px);"
             f"height:calc(100% - {2 * inset_px}px)")
    parts = [f'<svg class="kb-graph-preview" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="{_number(x)} {_number(y)} {_number(width)} {_number(height)}" '
             f'preserveAspectRatio="xMidYMid meet" style="{place}" aria-hidden="true" '
             'focusable="false"><g fill="none" stroke-width="1">']
    for (colour, dashed), segments in sorted(edges.items()):
        opacity = EDGE_OPACITY * (DASH_SHARE if dashed else 1)
        parts.append(f'<path stroke="{esc(colour)}" stroke-opacity="{opacity:.2f}" '
                     f'd="{"".join(segments)}"/>')
    parts.append("</g>")
    for colour, shapes in sorted(circles.items()):
        parts.append(f'<path fill="{esc(colour)}" d="{"".join(shapes)}"/>')
    parts.append("</svg>")
    return "".join(parts)
