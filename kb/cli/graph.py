"""``kb graph …``: questions to the citation / lineage graph (see :mod:`kb.graph`)."""

from __future__ import annotations

import dataclasses

import click

from kb.cli import catalog_option
from kb.cli.graph_output import (
    GRAPH_FORMATS,
    echo_json,
    plural,
    print_stats,
    print_table,
    print_timeline,
)
from kb.errors import KbError

# Keep in step with kb.graph.citation_graph (not imported here: networkx loads on use).
LINK_EDGES = ("cites", "builds_on", "introduces", "reviews")


def _graph(catalog_path: str):  # noqa: ANN202 - a CitationGraph, imported lazily
    from kb.catalog import Catalog
    from kb.graph import CitationGraph

    return CitationGraph.for_catalog(Catalog.load(catalog_path))


def format_option(function):  # noqa: ANN001, ANN201 - a click decorator
    return click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="table",
                        show_default=True, help="A table, or JSON for programs.")(function)


def edge_option(default: tuple[str, ...]):  # noqa: ANN201 - a click decorator
    return click.option(
        "--edge", "edges", multiple=True, type=click.Choice(LINK_EDGES), default=default,
        show_default=True, help="Follow only edges of this type (repeat for several).")


@click.group()
def graph() -> None:
    """Ask the citation / lineage graph: ancestors, descendants, paths, related entries,
    PageRank, statistics and the timeline.

    Edges: cites, builds_on (method lineage), introduces (entry → method), reviews
    (survey → what it covers), in_topic.

    \b
    Examples:
      kb graph ancestors rombach-2021-high --max-depth 2
      kb graph path sohl-dickstein-2015-deep rombach-2021-high
      kb graph related ho-2020-denoising --limit 5
      kb graph rank --recent
      kb graph timeline --plot timeline.svg
    """


def _walk(direction: str, entry_id: str, catalog_path: str, edges: tuple[str, ...],
          max_depth: int | None, fmt: str) -> None:
    citation_graph = _graph(catalog_path)
    walk = citation_graph.ancestors if direction == "ancestors" else citation_graph.descendants
    found = walk(entry_id, edges=edges, max_depth=max_depth)
    if fmt == "json":
        echo_json(found)
        return
    print_table(("depth", "id", "kind", "year", "via", "title"),
                [(r.depth, r.id, r.kind, r.year, f"{r.edge} {r.via}", r.title) for r in found],
                caption=f"{plural(len(found), 'entry')} ({', '.join(edges)})")


@graph.command()
@click.argument("entry_id")
@catalog_option
@edge_option(("cites", "builds_on", "reviews"))
@click.option("--max-depth", type=click.IntRange(min=1), help="Stop this many edges away.")
@format_option
def ancestors(entry_id: str, catalog_path: str, edges: tuple[str, ...], max_depth: int | None,
              fmt: str) -> None:
    """What ENTRY_ID builds on or cites, transitively, nearest first.

    \b
    Example:
      kb graph ancestors rombach-2021-high --edge builds_on --max-depth 3
    """
    _walk("ancestors", entry_id, catalog_path, edges, max_depth, fmt)


@graph.command()
@click.argument("entry_id")
@catalog_option
@edge_option(("cites", "builds_on", "reviews"))
@click.option("--max-depth", type=click.IntRange(min=1), help="Stop this many edges away.")
@format_option
def descendants(entry_id: str, catalog_path: str, edges: tuple[str, ...],
                max_depth: int | None, fmt: str) -> None:
    """What builds on or cites ENTRY_ID, transitively, nearest first.

    \b
    Example:
      kb graph descendants ho-2020-denoising --edge cites --max-depth 1
    """
    _walk("descendants", entry_id, catalog_path, edges, max_depth, fmt)


@graph.command()
@click.argument("source")
@click.argument("target")
@catalog_option
@edge_option(("cites", "builds_on", "reviews"))
@format_option
def path(source: str, target: str, catalog_path: str, edges: tuple[str, ...], fmt: str) -> None:
    """The shortest chain of citations or lineage between SOURCE and TARGET.

    A chain along the edges is tried first (SOURCE → … → TARGET), then against them, then
    with directions ignored; arrows show which way each edge points. Exit 1 if none.

    \b
    Example:
      kb graph path sohl-dickstein-2015-deep rombach-2021-high
    """
    chain = _graph(catalog_path).path(source, target, edges=edges)
    if chain is None:
        raise KbError(f"no chain of {', '.join(edges)} edges joins '{source}' and '{target}'",
                      code="E405")
    if fmt == "json":
        echo_json({**dataclasses.asdict(chain), "arrows": chain.arrows()})
        return
    click.echo(chain.arrows())
    click.echo(f"{plural(len(chain.steps), 'step')}, {chain.direction}", err=True)


@graph.command()
@click.argument("entry_id")
@catalog_option
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@format_option
def related(entry_id: str, catalog_path: str, limit: int, fmt: str) -> None:
    """Entries related to ENTRY_ID, each part of the score shown.

    score = 1.0·cocitation (entries citing both) + 1.0·coupling (references shared)
    + 1.0·linked (an edge joins them) + 0.5·topics shared + 0.25·tags shared.

    \b
    Example:
      kb graph related ho-2020-denoising --limit 5 --format json
    """
    found = _graph(catalog_path).related(entry_id, limit=limit)
    if fmt == "json":
        echo_json(found)
        return
    print_table(("score", "cocitation", "coupling", "linked", "topics", "tags", "id", "year",
                 "title"),
                [(f"{r.score:g}", r.cocitation, r.coupling, r.linked, r.topics, r.tags, r.id,
                  r.year, r.title) for r in found],
                caption=plural(len(found), "related entry"))


@graph.command()
@catalog_option
@click.option("--recent", is_flag=True, help="Rank only entries of the last --years years.")
@click.option("--years", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many years --recent covers, this one included.")
@edge_option(("cites", "builds_on"))
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
def rank(catalog_path: str, recent: bool, years: int, edges: tuple[str, ...], limit: int,
         fmt: str) -> None:
    """Entries by PageRank (α = 0.85) on citations and lineage within the catalog.

    \b
    Examples:
      kb graph rank --limit 10
      kb graph rank --recent --years 3
    """
    found = _graph(catalog_path).rank(edges=edges, recent_years=years if recent else None,
                                      limit=limit)
    if fmt == "json":
        echo_json(found)
        return
    print_table(("rank", "score", "cited by", "id", "kind", "year", "title"),
                [(r.rank, f"{r.score:.4f}", r.cited_by, r.id, r.kind, r.year, r.title)
                 for r in found],
                caption=f"PageRank on {', '.join(edges)}"
                + (f", entries of the last {years} years" if recent else ""))


@graph.command()
@catalog_option
@format_option
def stats(catalog_path: str, fmt: str) -> None:
    """Counts by kind, year and topic; edges by type; components, orphans, citation cycles;
    coverage: the papers with sources, the share of verified paper → paper cites (read from a
    reference list), the cites of a later work.

    \b
    Example:
      kb graph stats --format json
    """
    found = _graph(catalog_path).stats()
    if fmt == "json":
        echo_json(found)
        return
    print_stats(found)


@graph.command()
@catalog_option
@click.option("--by", type=click.Choice(["kind", "topic"]), default="kind", show_default=True)
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Also draw stacked bars to this .png or .svg file.")
@format_option
def timeline(catalog_path: str, by: str, plot_path: str | None, fmt: str) -> None:
    """Entries per year, by kind or by topic; --plot draws them for the site.

    \b
    Examples:
      kb graph timeline
      kb graph timeline --by topic --plot docs/assets/timeline.svg
    """
    found = _graph(catalog_path).timeline()
    if plot_path:
        from kb.graph.timeline_plot import plot_timeline

        plot_timeline(found, plot_path, by=by)
        click.echo(f"wrote {plot_path}", err=True)
    if fmt == "json":
        echo_json(found)
        return
    print_timeline(found, by)
