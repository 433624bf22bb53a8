"""``kb results``: the numbers papers report, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from kb.cli import catalog_option

RESULT_FORMATS = ("table", "json", "csv")


@click.command()
@catalog_option
@click.option("--dataset", help="CIFAR-10, ImageNet 64×64, MS-COCO zero-shot … (aliases too).")
@click.option("--metric", help="FID, IS, precision, recall, CLIP score … (aliases too).")
@click.option("--method", help="A method id: the results of the papers that introduced it.")
@click.option("--max-nfe", type=click.IntRange(min=1), help="Only results at ≤ N NFE.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table",
              show_default=True)
def results(catalog_path: str, dataset: str | None, metric: str | None, method: str | None,
            max_nfe: int | None, fmt: str) -> None:
    """The results papers report, best first for each dataset and metric.

    Each row is one number a paper reports (as `results:` in its entry), with the NFE, the
    setting and where in the paper it was read. JSON is an array of objects with entry,
    arxiv, dataset, metric, value, nfe, setting and source.

    \b
    Examples:
      kb results --dataset cifar10 --metric fid
      kb results --method ddim --format csv > ddim.csv
      kb results --dataset "ImageNet 64x64" --max-nfe 2 --format json
    """
    from kb.catalog import Catalog
    from kb.results.rows import FIELDS, method_papers, result_rows, select

    catalog = Catalog.load(catalog_path)
    papers = method_papers(catalog.entries, method) if method else None
    rows = select(result_rows(catalog.entries), dataset=dataset, metric=metric, entries=papers,
                  max_nfe=max_nfe)
    if fmt == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row.as_dict() for row in rows)
        click.echo(out.getvalue(), nl=False)
    else:
        _table(rows)


def _table(rows: list) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("dataset", "metric", "value", "NFE", "entry", "setting", "source"):
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("value", "NFE") else "left")
    for row in rows:
        table.add_row(row.dataset, row.metric, f"{row.value:g}",
                      "" if row.nfe is None else str(row.nfe), row.entry, row.setting or "",
                      row.source)
    console = Console(soft_wrap=not sys.stdout.isatty())
    console.print(table)
    console.print(f"{len(rows)} result{'' if len(rows) == 1 else 's'}", style="dim")
