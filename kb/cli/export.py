"""``kb export FORMAT [-o FILE]``: the catalog as BibTeX, CSL-JSON, RIS, GraphML, GEXF or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli import catalog_option

# Keep in step with kb.export.EXPORT_FORMATS (not imported: the CLI stays light).
EXPORT_FORMATS = ("bibtex", "csl-json", "ris", "graphml", "gexf", "json")


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@catalog_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
def export(fmt: str, catalog_path: str, output: Path | None) -> None:
    """Export the whole catalog: bibtex, csl-json, ris (entries, for reference managers),
    graphml, gexf (the graph, for Gephi or Cytoscape) or json (entries, topics and edges).

    For a part of the catalog, use `kb query … --format bibtex` (or csl-json, ris).

    \b
    Examples:
      kb export bibtex -o diffusion.bib
      kb export ris -o diffusion.ris
      kb export graphml -o catalog.graphml
      kb query --tag distillation --format bibtex
    """
    from kb.catalog import Catalog
    from kb.export import export_text

    text = export_text(Catalog.load(catalog_path), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    from kb.schema_export import write_atomically

    write_atomically(output, text)
    click.echo(f"wrote {output}", err=True)
