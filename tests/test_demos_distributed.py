"""Data-parallel training: torchrun, 2 CPU processes, gloo; both ranks end with equal weights."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]


def test_two_process_ddp_training_keeps_ranks_identical(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KB_CACHE_DIR": str(tmp_path / "cache"),
        "OMP_NUM_THREADS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        "--standalone",
        "-m",
        "demos.distributed",
        "--dataset",
        "moons",
        "--steps",
        "6",
        "--width",
        "16",
        "--batch-size",
        "32",
        "--out",
        str(tmp_path / "ranks"),
    ]
    # a session of its own, so that on a timeout the workers die with the launcher
    launcher = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = launcher.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)
        launcher.communicate()
        raise
    assert launcher.returncode == 0, stderr[-2000:]
    rank0 = torch.load(tmp_path / "ranks" / "rank0.pt", weights_only=True)
    rank1 = torch.load(tmp_path / "ranks" / "rank1.pt", weights_only=True)
    for part in ("model", "ema"):
        for name, value in rank0[part].items():
            assert torch.equal(value, rank1[part][name]), (part, name)
    assert list((tmp_path / "cache" / "demos").glob("ddpm-moons-*/weights.pt"))  # rank 0 cached
