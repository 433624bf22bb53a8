"""The shipped catalog validates cleanly and its schema files are up to date."""

from __future__ import annotations

from pathlib import Path

from kb.catalog import Catalog
from kb.schema_export import stale_schema_files

ROOT = Path(__file__).resolve().parent.parent / "catalog"


def test_shipped_catalog_has_no_errors_and_no_warnings() -> None:
    catalog = Catalog.load(ROOT, strict=False, use_cache=False)
    problems = [d.render() for d in catalog.diagnostics]
    assert problems == []


def test_exported_schema_is_current() -> None:
    assert stale_schema_files(ROOT) == [], "run `kb schema` to regenerate catalog/schema.json"


def test_every_entry_file_starts_with_the_schema_modeline() -> None:
    missing = [str(p) for p in ROOT.glob("*/*.yaml")
               if not p.read_text(encoding="utf-8").startswith(
                   "# yaml-language-server: $schema=../schema.json")]
    assert missing == []
