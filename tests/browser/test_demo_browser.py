"""The demo app in a real browser: `streamlit run demos/app/app.py` on a free 127.0.0.1 port, opened
at a deep link in headless Chromium (the `browser` fixture of conftest.py), with tiny models."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.launch import demo_server, free_port, start_server, stop_processes, wait_until_up

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
RUN_TIMEOUT_MS = 180_000  # first visit trains the tiny model; a loaded machine is slow

LOADED_IMAGE = """() => [...document.querySelectorAll('[data-testid="stMain"] img')]
    .some(img => img.complete && img.naturalWidth > 0)"""


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    server = demo_server(port=port, site_url="http://127.0.0.1:9")
    cache = tmp_path_factory.mktemp("browser-demo-cache")
    server = replace(server, env={**server.env, "KB_DEMO_TINY": "1", "KB_CACHE_DIR": str(cache)})
    process = start_server(server)
    try:
        assert wait_until_up(f"{server.url}/_stcore/health", timeout=90), (
            process.stdout.read() if process.poll() is not None else "no answer"
        )
        yield server.url
    finally:
        stop_processes([process], timeout=5)
        assert process.poll() is not None


@pytest.fixture()
def page(browser: object, demo_app: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []

    def local_only(route: object) -> None:
        if route.request.url.startswith(demo_app):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == []  # the app needs nothing from the internet


def test_a_deep_link_opens_the_page_runs_and_shows_an_image(page, demo_app):
    page.goto(f"{demo_app}/ddim?steps=5&eta=0&dataset=digits&n=16", wait_until="load")
    page.get_by_text("DDIM — fewer steps, same model").wait_for(timeout=60_000)
    page.locator('[data-testid="stMetric"]', has_text="NFE").first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(LOADED_IMAGE, timeout=60_000)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "5"
    assert "steps=5" in page.url and "dataset=digits" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "demo-ddim.png"), full_page=True)


def test_an_alias_opens_the_method_page_and_the_menu_switches_pages(page, demo_app):
    page.goto(f"{demo_app}/distill", wait_until="load")
    page.get_by_role("heading", name="Progressive distillation").first.wait_for(timeout=60_000)
    assert page.url.split("?")[0].endswith("/distill")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("DDPM", exact=True).click()
    page.get_by_text("1 · The forward process").wait_for(timeout=60_000)
    assert page.url.split("?")[0].endswith("/ddpm")
