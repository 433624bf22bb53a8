"""The recorded API answers in tests/data/ are unchanged copies of the project's shared data.

A plain clone has no ``../shared``; the tests replay these copies (their README names the
source and license). Here each copy is compared with its original in ``../shared/data/``,
which is skipped without it outside CI and fails under ``CI=true`` (``shared_dir`` in
conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
COPIED_FOLDERS = ("arxiv-api", "semanticscholar-api")  # each README: "Copied unchanged from …"


def _copies(folder: str) -> list[Path]:
    return sorted(p for p in (DATA / folder).iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("folder", COPIED_FOLDERS)
def test_each_copy_names_its_source_and_license(folder: str) -> None:
    readme = (DATA / folder / "README.md").read_text(encoding="utf-8")
    assert f"/work/shared/data/{folder}/" in readme and "Copied unchanged" in readme
    assert any(p.name.startswith("LICENSE") for p in _copies(folder))


@pytest.mark.parametrize("folder", COPIED_FOLDERS)
def test_copies_equal_the_shared_originals(folder: str, shared_dir: Path) -> None:
    originals = shared_dir / "data" / folder
    changed = [p.name for p in _copies(folder)
               if not (originals / p.name).is_file()
               or (originals / p.name).read_bytes() != p.read_bytes()]
    assert len(_copies(folder)) > 1 and changed == [], (
        f"tests/data/{folder}: not byte-for-byte copies of {originals}: {changed}")
