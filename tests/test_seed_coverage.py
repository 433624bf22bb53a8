"""The catalog can never silently drop a resource of the seed notes.

Reads the seed notes from ../shared/seeds/ (next to the repository) and checks that every URL
in them is some entry's ``url``, one of its ``links``, or (for arXiv pages) its ``arxiv`` id.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.catalog import Catalog

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
URL_RE = re.compile(r"https?://[^\s)\]>]+")
ARXIV_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+/\d{7})")


def seed_urls() -> list[str]:
    if not SEEDS.is_dir():
        return []
    urls = set()
    for note in sorted(SEEDS.glob("*.txt")):
        urls.update(URL_RE.findall(note.read_text(encoding="utf-8")))
    return sorted(urls)


def _normal(url: str) -> str:
    return url.strip().rstrip("/").lower()


@pytest.fixture(scope="module")
def catalog_urls() -> tuple[set[str], set[str]]:
    catalog = Catalog.load(REPO / "catalog", strict=False, use_cache=False)
    urls, arxiv_ids = set(), set()
    for entry in catalog:
        if entry.url:
            urls.add(_normal(entry.url))
        urls.update(_normal(u) for u in entry.links.values())
        if entry.arxiv:
            arxiv_ids.add(entry.arxiv)
    return urls, arxiv_ids


def test_seed_notes_are_present() -> None:
    assert SEEDS.is_dir(), f"seed notes expected in {SEEDS}"
    assert len(seed_urls()) > 50


@pytest.mark.parametrize("url", seed_urls())
def test_every_seed_url_has_an_entry(url: str, catalog_urls: tuple[set[str], set[str]]) -> None:
    urls, arxiv_ids = catalog_urls
    arxiv = ARXIV_RE.search(url)
    assert _normal(url) in urls or (arxiv and arxiv.group(1) in arxiv_ids), (
        f"seed URL {url} is not the url, a link or the arXiv id of any catalog entry")
