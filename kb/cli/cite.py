"""``kb cite ID... --style apa|ieee|chicago-author-date``: formatted references of entries."""

from __future__ import annotations

import click

from kb.cli import catalog_option

# Keep in step with kb.cite.render (not imported: the CLI stays light).
STYLES = ("apa", "ieee", "chicago-author-date")
FORMATS = ("text", "html", "markdown")


@click.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@catalog_option
@click.option("--style", type=click.Choice(STYLES), default="apa", show_default=True,
              help="The citation style (CSL styles from citationstyles.org, CC BY-SA 3.0).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: plain lines; html: a list, text escaped; markdown: paragraphs.")
def cite(ids: tuple[str, ...], catalog_path: str, style: str, fmt: str) -> None:
    """Print the references of the entries ID..., formatted in a citation style.

    The entries are rendered by citeproc-py from their CSL-JSON (as `kb export csl-json`
    writes it), in the style's order: APA and Chicago sort by author, IEEE numbers them as
    given.

    \b
    Examples:
      kb cite ho-2020-denoising song-2020-denoising
      kb cite ho-2020-denoising --style ieee --format html
      kb cite ho-2020-denoising --style chicago-author-date --format markdown
    """
    from kb.catalog import Catalog
    from kb.cite.render import render_citations

    catalog = Catalog.load(catalog_path)
    entries = [catalog.get(entry_id) for entry_id in dict.fromkeys(ids)]
    click.echo(render_citations(entries, style, fmt), nl=False)
