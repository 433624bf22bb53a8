"""``kb discover``: new arXiv papers ranked by fit to the catalog, best first.

Thin: parse arguments, call :func:`kb.discover.discover` (and :func:`kb.discover.add_top` for
``--add``), render a table or JSON. scikit-learn, jieba, arxiv and requests are imported by
the library when the command runs, never when ``kb`` starts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from kb.cli import catalog_option
from kb.errors import Diagnostic

DISCOVER_FORMATS = ("table", "json")


@click.command()
@click.argument("query", required=False)
@catalog_option
@click.option("--category", "categories", multiple=True, metavar="C",
              help="An arXiv category to list (repeat for more). Default: cs.CV, cs.LG, "
              "stat.ML.")
@click.option("--since", metavar="DATE", help="Only papers submitted on or after DATE "
              "(YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--limit", type=int, default=20, show_default=True,
              help="How many candidates to show.")
@click.option("--topic", metavar="T", help="Rank by fit to this topic (and the topics under "
              "it) instead of the whole catalog.")
@click.option("--tag", metavar="T", help="Rank by fit to the entries with this tag.")
@click.option("--max-results", type=int, default=300, show_default=True,
              help="How many of the newest listed papers to fetch (pages of 100, "
              "KB_ARXIV_DELAY seconds apart).")
@click.option("--format", "fmt", type=click.Choice(DISCOVER_FORMATS), default="table",
              show_default=True)
@click.option("--add", "add_count", type=int, metavar="K",
              help="Add the best K candidates to the catalog, as `kb add` does.")
@click.option("--dry-run", is_flag=True, help="With --add: check and print, write nothing.")
def discover(query: str | None, catalog_path: str, categories: tuple[str, ...],
             since: str | None, limit: int, topic: str | None, tag: str | None,
             max_results: int, fmt: str, add_count: int | None, dry_run: bool) -> None:
    """Rank the newest arXiv papers by how well they fit the catalog.

    QUERY is an arXiv search (`abs:consistency AND cat:cs.CV`) or plain words (each must
    appear); without it, the query is made of the catalog's topic words. The listing comes
    from the arXiv API (KB_ARXIV_API_URL), newest first; works the catalog already has are
    dropped; the rest are ranked by a classifier trained on the catalog (or on --topic /
    --tag) against the listing. SCORE is the paper's fit: the share of the catalog's own
    entries, scored unseen, that it beats (0.5 = as typical as an entry). Each candidate
    shows its 3 nearest entries (tf-idf cosine) and its likely topics. Network faults exit
    with code 2 and write nothing.

    \b
    Example:
      kb discover --since 2026-11-01 --limit 10
      kb discover "consistency distillation" --category cs.CV --format json
      kb discover --topic video --add 2 --dry-run
    """
    from kb.discover import add_top
    from kb.discover import discover as run_discover
    from kb.discover.run import check_add_count, parse_since

    if add_count is not None:
        check_add_count(add_count)
    shown = max(limit, add_count or 0)
    with _progress() as say:
        found = run_discover(catalog_path, query, categories=categories or _defaults(),
                             since=parse_since(since), limit=shown, topic=topic, tag=tag,
                             max_results=max_results, progress=say)
    click.echo(f"arXiv listed {found.listed} paper(s) for {found.query}; "
               f"{len(found.known)} already in the catalog", err=True)
    candidates = found.candidates
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in candidates[:limit]], ensure_ascii=False,
                              indent=2))
    else:
        _table(candidates[:limit])
    if add_count is not None:
        result = add_top(catalog_path, candidates, add_count, topics=[topic] if topic else (),
                         dry_run=dry_run)
        for added in result.added:
            verb = "would write" if dry_run else "wrote"
            click.echo(f"{verb} {added.path}", err=True)
        _echo_warnings(result.warnings)


def _defaults() -> tuple[str, ...]:
    from kb.discover.listing import DEFAULT_CATEGORIES

    return DEFAULT_CATEGORIES


def _echo_warnings(warnings: list[Diagnostic]) -> None:
    for warning in warnings:
        click.echo(warning.render(), err=True)


@contextmanager
def _progress() -> Iterator[Callable[[str, int | None], None]]:
    """A rich status line on a terminal (papers listed, then each ranking step); silent
    otherwise, so that piped output and errors stay one clean line each."""
    if not sys.stderr.isatty():
        yield lambda step, count: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("asking arXiv …") as status:
        def say(step: str, count: int | None) -> None:
            status.update(f"{step}: {count} papers" if count is not None else f"{step} …")

        yield say


def _table(candidates: list) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("#", "score", "arXiv"):
        table.add_column(column, no_wrap=True)  # an id cut in two could not be copied
    for column in ("title", "nearest entries", "likely topics"):
        table.add_column(column, overflow="fold")
    for rank, candidate in enumerate(candidates, 1):
        nearest = "\n".join(f"{n.id} ({n.similarity:.2f})" for n in candidate.nearest)
        topics = ", ".join(topic for topic, _ in candidate.topics)
        table.add_row(str(rank), f"{candidate.score:.2f}", candidate.paper.arxiv,
                      candidate.paper.title, nearest, topics)
    console = Console(soft_wrap=not sys.stdout.isatty())
    console.print(table)
    console.print(f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''}",
                  style="dim")
