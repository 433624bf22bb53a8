r"""Denoising Diffusion Probabilistic Models — Ho, Jain & Abbeel 2020 (arXiv:2006.11239).

**Forward process.** A fixed Markov chain adds Gaussian noise in :math:`T` steps with variances
:math:`\beta_1 < \dots < \beta_T` (eq. 2):

.. math:: q(x_t \mid x_{t-1}) = \mathcal N(x_t;\ \sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I).

With :math:`\alpha_t = 1-\beta_t` and :math:`\bar\alpha_t = \prod_{s\le t}\alpha_s` any step can be
reached in one jump (eq. 4):

.. math:: q(x_t \mid x_0) = \mathcal N(x_t;\ \sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I),
   \qquad x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon.

The posterior of one step given the clean sample is Gaussian too (eqs. 6–7):

.. math:: q(x_{t-1} \mid x_t, x_0) = \mathcal N(\tilde\mu_t, \tilde\beta_t I),\quad
   \tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0
               + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t,\quad
   \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t.

**Training.** A network :math:`\epsilon_\theta(x_t, t)` learns the noise, with the simplified loss
(eq. 14) :math:`L_\text{simple} =
\mathbb E_{t, x_0, \epsilon}\,\|\epsilon - \epsilon_\theta(x_t, t)\|^2` (Algorithm 1). The same
network may instead predict :math:`x_0` or the *velocity*
:math:`v = \sqrt{\bar\alpha_t}\,\epsilon - \sqrt{1-\bar\alpha_t}\,x_0` (Salimans & Ho 2022,
arXiv:2202.00512, §4); each converts to the others given :math:`x_t`.

**Sampling** (Algorithm 2) runs the chain backwards from :math:`x_T \sim \mathcal N(0, I)`:

.. math:: x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}
   \epsilon_\theta(x_t, t)\Big) + \sigma_t z,\qquad z \sim \mathcal N(0, I),

with :math:`\sigma_t^2 = \beta_t` or :math:`\tilde\beta_t` (both "had similar results", §3.2) and
no noise at the last step.

**Schedules.** Ho et al. use :math:`\beta_t` linear from :math:`10^{-4}` to 0.02 with T = 1000.
Nichol & Dhariwal 2021 (arXiv:2102.09672, eq. 17) define :math:`\bar\alpha_t` instead, by
:math:`\bar\alpha_t = f(t)/f(0)`,
:math:`f(t) = \cos^2\!\big(\frac{t/T + s}{1+s}\cdot\frac\pi2\big)`, s = 0.008, and
:math:`\beta_t = 1 - \bar\alpha_t/\bar\alpha_{t-1}` clipped at 0.999.

**Indexing.** Code steps are ``t = 0 … T−1`` for the paper's :math:`t = 1 \dots T`, as in
diffusers; ``alphas_cumprod[t]`` is :math:`\bar\alpha_{t+1}` of the paper, and the step before
``t = 0`` is the clean data (:math:`\bar\alpha = 1`). Schedules are kept in float64 and cast to
the sample's dtype where they meet it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

# A denoiser as the samplers see it: (x_t (B, …), t (B,)) → model output shaped like x_t.
Denoiser = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

PREDICTION_TYPES = ("epsilon", "x0", "v")
VARIANCES = ("beta", "posterior")


@dataclass
class NoiseSchedule:
    """β_t, α_t = 1 − β_t and ᾱ_t = Π α_s for ``t = 0 … num_steps − 1`` (float64 tensors)."""

    num_steps: int = 1000
    kind: str = "linear"  # "linear" (Ho et al.) | "cosine" (Nichol & Dhariwal eq. 17)
    beta_start: float = 1e-4
    beta_end: float = 0.02
    cosine_s: float = 0.008
    max_beta: float = 0.999
    betas: torch.Tensor = field(init=False, repr=False)
    alphas: torch.Tensor = field(init=False, repr=False)
    alphas_cumprod: torch.Tensor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind == "linear":
            self.betas = torch.linspace(
                self.beta_start, self.beta_end, self.num_steps, dtype=torch.float64
            )
        elif self.kind == "cosine":
            self.betas = cosine_betas(self.num_steps, self.cosine_s, self.max_beta)
        else:
            raise ValueError(f"schedule kind must be 'linear' or 'cosine', not {self.kind!r}")
        self.alphas = 1 - self.betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)

    def alpha_bar(self, t: int | torch.Tensor) -> torch.Tensor:
        """ᾱ at step ``t`` (int or ``(B,)``); ``t = -1`` is the clean data, ᾱ = 1."""
        t = torch.as_tensor(t)
        clean = torch.ones((), dtype=torch.float64)
        return torch.where(t >= 0, self.alphas_cumprod[t.clamp(min=0)], clean)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """β_t = min(1 − ᾱ_t / ᾱ_{t−1}, max_beta), ᾱ_t = f(t)/f(0) — Nichol & Dhariwal eq. 17."""
    steps = torch.arange(num_steps + 1, dtype=torch.float64) / num_steps  # t/T = 0 … 1
    f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = f / f[0]
    return (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=max_beta)


def _at(values: torch.Tensor, t: int | torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``values[t]`` cast to ``like``'s dtype/device, shaped to broadcast against it.

    A scalar step gives a 0-d tensor; a batch of steps ``(B,)`` gives ``(B, 1, …, 1)``.
    """
    out = values.to(like.device)[torch.as_tensor(t, device=like.device)].to(like.dtype)
    return out.reshape(out.shape + (1,) * (like.dim() - out.dim())) if out.dim() else out


# ---------------------------------------------------------------------------------------------
# Forward process and training
# ---------------------------------------------------------------------------------------------


def q_sample(
    x0: torch.Tensor, t: int | torch.Tensor, noise: torch.Tensor, schedule: NoiseSchedule
) -> torch.Tensor:
    """x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε — eq. 4. ``x0``, ``noise``: ``(B, …)``; ``t``: int or (B,)."""
    alpha_bar = _at(schedule.alphas_cumprod, t, x0)
    return alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * noise


def velocity(
    x0: torch.Tensor, noise: torch.Tensor, t: int | torch.Tensor, schedule: NoiseSchedule
) -> torch.Tensor:
    """v = √ᾱ_t ε − √(1 − ᾱ_t) x_0 — Salimans & Ho 2022, §4."""
    alpha_bar = _at(schedule.alphas_cumprod, t, x0)
    return alpha_bar.sqrt() * noise - (1 - alpha_bar).sqrt() * x0


def training_target(
    x0: torch.Tensor,
    noise: torch.Tensor,
    t: int | torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "epsilon",
) -> torch.Tensor:
    """What the network learns to output at x_t: ε, x_0 or v."""
    if prediction_type == "epsilon":
        return noise
    if prediction_type == "x0":
        return x0
    if prediction_type == "v":
        return velocity(x0, noise, t, schedule)
    raise ValueError(f"prediction_type must be one of {PREDICTION_TYPES}, not {prediction_type!r}")


def diffusion_loss(
    model: Callable[..., torch.Tensor],
    x0: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "epsilon",
    y: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Algorithm 1: t ~ U{0…T−1}, ε ~ N(0, I), loss = ‖target − f_θ(x_t, t)‖² (eq. 14).

    ``model(x_t, t)`` (or ``model(x_t, t, y)`` when labels ``y`` are given); returns a scalar.
    """
    t = torch.randint(
        0, schedule.num_steps, (x0.shape[0],), generator=generator, device=x0.device
    )  # (B,)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
    x_t = q_sample(x0, t, noise, schedule)
    output = model(x_t, t) if y is None else model(x_t, t, y)
    target = training_target(x0, noise, t, schedule, prediction_type)
    return torch.mean((target - output) ** 2)


# ---------------------------------------------------------------------------------------------
# Reverse process
# ---------------------------------------------------------------------------------------------


def predict_x0_and_eps(
    model_output: torch.Tensor,
    t: int | torch.Tensor,
    x_t: torch.Tensor,
    schedule: NoiseSchedule,
    prediction_type: str = "epsilon",
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x̂_0, ε̂) from one network output, inverting x_t = √ᾱ x_0 + √(1−ᾱ) ε (eq. 4)."""
    alpha_bar = _at(schedule.alphas_cumprod, t, x_t)
    a, b = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    if prediction_type == "epsilon":
        eps = model_output
        return (x_t - b * eps) / a, eps
    if prediction_type == "x0":
        x0 = model_output
        return x0, (x_t - a * x0) / b
    if prediction_type == "v":  # x_0 = √ᾱ x_t − √(1−ᾱ) v,  ε = √(1−ᾱ) x_t + √ᾱ v
        return a * x_t - b * model_output, b * x_t + a * model_output
    raise ValueError(f"prediction_type must be one of {PREDICTION_TYPES}, not {prediction_type!r}")


def posterior_variance(schedule: NoiseSchedule) -> torch.Tensor:
    """β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t — eq. 7, with ᾱ_{−1} = 1 so β̃_0 = 0. ``(T,)``."""
    alpha_bar_prev = torch.cat([torch.ones(1, dtype=torch.float64), schedule.alphas_cumprod[:-1]])
    return (1 - alpha_bar_prev) / (1 - schedule.alphas_cumprod) * schedule.betas


def ddpm_step(
    model_output: torch.Tensor,
    t: int,
    x_t: torch.Tensor,
    schedule: NoiseSchedule,
    noise: torch.Tensor | None = None,
    variance: str = "beta",
    prediction_type: str = "epsilon",
) -> torch.Tensor:
    """One step of Algorithm 2: x_{t−1} = (x_t − β_t/√(1−ᾱ_t) ε_θ) / √α_t + σ_t z.

    ``variance`` picks σ²_t = β_t ("beta") or β̃_t of eq. 7 ("posterior"). ``noise`` is z
    ``(B, …)``; it is not added at ``t = 0`` (and may be None there). Outputs other than ε are
    first converted to ε̂ (:func:`predict_x0_and_eps`).
    """
    if prediction_type == "epsilon":
        eps = model_output
    else:
        eps = predict_x0_and_eps(model_output, t, x_t, schedule, prediction_type)[1]
    beta, alpha = _at(schedule.betas, t, x_t), _at(schedule.alphas, t, x_t)
    alpha_bar = _at(schedule.alphas_cumprod, t, x_t)
    mean = (x_t - beta / (1 - alpha_bar).sqrt() * eps) / alpha.sqrt()
    if t == 0:
        return mean
    if variance == "beta":
        sigma2 = beta
    elif variance == "posterior":
        sigma2 = _at(posterior_variance(schedule), t, x_t)
    else:
        raise ValueError(f"variance must be one of {VARIANCES}, not {variance!r}")
    if noise is None:
        raise ValueError("ddpm_step needs noise z for t > 0")
    return mean + sigma2.sqrt() * noise


@torch.no_grad()
def ddpm_sample(
    model: Denoiser,
    x_T: torch.Tensor,
    schedule: NoiseSchedule,
    variance: str = "beta",
    prediction_type: str = "epsilon",
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
) -> torch.Tensor:
    """Ancestral sampling, Algorithm 2, from ``x_T (B, …)`` through all T steps (T NFE).

    ``model(x_t, t)`` takes ``t (B,)``. Returns x_0 ``(B, …)``, or with ``return_trajectory``
    the whole chain ``(T + 1, B, …)`` from x_T down to x_0.
    """
    x = x_T
    trajectory = [x]
    for t in range(schedule.num_steps - 1, -1, -1):
        steps = torch.full((x.shape[0],), t, device=x.device, dtype=torch.long)
        output = model(x, steps)
        noise = (
            torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            if t > 0
            else None
        )
        x = ddpm_step(output, t, x, schedule, noise, variance, prediction_type)
        if return_trajectory:
            trajectory.append(x)
    return torch.stack(trajectory) if return_trajectory else x
