"""Exports of the catalog: BibTeX, CSL-JSON, RIS, GraphML, GEXF and JSON.

>>> from kb.export import export_text
>>> text = export_text(catalog, "bibtex")                     # the whole catalog
>>> text = export_text(catalog, "csl-json", catalog.query(tag="distillation"))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kb.errors import KbError

if TYPE_CHECKING:
    from kb.catalog import Catalog
    from kb.models import Entry

ENTRY_FORMATS = ("bibtex", "csl-json", "ris")  # lists of entries: the whole catalog or a query
GRAPH_FORMATS = ("graphml", "gexf", "json")  # the whole catalog with its edges
EXPORT_FORMATS = ENTRY_FORMATS + GRAPH_FORMATS
SUFFIXES = {"bibtex": ".bib", "csl-json": ".json", "ris": ".ris", "graphml": ".graphml",
            "gexf": ".gexf", "json": ".json"}


def entries_text(entries: Iterable[Entry], fmt: str) -> str:
    """``entries`` as BibTeX, CSL-JSON or RIS text."""
    if fmt == "bibtex":
        from kb.export.bibtex import to_bibtex

        return to_bibtex(entries)
    if fmt == "csl-json":
        from kb.export.csl import to_csl_json

        return to_csl_json(entries)
    if fmt == "ris":
        from kb.export.ris import to_ris

        return to_ris(entries)
    raise KbError(f"'{fmt}' is not an entry format: use {', '.join(ENTRY_FORMATS)}",
                  code="E400")


def by_citation_key(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the order of their BibTeX keys (as BibTeX compares them, without case): an
    imported file exports in the same order again, whatever ids its entries got."""
    from kb.export.bibtex_keys import bibtex_key

    return sorted(entries, key=lambda e: (bibtex_key(e).lower(), e.id))


def export_text(catalog: Catalog, fmt: str, entries: Iterable[Entry] | None = None) -> str:
    """The catalog (or, for BibTeX, CSL-JSON and RIS, just ``entries``) in format ``fmt``."""
    if fmt in ENTRY_FORMATS:
        chosen = list(entries) if entries is not None else by_citation_key(catalog)
        return entries_text(chosen, fmt)
    if fmt not in GRAPH_FORMATS:
        raise KbError(f"unknown export format '{fmt}': use {', '.join(EXPORT_FORMATS)}",
                      code="E400")
    from kb.graph import CitationGraph

    graph = CitationGraph.for_catalog(catalog)
    if fmt == "json":
        from kb.export.json_export import to_json

        return to_json(graph)
    from kb.export.graphfiles import to_gexf, to_graphml

    return to_graphml(graph) if fmt == "graphml" else to_gexf(graph)
