"""Benchmark: first samples on a fresh clone, and under load (issue #13).

Targets on 2 CPU cores: every demo page shows samples within 10 s of being opened on a fresh
cache; 16 visitors opening the same "Run the demo" deep link at once all see samples within 10 s.

Each scenario starts its own ``streamlit run`` server (as ``kb serve`` does) on a free
127.0.0.1 port with ``KB_CACHE_DIR`` pointing to a new, empty folder, so nothing is cached, not
even the metric's digit classifier; the models come from the shipped weights
(:mod:`demos.pretrained`). Real headless Chromium sessions (Playwright, ``/usr/bin/chromium``)
open the page; a session's time runs from ``goto`` to the first sample on screen (the first
"NFE" metric, which every page shows beside its first samples, with a decoded image) and to
the end of the page ("Read more:").

1. **As kb serve runs it** — a new server and cache, and beside it the warmer ``kb serve``
   starts (``python -m demos.app.warm``); its time to warm every page is recorded. Then each
   page is opened once (``/ddpm`` … ``/flow-matching``), each the first visit of that page on
   this server (its memory caches are empty: the samples come from the run store on disk).
2. **N at once** — the same kind of warmed server, then N sessions (N = 1, 8, 16) open the
   site's deep link for DDIM (``/ddim?steps=20``, :func:`kb.site.demos.demo_url`) at the same
   moment. The server's CPU seconds over those visits are recorded; then N sessions open the
   overview page (no model, no sampling) at once, a floor set by Chromium and Streamlit's own
   front end on the same 2 cores.
3. **Each page, cold** (``--cold``) — as before the warmer existed: a new server and cache per
   page, no warming, one visitor; the server's first run includes importing torch.

Run:  .venv/bin/python benchmarks/demo_load.py [--visitors 1 8 16] [--no-pages] [--cold]
Results: benchmarks/results/demo_load.json (with the command, the load average and the date).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from demo_latency import CHROMIUM_ARGS  # noqa: E402 - one set of flags for the browser benchmarks

TARGET_S = 10.0
TIMEOUT_MS = 600_000
CHROMIUM = "/usr/bin/chromium"
SAMPLES_ON_SCREEN = """() =>
    [...document.querySelectorAll('[data-testid="stMetric"]')].some(
        m => m.innerText.includes('NFE'))
    && [...document.querySelectorAll('[data-testid="stImage"] img')].some(
        i => i.complete && i.naturalWidth > 0)"""
PAGE_ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


class DemoServer:
    """``streamlit run demos/app/app.py`` on a free port with an empty cache of its own."""

    def __init__(self, warm: bool = False) -> None:
        from kb.launch import demo_server, free_port

        self.warm = warm
        self.warm_seconds: float | None = None
        self.cache = tempfile.TemporaryDirectory(prefix="kb-demo-load-")
        server = demo_server(port=free_port(), site_url="http://127.0.0.1:8000")
        env = {**server.env, "KB_CACHE_DIR": self.cache.name, "KB_DEMO_TINY": ""}
        self.server = replace(server, env=env)
        self.url = self.server.url
        self.process = None

    def __enter__(self) -> DemoServer:
        from kb.launch import start_server, wait_until_up

        self.process = start_server(self.server)
        # the server writes its log to a pipe: read it, or a full pipe would stall the server
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        if not wait_until_up(f"{self.url}/_stcore/health", timeout=120):
            raise SystemExit("the demo server did not start")
        if self.warm:
            self.warm_seconds = self.run_warmer()
        return self

    def run_warmer(self) -> float:
        """``kb serve``'s warmer with this server's cache, to its end; its seconds."""
        import subprocess

        from kb.launch import demo_warmer

        warmer = demo_warmer()
        started = time.perf_counter()
        done = subprocess.run(list(warmer.argv), cwd=warmer.cwd, text=True,
                              capture_output=True,
                              env={**os.environ, **self.server.env, **warmer.env})
        if done.returncode != 0:
            raise SystemExit(f"the warmer failed:\n{done.stdout}\n{done.stderr}")
        print(done.stdout.strip(), flush=True)
        return round(time.perf_counter() - started, 1)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self) -> float | None:
        """The peak resident memory of the server process (VmHWM), in MB."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None

    def __exit__(self, *exc: object) -> None:
        from kb.launch import stop_processes

        stop_processes([self.process])
        self.cache.cleanup()


async def visit(browser, url: str) -> dict[str, object]:
    """One visitor: seconds to the first samples and to the whole page; the model line."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.wait_for_function(SAMPLES_ON_SCREEN, timeout=TIMEOUT_MS, polling=50)
    first = time.perf_counter() - started
    await page.get_by_text("Read more:").wait_for(timeout=TIMEOUT_MS)
    whole = time.perf_counter() - started
    model = page.locator('[data-testid="stCaptionContainer"]', has_text="Model")
    record = {
        "first_samples_s": round(first, 2),
        "whole_page_s": round(whole, 2),
        "errors_on_page": await page.locator(PAGE_ERRORS).count(),
        "model": (await model.first.inner_text()) if await model.count() else None,
    }
    await context.close()
    return record


async def visit_overview(browser, url: str) -> dict[str, object]:
    """One visitor of the overview, which runs no model: the browser's and Streamlit's floor."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    record = {"page_title_s": round(time.perf_counter() - started, 2)}
    await context.close()
    return record


async def visitors_at_once(url: str, count: int, overview: bool = False) -> list[dict[str, object]]:
    from playwright.async_api import async_playwright

    one = visit_overview if overview else visit
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return list(await asyncio.gather(*(one(browser, url) for _ in range(count))))
        finally:
            await browser.close()


def summary(sessions: list[dict[str, object]]) -> dict[str, object]:
    first = [float(s["first_samples_s"]) for s in sessions]
    return {
        "sessions": len(sessions),
        "first_samples_median_s": round(statistics.median(first), 2),
        "first_samples_max_s": round(max(first), 2),
        "all_within_target": max(first) <= TARGET_S,
        "errors_on_pages": sum(int(s["errors_on_page"]) for s in sessions),
        "first_samples_s": sorted(first),
        "whole_page_max_s": max(float(s["whole_page_s"]) for s in sessions),
        "model": sessions[0]["model"],
    }


def each_page_warmed() -> dict[str, object]:
    """One warmed server; each page opened once, one after the other."""
    from demos.app.routes import ROUTES

    pages: dict[str, object] = {}
    with DemoServer(warm=True) as server:
        pages["warmer_seconds"] = server.warm_seconds
        for route in ROUTES:
            (session,) = asyncio.run(visitors_at_once(f"{server.url}/{route.url_path}", 1))
            session["within_target"] = float(session["first_samples_s"]) <= TARGET_S
            pages[route.url_path] = session
            print(f"/{route.url_path}: {session}", flush=True)
    return pages


def each_page_fresh() -> dict[str, object]:
    from demos.app.routes import ROUTES

    pages = {}
    for route in ROUTES:
        with DemoServer() as server:
            (session,) = asyncio.run(visitors_at_once(f"{server.url}/{route.url_path}", 1))
        session["within_target"] = float(session["first_samples_s"]) <= TARGET_S
        pages[route.url_path] = session
        print(f"/{route.url_path}: {session}", flush=True)
    return pages


def at_once(counts: list[int]) -> dict[str, object]:
    from kb.site.demos import demo_url

    results = {}
    for count in counts:
        with DemoServer(warm=True) as server:
            url = demo_url(server.url, "ddim")
            cpu = server.cpu_seconds()
            sessions = asyncio.run(visitors_at_once(url, count))
            cpu_deep_link = server.cpu_seconds() - cpu
            # the same server, everything computed and cached: what the visits cost by themselves
            overview = asyncio.run(visitors_at_once(server.url, count, overview=True))
            results[str(count)] = {
                **summary(sessions),
                "server_cpu_s": round(cpu_deep_link, 2),
                "server_peak_memory_mb": server.peak_memory_mb(),
                "overview_at_once_title_max_s": max(float(o["page_title_s"]) for o in overview),
            }
        print(f"{count} at once: {results[str(count)]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--no-pages", action="store_true", help="skip the page-by-page run")
    parser.add_argument("--cold", action="store_true",
                        help="also open each page on a server that was not warmed")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")

    from demos_machine import machine_info, write_results

    from demos.pretrained import shipped_checkpoint
    from demos.pretrained.build import page_configs

    started = machine_info()
    shipped = all(shipped_checkpoint(config) for config in page_configs())
    results: dict[str, object] = {
        "target_first_samples_s": TARGET_S,
        "deep_link": "/ddim?steps=20 (the site's 'Run the demo' button for DDIM)",
        "cache": "a new empty KB_CACHE_DIR per server, then (but for 'each_page_cold') "
                 "kb serve's warmer run to its end before the first visit",
        "every_page_default_model_shipped": shipped,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "PASSIVE (kb.launch default)"),
    }
    if not args.no_pages:
        results["each_page_warmed"] = each_page_warmed()
    if args.cold:
        results["each_page_cold"] = each_page_fresh()
    results["same_deep_link_at_once"] = at_once(args.visitors)
    path = write_results("demo_load", results, started)
    print(path.read_text())


if __name__ == "__main__":
    main()
