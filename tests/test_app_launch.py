"""kb.launch: two servers under one supervisor, stopped together by Ctrl-C or by either dying.

The "servers" here are tiny Python processes that print their pid and the pid of a child they
start (a `sleep`), so the tests can check that whole process groups are gone afterwards.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kb.errors import KbError
from kb.launch import demo_page_url, demo_server, serve_site_and_demos, site_server

REPO = Path(__file__).resolve().parents[1]

# a server: starts a grandchild, reports both pids, then waits (or exits after EXIT_AFTER s)
CHILD = textwrap.dedent("""
    import os, signal, subprocess, sys, time
    if os.environ.get("IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    grandchild = subprocess.Popen(["sleep", "120"])
    print(f"pids {os.getpid()} {grandchild.pid}", flush=True)
    time.sleep(float(os.environ.get("EXIT_AFTER", "120")))
    sys.exit(int(os.environ.get("EXIT_CODE", "0")))
""")

SUPERVISOR = textwrap.dedent("""
    import sys
    from kb.launch import Server, supervise
    child = sys.argv[1]
    a_env = dict(arg.split("=", 1) for arg in sys.argv[2].split(",") if arg)
    b_env = dict(arg.split("=", 1) for arg in sys.argv[3].split(",") if arg)
    servers = [Server("alpha", [sys.executable, "-c", child], env=a_env),
               Server("beta", [sys.executable, "-c", child], env=b_env,
                      one_shot="ONE_SHOT" in b_env)]
    sys.exit(supervise(servers, stop_timeout=float(sys.argv[4])))
""")


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for a parent that does not reap counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def start_supervisor(a_env: str = "", b_env: str = "", stop_timeout: float = 3.0):
    return subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, CHILD, a_env, b_env, str(stop_timeout)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_pids(
    process: subprocess.Popen, count: int = 2, timeout: float = 30
) -> tuple[list[int], list[str]]:
    """Read the supervisor's output until ``count`` children reported their pids."""
    pids, lines = [], []
    deadline = time.monotonic() + timeout
    while len(pids) < 2 * count and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "pids " in line:
            pids += [int(p) for p in line.split("pids ")[1].split()]
    assert len(pids) == 2 * count, lines
    return pids, lines


def wait_gone(pids: list[int], timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def test_ctrl_c_stops_both_servers_and_their_children():
    supervisor = start_supervisor()
    pids, lines = read_pids(supervisor)
    assert all(alive(p) for p in pids)
    supervisor.send_signal(signal.SIGINT)
    rest, _ = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0
    assert wait_gone(pids) == []
    output = "".join(lines) + rest
    assert "[alpha] pids" in output and "[beta] pids" in output  # prefixed output
    assert "stopping (SIGINT)" in output


def test_sigterm_stops_both():
    supervisor = start_supervisor()
    pids, _ = read_pids(supervisor)
    supervisor.send_signal(signal.SIGTERM)
    supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0
    assert wait_gone(pids) == []


def test_when_one_server_dies_the_other_is_stopped():
    supervisor = start_supervisor(b_env="EXIT_AFTER=1,EXIT_CODE=3")
    pids, _ = read_pids(supervisor)
    rest, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 3
    assert "beta exited with code 3" in rest
    assert wait_gone(pids) == []


def test_a_one_shot_job_ending_stops_nothing():
    """kb serve's warmer ends when the demo pages are warm (or fails): the servers go on."""
    supervisor = start_supervisor(b_env="EXIT_AFTER=1,EXIT_CODE=3,ONE_SHOT=1")
    pids, lines = read_pids(supervisor)
    by_name = {line.split("]")[0].lstrip("["): [int(p) for p in line.split("pids ")[1].split()]
               for line in lines if "pids " in line}
    assert wait_gone(by_name["beta"][:1], timeout=30) == []  # beta's own process ended …
    time.sleep(1.0)  # … and the supervisor had time to notice
    assert supervisor.poll() is None and alive(by_name["alpha"][0])  # alpha still serves
    supervisor.send_signal(signal.SIGINT)
    rest, _ = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0 and "beta exited" not in rest
    assert wait_gone(pids) == []


def test_kb_serve_warms_the_demo_pages_unless_told_not_to(monkeypatch: pytest.MonkeyPatch):
    import kb.launch

    started: list[list[str]] = []
    monkeypatch.setattr(kb.launch, "supervise",
                        lambda servers, out=None: started.append([s.name for s in servers]) or 0)
    monkeypatch.setattr(kb.launch, "port_is_free", lambda host, port: True)
    serve_site_and_demos(site_port=8123, demo_port=8124, out=io.StringIO())
    serve_site_and_demos(site_port=8123, demo_port=8124, out=io.StringIO(), warm=False)
    assert started == [["site", "demos", "warm"], ["site", "demos"]]
    warmer = kb.launch.demo_warmer()
    assert warmer.one_shot and warmer.argv[1:] == ["-m", "demos.app.warm"]


def test_a_server_ignoring_sigterm_is_killed_after_the_timeout():
    supervisor = start_supervisor(a_env="IGNORE_TERM=1", stop_timeout=1.0)
    pids, _ = read_pids(supervisor)
    started = time.monotonic()
    supervisor.send_signal(signal.SIGINT)
    supervisor.communicate(timeout=20)
    assert wait_gone(pids) == []
    assert time.monotonic() - started >= 0.9  # it waited for the polite stop first


def test_each_server_is_told_where_the_other_is():
    site = site_server(host="127.0.0.1", port=8123, demo_url="http://127.0.0.1:8124")
    demos = demo_server(host="127.0.0.1", port=8124, site_url="http://127.0.0.1:8123")
    assert site.env["KB_DEMO_BASE_URL"] == "http://127.0.0.1:8124"
    assert demos.env["KB_SITE_URL"] == "http://127.0.0.1:8123"
    assert site.argv[1:5] == ["-m", "kb", "serve", "--no-demos"]
    assert "127.0.0.1:8123" in site.argv
    assert demos.argv[1:4] == ["-m", "streamlit", "run"]
    assert demos.argv[4].endswith(os.path.join("demos", "app", "app.py"))
    assert ["--server.port", "8124"] == demos.argv[demos.argv.index("--server.port") :][:2]


def test_a_busy_port_is_a_clear_error_before_anything_starts():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(KbError, match=f"port {port}"):
            serve_site_and_demos(site_port=port, demo_port=port + 1 if port < 65535 else 1)


def test_deep_links_carry_the_page_and_its_controls():
    assert (
        demo_page_url("http://h:1/", "ddim", {"steps": "20", "eta": "0"})
        == "http://h:1/ddim?steps=20&eta=0"
    )
    assert demo_page_url("http://h:1", "") == "http://h:1/"
