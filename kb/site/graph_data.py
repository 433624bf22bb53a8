"""Graph data for the browser: the whole citation graph (``assets/data/graph.json``) and each
entry's 1-hop neighbourhood (embedded in its page).

Nodes are catalog entries; edges are the entry-to-entry edges of :mod:`kb.graph` (``cites``,
``builds_on``, ``introduces``, ``reviews``); ``cites`` and ``reviews`` edges say whether they
were read from the citing entry's reference list (``verified``).
The full graph carries precomputed positions for each layout — ``timeline``, ``citations``
and ``topics`` (:mod:`kb.site.graph_layouts`) and ``network`` (a seeded force-directed
layout) — so the page draws at once and looks the same on every visit. Each node also
carries its topics with their ancestors (for the topic filter) and how often the catalog
cites it (its size). URLs are relative to the page that shows the graph.
"""

from __future__ import annotations

import math

import numpy as np

from kb.graph import VERIFIABLE_EDGES
from kb.models import Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.graph_layouts import (
    NO_TOPIC,
    Layout,
    banded_timeline,
    citation_band,
    citation_bands,
    topic_blocks,
)
from kb.site.graph_preview import FIT_MARGIN, FIT_PADDING_PX
from kb.site.lineage import short_label

NEIGHBOURHOOD_LIMIT = 40
NODE_SPACING = 40.0  # roughly the distance between neighbouring nodes, in graph units
LAYOUT_SEED = 7


def node_data(entry: Entry, url: str) -> dict[str, object]:
    return {"id": entry.id, "label": short_label(entry), "title": entry.title,
            "kind": entry.kind, "year": entry.year, "url": url}


def edge_data(ctx: SiteContext, source: str, target: str, kind: str) -> dict[str, object]:
    """An edge for graph.js; ``verified`` says whether a cite (or a survey's review) was read
    from the citing entry's reference list, and is null on the edges that are not cites
    (builds on, introduces), which are drawn solid."""
    verified = ctx.graph.is_verified(source, target, kind) if kind in VERIFIABLE_EDGES else None
    return {"source": source, "target": target, "type": kind, "verified": verified}


DEFAULT_LAYOUT = "timeline"
LAYOUTS = ("timeline", "citations", "topics", "network")


def graph_label(entry: Entry) -> str:
    """A short label for the big graph: the name before a title's colon (``Lumiere``) or its
    acronym in parentheses (``DDIM``); else the first author's family name and the year
    (``Song 2020``); else :func:`short_label`."""
    head = entry.title.split(":", 1)[0].strip()
    if ":" in entry.title and 0 < len(head) <= 20:
        return head
    label = short_label(entry)
    if label != entry.title and not label.endswith("…"):
        return label  # an acronym
    if entry.kind in ("paper", "survey") and entry.authors and entry.year:
        family = entry.authors[0].split()[-1] if entry.authors[0].split() else ""
        return f"{family} {entry.year}".strip()
    return label


def full_graph_data(ctx: SiteContext) -> dict[str, object]:
    """Every entry as a node with its position in every layout (``x, y``: the default one),
    every edge, and the axes of each layout, for the graph page."""
    edges = ctx.edges
    entries = sorted(ctx.catalog, key=lambda e: e.id)
    cited_by = dict.fromkeys(ctx.catalog.entries, 0)
    for _, target, kind in edges:
        if kind in VERIFIABLE_EDGES:
            cited_by[target] += 1
    layouts = readable_layouts(ctx, entries, cited_by)
    force = layout_positions(list(ctx.catalog.entries), edges)
    nodes = []
    for entry in entries:
        node = node_data(entry, ctx.entry_href(urls.GRAPH, entry))
        node["label"] = graph_label(entry)
        node["topics"] = sorted({a for t in entry.topics for a in ctx.topic_ancestors(t)})
        node["cited_by"] = cited_by[entry.id]
        node["positions"] = {name: list(layout.positions[entry.id])
                             for name, layout in layouts.items()}
        node["positions"]["network"] = list(force[entry.id])
        node["x"], node["y"] = node["positions"][DEFAULT_LAYOUT]
        nodes.append(node)
    return {"nodes": nodes,
            "edges": [edge_data(ctx, s, t, kind) for s, t, kind in edges],
            "layouts": {name: layout.axes() for name, layout in layouts.items()},
            "default_layout": DEFAULT_LAYOUT,
            # how graph-page.js fits nodes into view, as the build-time picture does
            "fit": {"margin": FIT_MARGIN, "padding": FIT_PADDING_PX}}


def readable_layouts(ctx: SiteContext, entries: list[Entry], cited_by: dict[str, int]
                     ) -> dict[str, Layout]:
    """The timeline (rows by topic), the timeline with rows by citations, topic blocks."""
    topics = ctx.catalog.topics

    def first_topic(entry: Entry) -> str:
        return next((t for t in entry.topics if t in topics), NO_TOPIC)

    def title(topic_id: str) -> str:  # in the site's language
        return ctx.topic_title(topics[topic_id]) if topic_id in topics else ctx.t("graph.no_topic")

    def cited_label(band: str) -> str:  # "cited 2–3×" → the site's words for it
        return ctx.t("graph.cited", count=band.removeprefix("cited ").removesuffix("×"))

    order = [t for t, _ in ctx.topics_depth_first()] + [NO_TOPIC]
    most = max(cited_by.values(), default=0)
    undated = ctx.t("graph.undated")
    return {
        "timeline": banded_timeline(entries, first_topic, order, title, undated),
        "citations": banded_timeline(entries, lambda e: citation_band(cited_by[e.id]),
                                     citation_bands(most), cited_label, undated),
        "topics": topic_blocks(entries, first_topic, order, title),
    }


def layout_positions(node_ids: list[str], edges: list[tuple[str, str, str]]
                     ) -> dict[str, tuple[float, float]]:
    """Each connected component laid out by :func:`force_layout`, sized by its number of
    nodes, then the components packed in rows, largest first — so a few isolated entries do
    not shrink the main cluster to a dot."""
    placed: dict[str, tuple[float, float]] = {}
    row_width = 3 * NODE_SPACING * math.sqrt(len(node_ids))
    x = y = row_height = 0.0
    for component in connected_components(node_ids, edges):
        radius = NODE_SPACING * math.sqrt(len(component))
        index = {node: i for i, node in enumerate(component)}
        pairs = [(index[s], index[t]) for s, t, _ in edges if s in index and t in index]
        xs, ys = force_layout(len(component), pairs)
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + NODE_SPACING, 0.0
        for node, px, py in zip(component, xs, ys, strict=True):
            placed[node] = (round(x + radius + radius * float(px), 1),
                            round(y + radius + radius * float(py), 1))
        x += 2 * radius + NODE_SPACING
        row_height = max(row_height, 2 * radius)
    return placed


def connected_components(node_ids: list[str], edges: list[tuple[str, str, str]]
                         ) -> list[list[str]]:
    """Components (union–find), each sorted, largest first, ties by first id."""
    parent = {node: node for node in node_ids}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for source, target, _ in edges:
        if source in parent and target in parent:
            parent[root(source)] = root(target)
    groups: dict[str, list[str]] = {}
    for node in sorted(node_ids):
        groups.setdefault(root(node), []).append(node)
    return sorted(groups.values(), key=lambda c: (-len(c), c[0]))


def force_layout(count: int, pairs: list[tuple[int, int]], iterations: int = 50,
                 seed: int = LAYOUT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Fruchterman & Reingold (1991): nodes repel with k²/d, linked nodes attract with d²/k,
    k = 1/√n; each step moves a node at most the temperature t, which cools linearly.
    Vectorised over all pairs (n × n float32 arrays). Citation graphs have a dense core of
    hubs, so distances from the centre are then spread by r → √r (a fisheye) to open it up.
    Returns x, y scaled to [-1, 1]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, count).astype(np.float32)
    y = rng.uniform(-1, 1, count).astype(np.float32)
    if count < 2:
        return np.zeros(count, np.float32), np.zeros(count, np.float32)
    linked = np.zeros((count, count), np.float32)
    for a, b in pairs:
        linked[a, b] = linked[b, a] = 1.0
    k2 = np.float32(1.0 / count)
    k = np.sqrt(k2)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]  # (n, n)
        dy = y[:, None] - y[None, :]
        d2 = np.maximum(dx * dx + dy * dy, np.float32(1e-4))
        # force along (dx, dy) / d:  k²/d − A·d²/k, written over d² to reuse dx, dy
        force = k2 / d2 - linked * np.sqrt(d2) / k
        fx, fy = (dx * force).sum(axis=1), (dy * force).sum(axis=1)
        step = temperature / np.maximum(np.hypot(fx, fy), np.float32(0.01))
        x += fx * step
        y += fy * step
        temperature -= cooling
    x -= x.mean()
    y -= y.mean()
    radius = np.hypot(x, y)
    spread = np.sqrt(radius / max(float(radius.max()), 1e-9)) / np.maximum(radius, 1e-9)
    x, y = x * spread, y * spread
    extent = max(float(np.abs(x).max()), float(np.abs(y).max()), 1e-9)
    return x / extent, y / extent


def neighbourhood_data(ctx: SiteContext, src: str, entry: Entry) -> dict[str, object]:
    """The entry, its 1-hop neighbours (at most :data:`NEIGHBOURHOOD_LIMIT`) and their edges."""
    edges = ctx.edges_by_entry.get(entry.id, [])
    neighbours: list[str] = []
    for source, target, _ in edges:
        other = target if source == entry.id else source
        if other != entry.id and other not in neighbours:
            neighbours.append(other)
    neighbours = neighbours[:NEIGHBOURHOOD_LIMIT]
    shown = {entry.id, *neighbours}
    nodes = [dict(node_data(ctx.catalog.entries[i], ctx.entry_href(src, ctx.catalog.entries[i])),
                  self=i == entry.id) for i in [entry.id, *neighbours]]
    return {"nodes": nodes,
            "edges": [edge_data(ctx, s, t, kind) for s, t, kind in edges
                      if s in shown and t in shown]}
