"""``kb import bibtex FILE.bib``: new catalog entries from a BibTeX file."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli import catalog_option
from kb.cli.import_formats import csl_json, ris


@click.group("import")
def import_() -> None:
    """Import entries from other formats: BibTeX, CSL-JSON, RIS.

    \b
    Example:
      kb import bibtex refs.bib --dry-run
      kb import ris zotero.ris --dry-run
    """


import_.add_command(csl_json)
import_.add_command(ris)


@import_.command()
@click.argument("bib_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@catalog_option
@click.option("--topic", "topics", multiple=True, help="Add this topic id to every new entry.")
@click.option("--tag", "tags", multiple=True, help="Add this tag to every new entry.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
def bibtex(bib_file: Path, catalog_path: str, topics: tuple[str, ...], tags: tuple[str, ...],
           dry_run: bool) -> None:
    """Write one catalog file per record of BIB_FILE that the catalog does not have yet.

    A record is already there when an entry has its arXiv id, DOI or title. New files get
    the usual ids (ho-2020-denoising) and pass the same checks as hand-written ones; if any
    fails, or the file is malformed, nothing is written.

    \b
    Examples:
      kb import bibtex refs.bib --dry-run
      kb import bibtex refs.bib --topic history --tag imported
    """
    from kb.ingest.bibtex_import import import_bibtex

    result = import_bibtex(Path(catalog_path), bib_file, topics=topics, tags=tags,
                           dry_run=dry_run)
    for skipped in result.skipped:
        where = "earlier in the file as" if skipped.in_file else "already in the catalog as"
        click.echo(f"{bib_file}:{skipped.line}: skipped '{skipped.key}': {where} "
                   f"'{skipped.match.entry_id}' (same {skipped.match.by})", err=True)
    verb = "would add" if dry_run else "added"
    for item in result.added:
        click.echo(f"{verb} {item.path}  (from '{item.key}', line {item.line})")
    click.echo(f"{len(result.added)} new, {len(result.skipped)} already there"
               + (" (dry run: nothing written)" if dry_run else ""), err=True)
