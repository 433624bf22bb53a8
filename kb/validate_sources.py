"""Warnings about where an entry's facts come from (see :mod:`kb.provenance`).

* **W302** a paper or survey without ``sources.metadata``: nothing says where its title,
  authors, year and venue were read.
* **W303** a ``cites`` item pointing to a work released after the citing paper or survey,
  unless ``sources.references`` names the arXiv version whose reference list was read.

Both are warnings: they never fail validation, and the curators clear them as they source
the catalog.
"""

from __future__ import annotations

from kb.load import ParsedFile
from kb.models import Entry
from kb.provenance import cited_version, cites_later_work, needs_metadata_source, release


def check_sources(entry: Entry, parsed: ParsedFile, by_id: dict[str, tuple[Entry, ParsedFile]]
                  ) -> None:
    """Add the W302 and W303 warnings of one entry to ``parsed``."""
    if needs_metadata_source(entry):
        parsed.error("W302", f"{entry.kind} '{entry.id}' has no sources.metadata",
                     "sources" if entry.sources else "id", severity="warning",
                     hint="add `sources: {metadata: URL}`, the page its title, authors, year "
                     "and venue were read from")
    if cited_version(entry) is not None:
        return
    for index, target in enumerate(entry.cites):
        found = by_id.get(target)
        if found is None or not cites_later_work(entry, found[0]):
            continue
        parsed.error("W303", f"cites '{target}' ({release(found[0])}), released after "
                     f"'{entry.id}' ({release(entry)})", f"cites.{index}", severity="warning",
                     hint="drop it if the reference list does not hold it; if a later version "
                     "cites it, name that version in sources.references "
                     "(https://arxiv.org/abs/<id>v<N>)")
