r"""The forward SDEs and the score they teach — Song et al. 2021 (arXiv:2011.13456), §3.

**Forward SDE** (eq. 5): :math:`dx = f(x, t)\,dt + g(t)\,dw` for :math:`t \in [0, 1]` turns data
into noise. Two choices (§3.4):

* **VE** (variance exploding, the limit of NCSN; eq. 9): :math:`\sigma(t) =
  \sigma_\min(\sigma_\max/\sigma_\min)^t`, :math:`dx = \sqrt{d[\sigma^2(t)]/dt}\,dw`, so
  :math:`x_t = x_0 + \sigma(t) z` and the prior is :math:`\mathcal N(0, \sigma_\max^2 I)`.
* **VP** (variance preserving, the limit of DDPM; eq. 11): :math:`\beta(t) = \beta_\min +
  t(\beta_\max - \beta_\min)`, :math:`dx = -\tfrac12\beta(t)x\,dt + \sqrt{\beta(t)}\,dw`, so
  :math:`x_t = m(t) x_0 + s(t) z` with :math:`m(t) = e^{-\frac14 t^2(\beta_\max-\beta_\min)
  - \frac12 t\beta_\min}`, :math:`s(t) = \sqrt{1 - m(t)^2}`; the prior is :math:`\mathcal N(0, I)`.

Both are Gaussian given :math:`x_0`: :math:`p_{0t}(x_t \mid x_0) = \mathcal N(m(t) x_0, s(t)^2 I)`
(VE has :math:`m = 1`, :math:`s = \sigma`), so :math:`x_t` is drawn in one step and its score is
:math:`\nabla \log p_{0t}(x_t \mid x_0) = -z / s(t)`.

**Denoising score matching** (eq. 7) teaches a network :math:`s_\theta(x, t) \approx \nabla_x
\log p_t(x)`, the one unknown of the reverse-time SDE; with :math:`\lambda(t) = s(t)^2`,

.. math:: \mathbb E_t\, \lambda(t)\,\big\lVert s_\theta(x_t, t) - \nabla\log p_{0t}(x_t \mid x_0)
          \big\rVert^2 = \mathbb E_t\,\big\lVert s(t)\,s_\theta(x_t, t) + z \big\rVert^2,

so we write :math:`s_\theta(x, t) = -\epsilon_\theta(x, t) / s(t)` and regress
:math:`\epsilon_\theta` on :math:`z` (DDPM's loss, in continuous time). The networks see
:math:`1000\,t` and the input scaled by :math:`1/\sqrt{m^2 + s^2}` (a no-op for VP; for VE it
keeps the input near unit scale, as EDM's :math:`c_\text{in}` does).

The reverse-time side — the reverse SDE (eq. 6), its samplers and the probability-flow ODE
(eq. 13) — is :mod:`demos.score_sde`; NCSN's annealed Langevin dynamics are :mod:`demos.ncsn`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn


def _device(generator: torch.Generator | None) -> torch.device | None:
    return None if generator is None else generator.device


def _col(v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Shape a per-sample ``(B,)`` tensor to broadcast against ``x (B, …)``."""
    return v.reshape(-1, *[1] * (x.dim() - 1))


@dataclass
class VPSDE:
    """dx = −½β(t)x dt + √β(t) dw, β linear from β_min to β_max — eq. 11 (DDPM's limit)."""

    beta_min: float = 0.1
    beta_max: float = 20.0

    def beta(self, t: torch.Tensor) -> torch.Tensor:
        return self.beta_min + t * (self.beta_max - self.beta_min)

    def drift_diffusion(
        self, x: torch.Tensor, t: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(f(x, t), g(t)) of the forward SDE."""
        return -0.5 * _col(self.beta(t), x) * x, self.beta(t).sqrt()

    def marginal(self, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(m(t), s(t)) of x_t = m x_0 + s z."""
        log_mean = -0.25 * t**2 * (self.beta_max - self.beta_min) - 0.5 * t * self.beta_min
        return log_mean.exp(), (1 - (2 * log_mean).exp()).sqrt()

    def prior(self, shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
        return torch.randn(shape, generator=generator, device=_device(generator))


@dataclass
class VESDE:
    """dx = √(d[σ²(t)]/dt) dw, σ(t) = σ_min (σ_max/σ_min)^t — eq. 9 (NCSN's limit)."""

    sigma_min: float = 0.01
    sigma_max: float = 10.0

    def sigma(self, t: torch.Tensor) -> torch.Tensor:
        return self.sigma_min * (self.sigma_max / self.sigma_min) ** t

    def drift_diffusion(
        self, x: torch.Tensor, t: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(0, g(t)), g = σ(t) √(2 log(σ_max/σ_min)) = √(dσ²/dt)."""
        return torch.zeros_like(x), self.sigma(t) * math.sqrt(
            2 * math.log(self.sigma_max / self.sigma_min)
        )

    def marginal(self, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.ones_like(t), self.sigma(t)

    def prior(self, shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
        return self.sigma_max * torch.randn(shape, generator=generator, device=_device(generator))

    def time_of(self, sigma: torch.Tensor) -> torch.Tensor:
        """The t with σ(t) = σ (annealed Langevin dynamics walk a ladder of σ)."""
        return torch.log(sigma / self.sigma_min) / math.log(self.sigma_max / self.sigma_min)


SDE = VPSDE | VESDE


def score(net: nn.Module, sde: SDE, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """s_θ(x, t) = −ε_θ(c_in x, 1000 t) / s(t), with c_in = 1/√(m² + s²); ``t (B,)``."""
    mean, std = sde.marginal(t)
    c_in = _col((mean**2 + std**2).rsqrt(), x)
    return -net(c_in * x, 1000 * t) / _col(std, x)


def dsm_loss(
    net: nn.Module,
    sde: SDE,
    x0: torch.Tensor,
    generator: torch.Generator | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Eq. 7 with λ(t) = s(t)²: ‖s(t) s_θ(x_t, t) + z‖², t ~ U[ε, 1], x_t = m x_0 + s z."""
    t = eps + (1 - eps) * torch.rand(x0.shape[0], generator=generator, device=x0.device)
    z = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
    mean, std = sde.marginal(t)
    x_t = _col(mean, x0) * x0 + _col(std, x0) * z
    return torch.mean((_col(std, x0) * score(net, sde, x_t, t) + z) ** 2)
