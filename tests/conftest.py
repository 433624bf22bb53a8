"""Shared fixtures. Every test runs with its own cache directory, never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def running_in_ci() -> bool:
    """``CI=true`` (or 1, yes): what CI services and ``.ci/run`` set."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder beside the repository, ``../shared``.

    A user's plain clone has none: a test that needs it is skipped, saying why. Under
    ``CI=true`` it must be there, and its absence fails the test. Prefer copies of what a test
    needs in ``tests/data/`` (with a note of their source); check those against ``../shared``
    with this fixture.
    """
    if SHARED.is_dir():
        return SHARED
    if running_in_ci():
        pytest.fail(f"{SHARED}: the shared folder is missing, and CI=true needs it beside the "
                    "repository", pytrace=False)
    pytest.skip(f"{SHARED} is not beside the repository (a plain clone); CI=true checks it")


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point KB_CACHE_DIR at a temporary folder for the whole test session."""
    patcher = pytest.MonkeyPatch()
    patcher.setenv("KB_CACHE_DIR", str(tmp_path_factory.mktemp("kb-cache")))
    yield
    patcher.undo()


@pytest.fixture
def recorded_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A server on 127.0.0.1 replaying recorded arXiv / Semantic Scholar answers.

    The API clients are pointed at it (``KB_ARXIV_API_URL``, ``KB_S2_API_URL``,
    ``KB_CROSSREF_API_URL``) with short
    delays, few retries and a short timeout, so fault tests take milliseconds; each test gets
    its own cache directory. See ``tests/recorded_server.py``.
    """
    from recorded_server import ARXIV_PATH, CROSSREF_WORKS, S2_BASE, RecordedServer

    server = RecordedServer()
    settings = {"KB_ARXIV_API_URL": server.url + ARXIV_PATH, "KB_S2_API_URL": server.url + S2_BASE,
                "KB_CROSSREF_API_URL": server.url + CROSSREF_WORKS, "KB_CROSSREF_RETRIES": "1",
                "KB_ARXIV_DELAY": "0", "KB_ARXIV_RETRIES": "1", "KB_S2_RETRIES": "2",
                "KB_S2_BACKOFF": "0.01", "KB_S2_MAX_WAIT": "0.05", "KB_HTTP_TIMEOUT": "0.5",
                "KB_CACHE_DIR": str(tmp_path / "cache"), "KB_NO_CACHE": "1"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    for name in ("KB_S2_API_KEY", "S2_API_KEY", "KB_CATALOG", "KB_CROSSREF_MAILTO"):
        monkeypatch.delenv(name, raising=False)
    yield server
    server.stop()


@pytest.fixture
def kb_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``kb ARGS…`` in this process, as a user would: ``(exit code, stdout, stderr)``."""
    from kb.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stopped:
            main(list(args))
        captured = capsys.readouterr()
        return stopped.value.code, captured.out, captured.err

    return run


GRAPH_CATALOG = REPO / "tests" / "data" / "graph_catalog"


@pytest.fixture(scope="session")
def graph_catalog():
    """The small catalog of ``tests/data/graph_catalog`` (13 entries, 3 topics), loaded once.

    Its files are the source of the hand-computed expectations in tests/test_graph.py.
    """
    from kb.catalog import Catalog

    return Catalog.load(GRAPH_CATALOG, use_cache=False)


@pytest.fixture(scope="session")
def citation_graph(graph_catalog):
    """The :class:`kb.graph.CitationGraph` of :func:`graph_catalog`."""
    from kb.graph import CitationGraph

    return CitationGraph.for_catalog(graph_catalog)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the graph fixture catalog, for tests that add files."""
    import shutil

    target = tmp_path / "catalog"
    shutil.copytree(GRAPH_CATALOG, target)
    return target


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A writable copy of tests/data/fixture_catalog, for tests that add or change files."""
    import shutil

    from catalog_files import FIXTURE

    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    return root
