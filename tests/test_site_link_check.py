"""`kb check-links` against a local server on 127.0.0.1: never the real network."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.errors import NetworkError
from kb.site.link_check import Link, check_catalog_links, check_links, entry_links, summarize

SITE_CATALOG = Path(__file__).parent / "data" / "site_catalog"
TIMEOUT = 1.0


class _Handler(http.server.BaseHTTPRequestHandler):
    """/ok 200 · /gone 404 · /no-head 405 to HEAD, 200 to GET · /moved → /ok · /slow hangs."""

    heads: list[str] = []

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        type(self).heads.append(self.path)
        if self.path == "/no-head":
            self._answer(405)
        else:
            self._route()

    def do_GET(self) -> None:  # noqa: N802
        self._route(body=b"hello")

    def _route(self, body: bytes = b"") -> None:
        if self.path == "/slow":
            time.sleep(TIMEOUT * 3)
            self._answer(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/ok", "/no-head"):
            self._answer(200, body)
        else:
            self._answer(404)

    def _answer(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.heads = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_statuses_redirects_head_fallback_and_timeouts(server: str) -> None:
    links = [Link("a", name, f"{server}/{name}") for name in
             ("ok", "gone", "no-head", "moved", "slow")]
    results = {r.url.rsplit("/", 1)[1]: r for r in check_links(links, timeout=TIMEOUT,
                                                                  workers=5)}
    assert (results["ok"].status, results["ok"].ok) == (200, True)
    assert (results["gone"].status, results["gone"].ok) == (404, False)
    assert (results["no-head"].status, results["no-head"].ok) == (200, True)  # GET after 405
    assert (results["moved"].status, results["moved"].ok) == (200, True)
    assert results["slow"].status is None and results["slow"].error == "timed out"
    assert "/ok" in _Handler.heads  # HEAD first


def test_each_url_is_checked_once_and_reported_for_every_entry(server: str) -> None:
    links = [Link("a", "url", f"{server}/gone"), Link("b", "code", f"{server}/gone")]
    results = check_links(links, timeout=TIMEOUT)
    assert len(results) == 1 and [e.entry_id for e in results[0].entries] == ["a", "b"]
    assert _Handler.heads.count("/gone") == 1
    report = summarize(results)
    assert report.lines()[:2] == [f"a: url: {server}/gone: HTTP 404",
                                  f"b: code: {server}/gone: HTTP 404"]
    assert report.lines()[-1].startswith("1 links checked, 1 broken")


def test_entry_links_cover_url_arxiv_doi_and_links() -> None:
    catalog = Catalog.load(SITE_CATALOG)
    found = {(x.entry_id, x.name, x.url) for x in entry_links(catalog)}
    assert ("ho-2020-denoising", "url", "https://arxiv.org/abs/2006.11239") in found
    assert ("ho-2020-denoising", "arxiv", "https://arxiv.org/abs/2006.11239") in found
    assert ("ho-2020-denoising", "code", "https://github.com/hojonathanho/diffusion") in found


def test_no_server_answering_means_no_network(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    catalog = _catalog_with_urls(tmp_path, [f"{dead}/a", f"{dead}/b"])
    with pytest.raises(NetworkError):
        check_catalog_links(Catalog.load(catalog), timeout=TIMEOUT)


def test_kb_check_links_reports_and_exits_1(server: str, tmp_path: Path) -> None:
    catalog = _catalog_with_urls(tmp_path, [f"{server}/ok", f"{server}/gone"])
    kb = Path(sys.executable).parent / "kb"
    result = subprocess.run([kb, "check-links", "--catalog", catalog, "--timeout", "2",
                             "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["checked"] == 2
    assert [b["url"] for b in report["broken"]] == [f"{server}/gone"]


def _catalog_with_urls(tmp_path: Path, urls: list[str]) -> Path:
    """A catalog of one topic and one tutorial per URL."""
    root = tmp_path / "catalog"
    (root / "tutorials").mkdir(parents=True)
    shutil.copy(SITE_CATALOG / "topics.yaml", root / "topics.yaml")
    for index, url in enumerate(urls):
        (root / "tutorials" / f"t{index}.yaml").write_text(
            f"id: t{index}\nkind: tutorial\ntitle: Tutorial {index}\nurl: {url}\n"
            "topics: [history]\n", encoding="utf-8")
    return root
