"""Browser fixtures: the fixture catalog's site built once, served on 127.0.0.1, and Debian's
headless Chromium driven by Playwright. Every request is recorded; any that would leave
127.0.0.1 is aborted and reported. Screenshots go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE_CATALOG = REPO / "tests" / "data" / "site_catalog"
SCREENSHOTS = REPO / "tests" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kb.site.build import build_site

    site = tmp_path_factory.mktemp("browser-site") / "public"
    build_site(REPO / "mkdocs.yml", catalog_dir=SITE_CATALOG, site_dir=site)
    return site


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """A static file server for ``directory`` on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "browser tests need Debian's chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """A page plus what happened while it was open."""

    page: object
    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def start_graph(self) -> None:
        """The graph page shows its build-time picture until the graph is first used:
        point at it, and wait for Cytoscape to take over."""
        self.page.hover("#kb-graph")
        self.page.wait_for_selector('#kb-graph[data-kb-ready="1"]')

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.outside_requests == []
        assert self.dialogs == []


@pytest.fixture()
def visit(browser: object, site_url: str) -> Iterator[Visit]:
    with open_visit(browser, site_url) as record:
        yield record


@contextlib.contextmanager
def open_visit(browser: object, site_url: str) -> Iterator[Visit]:
    """A fresh browser page on ``site_url`` that records errors and outside requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = Visit(page, site_url)
    local = site_url.rstrip("/")

    def route(route: object) -> None:
        url = route.request.url
        if url.startswith(local + "/") or url == local:
            route.continue_()
        else:
            record.outside_requests.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: record.console_errors.append(m.text)
            if m.type == "error" else None)
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))

    def on_dialog(dialog: object) -> None:
        record.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield record
    finally:
        context.close()
