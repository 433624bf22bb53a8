"""Rendering ``kb graph`` answers: a rich table for people, JSON for programs."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence

import click

GRAPH_FORMATS = ("table", "json")


def echo_json(value: object) -> None:
    """Dataclasses (and lists of them) as indented JSON, UTF-8 kept."""
    def plain(item: object) -> object:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            return dataclasses.asdict(item)
        raise TypeError(f"cannot write {type(item).__name__} as JSON")

    click.echo(json.dumps(value, default=plain, ensure_ascii=False, indent=2))


def print_table(columns: Sequence[str], rows: Sequence[Sequence[object]],
                caption: str | None = None, title: str | None = None,
                numeric: Sequence[str] | None = None) -> None:
    """A table; ``numeric`` columns (by default those in NUMERIC_COLUMNS) align right.

    Ids never wrap; piped output is 160 columns wide so titles stay on one or two lines.
    """
    from rich.console import Console
    from rich.table import Table

    right = set(numeric) if numeric is not None else NUMERIC_COLUMNS
    table = Table(header_style="bold", title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "via"),
                         justify="right" if column in right else "left")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    tty = sys.stdout.isatty()
    console = Console(soft_wrap=not tty, width=None if tty else PIPED_WIDTH)
    console.print(table)
    if caption:
        console.print(caption, style="dim")


PIPED_WIDTH = 160
NUMERIC_COLUMNS = {"depth", "score", "cocitation", "coupling", "linked", "topics", "tags",
                   "rank", "cited by", "entries", "total", "year", "count"}


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def print_stats(stats) -> None:  # noqa: ANN001 - a kb.graph.Stats
    """The statistics as a few small tables and lines."""
    print_table(("kind", "count"), list(stats.by_kind.items()), title="Entries by kind")
    years = [(year, count) for year, count in stats.by_year.items()]
    if stats.undated:
        years.append(("undated", stats.undated))
    print_table(("year", "count"), years, title="Entries by year")
    print_table(("topic", "count"), list(stats.by_topic.items()), title="Entries by topic")
    print_table(("edge", "count"), list(stats.edges.items()), title="Edges by type")
    sizes = ", ".join(str(size) for size in stats.components[:10])
    more = ", …" if len(stats.components) > 10 else ""
    click.echo(f"{stats.entries} entries, {stats.topics} topics; "
               f"{plural(len(stats.components), 'component')} (sizes {sizes}{more})")
    click.echo(f"orphans ({len(stats.orphans)}): {', '.join(stats.orphans) or '—'}")
    if stats.cycles:
        click.echo(f"citation cycles ({len(stats.cycles)}):")
        for cycle in stats.cycles:
            click.echo("  " + " → ".join(cycle + cycle[:1]))
    else:
        click.echo("citation cycles: none")
    if stats.coverage is not None:
        print_coverage(stats.coverage)


def percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def print_coverage(coverage) -> None:  # noqa: ANN001 - a kb.graph.Coverage
    """Sourcing: the papers with sources, the verified cites, the cites of later works."""
    c = coverage
    rows = [
        ("papers", c.papers, ""),
        ("with sources.metadata", c.with_metadata, percent(c.metadata_share)),
        ("with sources.references", c.with_references, percent(c.references_share)),
        ("paper → paper cites", c.paper_cites, ""),
        ("verified (read from a reference list)", c.verified_paper_cites,
         percent(c.verified_share)),
        ("to a later work", c.later_cites, percent(c.later_cites_share)),
        ("… of them from a named arXiv version", c.later_cites_explained, ""),
    ]
    print_table(("coverage", "count", "share"), rows, title="Sources",
                numeric=("count", "share"))


def print_timeline(timeline, by: str) -> None:  # noqa: ANN001 - a kb.graph.Timeline
    """By kind: a row per year, a column per kind. By topic: a row per topic (there are many),
    a column per year. Both with totals."""
    caption = (f"{plural(timeline.undated, 'undated entry')} not shown"
               if timeline.undated else None)
    if by == "kind":
        kinds = timeline.by_kind
        totals = timeline.totals()
        rows = [[year, *(kinds[kind].get(year, 0) or "" for kind in kinds), totals[year]]
                for year in timeline.years]
        print_table(("year", *kinds, "total"), rows, numeric=("year", *kinds, "total"),
                    caption=caption)
        return
    years = [str(year) for year in timeline.years]
    rows = [[topic, *(counts.get(year, 0) or "" for year in timeline.years),
             sum(counts.values())] for topic, counts in timeline.by_topic.items()]
    print_table(("topic", *years, "total"), rows, numeric=(*years, "total"), caption=caption)
