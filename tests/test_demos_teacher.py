"""demos.teacher: the distillations' DDPM teacher, the student configs made from it, DDIM in
x-form, and the teacher in the EDM view (σ_k, its denoiser, one ODE step)."""

from __future__ import annotations

import math

import pytest
import torch
from schedules_by_hand import cosine_alpha_bars, linear_alpha_bars
from torch import nn

from demos.cache import config_hash
from demos.consistency import consistency_config
from demos.ddpm import NoiseSchedule
from demos.distill import distill_config
from demos.teacher import (
    ddim_x_step,
    ddpm_teacher_of,
    edm_sigmas,
    student_config,
    teacher_config,
    teacher_denoiser,
    teacher_ode_step,
)

torch.set_num_threads(1)
F64 = torch.float64


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


def test_teacher_is_a_v_prediction_cosine_ddpm():
    config = teacher_config("moons", 60, seed=3)
    assert (config.method, config.prediction_type, config.schedule) == ("ddpm", "v", "cosine")
    assert (config.steps, config.seed, config.options) == (60, 3, {})


@pytest.mark.parametrize("make", [distill_config, consistency_config])
def test_both_students_keep_their_teacher(make):
    teacher = teacher_config("moons", 500)
    config = make("moons", 40, teacher=teacher)
    assert config.steps == 40 and config.lr == teacher.lr / 4
    assert config.net == teacher.net and config.net is not teacher.net
    assert list(config.options)[:2] == ["teacher_steps", "teacher_lr"]
    assert config_hash(ddpm_teacher_of(config)) == config_hash(teacher)
    assert make("moons", 40, teacher=teacher, batch_size=13).batch_size == 13  # overrides last


def test_student_config_defaults_and_overrides():
    toy = student_config("m", "moons", None, {"toy": 7, "digits": 9}, {"a": 1})
    digits = student_config("m", "digits", None, {"toy": 7, "digits": 9}, {}, overrides={"lr": 1.0})
    assert (toy.method, toy.steps, digits.steps, digits.lr) == ("m", 7, 9, 1.0)
    teacher = teacher_config("moons")
    assert toy.options == {"teacher_steps": teacher.steps, "teacher_lr": teacher.lr, "a": 1}


def test_ddim_x_step_is_eq_12_with_eta_0():
    s = NoiseSchedule(1000, "cosine")
    ab = cosine_alpha_bars(1000)
    g = torch.Generator().manual_seed(0)
    z, x_hat = torch.randn(3, 2, dtype=F64, generator=g), torch.randn(3, 2, dtype=F64, generator=g)
    for t, u in [(999, 499), (300, 100), (10, -1)]:
        a_t, a_s = ab[t], (ab[u] if u >= 0 else 1.0)
        eps = (z - math.sqrt(a_t) * x_hat) / math.sqrt(1 - a_t)
        want = math.sqrt(a_s) * x_hat + math.sqrt(1 - a_s) * eps
        got = ddim_x_step(x_hat, z, torch.full((3,), t), torch.full((3,), u), s)
        assert torch.allclose(got, want, atol=1e-10)


def test_edm_sigmas_from_alpha_bar():
    ab = linear_alpha_bars()
    sig = edm_sigmas(NoiseSchedule(1000, "linear"))
    for k in (0, 10, 500, 999):
        assert sig[k].item() == pytest.approx(math.sqrt((1 - ab[k]) / ab[k]), rel=1e-9)


def test_vp_v_teacher_is_edm_denoiser_with_sigma_data_one():
    s = NoiseSchedule(1000, "linear")
    ab = linear_alpha_bars()
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
