"""The Results section: one page per dataset and metric (a table, and the metric against NFE
as an SVG drawn at build time), an overview, and the pieces entry and method pages show.

Every number comes from an entry's ``results`` (see :mod:`kb.results.rows`); every string from
the catalog is escaped here, the plot's labels included (matplotlib writes them as SVG text).
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.names import family_of
from kb.results.plot import AxisText, Series, metric_against_nfe_svg
from kb.results.rows import ResultRow, groups, method_papers, result_rows
from kb.results.vocabulary import vocabulary
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.fragments import block, front_matter, section_heading
from kb.site.html import esc, link
from kb.site.lineage import short_label
from kb.site.urls import RESULTS_INDEX, results_src

COLUMNS = ("paper", "year", "value", "nfe", "setting", "source")
NUMERIC = ("year", "value", "nfe")
MIN_POINTS_TO_PLOT = 2  # one point is no curve: the table says it as well
SPREAD_FOR_LOG_Y = 30  # the worst value 30× the best: a linear axis would flatten the rest


def results_files(ctx: SiteContext) -> dict[str, str]:
    """The overview and every dataset-and-metric page, when the catalog has results."""
    grouped = ctx.result_groups
    if not grouped:
        return {}
    files = {RESULTS_INDEX: render_results_index(ctx, grouped)}
    for (dataset, metric), rows in grouped.items():
        files[results_src(dataset, metric)] = render_results_page(ctx, dataset, metric, rows)
    return files


def render_results_index(ctx: SiteContext, grouped: dict[tuple[str, str], list[ResultRow]]
                         ) -> str:
    title = ctx.t("results.title")
    papers = {row.entry for rows in grouped.values() for row in rows}
    count = sum(len(rows) for rows in grouped.values())
    head = "".join(f"<th>{esc(ctx.t(f'results.col_{c}'))}</th>"
                   for c in ("dataset", "metric", "count", "best"))
    body = []
    for (dataset, metric), rows in grouped.items():
        best = rows[0]
        page = link(ctx.href(RESULTS_INDEX, results_src(dataset, metric)), dataset)
        body.append(f"<tr><td>{page}</td><td>{esc(metric)}</td><td>{len(rows)}</td>"
                    f"<td>{esc(f'{best.value:g}')} "
                    f"({ctx.entry_link(RESULTS_INDEX, best.entry)}"
                    f"{esc(_nfe_note(ctx, best))})</td></tr>")
    table = (f'<table class="kb-table kb-results" data-search-exclude><thead><tr>{head}</tr>'
             f"</thead><tbody>{''.join(body)}</tbody></table>")
    return (front_matter(title) + f"# {esc(title)}\n\n"
            + ctx.t("results.intro", count=count, papers=len(papers)) + "\n\n" + block(table))


def render_results_page(ctx: SiteContext, dataset: str, metric: str,
                        rows: list[ResultRow]) -> str:
    src = results_src(dataset, metric)
    vocab = vocabulary()
    about_dataset = vocab.dataset(dataset)
    about_metric = vocab.metric(metric)
    better = ctx.t(f"results.better_{about_metric.better}") if about_metric else ""
    title = ctx.t("results.page_title", metric=metric, dataset=dataset)
    plotted = [row for row in rows if row.nfe is not None]
    parts = [front_matter(title), f"# {esc(title)}\n\n",
             block(f'<p class="kb-byline">{esc(about_dataset.description if about_dataset else "")}'
                   f" {esc(metric)}: {esc(better)}. "
                   f"{link(ctx.href(src, RESULTS_INDEX), ctx.t('results.all'))}</p>")]
    if len(plotted) >= MIN_POINTS_TO_PLOT:
        text = AxisText(x=ctx.t("results.x_axis"), y=f"{metric} ({better})")
        values = [row.value for row in plotted]
        spread = min(values) > 0 and max(values) / min(values) > SPREAD_FOR_LOG_Y
        svg = metric_against_nfe_svg(_series(ctx, plotted), text, log_y=spread, salt=src)
        label = ctx.t("results.plot_label", metric=metric, dataset=dataset)
        figure = (f'<figure class="kb-results-plot" role="img" aria-label="{esc(label)}">'
                  f"{svg}</figure>")
        parts.append(block(figure))
    if len(plotted) < len(rows):
        parts.append(ctx.t("results.no_nfe", count=len(rows) - len(plotted)) + "\n\n")
    parts.append(block(results_table(ctx, src, rows)))
    return "".join(parts)


def _series(ctx: SiteContext, rows: Iterable[ResultRow]) -> list[Series]:
    """One series per paper and setting (its points differ in NFE only)."""
    points: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for row in rows:
        points.setdefault((row.entry, row.setting or ""), []).append((row.nfe, row.value))
    series = []
    for (entry_id, setting), found in points.items():
        name = paper_label(ctx, entry_id)
        series.append(Series(f"{name} · {setting}" if setting else name, tuple(found)))
    return series


def paper_label(ctx: SiteContext, entry_id: str) -> str:
    """How a plot or a compact table names a paper: "Song et al. 2020", "Ho 2022"."""
    entry = ctx.catalog.entries[entry_id]
    if not entry.authors:
        return short_label(entry)
    name = family_of(entry.authors[0])
    if len(entry.authors) > 1 or entry.et_al:
        name += " " + ctx.t("list.et_al")
    return f"{name} {entry.year}" if entry.year else name


def results_table(ctx: SiteContext, src: str, rows: Iterable[ResultRow], *,
                  with_paper: bool = True, with_page: bool = False) -> str:
    """Rows as an HTML table, best first as given; ``with_page`` adds a link per row to its
    dataset-and-metric page (entry and method pages)."""
    columns = [c for c in COLUMNS if with_paper or c not in ("paper", "year")]
    if with_page:
        columns = ["dataset", "metric", *columns]
    head = "".join(f"<th>{esc(ctx.t(f'results.col_{c}'))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = {
            "dataset": link(ctx.href(src, results_src(row.dataset, row.metric)), row.dataset),
            "metric": esc(row.metric),
            "paper": ctx.entry_link(src, row.entry),
            "year": esc(row.year or ""),
            "value": esc(f"{row.value:g}"),
            "nfe": esc(row.nfe if row.nfe is not None else "—"),
            "setting": esc(row.setting or ""),
            "source": esc(row.source),
        }
        body.append("<tr>" + "".join(_cell(cells[c], c in NUMERIC) for c in columns) + "</tr>")
    return (f'<table class="kb-table kb-results" data-search-exclude><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>")


def _cell(html: str, numeric: bool = False) -> str:
    return f'<td class="kb-num">{html}</td>' if numeric else f"<td>{html}</td>"


def pivot_table(ctx: SiteContext, src: str, rows: list[ResultRow]) -> str:
    """One dataset and metric as the papers print it: a row per paper and setting, a column
    per NFE (DDIM's Table 1 reads back as Table 1). Rows without an NFE get a "—" column."""
    columns = sorted({row.nfe for row in rows if row.nfe is not None})
    if any(row.nfe is None for row in rows):
        columns.append(None)
    lines: dict[tuple[str, str], dict[int | None, ResultRow]] = {}
    for row in rows:
        lines.setdefault((row.entry, row.setting or ""), {})[row.nfe] = row
    head = (f"<th>{esc(ctx.t('results.col_paper'))}</th>"
            f"<th>{esc(ctx.t('results.col_setting'))}</th>"
            + "".join(f'<th class="kb-num">{esc(nfe if nfe is not None else "—")}</th>'
                      for nfe in columns))
    body = []
    for (entry_id, setting), cells in lines.items():
        values = "".join(_cell(esc(f"{cells[nfe].value:g}") if nfe in cells else "", True)
                         for nfe in columns)
        paper = link(ctx.href(src, urls.entry_src(ctx.catalog.entries[entry_id])),
                     paper_label(ctx, entry_id))
        body.append(f"<tr><td>{paper}</td><td>{esc(setting)}</td>{values}</tr>")
    dataset, metric = rows[0].dataset, rows[0].metric
    caption = link(ctx.href(src, results_src(dataset, metric)),
                   ctx.t("results.page_title", metric=metric, dataset=dataset))
    return (f'<table class="kb-table kb-results" data-search-exclude><caption>{caption} · '
            f'{esc(ctx.t("results.nfe_columns"))}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _nfe_note(ctx: SiteContext, row: ResultRow) -> str:
    return "" if row.nfe is None else ", " + ctx.t("results.at_nfe", nfe=row.nfe)


def entry_results_section(ctx: SiteContext, src: str, entry_id: str) -> str:
    """"Reported results" on an entry page: its numbers, each linking to its results page."""
    entry = ctx.catalog.entries[entry_id]
    if not entry.results:
        return ""
    rows = [row for rows in groups(result_rows([entry])).values() for row in rows]
    return (section_heading(ctx, "entry.results", searchable=False)
            + block(results_table(ctx, src, rows, with_paper=False, with_page=True)))


def method_reported_tables(ctx: SiteContext, src: str, method_id: str) -> str:
    """The results of the papers that introduced a method (its ``papers``), one NFE-column
    table per dataset and metric; empty when they report none."""
    papers = method_papers(ctx.catalog.entries, method_id)
    rows = result_rows(ctx.catalog.entries[i] for i in sorted(papers))
    return "".join(block(pivot_table(ctx, src, found)) for found in groups(rows).values())

