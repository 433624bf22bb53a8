"""Shared fixtures. Every test runs with its own cache directory, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point KB_CACHE_DIR at a temporary folder for the whole test session."""
    patcher = pytest.MonkeyPatch()
    patcher.setenv("KB_CACHE_DIR", str(tmp_path_factory.mktemp("kb-cache")))
    yield
    patcher.undo()
