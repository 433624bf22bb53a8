"""demos.distill: the grid, Algorithm 2's target, the ladder, and a student that beats its
teacher at the same few steps (the teacher's DDIM step: tests/test_demos_teacher.py)."""

from __future__ import annotations

import math

import pytest
import torch
from schedules_by_hand import cosine_alpha_bars
from torch import nn

from demos.data import sample_toy
from demos.ddim import ddim_sample
from demos.ddpm import NoiseSchedule
from demos.distill import (
    distill_config,
    distillation_loss,
    distillation_target,
    sample_distill,
    student_grid,
)
from demos.errors import DemoError
from demos.metrics import sliced_wasserstein
from demos.nets import NetConfig
from demos.sample import SampleOptions
from demos.teacher import teacher_config
from demos.trained import load_or_train

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


class PointTeacher(nn.Module):
    """The exact v-network of data that is a single point x*: x̂(z_t) = x* for every z_t."""

    def __init__(self, point: torch.Tensor, schedule: NoiseSchedule) -> None:
        super().__init__()
        self.point, self.schedule = point, schedule

    def forward(self, z: torch.Tensor, t: torch.Tensor, y=None) -> torch.Tensor:
        alpha_bar = self.schedule.alpha_bar(t).to(z.dtype)[:, None]
        return (alpha_bar.sqrt() * z - self.point) / (1 - alpha_bar).sqrt()  # v = (αz − x)/σ


class LinearTeacher(nn.Module):
    """v̂ = 0.3 z + 0.1 (any fixed map will do for checking the algebra)."""

    def forward(self, z: torch.Tensor, t: torch.Tensor, y=None) -> torch.Tensor:
        return 0.3 * z + 0.1


def test_grid_is_trailing_and_nested():
    s = NoiseSchedule(1000, "cosine")
    assert student_grid(4, s) == [999, 749, 499, 249, -1]
    assert student_grid(1, s) == [999, -1]
    for n in (1, 2, 4, 8, 16, 32, 64):
        assert student_grid(2 * n, s)[::2] == student_grid(n, s), n


def test_target_of_an_exact_teacher_is_the_data_point():
    s = NoiseSchedule(1000, "cosine")
    point = torch.tensor([[0.7, -1.2]], dtype=F64)
    z = torch.randn(5, 2, dtype=F64, generator=torch.Generator().manual_seed(1))
    t, mid, nxt = (torch.full((5,), k) for k in (999, 749, 499))
    target = distillation_target(PointTeacher(point, s), z, t, mid, nxt, s)
    assert torch.allclose(target, point.expand(5, 2), atol=1e-6)


def test_target_by_hand_and_one_student_step_lands_on_the_teacher():
    s = NoiseSchedule(1000, "cosine")
    ab = cosine_alpha_bars(1000)
    z = torch.randn(4, 2, dtype=F64, generator=torch.Generator().manual_seed(2))
    t, mid, nxt = 749, 499, 249
    a = {k: math.sqrt(ab[k]) for k in (t, mid, nxt)}
    sg = {k: math.sqrt(1 - ab[k]) for k in (t, mid, nxt)}

    def teacher_step(z, k, u):  # x̂ = αz − σv, then DDIM, written out here
        x_hat = a[k] * z - sg[k] * (0.3 * z + 0.1)
        return a[u] * x_hat + sg[u] / sg[k] * (z - a[k] * x_hat)

    z_next = teacher_step(teacher_step(z, t, mid), mid, nxt)
    ratio = sg[nxt] / sg[t]
    want = (z_next - ratio * z) / (a[nxt] - ratio * a[t])
    steps = [torch.full((4,), k) for k in (t, mid, nxt)]
    got = distillation_target(LinearTeacher(), z, *steps, s)
    assert torch.allclose(got, want, atol=1e-10)
    one_step = a[nxt] * got + ratio * (z - a[t] * got)  # a student that outputs x̃ lands at z″
    assert torch.allclose(one_step, z_next, atol=1e-10)


def test_loss_is_snr_plus_one_weighted_x_error():
    s = NoiseSchedule(1000, "cosine")
    x = torch.randn(64, 2, dtype=F64, generator=torch.Generator().manual_seed(3))
    student = LinearTeacher()
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    got = distillation_loss(student, PointTeacher(x[:1], s), x, 2, s, g1)
    # the same draws, by hand: t from the 2-step grid {999, 499}, z_t = αx + σε, x̃ = x*
    i = torch.randint(0, 2, (64,), generator=g2)
    eps = torch.randn(x.shape, generator=g2, dtype=F64)
    ab = torch.tensor(cosine_alpha_bars(1000), dtype=F64)[torch.tensor([999, 499])[i]][:, None]
    z = ab.sqrt() * x + (1 - ab).sqrt() * eps
    x_student = ab.sqrt() * z - (1 - ab).sqrt() * (0.3 * z + 0.1)
    weight = 1 + ab / (1 - ab)  # 1 + SNR
    want = (weight * (x[:1] - x_student) ** 2).mean()
    assert got.item() == pytest.approx(want.item(), rel=1e-6)


def test_ladder_must_halve_the_teacher():
    with pytest.raises(DemoError):
        distill_config("moons", student_steps=3, teacher_sampling_steps=8)
    with pytest.raises(DemoError):
        distill_config("moons", student_steps=8, teacher_sampling_steps=8)


def test_student_beats_its_teacher_at_the_same_few_steps():
    teacher_cfg = teacher_config("moons", 500)
    teacher_cfg.net = NetConfig("mlp", width=64, depth=2, time_dim=16)
    teacher_cfg.batch_size = 128
    config = distill_config(
        "moons", 300, student_steps=2, teacher_sampling_steps=4, teacher=teacher_cfg
    )
    student = load_or_train(config, progress=False)  # trains the teacher, then 4 → 2 steps
    teacher = load_or_train(teacher_cfg, progress=False)
    z = torch.randn(2000, 2, generator=torch.Generator().manual_seed(5))
    data = sample_toy("moons", 2000, torch.Generator().manual_seed(6))
    distilled = sample_distill(student, SampleOptions(num_samples=2000, steps=2)).samples
    plain = ddim_sample(teacher.net, z, teacher.schedule, 2, 0.0, "trailing", "v")
    ours = sliced_wasserstein(distilled, data, generator=torch.Generator().manual_seed(0))
    theirs = sliced_wasserstein(plain, data, generator=torch.Generator().manual_seed(0))
    assert distilled.shape == (2000, 2) and distilled.isfinite().all()
    assert ours < 0.85 * theirs, (ours, theirs)


def test_cli_refuses_a_step_count_off_the_ladder_before_training(tmp_path):
    from click.testing import CliRunner

    from kb.cli.demo import demo

    result = CliRunner().invoke(demo, ["sample", "distill", "--dataset", "moons", "--steps", "3"])
    assert result.exit_code == 1 and "E604" in result.output
    assert not (tmp_path / "demos").exists()  # nothing was trained
