"""``kb validate``, ``kb query``, ``kb show`` and ``kb schema``."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli import catalog_option
from kb.cli.output import FORMATS, SHOW_FORMATS, render_entries, render_entry


@click.command()
@catalog_option
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, no warnings or summary.")
def validate(catalog_path: str, quiet: bool) -> None:
    """Check every catalog file and report every problem, one line each.

    Lines read `path:line:col: error[code]: message`. Exit 1 on errors, 0 when clean;
    warnings never fail.

    \b
    Example:
      kb validate --catalog catalog
    """
    from kb.catalog import Catalog

    catalog = Catalog.load(catalog_path, strict=False)
    ordered = sorted(catalog.diagnostics, key=lambda d: (d.path or "", d.line or 0, d.col or 0))
    errors = [d for d in ordered if d.is_error]
    warnings = [d for d in ordered if not d.is_error]
    for diagnostic in errors + ([] if quiet else warnings):
        click.echo(diagnostic.render(), err=True)
    if not quiet:
        click.echo(f"{len(catalog)} entries, {len(catalog.topics)} topics: "
                   f"{len(errors)} error(s), {len(warnings)} warning(s)", err=True)
    if errors:
        raise SystemExit(1)


@click.command()
@click.argument("text", required=False)
@catalog_option
@click.option("--kind", help="paper, survey, tutorial, book, repo, system, list or method.")
@click.option("--tag", help="Entries with this tag.")
@click.option("--topic", help="Entries in this topic or any topic under it.")
@click.option("--method", help="Entries about this method id.")
@click.option("--author", help="Entries with an author whose name contains this.")
@click.option("--year", help="A year or range: 2020, 2020..2023, 2021.., ..2019.")
@click.option("--sort", type=click.Choice(["year", "title", "id"]), default="year",
              show_default=True, help="Sort key (year: oldest first).")
@click.option("--reverse", is_flag=True, help="Reverse the order (newest first).")
@click.option("--like", metavar="ID", help="Entries similar by content to ID (tf-idf cosine "
              "on title, abstract and notes), most similar first; --sort is ignored.")
@click.option("--limit", type=int, metavar="N", help="At most N entries (with --like: 10 "
              "unless given).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
def query(text: str | None, catalog_path: str, kind: str | None, tag: str | None,
          topic: str | None, method: str | None, author: str | None, year: str | None,
          sort: str, reverse: bool, like: str | None, limit: int | None, fmt: str) -> None:
    """Find entries. TEXT matches every word in title, abstract, notes, authors and tags,
    ignoring case and accents (Chinese words are found inside Chinese notes). --like ID
    finds the entries whose text is most like ID's, Chinese notes segmented by jieba; the
    table and JSON then show each one's similarity (0 … 1).

    \b
    Examples:
      kb query "denoising diffusion" --year 2020..2021
      kb query 蒸餾
      kb query --topic surveys --sort year --reverse --format ids
      kb query --method ddim --format json
      kb query --tag distillation --format bibtex > distillation.bib
      kb query --like song-2020-denoising --limit 5
    """
    import gc

    from kb.catalog import Catalog

    catalog = Catalog.load(catalog_path)
    # The catalog lives until the command ends: keep the collector from walking its objects
    # again on every pass the search and sort trigger (a third of a 10,000-entry query).
    gc.freeze()
    if like and limit is None:
        limit = 10
    found = catalog.query(text, kind=kind, tag=tag, topic=topic, method=method, author=author,
                          year=year, sort=sort, reverse=reverse, like=like, limit=limit)
    if like:
        from kb.query import similarity_of

        render_entries(found, fmt, similarity=similarity_of(catalog, like))
    else:
        render_entries(found, fmt)


@click.command()
@click.argument("entry_id")
@catalog_option
@click.option("--format", "fmt", type=click.Choice(SHOW_FORMATS), default="yaml",
              show_default=True,
              help="yaml: as the catalog file reads; text: for reading; json: for tools.")
def show(entry_id: str, catalog_path: str, fmt: str) -> None:
    """Show one entry with all its fields.

    \b
    Examples:
      kb show song-2020-denoising                 # the fields as the file writes them
      kb show song-2020-denoising --format text   # title, authors, links, then the sections
      kb show song-2020-denoising --format json
    """
    from kb.catalog import Catalog

    render_entry(Catalog.load(catalog_path).get(entry_id), fmt)


@click.command()
@catalog_option
@click.option("--check", is_flag=True, help="Exit 1 if the schema files are stale.")
def schema(catalog_path: str, check: bool) -> None:
    """Write catalog/schema.json and catalog/topics.schema.json from the models.

    \b
    Example:
      kb schema --check
    """
    from kb.schema_export import schema_files, stale_schema_files, write_atomically

    root = Path(catalog_path)
    stale = stale_schema_files(root)
    if check:
        for path in stale:
            click.echo(f"{path}: stale; run `kb schema` to regenerate it", err=True)
        raise SystemExit(1 if stale else 0)
    for path, text in schema_files(root).items():
        if path in stale:
            write_atomically(path, text)
            click.echo(f"wrote {path}")
