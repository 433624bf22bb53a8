"""Export the pydantic models as JSON Schema files for editors (yaml-language-server)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from kb.models import Entry, Topic

SCHEMA_ID = "https://diffusion-kb.invalid/schema"


def entry_schema() -> dict:
    schema = Entry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "diffusion-kb catalog entry"
    return schema


def topics_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "diffusion-kb topics",
        "type": "array",
        "items": {"$ref": "#/$defs/Topic"},
        "$defs": {"Topic": Topic.model_json_schema()},
    }


def schema_files(catalog_root: Path) -> dict[Path, str]:
    """The schema files a catalog should have, with their exact text."""
    def text(schema: dict) -> str:
        return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"

    return {catalog_root / "schema.json": text(entry_schema()),
            catalog_root / "topics.schema.json": text(topics_schema())}


def stale_schema_files(catalog_root: Path) -> list[Path]:
    stale = []
    for path, expected in schema_files(catalog_root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != expected:
            stale.append(path)
    return stale


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
