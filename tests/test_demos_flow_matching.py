"""demos.flow_matching: the straight path, the CFM loss, Euler and Heun, training, the CLI."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from demos.flow_matching import (
    euler_sample,
    flow_matching_loss,
    heun_sample,
    interpolate,
    sample_flow,
)
from demos.registry import default_train_config
from demos.sample import SampleOptions
from demos.trained import load_or_train

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


class Field(nn.Module):
    """v(x, t) = a x + b t + c, with t read back from the net's 1000·t input."""

    def __init__(self, a: float = 0.0, b: float = 0.0, c: float = 0.0) -> None:
        super().__init__()
        self.a, self.b, self.c = a, b, c
        self.dummy = nn.Parameter(torch.zeros(()))  # samplers look up the device

    def forward(self, x, t1000, y=None):
        return self.a * x + self.b * (t1000 / 1000)[:, None] + self.c


def test_path_is_the_straight_line():
    x0, x1 = torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0, -2.0]])
    for t in (0.0, 0.25, 1.0):
        want = torch.tensor([[1 + 2 * t, 2 - 4 * t]])
        assert torch.allclose(interpolate(x0, x1, torch.tensor([t])), want)


def test_cfm_loss_by_hand():
    x1 = torch.randn(256, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    got = flow_matching_loss(Field(0.5, 1.0, 0.1), x1, torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(3)  # the same draws: noise first, then t
    x0 = torch.randn(x1.shape, generator=g, dtype=F64)
    t = torch.rand(256, generator=g, dtype=F64)[:, None]
    x_t = (1 - t) * x0 + t * x1
    want = ((0.5 * x_t + 1.0 * t + 0.1 - (x1 - x0)) ** 2).mean()
    assert got.item() == pytest.approx(want.item(), rel=1e-10)


def test_euler_and_heun_on_fields_with_known_solutions():
    x0 = torch.randn(8, 2, dtype=F64, generator=torch.Generator().manual_seed(1))
    # v = c: both land on x0 + c; v = 2t: exact x0 + 1, Euler gives x0 + (N − 1)/N, Heun exact
    assert torch.allclose(euler_sample(Field(c=0.7), x0, 3), x0 + 0.7)
    assert torch.allclose(heun_sample(Field(c=0.7), x0, 3), x0 + 0.7)
    assert torch.allclose(euler_sample(Field(b=2.0), x0, 4), x0 + 3 / 4)
    assert torch.allclose(heun_sample(Field(b=2.0), x0, 4), x0 + 1.0)
    # v = x: exact e·x0; Heun's one step is 1 + h + h²/2 = 2.5 times x0
    assert torch.allclose(heun_sample(Field(a=1.0), x0, 1), 2.5 * x0)


def tiny_flow(steps: int = 600):
    config = default_train_config("flow-matching", "moons", steps, batch_size=256)
    config.net.width, config.net.depth, config.net.time_dim = 64, 2, 16
    return config


def test_tiny_flow_trains_and_samples():
    trained = load_or_train(tiny_flow(40), progress=False)
    for method, nfe in (("euler", 5), ("heun", 10)):
        out = sample_flow(trained, SampleOptions(num_samples=64, steps=5), method)
        assert out.samples.shape == (64, 2) and out.samples.isfinite().all() and out.nfe == nfe


def test_cli_trains_and_samples_flow_matching(tmp_path):
    from click.testing import CliRunner

    from kb.cli.demo import demo

    runner = CliRunner()
    trained = runner.invoke(
        demo, ["train", "flow-matching", "--dataset", "moons", "--steps", "20", "--no-progress"]
    )
    assert trained.exit_code == 0, trained.output
    out = tmp_path / "fm.png"
    args = ["--dataset", "moons", "--train-steps", "20", "--steps", "4", "-n", "50"]
    sampled = runner.invoke(demo, ["sample", "flow-matching-heun", *args, "--out", str(out)])
    assert sampled.exit_code == 0, sampled.output
    assert "NFE 8" in sampled.output and out.exists()
