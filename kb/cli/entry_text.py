"""``kb show --format text``: one entry for people to read, laid out with rich.

The head says what the work is (title, authors, year · venue · kind · id) and where to find it
(arXiv, DOI, its page, every named link); then come the sections in the order of the file:
abstract, summary, notes, equations, the entry's place in the catalog (tags, topics, methods,
papers, builds on, cites, demo), the remaining bibliographic fields and the sources. Nothing
of the entry is left out. Catalog text goes into rich ``Text`` and ``Markdown`` objects, never
into markup strings, so a ``[bold]`` in a title prints as it is.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from kb.models import Entry
from kb.site.urls import ARXIV_ABS, DOI_ORG

HEAD_FIELDS = ("id", "kind", "title", "authors", "et_al", "year", "venue", "arxiv", "doi", "url",
               "links")
PROSE_FIELDS = (("abstract", "Abstract"), ("summary", "Summary"), ("notes", "Notes"))
MARKDOWN_FIELDS = ("summary", "notes")  # the schema says these are Markdown
CATALOG_FIELDS = ("tags", "topics", "methods", "papers", "builds_on", "cites", "demo")
SHOWN_ELSEWHERE = (set(HEAD_FIELDS) | {name for name, _ in PROSE_FIELDS}
                   | set(CATALOG_FIELDS) | {"equations", "sources"})


def entry_links(entry: Entry) -> list[tuple[str, str]]:
    """``(label, url)`` for the entry's arXiv page, DOI, canonical page and named links."""
    found = []
    if entry.arxiv:
        found.append(("arXiv", ARXIV_ABS + entry.arxiv))
    if entry.doi:
        found.append(("DOI", DOI_ORG + entry.doi))
    if entry.url:
        found.append(("page", entry.url))
    found += list(entry.links.items())
    return found


def byline(entry: Entry) -> str:
    """``2020 · ICLR 2021 · paper · song-2020-denoising`` (the parts the entry has)."""
    year = str(entry.year) if entry.year else ""
    return " · ".join(part for part in (year, entry.venue or "", entry.kind, entry.id) if part)


def _field_label(name: str) -> str:
    return name.replace("_", " ")


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _head(entry: Entry) -> Iterator[object]:
    from rich.text import Text

    yield Text(entry.title, style="bold")
    if entry.authors:
        yield Text(", ".join(entry.authors) + (" et al." if entry.et_al else ""))
    yield Text(byline(entry), style="dim")
    yield from _aligned(entry_links(entry))


def _section(title: str) -> object:
    from rich.text import Text

    return Text("\n" + title, style="bold underline")


def _aligned(rows: list[tuple[str, str]]) -> Iterator[object]:
    """``label  value`` lines with the values in one column (no padding after them)."""
    from rich.text import Text

    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        line = Text(label.ljust(width + 2), style="cyan")
        line.append(value)
        yield line


def _field_rows(entry: Entry, names: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """``(label, value)`` for the entry's non-empty fields among ``names``, in that order."""
    data = entry.model_dump(mode="json", exclude_defaults=True)
    return [(_field_label(name), _value_text(data[name])) for name in names if name in data]


def _sections(entry: Entry) -> Iterator[object]:
    from rich.markdown import Markdown
    from rich.text import Text

    for name, title in PROSE_FIELDS:
        text = getattr(entry, name)
        if text:
            yield _section(title)
            yield Markdown(text, hyperlinks=False) if name in MARKDOWN_FIELDS else Text(text)
    if entry.equations:
        yield _section("Equations")
        for equation in entry.equations:
            yield Text("  " + equation)
    catalog_rows = _field_rows(entry, CATALOG_FIELDS)
    if catalog_rows:
        yield _section("In the catalog")
        yield from _aligned(catalog_rows)
    other = [name for name in type(entry).model_fields if name not in SHOWN_ELSEWHERE]
    details = _field_rows(entry, other)
    if details:
        yield _section("Details")
        yield from _aligned(details)
    if entry.sources and (entry.sources.metadata or entry.sources.references):
        yield _section("Sources")
        for label, urls in (("metadata", entry.sources.metadata),
                            ("references", entry.sources.references)):
            for url in urls:
                yield Text(f"  {label}: {url}")


def render_entry_text(entry: Entry) -> None:
    """Print the entry for a person to read (wrapped to the terminal, plain when piped)."""
    from rich.console import Console

    console = Console(soft_wrap=not sys.stdout.isatty(), highlight=False)
    for renderable in (*_head(entry), *_sections(entry)):
        console.print(renderable)
