"""``kb import bibtex FILE...``: new catalog entries from BibTeX files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
@click.argument("bib_files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@catalog_option
@click.option("--topic", "topics", multiple=True, help="Add this topic id to every new entry.")
@click.option("--tag", "tags", multiple=True, help="Add this tag to every new entry.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid records; leave out the others, one error line each.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
def bibtex(bib_files: tuple[Path, ...], catalog_path: str, topics: tuple[str, ...],
           tags: tuple[str, ...], skip_invalid: bool, dry_run: bool) -> None:
    """Write one catalog file per record of BIB_FILES that the catalog does not have yet.

    The files are read together, as BibTeX reads \\bibliography{a,b}: an @string of the
    first serves the second. A record is already there when an entry has its arXiv id, DOI,
    title with the same year and first author, citation key and title, or URL. Every
    problem of every record is reported at once; without --skip-invalid any problem means
    nothing is written. Exit code 0 when something was added or everything was already
    there, 1 when nothing could be added.

    \b
    Examples:
      kb import bibtex refs.bib --dry-run
      kb import bibtex macros.bib refs.bib --skip-invalid --topic history
    """
    from kb.ingest.bibtex_import import import_bibtex

    with _status() as say:
        result = import_bibtex(Path(catalog_path), list(bib_files), topics=topics, tags=tags,
                               skip_invalid=skip_invalid, dry_run=dry_run, progress=say)
    for warning in result.warnings:
        click.echo(warning.render(), err=True)
    for problem in result.invalid:
        click.echo(problem.render(), err=True)
    for skipped in result.skipped:
        where = "earlier in the files as" if skipped.in_file else "already in the catalog as"
        click.echo(f"{skipped.source}:{skipped.line}: skipped '{skipped.key}': {where} "
                   f"'{skipped.match.entry_id}' (same {skipped.match.by})", err=True)
    verb = "would add" if dry_run else "added"
    for item in result.added:
        click.echo(f"{verb} {item.path}  (from '{item.key}', {item.source}:{item.line})")
    click.echo(f"read {result.read}, {verb} {len(result.added)}, already present "
               f"{len(result.skipped)}, skipped {len(result.invalid)} invalid"
               + (" (dry run: nothing written)" if dry_run else ""), err=True)
    if not result.added and result.invalid:
        sys.exit(1)


@contextmanager
def _status() -> Iterator[Callable[[str], None]]:
    """A rich status line on a terminal (reading, checking, writing …); silent otherwise, so
    piped output and errors stay one clean line each."""
    if not sys.stderr.isatty():
        yield lambda step: None
        return
    from rich.console import Console

    with Console(stderr=True).status("importing …") as status:
        yield lambda step: status.update(f"{step} …")
