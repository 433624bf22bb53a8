"""What every page-maker needs: the catalog, its graph, the site settings, and links.

A :class:`SiteContext` is made once per build; page functions take it and one model and
return Markdown (with HTML blocks) — they never touch MkDocs.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from kb.catalog import Catalog
from kb.models import Entry, Topic
from kb.site import urls
from kb.site.html import esc, link
from kb.site.i18n import DEFAULT_LANGUAGE, check_language, t, text_language
from kb.site.settings import SiteSettings

if TYPE_CHECKING:
    from kb.graph import CitationGraph, Related
    from kb.results.rows import ResultRow


@dataclass
class SiteContext:
    """The catalog plus the indexes the pages share, built once; ``lang`` is the language of
    the site's own words (:mod:`kb.site.i18n`)."""

    catalog: Catalog
    settings: SiteSettings = field(default_factory=SiteSettings)
    lang: str = DEFAULT_LANGUAGE
    # Per-entry results that do not depend on the language (related entries, BibTeX), kept
    # for the site in the next language: the same dict is shared by :meth:`in_language`.
    _memo: dict[tuple[str, str], object] = field(default_factory=dict, repr=False)

    # -- the site's own words ---------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """The message ``key`` in this site's language."""
        return t(key, self.lang, **values)

    def in_language(self, lang: str) -> SiteContext:
        """The same catalog and settings, for the site in ``lang``; the graph, BibTeX keys and
        topic tree already computed are shared, not made again."""
        other = copy.copy(self)  # a shallow copy keeps the cached properties' values
        other.lang = check_language(lang)
        return other

    def topic_title(self, topic: Topic) -> str:
        """The topic's title in this site's language (``title_zh`` when it has one)."""
        return (topic.title_zh if self.lang != DEFAULT_LANGUAGE and topic.title_zh
                else topic.title)

    def topic_description(self, topic: Topic) -> str | None:
        return (topic.description_zh if self.lang != DEFAULT_LANGUAGE and topic.description_zh
                else topic.description)

    # -- the graph (kb.graph) and what the pages ask it ------------------------------------

    @cached_property
    def graph(self) -> CitationGraph:
        from kb.graph import CitationGraph

        return CitationGraph.for_catalog(self.catalog)

    def linked_from(self, entry_id: str, edge_types: tuple[str, ...]) -> list[str]:
        """Ids of the entries with an edge of one of ``edge_types`` into ``entry_id``, sorted."""
        return self.sorted_ids([s for s, _ in self.graph.sources(entry_id, edge_types)])

    def cited_by(self, entry_id: str) -> list[str]:
        """Entries whose ``cites`` names it (papers cite, surveys review)."""
        return self.linked_from(entry_id, ("cites", "reviews"))

    def built_upon_by(self, entry_id: str) -> list[str]:
        """Entries whose ``builds_on`` names it."""
        return self.linked_from(entry_id, ("builds_on",))

    def about_method(self, method_id: str) -> list[str]:
        """Entries that introduce, use, explain or review a method."""
        return self.linked_from(method_id, ("introduces", "reviews"))

    def related(self, entry_id: str) -> list[Related]:
        """The entries most related to ``entry_id``, best first (:mod:`kb.graph.related`)."""
        key = ("related", entry_id)
        if key not in self._memo:
            self._memo[key] = self.graph.related(entry_id, limit=self.settings.related_count)
        return self._memo[key]

    @cached_property
    def edges(self) -> list[tuple[str, str, str]]:
        """Every ``(source, target, type)`` edge between two entries, sorted; types are
        ``cites``, ``builds_on``, ``introduces`` and ``reviews`` (:mod:`kb.graph`)."""
        from kb.graph import LINK_EDGES

        return sorted({(s, t, kind) for s, t, kind in self.graph.graph.edges(keys=True)
                       if kind in LINK_EDGES})

    @cached_property
    def edges_by_entry(self) -> dict[str, list[tuple[str, str, str]]]:
        """Entry id → the edges that start or end at it."""
        index: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for edge in self.edges:
            index[edge[0]].append(edge)
            index[edge[1]].append(edge)
        return dict(index)

    # -- BibTeX (kb.export.bibtex) ----------------------------------------------------------

    @cached_property
    def bibtex_keys(self) -> dict[str, str]:
        from kb.export.bibtex_keys import bibtex_keys

        return bibtex_keys(self.catalog)

    def bibtex(self, entry: Entry) -> str:
        """The entry's BibTeX record, with the key ``kb export`` gives it."""
        from kb.export.bibtex import bibtex_record

        key = ("bibtex", entry.id)
        if key not in self._memo:
            self._memo[key] = bibtex_record(entry, self.bibtex_keys[entry.id])
        return self._memo[key]

    # -- the topic tree ---------------------------------------------------------------------

    @cached_property
    def result_groups(self) -> dict[tuple[str, str], list[ResultRow]]:
        """Every reported result by (dataset, metric), best first (:mod:`kb.results.rows`);
        made once for the navigation and the Results pages (and, like the graph, kept for
        the other language when made before :meth:`in_language`)."""
        from kb.results.rows import groups, result_rows

        return groups(result_rows(self.catalog.entries))

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
        lang = esc(entry.language or text_language(entry.title))  # shown as written
        return (f'<a href="{esc(self.entry_href(from_src, entry))}" lang="{lang}">'
                f"{esc(entry.title)}</a>")

    def topic_link(self, from_src: str, topic_id: str) -> str:
        topic = self.catalog.topics.get(topic_id)
        if topic is None:
            return f"<code>{esc(topic_id)}</code>"
        return link(self.href(from_src, urls.topic_src(topic_id)), self.topic_title(topic))

    def kind_link(self, from_src: str, kind: str) -> str:
        return link(self.href(from_src, urls.kind_src(kind)), self.t(f"badge.{kind}"),
                    cls="kb-kind")
