"""The demo pages' first samples made ahead (issue #13): the run store on disk, the warmer
`kb serve` starts, and the server finding its results."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from demos import run_store
from demos.metrics import Metric, QualityReport

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "demos" / "app" / "app.py"


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    return tmp_path / "demos" / "runs"


def test_results_come_back_as_they_were_stored(store: Path) -> None:
    from demos.app.runs import Run

    report = QualityReport("digits", 8, [Metric("FD", 1.5, 0.5)], {"classes": "3 0"})
    run = Run(torch.arange(6.0).reshape(2, 3), 20, 0.25, report,
              [("0/20", torch.zeros(2, 3)), ("20/20", torch.ones(2, 3))])
    value = ([0.0, 0.5], torch.ones(2, 2), run)
    key = run_store.run_key({"model": "abc@1", "options": {"steps": 20}})
    assert run_store.load_run("sample_paths", key) == (False, None)
    path = run_store.save_run("sample_paths", key, value)
    assert path is not None and path.parent == store and not list(store.glob("*.tmp"))
    found, back = run_store.load_run("sample_paths", key)
    assert found and isinstance(back, tuple) and back[0] == [0.0, 0.5]
    assert torch.equal(back[1], value[1])
    assert isinstance(back[2], Run) and back[2].nfe == 20 and back[2].report == report
    assert back[2].frames[1][0] == "20/20" and torch.equal(back[2].frames[1][1], torch.ones(2, 3))
    other = run_store.run_key({"model": "abc@1", "options": {"steps": 21}})
    assert run_store.load_run("sample_paths", other) == (False, None)


def test_what_it_does_not_know_stays_in_memory(store: Path) -> None:
    @dataclass
    class Stranger:
        x: int

    assert run_store.save_run("x", "k", Stranger(1)) is None
    assert run_store.save_run("x", "k", {"f": lambda: 1}) is None
    assert run_store.save_run("x", "k", torch.zeros(run_store.MAX_TENSOR_BYTES)) is None
    assert not store.exists() or not list(store.iterdir())


def test_a_file_that_would_build_another_class_is_refused_and_removed(store: Path) -> None:
    path = run_store.run_path("x", "k")
    path.parent.mkdir(parents=True)
    torch.save({"__dataclass__": "subprocess:Popen", "args": ["true"]}, path)
    assert run_store.load_run("x", "k") == (False, None)
    assert not path.exists()
    path.write_bytes(b"not a torch file")
    assert run_store.load_run("x", "k") == (False, None)


def test_the_store_keeps_its_newest_files(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_store, "KEEP_FILES", 3)
    for i in range(5):
        path = run_store.save_run("x", str(i), torch.tensor([i]))
        os.utime(path, (1000 + i, 1000 + i))
    run_store.save_run("x", "5", torch.tensor([5]))
    assert len(list(store.glob("*.pt"))) == 3
    assert run_store.load_run("x", "5")[0] and not run_store.load_run("x", "0")[0]


def test_changed_demo_code_is_a_different_result(store: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = run_store.run_path("x", "k")
    monkeypatch.setattr(run_store, "code_fingerprint", lambda: "other")
    assert run_store.run_path("x", "k") != before


@pytest.mark.timeout(900)
def test_kb_serve_s_warmer_fills_the_store_and_the_server_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ, "KB_DEMO_TINY": "1", "KB_CACHE_DIR": str(tmp_path),
           "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "demos.app.warm", "ddim", "--no-nice"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=800)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "/ddim: samples ready" in done.stdout
    assert "/ddim?steps=20: samples ready" in done.stdout
    assert "all demo pages warmed in" in done.stdout
    assert list((tmp_path / "demos" / "runs").glob("sample_run-*.pt"))

    # A server process of its own (empty memory caches) opens the deep link: the samples come
    # from the store — drawing them again would fail here.
    from streamlit.testing.v1 import AppTest

    import demos.registry

    monkeypatch.setenv("KB_DEMO_TINY", "1")
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("drew samples that the warmer had made")

    monkeypatch.setattr(demos.registry, "draw", no_drawing)
    AppTest.from_function(lambda: None).run()  # a fresh Streamlit runtime for the caches
    import streamlit as st

    st.cache_data.clear()
    app = AppTest.from_file(str(APP), default_timeout=300)
    app.run()
    app.switch_page("method_pages/ddim.py")
    app.query_params.update({"steps": "20"})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert any("NFE" in m.label for m in app.metric)


def test_the_warmer_refuses_an_unknown_page() -> None:
    done = subprocess.run([sys.executable, "-m", "demos.app.warm", "nope", "--no-nice"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no demo page nope" in done.stderr
