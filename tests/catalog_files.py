"""A writable copy of the fixture catalog, and a snapshot of its files to prove what changed."""

from __future__ import annotations

from pathlib import Path

import yaml

FIXTURE = Path(__file__).parent / "data" / "fixture_catalog"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes: to prove nothing was written."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def written(catalog: Path, kind: str, entry_id: str) -> dict:
    """The entry file an import wrote, read back with the safe loader."""
    return yaml.safe_load((catalog / kind / f"{entry_id}.yaml").read_text(encoding="utf-8"))
