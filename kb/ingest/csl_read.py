"""Read a CSL-JSON file into records with lines: what Zotero, Pandoc and ``kb export`` write.

A CSL-JSON file is an array of items (a single item object is accepted too). Python's json
module keeps no positions, so the array is walked one item at a time with
:meth:`json.JSONDecoder.raw_decode`, which says where each item starts and ends; a field's
line is where its key first appears inside its item. UTF-8 with or without a byte-order mark.
A file that is not JSON, or not an array of objects, is one error at its line and column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kb.errors import KbError
from kb.ingest.csl_entry import entry_fields, text_of
from kb.ingest.file_import import SourceRecord, read_text

# CSL variable → the entry field it fills: where a field's problem is reported.
FIELD_OF_VARIABLE = {
    "title": "title", "author": "authors", "editor": "editors", "issued": "year",
    "DOI": "doi", "URL": "url", "container-title": "venue", "volume": "volume",
    "issue": "number", "page": "pages", "publisher": "publisher", "ISBN": "isbn",
    "ISSN": "issn", "language": "language", "citation-key": "citekey", "note": "note",
    "abstract": "abstract", "keyword": "keywords", "type": "entry_type",
}
_SPACE = re.compile(r"\s*")


class _Lines:
    """Line numbers of offsets into one text, counted forward once."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            return self.text.count("\n", 0, offset) + 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _syntax_error(path: str, text: str, offset: int, message: str) -> KbError:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return KbError(f"CSL-JSON: {message}", path=path, line=line, col=col, code="E520")


def csl_items(text: str, path: str = "<csl-json>") -> list[tuple[int, int, Any]]:
    """``(start, end, item)`` for each item of a CSL-JSON text, offsets into ``text``."""
    decoder = json.JSONDecoder()
    index = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("{", index):
        try:
            item, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise _syntax_error(path, text, exc.pos, exc.msg) from None
        if text[end:].strip():
            raise _syntax_error(path, text, _SPACE.match(text, end).end(),  # type: ignore[union-attr]
                                "text after the item")
        return [(index, end, item)]
    if not text.startswith("[", index):
        raise _syntax_error(path, text, index, "expected an array of items ('[')")
    items: list[tuple[int, int, Any]] = []
    index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", index):
        try:
            item, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise _syntax_error(path, text, exc.pos, exc.msg) from None
        items.append((index, end, item))
        index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", index):
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", index):
            raise _syntax_error(path, text, index, "expected ',' or ']' after an item")
    if text[index + 1:].strip():
        raise _syntax_error(path, text, _SPACE.match(text, index + 1).end(),  # type: ignore[union-attr]
                            "text after the array")
    return items


def read_csl_json(path: str | Path) -> list[SourceRecord]:
    """One record per item of the CSL-JSON file at ``path``, in file order.

    Raises :class:`KbError` (E520) for a file that is not an array of CSL items.
    """
    where = str(path)
    text = read_text(path)
    lines = _Lines(text)
    records = []
    for number, (start, end, item) in enumerate(csl_items(text, where), 1):
        line = lines.at(start)
        if not isinstance(item, dict):
            raise _syntax_error(where, text, start, f"item {number} is not an object")
        name = text_of(item.get("citation-key")) or text_of(item.get("id"))
        label = f"item '{name}'" if name and "://" not in name else f"item {number}"
        field_lines = {}
        for variable, entry_field in FIELD_OF_VARIABLE.items():
            found = text.find(f'"{variable}"', start, end)
            if found >= 0:
                field_lines[entry_field] = text.count("\n", start, found) + line
        records.append(SourceRecord(where, line, label, entry_fields(item), field_lines))
    return records
