"""kb demo train / sample through click's CliRunner, with the cache in a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.demo import demo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    import torch

    torch.set_num_threads(1)
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_importing_the_command_group_does_not_import_torch():
    code = "import sys, kb.cli.demo; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_help_texts_carry_examples():
    runner = CliRunner()
    for args in (["--help"], ["train", "--help"], ["sample", "--help"]):
        result = runner.invoke(demo, args)
        assert result.exit_code == 0 and "Example" in result.output


def test_train_then_sample_writes_a_png_and_prints_nfe(tmp_path):
    runner = CliRunner()
    trained = runner.invoke(
        demo, ["train", "ddpm", "--dataset", "moons", "--steps", "20", "--no-progress"]
    )
    assert trained.exit_code == 0, trained.output
    assert "trained: ddpm on moons, 20 steps" in trained.output
    again = runner.invoke(demo, ["train", "ddpm", "--dataset", "moons", "--steps", "20"])
    assert "already trained" in again.output
    out = tmp_path / "moons.png"
    sampled = runner.invoke(
        demo,
        [
            "sample",
            "ddim",
            "--dataset",
            "moons",
            "--train-steps",
            "20",
            "--steps",
            "5",
            "--eta",
            "0.5",
            "-n",
            "200",
            "--out",
            str(out),
        ],
    )
    assert sampled.exit_code == 0, sampled.output
    assert "NFE 5" in sampled.output and "wall time" in sampled.output
    assert "sliced_wasserstein" in sampled.output and "data vs data" in sampled.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_errors_are_clean_messages(cache):
    runner = CliRunner()
    unknown = runner.invoke(demo, ["train", "gan"])
    assert unknown.exit_code == 1 and "unknown method 'gan'" in unknown.output
    assert "Traceback" not in unknown.output
    no_dir = runner.invoke(demo, ["train", "ddpm", "--dataset", "mnist"])
    assert no_dir.exit_code == 1 and "--data-dir" in no_dir.output
    runner.invoke(demo, ["train", "ddpm", "--dataset", "moons", "--steps", "3", "--no-progress"])
    for weights in cache.glob("demos/ddpm-moons-*/weights.pt"):
        weights.write_bytes(b"garbage")
    broken = runner.invoke(
        demo,
        [
            "sample",
            "ddim",
            "--dataset",
            "moons",
            "--train-steps",
            "3",
            "--steps",
            "2",
            "--no-metric",
            "--out",
            str(cache / "x.png"),
        ],
    )
    assert broken.exit_code == 1 and "error[E603]" in broken.output
    assert "retrain with: kb demo train ddpm --dataset moons --steps 3 --retrain" in broken.output
    ddpm_steps = runner.invoke(demo, ["sample", "ddpm", "--dataset", "moons", "--steps", "10"])
    assert ddpm_steps.exit_code == 1 and "all T = 1000 steps" in ddpm_steps.output


def test_a_sampler_that_diverges_gives_one_clear_message(monkeypatch, tmp_path):
    import torch

    from demos import registry
    from demos.errors import DemoError
    from demos.sample import SampleOptions, SampleResult

    def diverging(trained, options):
        return SampleResult(torch.full((2, 2), float("nan")), nfe=4, seconds=0.0)

    monkeypatch.setitem(registry.METHODS, "diverging",
                        registry.Method("diverging", "", "", "ddpm", None, diverging))
    with pytest.raises(DemoError, match="diverged with 4 steps") as error:
        registry.draw("diverging", None, SampleOptions(steps=4))
    assert error.value.diagnostic.code == "E605"
