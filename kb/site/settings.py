"""Site settings: defaults here, overridden by ``mkdocs.yml`` ``extra:``, the environment
(``KB_CATALOG``, ``KB_DEMO_BASE_URL``) and, above all, the ``kb build`` / ``kb serve`` flags.

``extra`` keys read: ``catalog`` (catalog directory; ``kb build --catalog`` sets it),
``demo_base_url`` (where the Streamlit demo app runs), ``demos_dir`` (the demos' source
files). Relative paths are relative to the directory of ``mkdocs.yml``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DEMO_BASE_URL = "http://localhost:8501"
FIRST_TIMELINE_YEAR = 2015


@dataclass(frozen=True)
class SiteSettings:
    """Knobs of the generated pages."""

    demo_base_url: str = DEFAULT_DEMO_BASE_URL
    demos_dir: Path = Path("demos")
    use_directory_urls: bool = True
    first_timeline_year: int = FIRST_TIMELINE_YEAR
    newest_count: int = 10
    related_count: int = 8


def catalog_dir(extra: Mapping[str, object], config_dir: Path,
                environ: Mapping[str, str] = os.environ) -> Path:
    """``extra.catalog`` (set by ``kb build --catalog``), else ``$KB_CATALOG``, else
    ``catalog/`` next to ``mkdocs.yml``."""
    chosen = extra.get("catalog") or environ.get("KB_CATALOG") or "catalog"
    return _resolve(str(chosen), config_dir)


def site_settings(extra: Mapping[str, object], config_dir: Path,
                  use_directory_urls: bool = True,
                  environ: Mapping[str, str] = os.environ) -> SiteSettings:
    """``$KB_DEMO_BASE_URL`` (set by ``kb serve`` for the demo app it starts) before
    ``extra.demo_base_url``."""
    return SiteSettings(
        demo_base_url=str(environ.get("KB_DEMO_BASE_URL") or extra.get("demo_base_url")
                          or DEFAULT_DEMO_BASE_URL),
        demos_dir=_resolve(str(extra.get("demos_dir") or "demos"), config_dir),
        use_directory_urls=use_directory_urls,
    )


def _resolve(path: str, base: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate).resolve()
