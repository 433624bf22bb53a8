"""A method's lineage as a small inline SVG: what it builds on (``builds_on``, transitively)
on the left, the method in the middle, what builds on it on the right.

No JavaScript and no external library: the diagram is drawn here, columns by generation,
boxes linking to the pages. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.models import Entry
from kb.site.html import esc

BOX_W, BOX_H = 190, 40
COL_GAP, ROW_GAP, MARGIN = 56, 14, 8
LABEL_CHARS = 26
MAX_DEPTH = 4


@dataclass(frozen=True)
class LineageNode:
    entry_id: str
    generation: int  # < 0 ancestors, 0 the method itself, > 0 descendants


def lineage(entry_id: str, builds_on: Callable[[str], list[str]],
            built_upon_by: Callable[[str], list[str]],
            max_depth: int = MAX_DEPTH) -> tuple[list[LineageNode], list[tuple[str, str]]]:
    """Nodes by generation (breadth-first, nearest generation wins) and ``(older, newer)`` edges.

    Ancestors go back ``max_depth`` generations; descendants one generation forward.
    """
    generation = {entry_id: 0}
    edges: set[tuple[str, str]] = set()
    frontier = [entry_id]
    for depth in range(1, max_depth + 1):
        next_frontier = []
        for node in frontier:
            for parent in builds_on(node):
                edges.add((parent, node))
                if parent not in generation:
                    generation[parent] = -depth
                    next_frontier.append(parent)
        frontier = next_frontier
    for child in built_upon_by(entry_id):
        if child not in generation:
            generation[child] = 1
        edges.add((entry_id, child))
    nodes = [LineageNode(i, g) for i, g in sorted(generation.items(), key=lambda x: (x[1], x[0]))]
    kept = {n.entry_id for n in nodes}
    return nodes, sorted((a, b) for a, b in edges if a in kept and b in kept)


def short_label(entry: Entry) -> str:
    """``Denoising Diffusion Implicit Models (DDIM)`` → ``DDIM``; long titles are cut."""
    title = entry.title
    if title.endswith(")") and "(" in title:
        inner = title[title.rindex("(") + 1:-1].strip()
        if 0 < len(inner) <= LABEL_CHARS:
            return inner
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def lineage_svg(nodes: list[LineageNode], edges: list[tuple[str, str]],
                entries: dict[str, Entry], href: Callable[[Entry], str],
                label: str = "Lineage diagram") -> str:
    """The SVG drawing of :func:`lineage`'s result. ``href`` gives each entry's page link;
    ``label`` names the diagram for screen readers, in the page's language."""
    columns: dict[int, list[str]] = {}
    for node in nodes:
        columns.setdefault(node.generation, []).append(node.entry_id)
    order = sorted(columns)
    tallest = max(len(ids) for ids in columns.values())
    width = 2 * MARGIN + len(order) * BOX_W + (len(order) - 1) * COL_GAP
    height = 2 * MARGIN + tallest * BOX_H + (tallest - 1) * ROW_GAP
    position: dict[str, tuple[int, int]] = {}
    for col, generation in enumerate(order):
        ids = columns[generation]
        top = MARGIN + (height - 2 * MARGIN - (len(ids) * BOX_H + (len(ids) - 1) * ROW_GAP)) // 2
        for row, entry_id in enumerate(ids):
            position[entry_id] = (MARGIN + col * (BOX_W + COL_GAP), top + row * (BOX_H + ROW_GAP))
    lines = []
    for older, newer in edges:
        (x1, y1), (x2, y2) = position[older], position[newer]
        lines.append(f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H // 2}" x2="{x2 - 4}" '
                     f'y2="{y2 + BOX_H // 2}" marker-end="url(#kb-arrow)"/>')
    boxes = []
    for node in nodes:
        entry = entries[node.entry_id]
        x, y = position[node.entry_id]
        cls = "kb-lineage-node kb-lineage-node--self" if node.generation == 0 else \
            "kb-lineage-node"
        boxes.append(
            f'<a href="{esc(href(entry))}" class="{cls}"><title>{esc(entry.title)}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{x + BOX_W // 2}" y="{y + BOX_H // 2}" text-anchor="middle" '
            f'dominant-baseline="central">{esc(short_label(entry))}</text></a>')
    return (f'<svg class="kb-lineage" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{esc(label)}">'
            '<defs><marker id="kb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/>'
            f'</marker></defs><g class="kb-lineage-edges">{"".join(lines)}</g>'
            f'{"".join(boxes)}</svg>')
