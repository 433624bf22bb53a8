"""Benchmark: Lighthouse accessibility and performance of the site, in both languages.

Targets (issue #18): accessibility ≥ 98 on the home, an entry, a method, the graph and the
timeline page, in English and in Traditional Chinese; desktop performance ≥ 90. The site of
the shipped catalog is built with ``kb build`` into a temporary folder and served on
127.0.0.1; each page is audited by Lighthouse (pinned in ``tools/lighthouse/package.json``)
driving Debian's chromium headless, with the desktop preset (accessibility and performance)
and the mobile one (accessibility: the layout differs, e.g. no header tabs). Results, with the
failing audits, go to benchmarks/results/lighthouse.json.

Lighthouse needs Node and npm at run time, so this is a benchmark, not a test; the fixes it
checks have a fast browser test (tests/browser/test_i18n_browser.py).

Setup: npm ci --prefix tools/lighthouse        (once; Node ≥ 18.16)
Run:   python benchmarks/lighthouse.py [--catalog DIR] [--pages home graph] [--repeat 3]

The desktop audit runs ``--repeat`` times per page (3 by default) and keeps the run with the
median performance score, as Lighthouse's own guidance on variability advises; its lab
metrics (FCP, LCP, TBT, Speed Index, CLS) are recorded beside the score.

A machine shared with other work lowers the performance score (it is timed); accessibility
does not depend on load. The score says nothing about what a screen reader user experiences
beyond the automated checks (axe-core's rules).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "lighthouse.json"
LIGHTHOUSE_DIR = REPO / "tools" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox"
PAGES = {"home": "", "entry": "entries/song-2020-denoising/", "method": "methods/ddim/",
         "graph": "graph/", "timeline": "timeline/"}
LANGUAGE_PREFIXES = {"en": "", "zh-TW": "zh-TW/"}
TARGETS = {"accessibility": 98, "performance": 90}
RUNS = (("desktop", ("accessibility", "performance")), ("mobile", ("accessibility",)))
LAB_METRICS = {"fcp_ms": "first-contentful-paint", "lcp_ms": "largest-contentful-paint",
               "tbt_ms": "total-blocking-time", "speed_index_ms": "speed-index",
               "cls": "cumulative-layout-shift"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def lighthouse_version() -> str:
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def audit(url: str, form_factor: str, categories: tuple[str, ...], out: Path) -> dict:
    """One Lighthouse run: the scores (0–100) and the failing binary audits."""
    command = [str(LIGHTHOUSE), url, f"--only-categories={','.join(categories)}",
               f"--chrome-flags={CHROME_FLAGS}", "--output=json", f"--output-path={out}",
               "--quiet"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not out.is_file():
        raise SystemExit(f"lighthouse failed on {url} ({result.returncode}):\n{result.stderr}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse could not audit {url}: {report['runtimeError']}")
    failing = sorted(key for key, item in report["audits"].items()
                     if item.get("scoreDisplayMode") == "binary" and item.get("score") == 0)
    metrics = {name: report["audits"][audit_id]["numericValue"]
               for name, audit_id in LAB_METRICS.items() if audit_id in report["audits"]}
    return {"scores": {name: round(category["score"] * 100)
                       for name, category in report["categories"].items()},
            "failing_audits": failing,
            "lab_metrics": {k: round(v, 3 if k == "cls" else 0) for k, v in metrics.items()}}


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (the middle one of an odd number), with
    every run's score beside it."""
    ordered = sorted(runs, key=lambda run: run["scores"].get("performance", 0))
    middle = dict(ordered[len(ordered) // 2])
    middle["performance_of_each_run"] = [run["scores"].get("performance") for run in runs]
    return middle


def build_site(catalog: Path, site: Path) -> None:
    kb = Path(sys.executable).parent / "kb"
    result = subprocess.run([str(kb), "build", "--catalog", str(catalog), "--site-dir",
                             str(site)], capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"kb build failed:\n{result.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalog", type=Path, default=REPO / "catalog")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), default=list(PAGES),
                        help="which pages to audit (default: all five)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="desktop runs per page; the median one is kept")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        raise SystemExit(f"Lighthouse is not installed: npm ci --prefix {LIGHTHOUSE_DIR}")
    load_before = [round(x, 2) for x in os.getloadavg()]
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "public"
        print("building the site …", file=sys.stderr)
        build_site(args.catalog, site)
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            for lang, prefix in LANGUAGE_PREFIXES.items():
                for name in args.pages:
                    path = PAGES[name]
                    runs = {}
                    for form_factor, categories in RUNS:
                        print(f"{lang} {name} {form_factor} …", file=sys.stderr)
                        times = args.repeat if form_factor == "desktop" else 1
                        each = [audit(base + prefix + path, form_factor, categories,
                                      Path(tmp) / "report.json") for _ in range(times)]
                        runs[form_factor] = median_run(each) if times > 1 else each[0]
                    results.setdefault(lang, {})[name] = {"path": prefix + path, **runs}
        finally:
            server.shutdown()
    lowest = {category: min(run["scores"][category] for pages in results.values()
                            for page in pages.values()
                            for form, run in page.items() if form in ("desktop", "mobile")
                            and category in run["scores"])
              for category in TARGETS}
    report = {
        "command": "python benchmarks/lighthouse.py"
                   + ("" if args.catalog == REPO / "catalog" else f" --catalog {args.catalog}")
                   + ("" if args.pages == list(PAGES) else f" --pages {' '.join(args.pages)}")
                   + ("" if args.repeat == 3 else f" --repeat {args.repeat}"),
        "lighthouse": f"lighthouse@{lighthouse_version()} --chrome-flags=\"{CHROME_FLAGS}\" "
                      "(--preset=desktop for desktop), CHROME_PATH=" + CHROMIUM,
        "targets": TARGETS,
        "lowest": lowest,
        "met": {category: lowest[category] >= target for category, target in TARGETS.items()},
        "results": results,
        "machine": {"cpus": os.cpu_count(), "loadavg_before": load_before,
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                    "python": platform.python_version(), "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    temporary.replace(args.out)
    for lang, pages in results.items():
        for name, page in pages.items():
            print(f"{lang:6} {name:9} desktop {page['desktop']['scores']} "
                  f"(runs {page['desktop'].get('performance_of_each_run')}) "
                  f"mobile {page['mobile']['scores']} {page['desktop']['failing_audits']}")
    print(f"lowest: {lowest}; targets met: {report['met']}")


if __name__ == "__main__":
    main()
