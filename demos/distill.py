r"""Progressive distillation — Salimans & Ho 2022 (arXiv:2202.00512).

A deterministic DDIM sampler with :math:`N` steps is distilled into a *student* that takes
:math:`N/2` steps, which becomes the teacher of an :math:`N/4`-step student, and so on down to
one step. Each stage costs about as much as a short fine-tune, and every halving keeps most of
the quality.

**Parametrization (§4).** With :math:`z_t = \alpha_t x + \sigma_t \epsilon`,
:math:`\alpha_t^2 + \sigma_t^2 = 1` (here :math:`\alpha_t = \sqrt{\bar\alpha_t}` of DDPM), an
:math:`\epsilon`-network cannot be a few-step student: :math:`\hat x = (z_t - \sigma_t
\hat\epsilon)/\alpha_t` blows up as :math:`\alpha_t \to 0`, and a one-step student starts at
:math:`\alpha_t \approx 0`. The network predicts the *velocity*
:math:`v = \alpha_t \epsilon - \sigma_t x` instead, so that

.. math:: \hat x_\theta(z_t) = \alpha_t z_t - \sigma_t \hat v_\theta(z_t).

The DDPM teacher (:mod:`demos.teacher`) predicts :math:`v` too, and steps with DDIM written in
:math:`\hat x`: :math:`z_s = \alpha_s \hat x + (\sigma_s/\sigma_t)(z_t - \alpha_t \hat x)`.

**The student's target (Algorithm 2).** For a student step :math:`t \to t''` the teacher takes
two half steps, :math:`t \to t' \to t''`. The target :math:`\tilde x` is the clean image that,
put into *one* DDIM step from :math:`z_t`, lands where the teacher landed:

.. math:: \tilde x = \frac{z_{t''} - (\sigma_{t''}/\sigma_t)\, z_t}
                          {\alpha_{t''} - (\sigma_{t''}/\sigma_t)\, \alpha_t}.

The loss is :math:`w(\lambda_t)\,\lVert \tilde x - \hat x_\theta(z_t)\rVert^2` with
:math:`\lambda_t = \log(\alpha_t^2/\sigma_t^2)`; we use the paper's "SNR + 1" weighting,
:math:`w = 1 + \alpha_t^2/\sigma_t^2 = 1/\sigma_t^2`, which is exactly
:math:`\lVert \tilde v - \hat v_\theta \rVert^2` with
:math:`\tilde v = (\alpha_t z_t - \tilde x)/\sigma_t`.
The student starts from the teacher's weights; the times are the :math:`N` points of the
student's grid.

**Grid.** The teacher is a discrete DDPM with T = 1000 steps (cosine schedule, as in the paper).
An :math:`N`-step sampler visits ``timesteps(N, T, "trailing")`` —
:math:`\mathrm{round}(nT/N) - 1` for :math:`n = N \dots 1` — then the clean data (``-1``). For
:math:`N` a power of two the :math:`2N` grid contains the :math:`N` grid, so the teacher's
half steps are exactly its own grid points.
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from demos.ddim import ddim_sample, timesteps
from demos.ddpm import NoiseSchedule
from demos.errors import DemoError
from demos.teacher import (
    alpha_sigma,
    ddim_x_step,
    ddpm_teacher_of,
    predict_x,
    student_config,
)
from demos.train import FitResult, TrainConfig, fit

TEACHER_SAMPLING_STEPS = 16  # N of the first teacher, a DDIM sampler (a short ladder: 4 stages)
DISTILL_TRAIN_STEPS = {"toy": 600, "digits": 500}  # optimiser steps per halving


def distill_config(
    dataset: str,
    steps: int | None = None,
    *,
    student_steps: int = 1,
    teacher_sampling_steps: int = TEACHER_SAMPLING_STEPS,
    teacher: TrainConfig | None = None,
    **overrides: Any,
) -> TrainConfig:
    """The ``student_steps``-step student of ``teacher``; ``steps`` are optimiser steps per stage.

    The student shares the teacher's net, schedule and data; ``options`` keep what differs.
    """
    options = {"student_steps": student_steps, "teacher_sampling_steps": teacher_sampling_steps}
    config = student_config(
        "distill", dataset, steps, DISTILL_TRAIN_STEPS, options, teacher, overrides
    )
    check_student_steps(config, student_steps)
    return config


def check_student_steps(config: TrainConfig, student_steps: int) -> None:
    """Students exist for N/2, N/4, …, 1 steps of an N-step teacher; raise for other counts."""
    first = config.options["teacher_sampling_steps"]
    halvings = first / student_steps  # must be 2, 4, 8, …
    if student_steps < 1 or halvings < 2 or not math.log2(halvings).is_integer():
        raise DemoError(
            f"students take {first}/2, {first}/4, … 1 steps (the {first}-step "
            f"teacher halved), not {student_steps}",
            code="E604",
        )


def teacher_of(config: TrainConfig) -> TrainConfig:
    """The config of the model a student learns from: the DDPM model, or the previous student."""
    o = config.options
    if 2 * o["student_steps"] == o["teacher_sampling_steps"]:
        return ddpm_teacher_of(config)
    return replace(config, options={**o, "student_steps": 2 * o["student_steps"]})


def student_grid(num_steps: int, schedule: NoiseSchedule) -> list[int]:
    """The N times of an N-step sampler, decreasing, then ``-1`` (the data)."""
    return [*timesteps(num_steps, schedule.num_steps, "trailing"), -1]


@torch.no_grad()
def distillation_target(
    teacher: nn.Module,
    z_t: torch.Tensor,
    t: torch.Tensor,
    t_mid: torch.Tensor,
    t_next: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "v",
) -> torch.Tensor:
    """x̃ of Algorithm 2: two teacher DDIM steps t → t′ → t″, then one step solved backwards.

    x̃ = (z_{t″} − (σ_{t″}/σ_t) z_t) / (α_{t″} − (σ_{t″}/σ_t) α_t). ``z_t (B, …)``, steps ``(B,)``.
    """
    z_mid = ddim_x_step(
        predict_x(teacher, z_t, t, schedule, prediction_type), z_t, t, t_mid, schedule
    )
    z_next = ddim_x_step(
        predict_x(teacher, z_mid, t_mid, schedule, prediction_type), z_mid, t_mid, t_next, schedule
    )
    a_t, s_t = alpha_sigma(t, schedule, z_t)
    a_next, s_next = alpha_sigma(t_next, schedule, z_t)
    ratio = s_next / s_t
    return (z_next - ratio * z_t) / (a_next - ratio * a_t)


def distillation_loss(
    student: nn.Module,
    teacher: nn.Module,
    x: torch.Tensor,
    student_steps: int,
    schedule: NoiseSchedule,
    generator: torch.Generator | None = None,
    teacher_prediction: str = "v",
) -> torch.Tensor:
    """One minibatch of Algorithm 2: ‖ṽ − v̂_θ(z_t)‖², i.e. (1 + SNR)·‖x̃ − x̂_θ(z_t)‖².

    t is drawn from the student's ``student_steps`` grid; t′ and t″ are the teacher's next two.
    """
    grid = torch.tensor(student_grid(2 * student_steps, schedule), device=x.device)  # teacher's
    i = torch.randint(0, student_steps, (x.shape[0],), generator=generator, device=x.device)
    t, t_mid, t_next = grid[2 * i], grid[2 * i + 1], grid[2 * i + 2]  # (B,) each
    eps = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    a_t, s_t = alpha_sigma(t, schedule, x)
    z_t = a_t * x + s_t * eps
    x_target = distillation_target(teacher, z_t, t, t_mid, t_next, schedule, teacher_prediction)
    v_target = (a_t * z_t - x_target) / s_t  # v = (α z − x) / σ
    return torch.mean((v_target - student(z_t, t)) ** 2)


def train_distill(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """One halving: load (or first train) the 2N-step teacher, fit the N-step student to it."""
    from demos.data import load_dataset
    from demos.trained import load_or_train

    student_steps = config.options["student_steps"]
    teacher_cfg = teacher_of(config)
    teacher = load_or_train(teacher_cfg, progress=progress, device=device).net
    teacher.requires_grad_(False)
    student = copy.deepcopy(teacher).requires_grad_(True)  # the student starts as the teacher
    schedule = config.noise_schedule()

    def loss(
        net: nn.Module, x0: torch.Tensor, y: torch.Tensor | None, generator: torch.Generator
    ) -> torch.Tensor:
        return distillation_loss(
            net, teacher, x0, student_steps, schedule, generator, teacher_cfg.prediction_type
        )

    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    return fit(student, loss, data, config, device, progress)


def sample_distill(trained: Any, options: Any) -> Any:
    """Sample the N-step student (N = ``options.steps``) with its own DDIM grid (N NFE)."""
    import time

    from demos.sample import SampleResult, initial_noise
    from demos.trained import load_or_train

    steps = options.steps or 4
    if steps != trained.config.options["student_steps"]:  # another rung of the same ladder
        check_student_steps(trained.config, steps)
        config = replace(trained.config, options={**trained.config.options, "student_steps": steps})
        trained = load_or_train(config, device=next(trained.net.parameters()).device)
    x_T, _ = initial_noise(trained, options)
    start = time.perf_counter()
    out = ddim_sample(
        trained.net,
        x_T,
        trained.schedule,
        steps,
        0.0,
        "trailing",
        "v",
        return_trajectory=options.return_trajectory,
    )
    seconds = time.perf_counter() - start
    if options.return_trajectory:
        return SampleResult(out[-1], steps, seconds, out)
    return SampleResult(out, steps, seconds)


def check_distill_options(config: TrainConfig, options: Any) -> None:
    """Before any training: the asked steps must be a rung of the ladder."""
    check_student_steps(config, options.steps or config.options["student_steps"])


def register_methods() -> None:
    """``distill``: the student ladder (train trains every rung; sample picks one by --steps)."""
    from demos.registry import Method, register

    register(
        Method(
            "distill",
            "Progressive distillation: a DDIM teacher halved into 8-, 4-, 2- and 1-step "
            "students (v-prediction, Algorithm 2)",
            "arXiv:2202.00512",
            "distill",
            train_distill,
            sample_distill,
            default_steps=4,
            check=check_distill_options,
            config=distill_config,
        )
    )


register_methods()
