r"""Denoising Diffusion Implicit Models — Song, Meng & Ermon 2020 (arXiv:2010.02502).

DDIM keeps DDPM's training (the same :math:`\epsilon_\theta`, the same marginals
:math:`q(x_t \mid x_0)`) but replaces the Markov chain by a family of *non-Markovian* forward
processes indexed by :math:`\sigma`, whose reverse step is (eq. 12, with :math:`\alpha_t` of the
DDIM paper written here as :math:`\bar\alpha_t` of DDPM):

.. math::
   x_{t-1} = \sqrt{\bar\alpha_{t-1}}\;
     \underbrace{\Big(\frac{x_t - \sqrt{1-\bar\alpha_t}\,\epsilon_\theta(x_t)}
                           {\sqrt{\bar\alpha_t}}\Big)}_{\text{predicted } x_0}
   + \underbrace{\sqrt{1-\bar\alpha_{t-1}-\sigma_t^2}\;\epsilon_\theta(x_t)}
               _{\text{direction pointing to } x_t}
   + \underbrace{\sigma_t\,z}_{\text{random noise}}.

One parameter :math:`\eta \ge 0` spans the family (eq. 16):

.. math:: \sigma_t(\eta) = \eta\,\sqrt{\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}}\,
          \sqrt{1-\frac{\bar\alpha_t}{\bar\alpha_{t-1}}}.

:math:`\eta = 1` is DDPM's ancestral sampler with :math:`\sigma_t^2 = \tilde\beta_t`;
:math:`\eta = 0` is deterministic, the **DDIM** sampler proper — an Euler discretisation of an ODE
(eq. 13–14). Because training only fixes the marginals, the steps may skip: sampling walks a
sub-sequence :math:`\tau` of the T training steps (§4.2), so 20–50 network calls (NFE) replace
1000. The deterministic map also runs forwards, **encoding** :math:`x_0` into its latent
:math:`x_T` (§5.4), and latents can be **interpolated** on the sphere (slerp, §5.3, after White
2016) to morph one sample into another.

Steps are indexed ``0 … T−1`` as in :mod:`demos.ddpm`; ``t_prev = -1`` means the clean data,
:math:`\bar\alpha = 1`.
"""

from __future__ import annotations

import numpy as np
import torch

from demos.ddpm import Denoiser, NoiseSchedule, predict_x0_and_eps

SPACINGS = ("leading", "trailing", "linspace")


def timesteps(
    num_inference_steps: int, num_train_steps: int = 1000, spacing: str = "leading"
) -> list[int]:
    """The sub-sequence τ of training steps to sample at, in decreasing order (DDIM §4.2).

    * ``leading``: 0, k, 2k, … with k = T // S (the DDIM paper's "linear" τ; the last step is
      T − k, not T − 1);
    * ``trailing``: round(T − i·T/S) − 1, i = 0 … S−1, so sampling starts at T − 1 (Lin et al.
      2023, arXiv:2305.08891, Table 2);
    * ``linspace``: S points rounded from evenly spaced 0 … T − 1.
    """
    steps, total = num_inference_steps, num_train_steps
    if not 1 <= steps <= total:
        raise ValueError(f"num_inference_steps must be in 1…{total}, not {steps}")
    if spacing == "leading":
        ratio = total // steps
        taus = [i * ratio for i in range(steps)]
    elif spacing == "trailing":
        # numpy's float arange, as diffusers uses, so exact ties (1000 − 3·1000/48 = 937.5)
        # round alike; where that arange yields S + 1 points diffusers keeps them, we keep S
        descending = np.round(np.arange(total, 0, -total / steps)) - 1
        taus = descending.astype(int).tolist()[:steps][::-1]
    elif spacing == "linspace":
        taus = np.round(np.linspace(0, total - 1, steps)).astype(int).tolist()
    else:
        raise ValueError(f"spacing must be one of {SPACINGS}, not {spacing!r}")
    return taus[::-1]


def ddim_sigma(t: int, t_prev: int, schedule: NoiseSchedule, eta: float) -> torch.Tensor:
    """σ_t(η) = η √((1 − ᾱ_{t−1}) / (1 − ᾱ_t)) √(1 − ᾱ_t / ᾱ_{t−1}) — eq. 16 (float64 scalar)."""
    a_t, a_prev = schedule.alpha_bar(t), schedule.alpha_bar(t_prev)
    return eta * ((1 - a_prev) / (1 - a_t)).sqrt() * (1 - a_t / a_prev).sqrt()


def ddim_step(
    eps: torch.Tensor,
    t: int,
    t_prev: int,
    x_t: torch.Tensor,
    schedule: NoiseSchedule,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
) -> torch.Tensor:
    """x_{t_prev} = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²_t) ε + σ_t z — eq. 12, σ_t(η) of eq. 16.

    ``eps`` = ε_θ(x_t, t) and ``x_t``: ``(B, …)``. ``t_prev = -1`` steps to the data (ᾱ = 1).
    ``noise`` z is needed only when η > 0.
    """
    a_t = schedule.alpha_bar(t).to(x_t.dtype)
    a_prev = schedule.alpha_bar(t_prev).to(x_t.dtype)
    sigma = (
        ddim_sigma(t, t_prev, schedule, eta).to(x_t.dtype)
        if eta > 0
        else torch.zeros((), dtype=x_t.dtype)
    )
    x0 = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()  # "predicted x_0"
    x_prev = a_prev.sqrt() * x0 + (1 - a_prev - sigma**2).sqrt() * eps  # + "direction to x_t"
    if eta > 0:
        if noise is None:
            raise ValueError("ddim_step needs noise z when eta > 0")
        x_prev = x_prev + sigma * noise  # "random noise"
    return x_prev


def _eps(
    model: Denoiser, x: torch.Tensor, t: int, schedule: NoiseSchedule, prediction_type: str
) -> torch.Tensor:
    steps = torch.full((x.shape[0],), t, device=x.device, dtype=torch.long)
    return predict_x0_and_eps(model(x, steps), t, x, schedule, prediction_type)[1]


@torch.no_grad()
def ddim_sample(
    model: Denoiser,
    x_T: torch.Tensor,
    schedule: NoiseSchedule,
    num_inference_steps: int = 50,
    eta: float = 0.0,
    spacing: str = "leading",
    prediction_type: str = "epsilon",
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
) -> torch.Tensor:
    """Generate from ``x_T (B, …)`` along τ = :func:`timesteps` (NFE = ``num_inference_steps``).

    Returns x_0, or with ``return_trajectory`` the states ``(S + 1, B, …)`` from x_T to x_0.
    """
    taus = timesteps(num_inference_steps, schedule.num_steps, spacing)
    x, trajectory = x_T, [x_T]
    for t, t_prev in zip(taus, [*taus[1:], -1], strict=True):
        eps = _eps(model, x, t, schedule, prediction_type)
        noise = (
            torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            if eta > 0
            else None
        )
        x = ddim_step(eps, t, t_prev, x, schedule, eta, noise)
        if return_trajectory:
            trajectory.append(x)
    return torch.stack(trajectory) if return_trajectory else x


@torch.no_grad()
def ddim_encode(
    model: Denoiser,
    x0: torch.Tensor,
    schedule: NoiseSchedule,
    num_inference_steps: int = 50,
    spacing: str = "leading",
    prediction_type: str = "epsilon",
) -> torch.Tensor:
    """DDIM inversion (§5.4): run the η = 0 ODE forwards from x_0 to its latent x_T.

    Each step is eq. 12 read from ᾱ_prev up to ᾱ_t, with ε taken at the current point and the
    next, larger step — ε_θ(x_{t_prev}, t) ≈ ε_θ(x_t, t), the Euler step of eq. 14 in reverse.
    Decoding the result with :func:`ddim_sample` (same steps and spacing) returns ≈ x_0.
    """
    taus = timesteps(num_inference_steps, schedule.num_steps, spacing)[::-1]  # increasing
    x = x0
    for t_prev, t in zip([-1, *taus[:-1]], taus, strict=True):
        eps = _eps(model, x, t, schedule, prediction_type)
        x = ddim_step(eps, t_prev, t, x, schedule, eta=0.0)  # same formula, ᾱ_prev → ᾱ_t
    return x


def slerp(z0: torch.Tensor, z1: torch.Tensor, alpha: float) -> torch.Tensor:
    """Spherical interpolation sin((1−α)θ)/sin θ · z0 + sin(αθ)/sin θ · z1 (DDIM §5.3).

    θ is the angle between the flattened latents. Gaussian latents live near a sphere, where
    a straight line would pass through improbable low-norm points.
    """
    a, b = z0.flatten().double(), z1.flatten().double()
    theta = torch.arccos((a @ b / (a.norm() * b.norm())).clamp(-1, 1))
    if theta.abs() < 1e-7:  # (nearly) parallel latents: the arc is the straight line
        return (1 - alpha) * z0 + alpha * z1
    w0 = torch.sin((1 - alpha) * theta) / torch.sin(theta)
    w1 = torch.sin(alpha * theta) / torch.sin(theta)
    return (w0 * z0.double() + w1 * z1.double()).to(z0.dtype)


def interpolate_latents(z0: torch.Tensor, z1: torch.Tensor, num: int) -> torch.Tensor:
    """``num`` latents slerped from ``z0`` to ``z1`` (both ends included): ``(num, *z0.shape)``.

    Decode them with :func:`ddim_sample` at η = 0 for a smooth path between two samples.
    """
    return torch.stack([slerp(z0, z1, i / (num - 1)) for i in range(num)])
