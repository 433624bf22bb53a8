"""One Crossref work as a catalog entry: Crossref → CSL-JSON (:mod:`kb.ingest.crossref_csl`)
→ entry fields (:mod:`kb.ingest.csl_entry`), the mapping ``kb import csl-json`` uses too.

``sources.metadata`` names the Crossref record the fields were read from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from pydantic import ValidationError

from kb.errors import NetworkError
from kb.ingest.crossref_csl import crossref_to_csl
from kb.ingest.csl_entry import entry_fields
from kb.ingest.new_entries import new_entry, problems_of
from kb.models import Entry


def entry_from_crossref(work: dict[str, Any], *, source_url: str | None = None,
                        kind: str | None = None, taken: Collection[str] = (),
                        topics: Iterable[str] = (), tags: Iterable[str] = ()) -> Entry:
    """A new catalog entry for Crossref's record ``work``, its id unique among ``taken``.

    Raises :class:`NetworkError` (E505) when the record lacks what an entry needs (a title).
    """
    fields = entry_fields(crossref_to_csl(work))
    fields.pop("citekey", None)  # Crossref records have no citation key of their own
    if source_url:
        fields["sources"] = {"metadata": [source_url]}
    try:
        return new_entry(fields, taken=taken, kind=kind, topics=topics, tags=tags)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {message}" for name, message in problems_of(exc))
        raise NetworkError(f"Crossref's record of {work.get('DOI')} cannot be an entry: "
                           f"{problems}", code="E505") from None
