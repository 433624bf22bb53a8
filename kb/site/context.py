"""What every page-maker needs: the catalog, its graph, the site settings, and links.

A :class:`SiteContext` is made once per build; page functions take it and one model and
return Markdown (with HTML blocks) — they never touch MkDocs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from kb.catalog import Catalog
from kb.models import Entry
from kb.site import urls
from kb.site.html import esc, link
from kb.site.settings import SiteSettings

@dataclass
class SiteContext:
    """The catalog plus the indexes the pages share, built once."""

    catalog: Catalog
    settings: SiteSettings = field(default_factory=SiteSettings)

    # -- indexes ----------------------------------------------------------------------------

    @cached_property
    def graph(self):  # noqa: ANN201 - kb.graph is imported lazily, only when a page needs it
        from kb.graph import CitationGraph

        return CitationGraph.from_catalog(self.catalog)

    @cached_property
    def cited_by(self) -> dict[str, list[str]]:
        """Entry id → ids of the catalog entries that cite it, sorted by year then id."""
        index: dict[str, list[str]] = defaultdict(list)
        for entry in self.catalog:
            for target in entry.cites:
                index[target].append(entry.id)
        return {key: self.sorted_ids(ids) for key, ids in index.items()}

    @cached_property
    def built_upon_by(self) -> dict[str, list[str]]:
        """Entry id → ids of entries whose ``builds_on`` names it."""
        index: dict[str, list[str]] = defaultdict(list)
        for entry in self.catalog:
            for target in entry.builds_on:
                index[target].append(entry.id)
        return {key: self.sorted_ids(ids) for key, ids in index.items()}

    @cached_property
    def entries_by_method(self) -> dict[str, list[str]]:
        """Method id → ids of entries whose ``methods`` names it."""
        index: dict[str, list[str]] = defaultdict(list)
        for entry in self.catalog:
            for method in entry.methods:
                index[method].append(entry.id)
        return {key: self.sorted_ids(ids) for key, ids in index.items()}

    @cached_property
    def edges(self) -> list[tuple[str, str, str]]:
        """Every ``(source, target, type)`` edge between two catalog entries, sorted.

        Types: ``cites``, ``builds_on``, ``uses`` (an entry's ``methods``) and ``introduces``
        (a method's ``papers``, drawn paper → method).
        """
        known = self.catalog.entries
        found: set[tuple[str, str, str]] = set()
        for entry in self.catalog:
            found.update((entry.id, t, "cites") for t in entry.cites)
            found.update((entry.id, t, "builds_on") for t in entry.builds_on)
            found.update((entry.id, m, "uses") for m in entry.methods)
            found.update((p, entry.id, "introduces") for p in entry.papers)
        return sorted(e for e in found if e[0] in known and e[1] in known and e[0] != e[1])

    @cached_property
    def edges_by_entry(self) -> dict[str, list[tuple[str, str, str]]]:
        """Entry id → the edges that start or end at it."""
        index: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for edge in self.edges:
            index[edge[0]].append(edge)
            index[edge[1]].append(edge)
        return dict(index)

    @cached_property
    def topic_children(self) -> dict[str | None, list[str]]:
        """Topic id (``None`` for the roots) → child topic ids, in ``topics.yaml`` order."""
        children: dict[str | None, list[str]] = defaultdict(list)
        for topic in self.catalog.topics.values():
            children[topic.parent].append(topic.id)
        return dict(children)

    @cached_property
    def newest_year(self) -> int | None:
        return max((e.year for e in self.catalog if e.year), default=None)

    def topic_ancestors(self, topic_id: str) -> list[str]:
        """The topic and its parents up to the root (cycles are cut)."""
        chain: list[str] = []
        current: str | None = topic_id
        while current and current not in chain and current in self.catalog.topics:
            chain.append(current)
            current = self.catalog.topics[current].parent
        return chain

    def topics_depth_first(self) -> list[tuple[str, int]]:
        """Topic ids depth-first in ``topics.yaml`` order, each with its depth (roots: 0)."""
        order: list[tuple[str, int]] = []
        seen: set[str] = set()

        def visit(parent: str | None, depth: int) -> None:
            for child in self.topic_children.get(parent, []):
                if child not in seen:
                    seen.add(child)
                    order.append((child, depth))
                    visit(child, depth + 1)

        visit(None, 0)
        return order

    def sorted_ids(self, ids: list[str]) -> list[str]:
        """Ids of known entries, oldest first (undated last), then by id; unknown ids dropped."""
        known = [i for i in dict.fromkeys(ids) if i in self.catalog.entries]
        return sorted(known, key=lambda i: (self.catalog.entries[i].year or 10_000, i))

    def related(self, entry_id: str) -> list[tuple[str, float]]:
        """The entries most related to ``entry_id`` with their scores, best first."""
        return []  # PENDING: helper-5's CitationGraph.related

    def bibtex(self, entry: Entry) -> str:
        """The entry's BibTeX record."""
        return ""  # PENDING: helper-5's kb.export.bibtex

    # -- links ------------------------------------------------------------------------------

    def href(self, from_src: str, to_src: str) -> str:
        return urls.relative_url(from_src, to_src, self.settings.use_directory_urls)

    def entry_href(self, from_src: str, entry: Entry) -> str:
        return self.href(from_src, urls.entry_src(entry))

    def entry_link(self, from_src: str, entry_id: str) -> str:
        """``<a>`` to an entry's page with its title, or the escaped id if it is unknown."""
        entry = self.catalog.entries.get(entry_id)
        if entry is None:
            return f"<code>{esc(entry_id)}</code>"
        lang = f' lang="{esc(entry.language)}"' if entry.language else ""
        return (f'<a href="{esc(self.entry_href(from_src, entry))}"{lang}>'
                f"{esc(entry.title)}</a>")

    def topic_link(self, from_src: str, topic_id: str) -> str:
        topic = self.catalog.topics.get(topic_id)
        if topic is None:
            return f"<code>{esc(topic_id)}</code>"
        return link(self.href(from_src, urls.topic_src(topic_id)), topic.title)

    def kind_link(self, from_src: str, kind: str) -> str:
        return link(self.href(from_src, urls.kind_src(kind)), kind, cls="kb-kind")
