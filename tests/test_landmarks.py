"""The shipped catalog holds each area's landmark works, with the right title, year and author."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.catalog import Catalog
from kb.text import normalize_title

ROOT = Path(__file__).resolve().parents[1]
LANDMARKS = yaml.safe_load((ROOT / "tests/data/landmarks.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_arxiv() -> dict:
    catalog = Catalog.load(ROOT / "catalog", use_cache=False)
    return {entry.arxiv: entry for entry in catalog if entry.arxiv}


def test_every_area_has_landmarks() -> None:
    areas = {work["area"] for work in LANDMARKS}
    assert areas >= {"foundations", "training", "samplers", "guidance", "text-to-image",
                     "editing-control", "distillation", "flow", "video-3d-audio", "other-domains"}


@pytest.mark.parametrize("work", LANDMARKS, ids=[w["arxiv"] for w in LANDMARKS])
def test_landmark_present_and_right(work: dict, by_arxiv: dict) -> None:
    entry = by_arxiv.get(work["arxiv"])
    assert entry is not None, f"{work['area']}: no entry with arXiv id {work['arxiv']}"
    assert normalize_title(entry.title) == normalize_title(work["title"])
    assert entry.year == work["year"]
    assert entry.authors and entry.authors[0] == work["first_author"]
    assert entry.sources and entry.sources.metadata, f"{entry.id} names no source"
