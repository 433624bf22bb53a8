"""One page per entry: metadata, abstract, notes, links, sources, BibTeX, citations both ways,
related entries, the 1-hop neighbourhood graph and the entry's year on the timeline.

The sections are separate functions so that method pages (:mod:`kb.site.method_page`) reuse
them. Each returns Markdown: a fixed heading (so it enters the table of contents) and an HTML
block in which every catalog string is escaped or sanitized.
"""

from __future__ import annotations

from kb.models import Entry
from kb.provenance import SOURCED_KINDS, cited_version, has_references_source
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, entry_list, front_matter, kind_badge, section_heading
from kb.site.graph_data import neighbourhood_data
from kb.site.html import esc, external_link, json_for_script, link
from kb.site.i18n import ENGLISH_TEXT, lang_attr
from kb.site.markdown_text import render_markdown
from kb.site.page_assets import CYTOSCAPE
from kb.site.results_pages import entry_results_section
from kb.site.similar_content import similar_section
from kb.site.timeline_page import year_anchor


def render_entry_page(ctx: SiteContext, entry: Entry) -> str:
    src = urls.entry_src(entry)
    return "".join([
        page_header(ctx, src, entry),
        abstract_section(ctx, entry),
        notes_section(ctx, entry),
        links_section(ctx, entry),
        entry_results_section(ctx, src, entry.id),
        sources_section(ctx, entry),
        citations_section(ctx, src, entry),
        related_section(ctx, src, entry),
        similar_section(ctx, src, entry),
        neighbourhood_section(ctx, src, entry),
        timeline_section(ctx, src, entry),
        bibtex_section(ctx, entry),
    ])


def page_header(ctx: SiteContext, src: str, entry: Entry) -> str:
    """Front matter (title, tags), the title in its original language, and the metadata."""
    lang = f' lang="{esc(entry.language)}"' if entry.language else lang_attr(entry.title)
    return (front_matter(entry.title, tags=entry.tags, kb_id=entry.id, kb_kind=entry.kind)
            + block(f'<h1 class="kb-title"{lang}>{esc(entry.title)}</h1>')
            + block(metadata(ctx, src, entry)))


def metadata(ctx: SiteContext, src: str, entry: Entry) -> str:
    """A ``<dl>`` of the entry's fields that have values."""
    rows: list[tuple[str, str]] = [("kind", ctx.kind_link(src, entry.kind))]
    if entry.authors:
        rows.append(("authors", f'<span lang="{ENGLISH_TEXT}">'
                                f'{esc(", ".join(entry.authors))}</span>'))
    if entry.year:
        timeline = ctx.href(src, urls.TIMELINE) + "#" + year_anchor(entry.year)
        rows.append(("year", link(timeline, str(entry.year))))
    if entry.date:
        rows.append(("date", esc(entry.date.isoformat())))
    if entry.venue:
        rows.append(("venue", esc(entry.venue)))
    if entry.arxiv:
        rows.append(("arxiv", external_link(urls.ARXIV_ABS + entry.arxiv, entry.arxiv)))
    if entry.doi:
        rows.append(("doi", external_link(urls.DOI_ORG + entry.doi, entry.doi)))
    if entry.url:
        rows.append(("url", external_link(entry.url, entry.url)))
    if entry.topics:
        rows.append(("topics", ", ".join(ctx.topic_link(src, t) for t in entry.topics)))
    if entry.methods:
        rows.append(("methods", ", ".join(ctx.entry_link(src, m) for m in entry.methods)))
    if entry.language:
        rows.append(("language", esc(entry.language)))
    cells = "".join(f"<dt>{esc(ctx.t(f'meta.{name}'))}</dt><dd>{value}</dd>"
                    for name, value in rows)
    return f'<dl class="kb-meta">{cells}</dl>'


def abstract_section(ctx: SiteContext, entry: Entry) -> str:
    """The published abstract, as plain text paragraphs (it is not our Markdown), as written:
    its ``lang`` is told by its script (:func:`kb.site.i18n.text_language`)."""
    if not entry.abstract:
        return ""
    paragraphs = [p.strip() for p in entry.abstract.split("\n\n") if p.strip()]
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return section_heading(ctx, "entry.abstract") + block(
        f'<div class="kb-abstract"{lang_attr(entry.abstract)}>{body}</div>')


def notes_section(ctx: SiteContext, entry: Entry) -> str:
    """Our notes: Markdown, any language (its ``lang`` told by its script), raw HTML
    sanitized."""
    html = render_markdown(entry.notes)
    if not html:
        return ""
    return section_heading(ctx, "entry.notes") + block(
        f'<div class="kb-notes"{lang_attr(entry.notes or "")}>{html}</div>')


def links_section(ctx: SiteContext, entry: Entry) -> str:
    """The entry's URL, arXiv PDF and every named link."""
    items = []
    if entry.url:
        items.append((ctx.t("entry.link_page"), entry.url))
    if entry.arxiv:
        items.append((ctx.t("entry.link_pdf"), urls.ARXIV_PDF + entry.arxiv))
    items += list(entry.links.items())
    if not items:
        return ""
    lis = "".join(f"<li><strong>{esc(name)}</strong>: {external_link(url, url)}</li>"
                  for name, url in items)
    return (section_heading(ctx, "entry.links", searchable=False)
            + block(f'<ul class="kb-links">{lis}</ul>'))


def sources_section(ctx: SiteContext, entry: Entry) -> str:
    """Where the entry's facts were read (``sources``): the metadata pages and the reference
    list its cites come from. A paper or survey without them says so."""
    sources = entry.sources
    rows = []
    if sources and sources.metadata:
        rows.append((ctx.t("entry.sources_metadata"), ctx.t("entry.sources_metadata_what"),
                     sources.metadata))
    if sources and sources.references:
        version = cited_version(entry)
        read = (ctx.t("entry.sources_references_version", version=version) if version
                else ctx.t("entry.sources_references_what"))
        rows.append((ctx.t("entry.sources_references"), read, sources.references))
    if sources and sources.results:
        rows.append((ctx.t("entry.sources_results"), ctx.t("entry.sources_results_what"),
                     sources.results))
    if not rows:
        if entry.kind not in SOURCED_KINDS:
            return ""
        body = (f'<p class="kb-byline">{esc(ctx.t("entry.sources_missing"))} '
                "(<code>sources</code>).</p>")
    else:
        items = "".join(
            f"<li><strong>{esc(name)}</strong> ({esc(what)}): "
            + ", ".join(external_link(url, url) for url in urls_) + "</li>"
            for name, what, urls_ in rows)
        body = f'<ul class="kb-sources">{items}</ul>'
    return section_heading(ctx, "entry.sources", searchable=False) + block(body)


def citations_section(ctx: SiteContext, src: str, entry: Entry) -> str:
    """What the entry cites and builds on, and the catalog entries that cite or build on it."""
    def listed(key: str, ids: list[str], empty: str | None = None) -> str:
        return (section_heading(ctx, key, searchable=False)
                + block(entry_list(ctx, src, ids, empty and ctx.t(empty))))

    parts = [listed("entry.cites", ctx.sorted_ids(entry.cites), "entry.cites_none")]
    if entry.cites:
        checked = ctx.t("entry.cites_verified" if has_references_source(entry)
                        else "entry.cites_unverified")
        parts.append(block(f'<p class="kb-byline kb-verified">{esc(checked)}</p>'))
    if entry.builds_on:
        parts.append(listed("entry.builds_on", ctx.sorted_ids(entry.builds_on)))
    parts.append(listed("entry.cited_by", ctx.cited_by(entry.id), "entry.cited_by_none"))
    built_upon = ctx.built_upon_by(entry.id)
    if built_upon:
        parts.append(listed("entry.built_upon_by", built_upon))
    return "".join(parts)


def related_section(ctx: SiteContext, src: str, entry: Entry) -> str:
    """The most related entries with their score and, on hover, what the score is made of."""
    related = ctx.related(entry.id)
    if not related:
        return ""
    items = []
    for found in related:
        why = ctx.t("entry.related_why", cocitation=found.cocitation, coupling=found.coupling,
                    linked=found.linked, topics=found.topics, tags=found.tags)
        items.append(f'<li class="kb-item"><span class="kb-score" title="{esc(why)}">'
                     f"{found.score:.2f}</span> {kind_badge(ctx, found.kind)} "
                     f"{ctx.entry_link(src, found.id)}</li>")
    return section_heading(ctx, "entry.related", searchable=False) + block(
        f'<ul class="kb-list kb-related">{"".join(items)}</ul>'
        f'<p class="kb-byline">{esc(ctx.t("entry.related_score"))}</p>')


def neighbourhood_section(ctx: SiteContext, src: str, entry: Entry) -> str:
    """A small interactive graph of the entry and its 1-hop neighbours (``graph.js``)."""
    data = neighbourhood_data(ctx, src, entry)
    if len(data["nodes"]) < 2:
        return ""
    return section_heading(ctx, "entry.neighbourhood", searchable=False) + block(
        '<div class="kb-graph kb-graph--small" data-kb-graph="neighbourhood" '
        'data-kb-graph-data="kb-neighbourhood-data" '
        f'data-kb-cytoscape="{esc(ctx.href(src, CYTOSCAPE))}" '
        f'data-failed="{esc(ctx.t("graph.failed"))}" role="img" '
        f'aria-label="{esc(ctx.t("entry.neighbourhood_label"))}"></div>'
        f'<script type="application/json" id="kb-neighbourhood-data">'
        f"{json_for_script(data)}</script>")


def timeline_section(ctx: SiteContext, src: str, entry: Entry) -> str:
    """The entry's year among the timeline's years, each year linking to the timeline."""
    if not entry.year:
        return ""
    first = ctx.settings.first_timeline_year
    last = max(first, entry.year, ctx.newest_year or first)
    timeline = ctx.href(src, urls.TIMELINE)
    items = []
    if entry.year < first:
        items.append(f'<li class="is-current">{link(timeline + "#year-earlier", str(entry.year))}'
                     "</li>")
    for year in range(first, last + 1):
        cls = ' class="is-current"' if year == entry.year else ""
        items.append(f"<li{cls}>{link(timeline + '#' + year_anchor(year), str(year))}</li>")
    return section_heading(ctx, "entry.timeline", searchable=False) + block(
        f'<ol class="kb-yearstrip" aria-label="{esc(ctx.t("entry.years"))}">'
        f'{"".join(items)}</ol>')


def bibtex_section(ctx: SiteContext, entry: Entry) -> str:
    """The entry's BibTeX with a copy button (``copy.js``)."""
    bibtex = ctx.bibtex(entry)
    if not bibtex:
        return ""
    return section_heading(ctx, "entry.bibtex", searchable=False) + block(
        f'<div class="kb-bibtex"><button type="button" class="md-button kb-copy" '
        f'data-kb-copy="kb-bibtex-{esc(entry.id)}">{esc(ctx.t("entry.copy_bibtex"))}</button>'
        f'<pre><code id="kb-bibtex-{esc(entry.id)}">{esc(bibtex)}</code></pre></div>')
