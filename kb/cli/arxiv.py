"""``kb add``, ``kb refresh`` and ``kb cites fetch``: the catalog and the remote APIs
(arXiv, Crossref, Semantic Scholar).

Thin: parse arguments, call :mod:`kb.ingest`, render. The library imports ``arxiv`` and
``requests`` only when a command runs.
"""

from __future__ import annotations

import sys

import click

from kb.cli import catalog_option
from kb.errors import Diagnostic
from kb.models import KINDS

ADDABLE_KINDS = [kind for kind in KINDS if kind != "method"]


def _echo_warnings(warnings: list[Diagnostic]) -> None:
    for warning in warnings:
        click.echo(warning.render(), err=True)


def _print_diff(diff: str) -> None:
    """A unified diff, coloured by rich on a terminal, plain text otherwise."""
    if not sys.stdout.isatty():
        click.echo(diff, nl=False)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)  # a diff line is never re-wrapped
    styles = {"+++": "bold", "---": "bold", "@@": "cyan", "+": "green", "-": "red"}
    for line in diff.splitlines():
        style = next((s for prefix, s in styles.items() if line.startswith(prefix)), "")
        console.print(Text(line, style=style))


@click.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@catalog_option
@click.option("--kind", type=click.Choice(ADDABLE_KINDS), default=None,
              help="The kind of the new entries (and so their folder). Default: paper; for a "
              "DOI, what its record says (a book is a book).")
@click.option("--topic", "topics", multiple=True, metavar="T",
              help="A topic id from topics.yaml (repeat for more).")
@click.option("--tag", "tags", multiple=True, metavar="T",
              help="A tag for every new entry, beside arXiv's categories (repeat for more).")
@click.option("--dry-run", is_flag=True, help="Print the YAML; write nothing.")
def add(ids: tuple[str, ...], catalog_path: str, kind: str | None, topics: tuple[str, ...],
        tags: tuple[str, ...], dry_run: bool) -> None:
    """Add works from arXiv or by DOI (Crossref), one catalog file each; print their paths.

    ID is an arXiv id in any usual form: 2006.11239, arxiv:2006.11239, 2006.11239v2,
    https://arxiv.org/abs/2006.11239, https://arxiv.org/pdf/2006.11239.pdf or an old-style
    id like quant-ph/0201082 (versions are dropped); or a DOI: doi:10.1371/journal.pone.0033693,
    10.1371/… or https://doi.org/10.1371/…, looked up with the Crossref REST API
    (KB_CROSSREF_API_URL; set KB_CROSSREF_MAILTO to an e-mail address, as Crossref's
    etiquette asks). The entry id is the first author's family name, the year and the first
    title word (ho-2020-denoising). A work already in the catalog (same arXiv id, DOI or
    title) is refused. Network faults exit with code 2 and write nothing.

    \b
    Example:
      kb add arxiv:2006.11239 --topic history --tag ddpm
      kb add 2010.02502 https://arxiv.org/abs/2011.13456 --dry-run
      kb add doi:10.1371/journal.pone.0033693 --dry-run
    """
    from kb.ingest.add import add_works

    result = add_works(catalog_path, ids, kind=kind, topics=topics, tags=tags, dry_run=dry_run)
    if dry_run:
        for index, added in enumerate(result.added):
            click.echo(f"would write {added.path}", err=True)
            click.echo(("---\n" if index else "") + added.text, nl=False)
    else:
        for added in result.added:
            click.echo(str(added.path))
    _echo_warnings(result.warnings)


@click.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@catalog_option
@click.option("--write", is_flag=True, help="Apply the changes shown.")
def refresh(ids: tuple[str, ...], catalog_path: str, write: bool) -> None:
    """Compare entries with arXiv and show what changed, as a diff of their files.

    Without ID, every entry with an arXiv id is compared. arXiv may replace the title and
    fill the authors, year, date, DOI, venue (its journal reference), url, abstract and
    PDF link when they are empty; a hand-set value that differs is kept and shown as a note.
    Notes, tags, topics, cites and every other field are never touched. --write checks the
    changed files with the catalog and writes them.

    \b
    Example:
      kb refresh ho-2020-denoising
      kb refresh --write
    """
    from kb.ingest.refresh import refresh_from_arxiv

    result = refresh_from_arxiv(catalog_path, ids, write=write)
    for item in result.compared:
        when = f", updated {item.updated.isoformat()}" if item.updated else ""
        if item.fields or item.notes:
            changes = ", ".join(item.fields) if item.fields else "no change"
            click.echo(f"{item.entry_id}: arXiv {item.version or 'latest'}{when}: {changes}",
                       err=True)
        for note in item.notes:
            click.echo(f"  note: {note}", err=True)
        if item.fields:
            _print_diff(item.diff())
    changed = result.changed
    summary = (f"{len(result.compared)} entr{'y' if len(result.compared) == 1 else 'ies'} "
               f"compared with arXiv, {len(changed)} changed")
    if result.written:
        summary += f"; wrote {len(changed)} file{'s' if len(changed) != 1 else ''}"
    elif changed:
        summary += "; run with --write to apply"
    click.echo(summary, err=True)
    _echo_warnings(result.warnings)


@click.group()
def cites() -> None:
    """Citations between catalog entries: from a paper's own reference list, or from
    Semantic Scholar.

    \b
    Examples:
      kb cites match song-2020-denoising refs.txt --source https://arxiv.org/html/2010.02502v4
      kb cites fetch ho-2020-denoising --write
    """


@cites.command("match")
@click.argument("entry_id")
@click.argument("reference_list", type=click.File("r", encoding="utf-8"))
@click.option("--source", required=True,
              help="The URL the list was read from (the paper's arXiv HTML, ar5iv or PDF).")
@catalog_option
@click.option("--write", is_flag=True,
              help="Set cites to exactly what the list holds; add --source to "
              "sources.references.")
def match(entry_id: str, reference_list, source: str, catalog_path: str,  # noqa: ANN001
          write: bool) -> None:
    """Match a paper's reference list (text, one reference per line or numbered item; - for
    stdin) against the catalog, by arXiv id, DOI or whole title.

    Each catalog entry found is printed with the reference that named it, to check. With
    --write the entry's cites become exactly these (the others are dropped) and --source
    joins sources.references: its cites are then verified.

    \b
    Example:
      kb cites match song-2020-denoising refs.txt --source https://arxiv.org/html/2010.02502v4
      pbpaste | kb cites match ho-2020-denoising - --source https://arxiv.org/abs/2006.11239
    """
    from kb.ingest.cites_from_list import match_reference_list

    result = match_reference_list(catalog_path, entry_id, reference_list.read(), source,
                                  write=write)
    for found in result.cited:
        mark = "+" if found.entry_id in result.added else " "
        click.echo(f"{mark} {found.entry_id} (by {found.by}): {found.reference[:150]}")
    for dropped in result.dropped:
        click.echo(f"- {dropped} (in cites, not in the list)")
    summary = (f"{entry_id}: {result.references} references, {len(result.cited)} in the "
               f"catalog; {len(result.added)} to add, {len(result.dropped)} to drop")
    click.echo(summary + ("; written" if result.written else
                          "; run with --write to apply" if result.added or result.dropped
                          else ""), err=True)
    _echo_warnings(result.warnings)


@cites.command("fetch")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@catalog_option
@click.option("--write", is_flag=True, help="Add what was found to the entries' cites.")
@click.option("--no-cache", is_flag=True, help="Ask again even when an answer is cached.")
def fetch(ids: tuple[str, ...], catalog_path: str, write: bool, no_cache: bool) -> None:
    """Find which catalog entries each entry cites, by its Semantic Scholar references.

    References are matched to entries by arXiv id, DOI or title; new ones are appended to
    `cites` (nothing is removed). Answers are cached (KB_CACHE_DIR or the user cache dir),
    so asking again costs no request. Set KB_S2_API_KEY for a higher rate limit.

    \b
    Example:
      kb cites fetch song-2020-denoising
      kb cites fetch song-2020-denoising ho-2020-denoising --write
    """
    from kb.ingest.cites import fetch_cites

    result = fetch_cites(catalog_path, ids, write=write, use_cache=not no_cache)
    verb = "added" if result.written else "would add"
    for item in result.found:
        click.echo(f"{item.entry_id} ({item.paper}): {item.references} references, "
                   f"{len(item.cited)} in the catalog")
        for cited in item.cited:
            if cited.match.entry_id in item.added:
                click.echo(f"  {verb} {cited.match.entry_id} (same {cited.match.by})")
        if item.cited and not item.added:
            click.echo("  cites all of them already")
    if result.written:
        for item in result.found:
            if item.added:
                click.echo(f"wrote {item.path}", err=True)
    elif any(item.added for item in result.found):
        click.echo("run with --write to add them", err=True)
    _echo_warnings(result.warnings)
