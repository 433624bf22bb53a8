"""Benchmark: how fast the demo app answers once its model is cached (issue #8).

Targets on 2 CPU cores: a DDIM-20 grid of 64 digits on screen in ≤ 2 s; a page switch ≤ 1 s.

1. **AppTest** (in-process, no browser): the wall time of one script run of the DDIM page
   opened by the deep link ``?steps=20&eta=0&dataset=digits&n=64&seed=K`` — the whole page:
   DDIM and DDPM-η=1 grids of 64 with their metrics, inversion and interpolation. A new seed
   each time, so no sample comes from the result cache. Then page switches DDIM → DDPM → DDIM,
   the first visit of DDPM (its 1000-step reverse chain) and revisits (results cached).
2. **Browser** (headless Chromium, a real ``streamlit run`` server): from ``page.goto`` of the
   same deep link to the first DDIM grid decoded on screen, and to the end of the page; then a
   click in the menu to the DDPM page until its first section shows, and back.

The model is the default DDPM digits model (``kb demo train ddpm``), trained first if it is not
in the cache (that time is recorded, not counted). ``--tiny`` uses the tests' tiny models.

Run:  .venv/bin/python benchmarks/demo_latency.py [--repeat 5] [--tiny] [--no-browser]
Results: benchmarks/results/demo_latency.json (with the command and the load average).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as kb serve runs the app; before torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = ROOT / "demos" / "app" / "app.py"
DEEP_LINK = {"steps": "20", "eta": "0", "dataset": "digits", "n": "64"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GRID_ON_SCREEN = """() => [...document.querySelectorAll('[data-testid="stImage"]')].some(
    box => box.innerText.includes('64 samples')
        && [...box.querySelectorAll('img')].some(i => i.complete && i.naturalWidth > 0))"""


def summary(times: list[float]) -> dict[str, float | list[float]]:
    return {
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "runs_s": [round(t, 3) for t in times],
    }


def ensure_model() -> dict[str, object]:
    """Train (once) the DDPM digits model the DDIM page samples; report what that took."""
    from demos.app.inputs import app_train_config
    from demos.cache import CONFIG_FILE, checkpoint_dir
    from demos.trained import load_or_train

    config = app_train_config("ddim", "digits")
    cached = (checkpoint_dir(config) / CONFIG_FILE).exists()
    started = time.perf_counter()
    trained = load_or_train(config)
    return {
        "config": f"{config.method}/{config.dataset}, {config.steps} steps, "
        f"width {config.net.width}, T = {config.diffusion_steps}",
        "was_cached": cached,
        "seconds_to_load_or_train": round(time.perf_counter() - started, 2),
        "checkpoint": str(trained.directory),
    }


def open_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=900)
    at.run()
    return at


def timed_run(at, check: str | None = None) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    if check:
        assert any(m.label == "NFE" and m.value == check for m in at.metric), check
    return seconds


def apptest_timings(repeat: int) -> dict[str, object]:
    warm = open_app()  # imports, the model into memory, the metric's classifier
    warm.switch_page("method_pages/ddim.py")
    warm.query_params.update({**DEEP_LINK, "seed": "999"})
    warm.run()
    deep_link, first_ddpm, revisits = [], [], []
    for i in range(repeat):
        at = open_app()
        at.switch_page("method_pages/ddim.py")
        at.query_params.update({**DEEP_LINK, "seed": str(i + 1)})
        deep_link.append(timed_run(at, "20"))
        at.switch_page("method_pages/ddpm.py")
        (first_ddpm if i == 0 else revisits).append(timed_run(at))
        at.switch_page("method_pages/ddim.py")
        revisits.append(timed_run(at, "20"))
    return {
        "ddim20_64_digits_whole_page": summary(deep_link),
        "switch_to_ddpm_first_visit_incl_1000_step_chain": summary(first_ddpm),
        "page_switch_revisit": summary(revisits),
    }


def browser_timings(repeat: int, tiny: bool) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    from kb.launch import demo_server, free_port, start_server, stop_processes, wait_until_up

    server = demo_server(port=free_port(), site_url="http://127.0.0.1:8000")
    if tiny:
        server = replace(server, env={**server.env, "KB_DEMO_TINY": "1"})
    process = start_server(server)
    try:
        assert wait_until_up(f"{server.url}/_stcore/health", timeout=120), "no server"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            query = "&".join(f"{k}={v}" for k, v in DEEP_LINK.items())

            def load(seed: int) -> tuple[float, float]:
                started = time.perf_counter()
                page.goto(f"{server.url}/ddim?{query}&seed={seed}", wait_until="commit")
                page.wait_for_function(GRID_ON_SCREEN, timeout=900_000)
                grid = time.perf_counter() - started
                page.get_by_text("Read more:").wait_for(timeout=900_000)
                return grid, time.perf_counter() - started

            load(999)  # warm-up: the server's first run imports torch and loads the model
            grids, whole, switch_first, switch_back = [], [], [], []
            for i in range(repeat):
                grid, done = load(100 + i)
                grids.append(grid)
                whole.append(done)
                nav = page.locator('[data-testid="stSidebarNav"]')
                started = time.perf_counter()
                nav.get_by_text("DDPM", exact=True).click()
                page.get_by_text("1 · The forward process").wait_for(timeout=900_000)
                switch_first.append(time.perf_counter() - started)
                page.get_by_text("3 · The reverse process").wait_for(timeout=900_000)
                page.locator('[data-testid="stMetric"]', has_text="NFE").first.wait_for(
                    timeout=900_000
                )
                started = time.perf_counter()
                nav.get_by_text("DDIM", exact=True).click()
                page.wait_for_function(GRID_ON_SCREEN, timeout=900_000)
                switch_back.append(time.perf_counter() - started)
            browser.close()
    finally:
        stop_processes([process])
    return {
        "ddim20_64_digits_grid_on_screen": summary(grids),
        "ddim20_64_digits_whole_page_on_screen": summary(whole),
        "switch_ddim_to_ddpm_first_section_on_screen": summary(switch_first),
        "switch_ddpm_to_ddim_grid_on_screen": summary(switch_back),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny models")
    parser.add_argument("--no-browser", action="store_true", help="AppTest timings only")
    args = parser.parse_args()
    if args.tiny:
        os.environ["KB_DEMO_TINY"] = "1"

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from demos_machine import machine_info, write_results

    started = machine_info()
    results: dict[str, object] = {
        "targets": {"ddim20_64_digits_on_screen_s": 2.0, "page_switch_s": 1.0},
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "model": ensure_model(),
        "tiny": args.tiny,
    }
    results["apptest"] = apptest_timings(args.repeat)
    if not args.no_browser:
        results["browser"] = browser_timings(args.repeat, args.tiny)
    path = write_results("demo_latency_tiny" if args.tiny else "demo_latency", results, started)
    print(path.read_text())


if __name__ == "__main__":
    main()
