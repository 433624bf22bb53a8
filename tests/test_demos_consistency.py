"""demos.consistency: c_skip/c_out, the boundary condition, the noise levels, and a tiny
distillation run (the teacher's EDM view and ODE step: tests/test_demos_teacher.py)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from demos.consistency import (
    c_skip_out,
    consistency_config,
    consistency_function,
    karras_boundaries,
    sample_consistency,
)
from demos.ddpm import NoiseSchedule
from demos.nets import NetConfig
from demos.sample import SampleOptions
from demos.teacher import edm_sigmas, teacher_config
from demos.trained import load_or_train

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


class LinearV(nn.Module):
    """A stand-in v-network: v̂ = 0.4 z − 0.2."""

    def forward(self, z, k, y=None):
        return 0.4 * z - 0.2


def test_c_skip_and_c_out_by_hand():
    eps, sd = 0.002, 0.5
    for t in (0.002, 0.1, 1.0, 80.0):
        c_skip, c_out = c_skip_out(torch.tensor(t, dtype=F64), eps, sd)
        assert c_skip.item() == pytest.approx(sd**2 / ((t - eps) ** 2 + sd**2), rel=1e-12)
        assert c_out.item() == pytest.approx(sd * (t - eps) / math.sqrt(sd**2 + t**2), abs=1e-15)
    c_skip, c_out = c_skip_out(torch.tensor(eps, dtype=F64), eps, sd)
    assert (c_skip.item(), c_out.item()) == (1.0, 0.0)


def test_boundary_condition_f_of_x_at_eps_is_x():
    s = NoiseSchedule(1000, "linear")
    x = torch.randn(6, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    out = consistency_function(LinearV(), x, torch.zeros(6, dtype=torch.long), s)
    assert torch.equal(out, x)


def test_boundaries_follow_the_rho_schedule():
    s = NoiseSchedule(1000, "cosine")
    k = karras_boundaries(s, 18, 80.0, 7.0)
    sig = edm_sigmas(s)
    assert k[0] == 0 and torch.all(k[1:] > k[:-1]) and len(k) <= 18
    assert sig[k[-1]].item() == pytest.approx(80.0, rel=0.1)
    eps = sig[0].item()
    for i in (6, 9, 13):  # EDM's t_i = (ε^{1/ρ} + i/(N−1)(T^{1/ρ} − ε^{1/ρ}))^ρ, written out
        wanted = (eps ** (1 / 7) + i / 17 * (80 ** (1 / 7) - eps ** (1 / 7))) ** 7
        nearest = min(sig[k].tolist(), key=lambda v: abs(math.log(v / wanted)))
        assert nearest == pytest.approx(wanted, rel=0.05), i


def test_tiny_distillation_trains_and_samples_one_and_two_steps():
    teacher = teacher_config("moons", 60)
    teacher.net = NetConfig("mlp", width=32, depth=2, time_dim=16)
    teacher.batch_size = 64
    config = consistency_config("moons", 30, teacher=teacher)
    trained = load_or_train(config, progress=False)
    for steps in (1, 2):
        out = sample_consistency(trained, SampleOptions(num_samples=32, steps=steps))
        assert out.samples.shape == (32, 2) and out.samples.isfinite().all()
        assert out.nfe == steps


def test_registered_config_distils_the_shared_teacher():
    from demos.cache import config_hash
    from demos.registry import default_train_config, get_method
    from demos.teacher import ddpm_teacher_of

    config = default_train_config("consistency", "moons")
    assert get_method("consistency").train is not None and config.method == "consistency"
    assert config_hash(ddpm_teacher_of(config)) == config_hash(teacher_config("moons"))
