"""Index pages: one per topic and per kind, the topic map, the catalog and tags overviews.

Entry pages stay out of the sidebar; these pages are how a reader reaches them.
"""

from __future__ import annotations

from kb.models import KINDS, Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import (
    block,
    entry_list,
    entry_table,
    front_matter,
    heading,
    section_heading,
)
from kb.site.html import esc, link
from kb.site.markdown_text import render_markdown


def kind_title(ctx: SiteContext, kind: str) -> str:
    """``Papers``, ``Surveys`` … in the site's language."""
    return ctx.t(f"kind.{kind}")


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
            text = ctx.topic_description(ctx.catalog.topics[topic_id])
            description = (f' <span class="kb-byline">{esc(text)}</span>'
                           if text and parent is None else "")
            items.append(f"<li>{ctx.topic_link(from_src, topic_id)} "
                         f'<span class="kb-count">{counts[topic_id]}</span>{description}'
                         f"{subtree(topic_id)}</li>")
        return f'<ul class="kb-topic-map">{"".join(items)}</ul>'

    return subtree(None) or f'<p class="kb-empty">{esc(ctx.t("topics.none"))}</p>'


def render_topics_index(ctx: SiteContext) -> str:
    src = urls.TOPICS_INDEX
    title = ctx.t("topics.title")
    return (front_matter(title) + f"# {title}\n\n{ctx.t('topics.intro')}\n"
            + block(topic_map(ctx, src)))


def render_topic_page(ctx: SiteContext, topic_id: str) -> str:
    topic = ctx.catalog.topics[topic_id]
    src = urls.topic_src(topic_id)
    title = ctx.topic_title(topic)
    parts = [front_matter(title), block(f"<h1>{esc(title)}</h1>")]
    trail = [t for t in reversed(ctx.topic_ancestors(topic_id)) if t != topic_id]
    if trail:
        parts.append(block(f'<p class="kb-trail">{esc(ctx.t("topic.in"))} ' + " › ".join(
            ctx.topic_link(src, t) for t in trail) + "</p>"))
    description = ctx.topic_description(topic)
    if description:
        parts.append(block(f'<div class="kb-description">'
                           f"{render_markdown(description)}</div>"))
    children = ctx.topic_children.get(topic_id, [])
    if children:
        parts.append(section_heading(ctx, "topic.subtopics"))
        parts.append(block('<ul class="kb-list">' + "".join(
            f"<li>{ctx.topic_link(src, c)}</li>" for c in children) + "</ul>"))
    entries = entries_in_topic(ctx, topic_id)
    for kind in KINDS:
        of_kind = [e.id for e in entries if e.kind == kind]
        if of_kind:
            parts.append(heading(kind_title(ctx, kind), anchor=f"kind-{kind}",
                                 searchable=False))
            parts.append(block(entry_list(ctx, src, of_kind)))
    if not entries:
        parts.append(block(f'<p class="kb-empty">{esc(ctx.t("topic.empty"))}</p>'))
    return "".join(parts)


def render_kind_page(ctx: SiteContext, kind: str) -> str:
    src = urls.kind_src(kind)
    title = kind_title(ctx, kind)
    entries = sorted(ctx.catalog.by_kind([kind]), key=lambda e: (-(e.year or 0), e.id))
    return (front_matter(title) + f"# {title}\n\n"
            + ctx.t("kinds.intro", count=len(entries), kind=kind) + "\n"
            + block(entry_table(ctx, src, entries)))


def render_catalog_index(ctx: SiteContext) -> str:
    src = urls.CATALOG_INDEX
    rows = []
    for kind in KINDS:
        count = sum(1 for e in ctx.catalog if e.kind == kind)
        target = urls.kind_src(kind)
        rows.append(f"<tr><td>{link(ctx.href(src, target), kind_title(ctx, kind))}</td>"
                    f"<td><code>{kind}</code></td><td>{count}</td></tr>")
    head = "".join(f"<th>{esc(ctx.t(f'catalog.{column}'))}</th>"
                   for column in ("kind", "yaml", "entries"))
    table = (f'<table class="kb-table"><thead><tr>{head}</tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>")
    title = ctx.t("catalog.title")
    intro = ctx.t("catalog.intro", entries=len(ctx.catalog), topics=len(ctx.catalog.topics),
                  topic_link=link(ctx.href(src, urls.TOPICS_INDEX), ctx.t("catalog.topic")),
                  tag_link=link(ctx.href(src, urls.TAGS), ctx.t("catalog.tag")))
    return front_matter(title) + f"# {title}\n\n{intro}\n" + block(table)


def render_tags_page(ctx: SiteContext) -> str:
    """Material's tags plugin fills the listing in place of the marker comment."""
    title = ctx.t("tags.title")
    return (front_matter(title) + f"# {title}\n\n{ctx.t('tags.intro')}\n\n"
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
    head = "".join(f"<th>{esc(ctx.t(f'methods.{column}'))}</th>"
                   for column in ("method", "year", "introduced_in", "demo"))
    table = (f'<table class="kb-table"><thead><tr>{head}</tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>") if rows else (
        f'<p class="kb-empty">{esc(ctx.t("methods.none"))}</p>')
    title = ctx.t("methods.title")
    return front_matter(title) + f"# {title}\n\n{ctx.t('methods.intro')}\n" + block(table)
