"""Entry fields read from a record (CSL-JSON, RIS, Crossref) made a catalog entry.

- ``id``: :func:`kb.text.entry_slug` (``ho-2020-denoising``), or the first words of the title
  when the work has no author (``stable-video-4d``), with ``-b``, ``-c`` … when taken;
- ``tags``: the ``--tag`` values (the source's own keywords stay in ``keywords``);
- ``topics``: the ``--topic`` values.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from pydantic import ValidationError

from kb.ingest.arxiv_entry import unique_id
from kb.models import Entry
from kb.text import STOPWORDS, ascii_word, entry_slug

TITLE_SLUG_WORDS = 5


def id_base(authors: list[str], year: int | None, title: str) -> str:
    """``ho-2020-denoising``; without authors, the title's first words: ``stable-video-4d``."""
    if not authors:
        words = [w for w in (ascii_word(w) for w in re.split(r"[\s\-:/]+", title)) if w]
        while words and words[0] in STOPWORDS:
            words.pop(0)
        if words:
            return "-".join(words[:TITLE_SLUG_WORDS])
    return entry_slug(authors, year, title)


def new_entry(fields: dict[str, Any], *, taken: Collection[str], kind: str | None = None,
              topics: Iterable[str] = (), tags: Iterable[str] = ()) -> Entry:
    """An entry of ``fields`` with a new id not in ``taken``.

    Raises :class:`pydantic.ValidationError` when the fields make no valid entry.
    """
    data = dict(fields)
    if kind:
        data["kind"] = kind
    base = id_base(list(data.get("authors", [])), data.get("year") if isinstance(
        data.get("year"), int) else None, str(data.get("title", "")))
    data["tags"] = list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
    data["topics"] = list(dict.fromkeys(topics))
    return Entry.model_validate({"id": unique_id(base, taken), **data})


def problems_of(error: ValidationError) -> list[tuple[str, str]]:
    """``(field, message)`` for each problem pydantic found."""
    return [(str(e["loc"][0]) if e["loc"] else "", e["msg"]) for e in error.errors()]
