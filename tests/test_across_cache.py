"""The verdict of the rules across files is reused while no file changes (kb.across_cache)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import kb.catalog
from kb.catalog import Catalog

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KB_NO_CACHE", raising=False)
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "tests" / "data" / "site_catalog", root)
    # two entries with one id: an error of the rules across files
    twin = (root / "papers" / "ho-2020-denoising.yaml").read_text(encoding="utf-8")
    (root / "surveys" / "ho-2020-denoising.yaml").write_text(
        twin.replace("kind: paper", "kind: survey"), encoding="utf-8")
    return root


def _verdict(root: Path) -> tuple[list[str], list[str]]:
    catalog = Catalog.load(root, strict=False)
    return sorted(catalog.entries), sorted(d.render() for d in catalog.diagnostics)


def test_an_unchanged_catalog_reuses_the_verdict(copy: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = _verdict(copy)
    assert any("error[E201]" in d for d in first[1]) and any("W302" in d for d in first[1])

    def not_again(*args: object) -> None:
        raise AssertionError("the rules across files ran again")

    monkeypatch.setattr(kb.catalog, "check_across", not_again)
    assert _verdict(copy) == first  # the same entries kept, the same lines, positions too


def test_a_changed_file_runs_the_rules_again(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _verdict(copy)
    calls = []
    real = kb.catalog.check_across
    monkeypatch.setattr(kb.catalog, "check_across",
                        lambda *args: calls.append(1) or real(*args))
    path = copy / "papers" / "song-2020-denoising.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "cites: [ho-2020-denoising]", "cites: [ho-2020-denoising, missing-2020]"),
        encoding="utf-8")
    entries, diagnostics = _verdict(copy)
    assert calls == [1]
    assert any("unknown entry 'missing-2020'" in d for d in diagnostics)
    os.remove(copy / "surveys" / "ho-2020-denoising.yaml")  # a file gone: again
    entries, diagnostics = _verdict(copy)
    assert calls == [1, 1] and not any("E201" in d for d in diagnostics)


def test_without_the_cache_the_rules_always_run(copy: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_NO_CACHE", "1")
    _verdict(copy)
    calls = []
    real = kb.catalog.check_across
    monkeypatch.setattr(kb.catalog, "check_across",
                        lambda *args: calls.append(1) or real(*args))
    _verdict(copy)
    assert calls == [1]
