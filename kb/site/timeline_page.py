"""The timeline page: every year from 2015 to the newest entry, filterable by kind and topic.

The page is static HTML; ``assets/javascripts/timeline.js`` hides the items that do not match
the two ``<select>`` filters (each item carries ``data-kind`` and ``data-topics``, the latter
including every ancestor of the entry's topics, so choosing *Methods* keeps *Guidance* too).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from kb.models import KINDS, Entry
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, byline, front_matter, heading, kind_badge
from kb.site.html import data_attrs, esc
from kb.site.i18n import DEFAULT_LANGUAGE

SRC = urls.TIMELINE
log = logging.getLogger("mkdocs.plugins.kb")


@dataclass
class Timeline:
    """Entries grouped by year: ``years`` runs without gaps from the first year to the last."""

    years: dict[int, list[Entry]]
    earlier: list[Entry] = field(default_factory=list)
    undated: list[Entry] = field(default_factory=list)


def group_by_year(entries: list[Entry], first_year: int) -> Timeline:
    """Every year ``first_year … newest`` (empty years included), older and undated apart."""
    by_year: dict[int, list[Entry]] = defaultdict(list)
    earlier: list[Entry] = []
    undated: list[Entry] = []
    for entry in entries:
        if entry.year is None:
            undated.append(entry)
        elif entry.year < first_year:
            earlier.append(entry)
        else:
            by_year[entry.year].append(entry)
    last = max(by_year, default=first_year)
    order = _within_year
    return Timeline(
        years={year: sorted(by_year.get(year, []), key=order) for year in
               range(first_year, last + 1)},
        earlier=sorted(earlier, key=lambda e: (e.year or 0, *_within_year(e))),
        undated=sorted(undated, key=lambda e: e.id),
    )


def _within_year(entry: Entry) -> tuple[str, str]:
    return (entry.date.isoformat() if entry.date else "9999", entry.id)


def timeline_plot_svg(ctx: SiteContext) -> str:
    """Entries per year, stacked by kind, as the SVG the timeline page shows — in the site's
    language: each language's site has its own copy at :data:`urls.TIMELINE_PLOT` below its
    root (``/zh-TW/assets/generated/…``). Chinese words need a CJK font at build time
    (:data:`~kb.graph.timeline_plot.CJK_FONTS`); without one the plot keeps its English words
    rather than draw empty boxes, and the build says so once."""
    from kb.graph.timeline_plot import PlotText, installed_font, timeline_figure_bytes

    words, fonts = ctx, ()
    if ctx.lang != DEFAULT_LANGUAGE:
        font = installed_font()
        if font is None:
            log.info("kb: no CJK font found (e.g. Debian's fonts-noto-cjk); the %s timeline "
                     "plot keeps its English words", ctx.lang)
            words = ctx.in_language(DEFAULT_LANGUAGE)
        else:
            fonts = (font,)
    text = PlotText(title=words.t("timeline.plot_title"), year=words.t("timeline.plot_year"),
                    entries=words.t("timeline.plot_entries"),
                    names={kind: words.t(f"badge.{kind}") for kind in KINDS}, fonts=fonts)
    svg = timeline_figure_bytes(ctx.graph.timeline(), "svg", by="kind", text=text)
    return svg.decode("utf-8")


def year_anchor(year: int) -> str:
    return f"year-{year}"


def render_timeline_page(ctx: SiteContext) -> str:
    timeline = group_by_year(list(ctx.catalog), ctx.settings.first_timeline_year)
    first, last = min(timeline.years), max(timeline.years)
    title = ctx.t("timeline.title")
    parts = [
        front_matter(title, hide=["navigation"]),
        f"# {title}\n\n",
        ctx.t("timeline.intro", first=first, last=last) + "\n\n",
        f"![{ctx.t('timeline.plot_alt')}]({urls.TIMELINE_PLOT})\n\n",  # beside timeline.md
        block(_filters(ctx)),
    ]
    if timeline.earlier:
        parts.append(heading(ctx.t("timeline.before", year=first), anchor="year-earlier",
                             searchable=False))
        parts.append(block(_year_list(ctx, timeline.earlier, "earlier")))
    for year, entries in timeline.years.items():
        parts.append(heading(str(year), anchor=year_anchor(year), searchable=False))
        parts.append(block(_year_list(ctx, entries, str(year))))
    if timeline.undated:
        parts.append(heading(ctx.t("timeline.undated"), anchor="year-undated",
                             searchable=False))
        parts.append(block(_year_list(ctx, timeline.undated, "undated")))
    return "".join(parts)


def _filters(ctx: SiteContext) -> str:
    kinds = [k for k in KINDS if any(e.kind == k for e in ctx.catalog)]
    kind_options = "".join(f'<option value="{esc(k)}">{esc(ctx.t(f"badge.{k}"))}</option>'
                           for k in kinds)
    topic_options = "".join(
        f'<option value="{esc(topic_id)}">{"— " * depth}'
        f"{esc(ctx.topic_title(ctx.catalog.topics[topic_id]))}</option>"
        for topic_id, depth in ctx.topics_depth_first())
    say = {key: esc(ctx.t(f"timeline.{key}")) for key in
           ("kind", "topic", "all_kinds", "all_topics", "entry_one", "entry_many")}
    return (
        '<div class="kb-filters" id="kb-timeline-filters">'
        f'<label>{say["kind"]} <select id="kb-filter-kind">'
        f'<option value="">{say["all_kinds"]}</option>{kind_options}</select></label> '
        f'<label>{say["topic"]} <select id="kb-filter-topic">'
        f'<option value="">{say["all_topics"]}</option>{topic_options}</select></label> '
        f'<output id="kb-timeline-count" aria-live="polite" data-one="{say["entry_one"]}" '
        f'data-many="{say["entry_many"]}"></output></div>')


def _year_list(ctx: SiteContext, entries: list[Entry], label: str) -> str:
    items = []
    for entry in entries:
        topics = sorted({a for t in entry.topics for a in ctx.topic_ancestors(t)})
        attrs = data_attrs({"kind": entry.kind, "topics": topics})
        items.append(
            f'<li class="kb-timeline-item"{attrs}>{kind_badge(ctx, entry.kind)} '
            f"{ctx.entry_link(SRC, entry.id)}"
            f' <span class="kb-byline">{byline(entry, ctx.t("list.et_al"))}</span></li>')
    empty_hidden = " hidden" if entries else ""
    empty = ctx.t("timeline.no_match" if entries else "timeline.no_entries")
    return (f'<div class="kb-timeline-year" data-year="{esc(label)}">'
            f'<ul class="kb-list">{"".join(items)}</ul>'
            f'<p class="kb-empty"{empty_hidden}>{esc(empty)}</p>'
            "</div>")
