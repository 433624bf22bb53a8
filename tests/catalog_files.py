"""A writable copy of the fixture catalog, and a snapshot of its files to prove what changed."""

from __future__ import annotations

from pathlib import Path

FIXTURE = Path(__file__).parent / "data" / "fixture_catalog"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes: to prove nothing was written."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
