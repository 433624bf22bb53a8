"""Walking the graph: ancestors and descendants with their depth, and the shortest chain.

``walk`` is a breadth-first search, so each entry is reported at its smallest depth, with the
entry it was first reached from (``via``) and the type of that edge. Neighbours are visited in
id order, which makes ``via`` the same on every run.

``shortest_chain`` looks for a directed chain ``source → … → target`` first, then the other
way (``target → … → source``), and only then ignores directions; each step says which way its
edge points, so ``kb graph path`` can draw the arrows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from kb.graph.citation_graph import check_edge_types

if TYPE_CHECKING:
    from kb.graph.citation_graph import CitationGraph


@dataclass(frozen=True)
class Reached:
    """An entry found by a walk, ``depth`` edges away, first reached from ``via``."""

    id: str
    depth: int
    via: str
    edge: str
    kind: str
    year: int | None
    title: str


@dataclass(frozen=True)
class Step:
    """One edge of a chain: ``source → target`` when ``forward``, else ``source ← target``."""

    source: str
    target: str
    edge: str
    forward: bool


@dataclass(frozen=True)
class Chain:
    """The shortest chain from ``source`` to ``target``.

    ``direction`` is ``forward`` (every edge points from source towards target), ``backward``
    (every edge points the other way) or ``mixed`` (found with directions ignored).
    """

    source: str
    target: str
    direction: str
    steps: tuple[Step, ...]

    @property
    def nodes(self) -> list[str]:
        return [self.source] + [step.target for step in self.steps]

    def arrows(self) -> str:
        """``a —cites→ b ←builds_on— c``."""
        text = self.source
        for step in self.steps:
            arrow = f" —{step.edge}→ " if step.forward else f" ←{step.edge}— "
            text += arrow + step.target
        return text


def walk(graph: CitationGraph, start: str, edges: Sequence[str], max_depth: int | None,
         forward: bool) -> list[Reached]:
    """Entries reachable from ``start`` along ``edges`` (against them unless ``forward``),
    nearest first, then by id."""
    graph.entry(start)
    chosen = check_edge_types(edges)
    if max_depth is not None and max_depth < 1:
        return []
    step = graph.targets if forward else graph.sources
    found: dict[str, tuple[int, str, str]] = {}
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if max_depth is not None and depth >= max_depth:
            continue
        for neighbour, kind in sorted(step(node, chosen)):
            if neighbour != start and neighbour not in found:
                found[neighbour] = (depth + 1, node, kind)
                queue.append((neighbour, depth + 1))
    reached = []
    for node, (depth, via, kind) in found.items():
        entry = graph.entries[node]
        reached.append(Reached(node, depth, via, kind, entry.kind, entry.year, entry.title))
    return sorted(reached, key=lambda r: (r.depth, r.id))


def _steps(view: nx.DiGraph, nodes: list[str]) -> tuple[Step, ...]:
    steps = []
    for here, there in zip(nodes, nodes[1:], strict=False):
        if view.has_edge(here, there):
            steps.append(Step(here, there, view.edges[here, there]["type"], True))
        else:
            steps.append(Step(here, there, view.edges[there, here]["type"], False))
    return tuple(steps)


def shortest_chain(graph: CitationGraph, source: str, target: str, edges: Sequence[str]
                   ) -> Chain | None:
    """The shortest chain of ``edges`` between two entries, or None if they are not joined."""
    graph.entry(source)
    graph.entry(target)
    view = graph.view(edges)
    if source == target:
        return Chain(source, target, "forward", ())
    attempts = (("forward", view, source, target), ("backward", view, target, source),
                ("mixed", view.to_undirected(as_view=True), source, target))
    for direction, searched, start, end in attempts:
        try:
            nodes = nx.shortest_path(searched, start, end)
        except nx.NetworkXNoPath:
            continue
        if direction == "backward":
            nodes.reverse()
        return Chain(source, target, direction, _steps(view, nodes))
    return None
