"""Rendering entries for the terminal: table, JSON, YAML, bare ids, BibTeX, CSL-JSON, RIS or
text."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

import click

from kb.models import Entry

FORMATS = ("table", "json", "yaml", "ids", "bibtex", "csl-json", "ris")
SHOW_FORMATS = ("yaml", "text", "json")


def dump_yaml(data: object) -> str:
    """Block-style YAML that keeps UTF-8 as it is (no ``\\u`` escapes)."""
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def render_entries(entries: Sequence[Entry], fmt: str,
                   similarity: Mapping[str, float] | None = None) -> None:
    """``similarity`` (``kb query --like``) adds a column to the table, a key to the JSON."""
    if fmt == "json":
        rows = [e.as_dict() | ({"similarity": similarity.get(e.id, 0.0)} if similarity
                               is not None else {}) for e in entries]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "yaml":
        click.echo(dump_yaml([e.as_dict() for e in entries]), nl=False)
    elif fmt == "ids":
        if entries:
            click.echo("\n".join(entry.id for entry in entries))
    elif fmt in ("bibtex", "csl-json", "ris"):
        from kb.export import entries_text

        click.echo(entries_text(entries, fmt), nl=False)
    else:
        _render_table(entries, similarity)


def _render_table(entries: Sequence[Entry],
                  similarity: Mapping[str, float] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    columns = ("id", "kind", "year", "title", "authors")
    for column in (("similarity", *columns) if similarity is not None else columns):
        table.add_column(column, overflow="fold")
    for entry in entries:
        authors = ", ".join(entry.authors[:3]) + (" et al." if len(entry.authors) > 3 else "")
        row = (entry.id, entry.kind, str(entry.year or ""), entry.title, authors)
        if similarity is not None:
            row = (f"{similarity.get(entry.id, 0.0):.3f}", *row)
        table.add_row(*row)
    console = Console(soft_wrap=not sys.stdout.isatty())
    console.print(table)
    console.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", style="dim")


def render_entry(entry: Entry, fmt: str) -> None:
    """One entry: ``yaml`` as its catalog file reads (block scalars, the documented field
    order, no schema comment), ``text`` for people (rich), ``json`` for tools."""
    if fmt == "json":
        click.echo(json.dumps(entry.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "ids":
        click.echo(entry.id)
    elif fmt == "text":
        from kb.cli.entry_text import render_entry_text

        render_entry_text(entry)
    else:
        from kb.entry_writer import entry_yaml

        click.echo(entry_yaml(entry, modeline=False), nl=False)
