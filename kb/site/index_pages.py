"""Index pages: one per topic and per kind, the topic map, the catalog and tags overviews.

Entry pages stay out of the sidebar; these pages are how a reader reaches them.
"""

from __future__ import annotations

from kb.models import KINDS, Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, entry_list, entry_table, front_matter, heading
from kb.site.html import esc, link
from kb.site.markdown_text import render_markdown

KIND_TITLES = {
    "paper": "Papers", "survey": "Surveys", "tutorial": "Tutorials and courses",
    "book": "Books", "repo": "Code repositories", "system": "Systems and products",
    "list": "Lists and wikis", "method": "Methods",
}


def entries_in_topic(ctx: SiteContext, topic_id: str) -> list[Entry]:
    """Entries filed under the topic or any topic below it, oldest first."""
    wanted = ctx.catalog.topic_and_descendants(topic_id)
    ids = [e.id for e in ctx.catalog if wanted.intersection(e.topics)]
    return [ctx.catalog.entries[i] for i in ctx.sorted_ids(ids)]


def topic_map(ctx: SiteContext, from_src: str) -> str:
    """The topic tree as nested lists, each topic with its number of entries."""
    counts = {topic_id: len(entries_in_topic(ctx, topic_id)) for topic_id in ctx.catalog.topics}

    def subtree(parent: str | None) -> str:
        children = ctx.topic_children.get(parent, [])
        if not children:
            return ""
        items = []
        for topic_id in children:
            topic = ctx.catalog.topics[topic_id]
            description = (f' <span class="kb-byline">{esc(topic.description)}</span>'
                           if topic.description and parent is None else "")
            items.append(f"<li>{ctx.topic_link(from_src, topic_id)} "
                         f'<span class="kb-count">{counts[topic_id]}</span>{description}'
                         f"{subtree(topic_id)}</li>")
        return f'<ul class="kb-topic-map">{"".join(items)}</ul>'

    return subtree(None) or '<p class="kb-empty">No topics defined.</p>'


def render_topics_index(ctx: SiteContext) -> str:
    src = urls.TOPICS_INDEX
    return (front_matter("Topics") + "# Topics\n\n"
            "The taxonomy of `catalog/topics.yaml`, with the number of entries under each "
            "topic (its subtopics included).\n" + block(topic_map(ctx, src)))


def render_topic_page(ctx: SiteContext, topic_id: str) -> str:
    topic = ctx.catalog.topics[topic_id]
    src = urls.topic_src(topic_id)
    parts = [front_matter(topic.title), block(f"<h1>{esc(topic.title)}</h1>")]
    trail = [t for t in reversed(ctx.topic_ancestors(topic_id)) if t != topic_id]
    if trail:
        parts.append(block('<p class="kb-trail">In ' + " › ".join(
            ctx.topic_link(src, t) for t in trail) + "</p>"))
    if topic.description:
        parts.append(block(f'<div class="kb-description">'
                           f"{render_markdown(topic.description)}</div>"))
    children = ctx.topic_children.get(topic_id, [])
    if children:
        parts.append(heading("Subtopics"))
        parts.append(block('<ul class="kb-list">' + "".join(
            f"<li>{ctx.topic_link(src, c)}</li>" for c in children) + "</ul>"))
    entries = entries_in_topic(ctx, topic_id)
    for kind in KINDS:
        of_kind = [e.id for e in entries if e.kind == kind]
        if of_kind:
            parts.append(heading(KIND_TITLES[kind], anchor=f"kind-{kind}", searchable=False))
            parts.append(block(entry_list(ctx, src, of_kind)))
    if not entries:
        parts.append(block('<p class="kb-empty">No entries in this topic yet.</p>'))
    return "".join(parts)


def render_kind_page(ctx: SiteContext, kind: str) -> str:
    src = urls.kind_src(kind)
    title = KIND_TITLES[kind]
    entries = sorted(ctx.catalog.by_kind([kind]), key=lambda e: (-(e.year or 0), e.id))
    return (front_matter(title) + f"# {title}\n\n"
            f"{len(entries)} entries of kind `{kind}`, newest first.\n"
            + block(entry_table(ctx, src, entries)))


def render_catalog_index(ctx: SiteContext) -> str:
    src = urls.CATALOG_INDEX
    rows = []
    for kind in KINDS:
        count = sum(1 for e in ctx.catalog if e.kind == kind)
        target = urls.kind_src(kind)
        rows.append(f"<tr><td>{link(ctx.href(src, target), KIND_TITLES[kind])}</td>"
                    f"<td><code>{kind}</code></td><td>{count}</td></tr>")
    table = ('<table class="kb-table"><thead><tr><th>Kind</th><th>YAML</th><th>Entries</th>'
             "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return (front_matter("Catalog") + "# Catalog\n\n"
            f"{len(ctx.catalog)} entries and {len(ctx.catalog.topics)} topics, one YAML file "
            "each under `catalog/`. Browse them by kind, by "
            f"{link(ctx.href(src, urls.TOPICS_INDEX), 'topic')}, or by "
            f"{link(ctx.href(src, urls.TAGS), 'tag')}.\n" + block(table))


def render_tags_page() -> str:
    """Material's tags plugin fills the listing in place of the marker comment."""
    return (front_matter("Tags") + "# Tags\n\n"
            "Every tag used in the catalog, with the entries that carry it.\n\n"
            "<!-- material/tags -->\n")


def render_methods_index(ctx: SiteContext) -> str:
    src = urls.METHODS_INDEX
    methods = sorted(ctx.catalog.by_kind(["method"]), key=lambda e: (e.year or 10_000, e.id))
    rows = []
    for method in methods:
        papers = ", ".join(ctx.entry_link(src, p) for p in method.papers)
        demo = f"<code>kb demo {esc(method.id)}</code>" if method.demo else ""
        rows.append(f"<tr><td>{ctx.entry_link(src, method.id)}</td>"
                    f"<td>{esc(method.year or '')}</td><td>{papers}</td><td>{demo}</td></tr>")
    table = ('<table class="kb-table"><thead><tr><th>Method</th><th>Year</th>'
             "<th>Introduced in</th><th>Demo</th></tr></thead><tbody>" + "".join(rows)
             + "</tbody></table>") if rows else '<p class="kb-empty">No methods yet.</p>'
    return (front_matter("Methods") + "# Methods\n\n"
            "The techniques, each with its equations, its lineage, its key papers and a "
            "minimal implementation you can run.\n" + block(table))
