"""Make every demo page's first samples before anyone asks: ``python -m demos.app.warm``.

``kb serve`` starts this beside the demo server. Each page is run once, headless, through
Streamlit's own script runner (``AppTest``) — with no query (the menu's link) and with the
site's "Run the demo" deep link (``?steps=N``) — exactly as a visitor's browser would make the
server run it. What the page computes lands in the run store on disk (:mod:`demos.run_store`),
where the server finds it: the first visitor sees samples as soon as the page has loaded.

It runs at a low priority (``nice``), one page at a time, and prints one line per page.
Pages whose model is not shipped would train first; they are warmed like the others.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demos.app.routes import APP_FILE, ROUTES, Route  # noqa: E402

TIMEOUT_S = 600.0


def visits(routes: Sequence[Route]) -> Iterator[tuple[Route, dict[str, str]]]:
    """Each page with no query, then with the query of the site's "Run the demo" link to it
    (:func:`kb.site.demos.demo_url`)."""
    from urllib.parse import parse_qsl, urlsplit

    from kb.site.demos import demo_url

    for route in routes:
        yield route, {}
        yield route, dict(parse_qsl(urlsplit(demo_url("", route.url_path)).query))


def warm_page(route: Route, query: dict[str, str]) -> float:
    """Run one page as a visitor's first view would; its seconds. Raises on a page error."""
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    app = AppTest.from_file(str(APP_FILE), default_timeout=TIMEOUT_S)
    app.run()
    app.switch_page(route.script)
    app.query_params.update(query)
    app.run()
    errors = [e.value for e in app.exception] + [e.value for e in app.error]
    if errors:
        raise RuntimeError(f"/{route.url_path}: {errors[0]}")
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="URL paths to warm (default: every page)")
    parser.add_argument("--no-nice", action="store_true", help="run at normal priority")
    args = parser.parse_args(argv)
    if not args.no_nice and hasattr(os, "nice"):
        os.nice(10)  # visitors' pages come first
    routes = [r for r in ROUTES if not args.pages or r.url_path in args.pages]
    unknown = set(args.pages) - {r.url_path for r in ROUTES}
    if unknown:
        print(f"error: no demo page {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    import logging
    from urllib.parse import urlencode

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare-mode chatter, per page
    started = time.perf_counter()
    failed = 0
    for route, query in visits(routes):
        where = f"/{route.url_path}" + (f"?{urlencode(query)}" if query else "")
        try:
            seconds = warm_page(route, query)
        except Exception as exc:  # noqa: BLE001 - one page failing does not stop the rest
            failed += 1
            print(f"{where}: not warmed ({exc})", flush=True)
            continue
        print(f"{where}: samples ready ({seconds:.1f} s)", flush=True)
    print(f"all demo pages warmed in {time.perf_counter() - started:.0f} s"
          + (f", {failed} failed" if failed else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
