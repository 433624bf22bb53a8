"""The catalog can never silently drop a resource of the seed notes.

Every URL of the seed notes must be some entry's ``url``, one of its ``links``, or (for arXiv
pages) its ``arxiv`` id. The URLs are read from the copy in ``tests/data/seeds/urls.txt``, so
this runs on a plain clone; the copy itself is checked against the notes in
``../shared/seeds/`` wherever they are, and must be under ``CI=true`` (see ``shared_dir`` in
conftest.py). ``tests/seed_urls.py`` re-copies the list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seed_urls import COPY, read_copy, urls_in_notes

from kb.catalog import Catalog

REPO = Path(__file__).resolve().parent.parent
ARXIV_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+/\d{7})")
SEED_URLS = read_copy()


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


def test_the_copy_names_its_source_and_holds_the_seed_urls() -> None:
    comments = [line for line in COPY.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")]
    assert "../shared/seeds/" in "\n".join(comments)
    assert len(SEED_URLS) > 50
    assert SEED_URLS == sorted(set(SEED_URLS))
    assert all(url.startswith(("http://", "https://")) for url in SEED_URLS)


def test_the_copy_matches_the_seed_notes(shared_dir: Path) -> None:
    seeds = shared_dir / "seeds"
    assert seeds.is_dir(), f"seed notes expected in {seeds}"
    in_notes = urls_in_notes(seeds)
    assert len(in_notes) > 50, f"{seeds}: expected the seed notes, found {len(in_notes)} URLs"
    missing, extra = sorted(set(in_notes) - set(SEED_URLS)), sorted(set(SEED_URLS) - set(in_notes))
    assert (missing, extra) == ([], []), (
        f"{COPY} is stale: (URLs only in the notes, URLs only in the copy) shown; "
        "re-copy with `.venv/bin/python tests/seed_urls.py`")


@pytest.mark.parametrize("url", SEED_URLS)
def test_every_seed_url_has_an_entry(url: str, catalog_urls: tuple[set[str], set[str]]) -> None:
    urls, arxiv_ids = catalog_urls
    arxiv = ARXIV_RE.search(url)
    assert _normal(url) in urls or (arxiv and arxiv.group(1) in arxiv_ids), (
        f"seed URL {url} is not the url, a link or the arXiv id of any catalog entry")
