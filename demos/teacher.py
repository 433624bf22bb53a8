r"""The teacher both distillations start from: a DDPM (Ho et al. 2020, arXiv:2006.11239) trained
with v-prediction and the cosine schedule, as progressive distillation prescribes (Salimans & Ho
2022, arXiv:2202.00512, §4).

:mod:`demos.distill` halves the teacher's DDIM sampler; :mod:`demos.consistency` follows its
probability-flow ODE in the EDM view. Either student starts from the teacher's weights, shares
its net, schedule and data, and trains at a quarter of its learning rate; the teacher's steps and
learning rate stay in the student's ``options``, so the teacher (and its cached checkpoint) can be
found again from any student.

**VP view, v-prediction (Salimans & Ho §4).** With :math:`z_t = \alpha_t x + \sigma_t \epsilon`,
:math:`\alpha_t = \sqrt{\bar\alpha_t}` and :math:`\sigma_t = \sqrt{1 - \bar\alpha_t}`, the network
predicts the velocity :math:`v = \alpha_t \epsilon - \sigma_t x`, so that

.. math:: \hat x(z_t) = \alpha_t z_t - \sigma_t \hat v(z_t).

**DDIM in x-form** (Song et al. 2020, eq. 12 with η = 0). One step from :math:`t` to
:math:`s < t` reads

.. math:: z_s = \alpha_s \hat x(z_t)
          + \frac{\sigma_s}{\sigma_t}\big(z_t - \alpha_t \hat x(z_t)\big).

**EDM view** (Karras et al. 2022). Divided by :math:`\sqrt{\bar\alpha_k}`, :math:`z_k` is
:math:`x + \sigma_k \epsilon` with :math:`\sigma_k = \sqrt{(1 - \bar\alpha_k)/\bar\alpha_k}`;
the teacher's denoiser is its clean-data prediction at :math:`z = \sqrt{\bar\alpha_k}\,x =
x/\sqrt{1 + \sigma_k^2}`,

.. math:: D(x, \sigma_k) = \hat x\big(\sqrt{\bar\alpha_k}\,x\big),

and the probability-flow ODE (EDM eqs. 1 and 3 with :math:`\sigma(t) = t`) is

.. math:: \frac{dx}{d\sigma} = \frac{x - D(x, \sigma)}{\sigma},

stepped from one level to a lower one by Euler or by Heun's method (EDM Algorithm 1).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from demos.ddpm import NoiseSchedule, predict_x0_and_eps
from demos.train import TrainConfig, default_config


def teacher_config(
    dataset: str, steps: int | None = None, seed: int = 0, data_dir: str | None = None
) -> TrainConfig:
    """The DDPM teacher: v-prediction, cosine schedule (the paper's choices, §4)."""
    return default_config(
        "ddpm", dataset, steps, prediction_type="v", schedule="cosine", seed=seed, data_dir=data_dir
    )


def student_config(
    method: str,
    dataset: str,
    steps: int | None,
    default_steps: dict[str, int],
    options: dict[str, Any],
    teacher: TrainConfig | None = None,
    overrides: dict[str, Any] | None = None,
) -> TrainConfig:
    """The config of a ``method`` student of ``teacher`` (default: :func:`teacher_config`).

    It shares the teacher's net, schedule and data, at a quarter of its learning rate; ``steps``
    are optimiser steps (default: ``default_steps["toy"]`` or ``["digits"]``). ``options`` keep
    the teacher's steps and learning rate, then the method's own ``options``; ``overrides`` set
    any other field last.
    """
    teacher = teacher or teacher_config(dataset)
    kind = "toy" if teacher.net.kind == "mlp" else "digits"
    config = replace(
        teacher,
        method=method,
        steps=steps or default_steps[kind],
        lr=teacher.lr / 4,
        net=copy.deepcopy(teacher.net),
        options={"teacher_steps": teacher.steps, "teacher_lr": teacher.lr, **options},
    )
    for key, value in (overrides or {}).items():
        setattr(config, key, value)
    return config


def ddpm_teacher_of(config: TrainConfig) -> TrainConfig:
    """The DDPM model a distilled config learns from: its own config, with the teacher's steps
    and learning rate (kept in ``options``), as the DDPM method."""
    o = config.options
    return replace(
        config,
        method="ddpm",
        steps=o["teacher_steps"],
        lr=o["teacher_lr"],
        net=copy.deepcopy(config.net),
        options={},
    )


def batchwise(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``values (B,)`` as ``(B, 1, …, 1)`` in ``like``'s dtype: one factor per example."""
    return values.to(like.dtype).reshape(-1, *[1] * (like.dim() - 1))


# --- The VP view: x̂ and DDIM steps (progressive distillation) --------------------------------


def alpha_sigma(
    t: torch.Tensor, schedule: NoiseSchedule, like: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """α_t = √ᾱ_t and σ_t = √(1 − ᾱ_t) for steps ``t (B,)``, shaped to broadcast with ``like``."""
    alpha_bar = batchwise(schedule.alpha_bar(t), like)
    return alpha_bar.sqrt(), (1 - alpha_bar).sqrt()


def predict_x(
    net: nn.Module,
    z: torch.Tensor,
    t: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "v",
) -> torch.Tensor:
    """x̂(z_t) from a network's output (x̂ = α_t z_t − σ_t v̂ for v-prediction, §4)."""
    return predict_x0_and_eps(net(z, t), t, z, schedule, prediction_type)[0]


def ddim_x_step(
    x_hat: torch.Tensor,
    z_t: torch.Tensor,
    t: torch.Tensor,
    s: torch.Tensor,
    schedule: NoiseSchedule,
) -> torch.Tensor:
    """z_s = α_s x̂ + (σ_s/σ_t)(z_t − α_t x̂) — DDIM eq. 12 (η = 0) in x-form."""
    a_t, s_t = alpha_sigma(t, schedule, z_t)
    a_s, s_s = alpha_sigma(s, schedule, z_t)
    return a_s * x_hat + s_s / s_t * (z_t - a_t * x_hat)


# --- The EDM view: D(x, σ) and probability-flow ODE steps (consistency distillation) ----------


def edm_sigmas(schedule: NoiseSchedule) -> torch.Tensor:
    """σ_k = √((1 − ᾱ_k)/ᾱ_k) for every teacher step k = 0 … T − 1 (float64, increasing)."""
    return ((1 - schedule.alphas_cumprod) / schedule.alphas_cumprod).sqrt()


def teacher_denoiser(
    teacher: nn.Module,
    x: torch.Tensor,
    k: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "v",
) -> torch.Tensor:
    """D(x_edm, σ_k) = x̂ of the VP teacher at z = x_edm/√(1 + σ²) = √ᾱ_k x_edm."""
    z = batchwise(schedule.alphas_cumprod[k].sqrt(), x) * x
    return predict_x(teacher, z, k, schedule, prediction_type)


@torch.no_grad()
def teacher_ode_step(
    teacher: nn.Module,
    x: torch.Tensor,
    k_from: torch.Tensor,
    k_to: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "v",
    solver: str = "heun",
) -> torch.Tensor:
    """One step of dx/dσ = (x − D(x, σ))/σ from σ_{k_from} down to σ_{k_to} (Euler or Heun)."""
    sigmas = edm_sigmas(schedule).to(x.device)
    s_from, s_to = batchwise(sigmas[k_from], x), batchwise(sigmas[k_to], x)
    d = (x - teacher_denoiser(teacher, x, k_from, schedule, prediction_type)) / s_from
    x_next = x + (s_to - s_from) * d
    if solver == "heun":  # σ_to ≥ ε > 0, so the second slope is always defined
        d_next = (
            x_next - teacher_denoiser(teacher, x_next, k_to, schedule, prediction_type)
        ) / s_to
        x_next = x + (s_to - s_from) * (d + d_next) / 2
    return x_next
