"""``kb import csl-json FILE...`` and ``kb import ris FILE...``: what Zotero, JabRef, Mendeley
and EndNote export, as new catalog entries. Thin: read, call :mod:`kb.ingest.file_import`,
render."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli import catalog_option


def _file_options(function):  # noqa: ANN001, ANN201 - a click decorator
    options = [
        click.argument("files", nargs=-1, required=True, metavar="FILE...",
                       type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        catalog_option,
        click.option("--topic", "topics", multiple=True, help="Add this topic id to every "
                     "new entry."),
        click.option("--tag", "tags", multiple=True, help="Add this tag to every new entry."),
        click.option("--skip-invalid", is_flag=True, help="Import the valid records; report "
                     "and skip the others."),
        click.option("--dry-run", is_flag=True, help="Check everything, write nothing."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _report(result, dry_run: bool) -> None:  # noqa: ANN001 - a FileImportResult
    for problem in result.invalid:
        click.echo(problem.render(), err=True)
    for present in result.present:
        record = present.record
        where = "earlier in the input as" if present.in_input else "already in the catalog as"
        click.echo(f"{record.path}:{record.line}: skipped {record.label}: {where} "
                   f"'{present.match.entry_id}' (same {present.match.by})", err=True)
    verb = "would add" if dry_run else "added"
    for item in result.added:
        click.echo(f"{verb} {item.path}  ({item.record.label}, {item.record.path}:"
                   f"{item.record.line})")
    click.echo(f"{result.read} read, {len(result.added)} {verb}, {len(result.present)} already "
               f"present, {len(result.invalid)} skipped as invalid"
               + (" (dry run: nothing written)" if dry_run else ""), err=True)
    if not result.added and not result.present:
        raise SystemExit(1)


@click.command("csl-json")
@_file_options
def csl_json(files: tuple[Path, ...], catalog_path: str, topics: tuple[str, ...],
             tags: tuple[str, ...], skip_invalid: bool, dry_run: bool) -> None:
    """Write one catalog file per CSL-JSON item that the catalog does not have yet.

    Reads what Zotero ("Export Library… → CSL JSON"), Better BibTeX, Pandoc and
    `kb export csl-json` write. An item is already there when an entry has its arXiv id or
    DOI, its title with the same year and first author, or its citation key and title.
    Without --skip-invalid, one bad item and nothing is written (every problem is listed).

    \b
    Examples:
      kb import csl-json zotero.json --dry-run
      kb import csl-json a.json b.json --skip-invalid --topic history
    """
    from kb.ingest.csl_read import read_csl_json
    from kb.ingest.file_import import import_records

    records = [record for path in files for record in read_csl_json(path)]
    result = import_records(catalog_path, records, topics=topics, tags=tags,
                            skip_invalid=skip_invalid, dry_run=dry_run)
    _report(result, dry_run)


@click.command("ris")
@_file_options
def ris(files: tuple[Path, ...], catalog_path: str, topics: tuple[str, ...],
        tags: tuple[str, ...], skip_invalid: bool, dry_run: bool) -> None:
    """Write one catalog file per RIS record that the catalog does not have yet.

    Reads what Zotero, Mendeley, EndNote, JabRef and `kb export ris` write (UTF-8, with or
    without a byte-order mark). An item is already there when an entry has its arXiv id or
    DOI, its title with the same year and first author, or its citation key (ID) and title.
    Without --skip-invalid, one bad record and nothing is written (every problem is listed).

    \b
    Examples:
      kb import ris mendeley.ris --dry-run
      kb import ris library.ris --skip-invalid --tag imported
    """
    from kb.ingest.file_import import import_records
    from kb.ingest.ris_read import read_ris

    records, problems = [], []
    for path in files:
        found, bad = read_ris(path)
        records += found
        problems += bad
    result = import_records(catalog_path, records, problems=problems, topics=topics, tags=tags,
                            skip_invalid=skip_invalid, dry_run=dry_run)
    _report(result, dry_run)
