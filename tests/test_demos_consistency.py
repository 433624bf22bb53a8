"""demos.consistency: c_skip/c_out, the boundary condition, the VP → EDM view, the teacher's ODE
step, the noise levels, and a tiny distillation run."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from demos.cache import load_or_train
from demos.consistency import (
    c_skip_out,
    consistency_config,
    consistency_function,
    edm_sigmas,
    karras_boundaries,
    sample_consistency,
    teacher_denoiser,
    teacher_ode_step,
)
from demos.ddpm import NoiseSchedule
from demos.distill import teacher_config
from demos.nets import NetConfig
from demos.sample import SampleOptions

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


def linear_alpha_bar(T: int = 1000) -> list[float]:
    betas = [1e-4 + (0.02 - 1e-4) * i / (T - 1) for i in range(T)]
    return [math.prod(1 - b for b in betas[: k + 1]) for k in range(T)]


class LinearV(nn.Module):
    """A stand-in v-network: v̂ = 0.4 z − 0.2."""

    def forward(self, z, k, y=None):
        return 0.4 * z - 0.2


class PointV(nn.Module):
    """The exact v-network of data that is one point x*: v = (√ᾱ z − x*)/√(1 − ᾱ)."""

    def __init__(self, point, schedule):
        super().__init__()
        self.point, self.schedule = point, schedule

    def forward(self, z, k, y=None):
        ab = self.schedule.alphas_cumprod[k][:, None].to(z.dtype)
        return (ab.sqrt() * z - self.point) / (1 - ab).sqrt()


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


def test_edm_sigmas_from_alpha_bar():
    ab = linear_alpha_bar()
    sig = edm_sigmas(NoiseSchedule(1000, "linear"))
    for k in (0, 10, 500, 999):
        assert sig[k].item() == pytest.approx(math.sqrt((1 - ab[k]) / ab[k]), rel=1e-9)


def test_vp_v_teacher_is_edm_denoiser_with_sigma_data_one():
    s = NoiseSchedule(1000, "linear")
    ab = linear_alpha_bar()
    x = torch.randn(4, 2, dtype=F64, generator=torch.Generator().manual_seed(1))
    for k in (0, 200, 999):
        sigma = math.sqrt((1 - ab[k]) / ab[k])
        c_in = 1 / math.sqrt(1 + sigma**2)
        v = 0.4 * (c_in * x) - 0.2
        want = x / (1 + sigma**2) - sigma / math.sqrt(1 + sigma**2) * v  # EDM, σ_data = 1
        got = teacher_denoiser(LinearV(), x, torch.full((4,), k), s)
        assert torch.allclose(got, want, atol=1e-10)


@pytest.mark.parametrize("solver", ["euler", "heun"])
def test_ode_step_of_an_exact_teacher_follows_the_straight_line(solver):
    # one data point x*: the EDM ODE's solution is x(σ) = x* + (σ/σ₀)(x₀ − x*), a straight line
    s = NoiseSchedule(1000, "cosine")
    point = torch.tensor([[0.3, -0.8]], dtype=F64)
    x = torch.randn(5, 2, dtype=F64, generator=torch.Generator().manual_seed(2)) * 10
    k_from, k_to = torch.full((5,), 700), torch.full((5,), 300)
    sig = edm_sigmas(s)
    want = point + (sig[300] / sig[700]).item() * (x - point)
    got = teacher_ode_step(PointV(point, s), x, k_from, k_to, s, "v", solver)
    assert torch.allclose(got, want, atol=1e-8)


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
    from demos.distill import ddpm_teacher_of
    from demos.registry import default_train_config, get_method

    config = default_train_config("consistency", "moons")
    assert get_method("consistency").train is not None and config.method == "consistency"
    assert config_hash(ddpm_teacher_of(config)) == config_hash(teacher_config("moons"))
