"""Links from a demo page back to the knowledge base: the method's site page and its papers.

The site runs at ``$KB_SITE_URL`` (default ``http://127.0.0.1:8000``, where ``kb serve`` puts
it). Its URL scheme is the one :mod:`kb.site.urls` gives MkDocs with directory URLs: the
method ``X`` lives at ``{site}/methods/X/``, every other entry at ``{site}/entries/<id>/``.
The papers are the ``papers:`` of ``catalog/methods/X.yaml``, read with ``yaml.safe_load``
(``$KB_CATALOG`` or the repository's ``catalog/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
REPO_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PaperLink:
    id: str
    citation: str  # "Song, Meng & Ermon 2020"
    title: str
    site_url: str
    arxiv_url: str | None


@dataclass(frozen=True)
class MethodLinks:
    method_id: str
    title: str
    site_url: str
    papers: tuple[PaperLink, ...]


def site_base_url() -> str:
    """``$KB_SITE_URL`` without a trailing slash, else the default ``kb serve`` address."""
    return (os.environ.get("KB_SITE_URL") or DEFAULT_SITE_URL).rstrip("/")


def catalog_dir() -> Path:
    return Path(os.environ.get("KB_CATALOG") or REPO_DIR / "catalog")


def site_page_url(site_url: str, src: str) -> str:
    """The absolute URL of the site page whose source is ``src`` (``methods/ddim.md``)."""
    from kb.site.urls import page_url

    return f"{site_url.rstrip('/')}/{page_url(src)}"


def short_citation(authors: list[str], year: object) -> str:
    """Family names as a reader cites them: "Ho", "Ho & Salimans", "Song, Meng & Ermon",
    "Rombach et al."."""
    names = [a.split()[-1] for a in authors if a.strip()]
    if not names:
        who = "Anonymous"
    elif len(names) == 1:
        who = names[0]
    elif len(names) <= 3:
        who = ", ".join(names[:-1]) + " & " + names[-1]
    else:
        who = names[0] + " et al."
    return f"{who} {year}" if year else who


def _read_yaml(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _find_entry(catalog: Path, entry_id: str) -> dict:
    for folder in sorted(p for p in catalog.iterdir() if p.is_dir()):
        path = folder / f"{entry_id}.yaml"
        if path.is_file():
            return _read_yaml(path)
    return {}


def method_links(
    method_id: str, catalog: Path | None = None, site_url: str | None = None
) -> MethodLinks:
    """The site page and papers of the catalog method ``method_id`` (missing files: no papers)."""
    return _method_links(method_id, catalog or catalog_dir(), site_url or site_base_url())


@lru_cache(maxsize=32)
def _method_links(method_id: str, catalog: Path, site_url: str) -> MethodLinks:
    from kb.site.urls import ENTRY_PAGES

    method = _read_yaml(catalog / "methods" / f"{method_id}.yaml") if catalog.is_dir() else {}
    papers = []
    for paper_id in method.get("papers") or []:
        entry = _find_entry(catalog, str(paper_id))
        arxiv = entry.get("arxiv")
        papers.append(
            PaperLink(
                id=str(paper_id),
                citation=short_citation(list(entry.get("authors") or []), entry.get("year")),
                title=str(entry.get("title") or paper_id),
                site_url=site_page_url(site_url, f"{ENTRY_PAGES}{paper_id}.md"),
                arxiv_url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
            )
        )
    return MethodLinks(
        method_id,
        str(method.get("title") or method_id),
        site_page_url(site_url, f"methods/{method_id}.md"),
        tuple(papers),
    )
