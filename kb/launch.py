"""Run the site and the demo app together: two local servers, one Ctrl-C stops both.

:func:`serve_site_and_demos` is what ``kb serve`` runs. Each server is a child process in its
own process group (``start_new_session``), so stopping it also stops whatever it started.
The supervisor (:func:`supervise`)

* tells each server where the other one is — ``KB_SITE_URL`` for the demo app (its pages link
  back to the site), ``KB_DEMO_BASE_URL`` for the site (its "Run the demo" buttons);
* forwards their output line by line with a prefix (``[site] …``, ``[demos] …``);
* on Ctrl-C (SIGINT), SIGTERM, or when either child exits, stops both: SIGTERM to each
  process group, then SIGKILL to whatever is still alive after ``stop_timeout`` seconds.

Nothing here imports streamlit, torch or mkdocs; the servers do, in their own processes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kb.errors import KbError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_SITE_PORT = 8000
DEFAULT_DEMO_PORT = 8501
REPO_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    """One child process: its name (the output prefix), command, URL and extra environment."""

    name: str
    argv: Sequence[str]
    url: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    one_shot: bool = False  # a job that ends by itself (warming): its end stops nothing


# ---------------------------------------------------------------------------------------------
# The two servers
# ---------------------------------------------------------------------------------------------


def site_server(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_SITE_PORT,
    demo_url: str,
    config_file: Path = Path("mkdocs.yml"),
    catalog: Path | None = None,
) -> Server:
    """The MkDocs site with live reload, as ``kb serve --no-demos`` serves it alone.

    Its "Run the demo" buttons point at ``demo_url`` (``KB_DEMO_BASE_URL``).
    """
    argv = [
        sys.executable,
        "-m",
        "kb",
        "serve",
        "--no-demos",
        "--dev-addr",
        f"{host}:{port}",
        "--config",
        str(config_file),
    ]
    if catalog is not None:
        argv += ["--catalog", str(catalog)]
    return Server("site", argv, f"http://{host}:{port}", {"KB_DEMO_BASE_URL": demo_url})


def demo_server(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_DEMO_PORT,
    site_url: str,
    app: Path | None = None,
) -> Server:
    """``streamlit run demos/app/app.py`` on ``host:port``; its pages link to ``site_url``.

    ``OMP_WAIT_POLICY=PASSIVE`` (unless set) stops torch's idle threads from spinning, which
    on a small shared machine costs more than it saves.
    """
    app = app or REPO_DIR / "demos" / "app" / "app.py"
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
    ]
    env = {"KB_SITE_URL": site_url, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    return Server("demos", argv, f"http://{host}:{port}", env, cwd=REPO_DIR)


def demo_warmer() -> Server:
    """``python -m demos.app.warm``: every demo page's first samples, made in the background
    at a low priority and kept in the run store the demo server reads (:mod:`demos.run_store`),
    so the first visitor of a page does not wait for them."""
    argv = [sys.executable, "-m", "demos.app.warm"]
    env = {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    return Server("warm", argv, "", env, cwd=REPO_DIR, one_shot=True)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the OS says is free now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60.0, poll: float = 0.2) -> bool:
    """Whether ``url`` answers an HTTP request within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answered, if not with 200
        except (urllib.error.URLError, OSError):
            time.sleep(poll)
    return False


# ---------------------------------------------------------------------------------------------
# Supervision
# ---------------------------------------------------------------------------------------------


def _forward(name: str, stream: TextIO, out: TextIO, lock: threading.Lock) -> None:
    for line in stream:
        with lock:
            out.write(f"[{name}] {line.rstrip()}\n")
            out.flush()


def start_server(server: Server) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **server.env}
    return subprocess.Popen(
        list(server.argv),
        cwd=server.cwd,
        env=env,
        text=True,
        bufsize=1,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)  # the child leads its own group: this reaches its children
    except (ProcessLookupError, PermissionError):
        pass


def stop_processes(processes: Sequence[subprocess.Popen], timeout: float = 5.0) -> None:
    """SIGTERM every process group, wait up to ``timeout`` s, then SIGKILL the rest."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for process in processes:  # the group may outlive its leader: kill it either way
        _signal_group(process, signal.SIGKILL)
        if process.poll() is None:
            process.wait()


def supervise(
    servers: Sequence[Server],
    *,
    out: TextIO | None = None,
    stop_timeout: float = 5.0,
    on_started: Callable[[], None] | None = None,
) -> int:
    """Run ``servers`` until Ctrl-C / SIGTERM (exit 0) or until one exits (its code, or 1);
    a ``one_shot`` job may end at any time without stopping the others.

    ``on_started`` runs once in a thread after all have started (e.g. to open a browser).
    """
    out = out or sys.stdout
    lock = threading.Lock()
    stop = threading.Event()
    reason: list[str] = []

    def on_signal(signum: int, _frame: object) -> None:
        reason.append(signal.Signals(signum).name)
        stop.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    processes: list[subprocess.Popen] = []
    code = 0
    try:
        for server in servers:
            process = start_server(server)
            processes.append(process)
            threading.Thread(
                target=_forward, args=(server.name, process.stdout, out, lock), daemon=True
            ).start()
        if on_started is not None:
            threading.Thread(target=on_started, daemon=True).start()
        finished: set[str] = set()
        while not stop.is_set():
            for server, process in zip(servers, processes, strict=True):
                if process.poll() is None or server.name in finished:
                    continue
                if server.one_shot:  # done (or failed, and said so): the servers go on
                    finished.add(server.name)
                    continue
                reason.append(f"{server.name} exited with code {process.returncode}")
                code = process.returncode or 1
                stop.set()
                break
            stop.wait(0.2)
    finally:
        with lock:
            out.write(f"stopping ({', '.join(reason) or 'shutting down'}) …\n")
            out.flush()
        stop_processes(processes, stop_timeout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def demo_page_url(
    base_url: str, url_path: str = "", params: Mapping[str, str] | None = None
) -> str:
    """``{base_url}/{url_path}?{params}`` — a deep link into the demo app."""
    from urllib.parse import quote, urlencode

    url = f"{base_url.rstrip('/')}/{quote(url_path)}"
    return f"{url}?{urlencode(dict(params))}" if params else url


def run_demo_app(
    *,
    url_path: str = "",
    params: Mapping[str, str] | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_DEMO_PORT,
    open_browser: bool = True,
    site_url: str | None = None,
    out: TextIO | None = None,
) -> int:
    """``kb demo [METHOD]``: the demo app alone, opened at the page ``url_path``.

    Streamlit itself would open its root page, so it runs headless and the browser is
    opened here, at the deep link, once the server answers.
    """
    if not port_is_free(host, port):
        raise KbError(f"port {port} on {host} is in use; choose another with --port", code="E704")
    site_url = (
        site_url or os.environ.get("KB_SITE_URL") or f"http://{DEFAULT_HOST}:{DEFAULT_SITE_PORT}"
    )
    server = demo_server(host=host, port=port, site_url=site_url)
    url = demo_page_url(server.url, url_path, params)
    out = out or sys.stdout

    def announce() -> None:
        if not wait_until_up(f"{server.url}/_stcore/health", timeout=120):
            return
        out.write(f"demo app: {url}  (Ctrl-C stops it)\n")
        out.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    return supervise([server], out=out, on_started=announce)


def serve_site_and_demos(
    *,
    config_file: Path = Path("mkdocs.yml"),
    catalog: Path | None = None,
    host: str = DEFAULT_HOST,
    site_port: int = DEFAULT_SITE_PORT,
    demo_port: int = DEFAULT_DEMO_PORT,
    out: TextIO | None = None,
    warm: bool = True,
) -> int:
    """``kb serve``: the site on ``site_port`` and the demo app on ``demo_port``, linked; with
    ``warm``, every demo page's first samples are made in the background meanwhile."""
    for what, port in (("site", site_port), ("demo app", demo_port)):
        if not port_is_free(host, port):
            raise KbError(
                f"port {port} on {host} is in use, so the {what} cannot start there; "
                "stop the other server or choose another port",
                code="E704",
            )
    site_url, demo_url = f"http://{host}:{site_port}", f"http://{host}:{demo_port}"
    out = out or sys.stdout
    servers = [
        site_server(
            host=host, port=site_port, demo_url=demo_url, config_file=config_file, catalog=catalog
        ),
        demo_server(host=host, port=demo_port, site_url=site_url),
    ]
    if warm:
        servers.append(demo_warmer())
    out.write(f"site:  {site_url}\ndemos: {demo_url}\nCtrl-C stops both.\n")
    out.flush()
    return supervise(servers, out=out)
