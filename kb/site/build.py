"""Build and serve the website from Python — what ``kb build`` and ``kb serve`` call.

``build_site`` checks the catalog first (an invalid catalog raises :class:`CatalogInvalid`
with every diagnostic and touches nothing), builds into a temporary folder next to the
target, and only then swaps it in: a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kb.catalog import Catalog
from kb.errors import KbError
from kb.site.languages import PARALLEL_KEY

DEFAULT_CONFIG = Path("mkdocs.yml")
# Material prints a banner about MkDocs 2.0 on every run; it is noise for kb's users.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    entries: int
    pages: int
    seconds: float


def build_site(config_file: Path = DEFAULT_CONFIG, *, catalog_dir: Path | None = None,
               site_dir: Path | None = None, strict: bool = True) -> BuildResult:
    """Build the site; ``catalog_dir`` and ``site_dir`` override ``mkdocs.yml``."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    config_file = _existing_config(config_file)
    catalog = Catalog.load(catalog_dir) if catalog_dir else None
    try:
        config = load_config(str(config_file), strict=strict)
    except MkDocsException as error:
        raise KbError(f"{config_file}: {error}", path=config_file, code="E701") from error
    config.extra[PARALLEL_KEY] = True  # the other languages beside English (kb.site.languages)
    if catalog is not None:
        config.extra["catalog"] = str(catalog.root.resolve())
    else:
        from kb.site.settings import catalog_dir as configured_catalog_dir

        catalog = Catalog.load(configured_catalog_dir(config.extra, config_file.parent))
    target = Path(site_dir).resolve() if site_dir else Path(config.site_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    config.site_dir = str(staging)
    problems = _ProblemLog()
    logging.getLogger("mkdocs").addHandler(problems)
    try:
        build(config)
    except (MkDocsException, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        details = "".join(f"\n  {message}" for message in problems.messages)
        raise KbError(f"the site build failed, {target} is unchanged: {error}{details}",
                      code="E702") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(problems)
    _swap_in(staging, target)
    pages = sum(1 for _ in target.rglob("index.html"))
    return BuildResult(target, len(catalog), pages, time.perf_counter() - started)


class _ProblemLog(logging.Handler):
    """Keeps MkDocs' warnings and errors, to explain a failed build in one message."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _existing_config(config_file: Path) -> Path:
    path = Path(config_file)
    if not path.is_file():
        raise KbError(f"no MkDocs configuration at {path} (run kb from the repository root, "
                      "or pass --config)", path=path, code="E700")
    return path.resolve()


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames; the old build is removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(config_file: Path = DEFAULT_CONFIG, *, catalog_dir: Path | None = None,
               dev_addr: str = "127.0.0.1:8000") -> None:
    """Serve the site alone with live reload: a change under the catalog or ``demos/``
    rebuilds it. (``kb serve`` runs this beside the demo app, see :mod:`kb.launch`.)

    The catalog directory reaches the MkDocs hook through ``KB_CATALOG``, because MkDocs
    reloads its configuration on every rebuild.
    """
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    config_file = _existing_config(config_file)
    if catalog_dir is not None:
        Catalog.load(catalog_dir)
        os.environ["KB_CATALOG"] = str(Path(catalog_dir).resolve())
    try:
        serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
    except MkDocsException as error:
        raise KbError(f"the site could not be served: {error}", code="E703") from error
