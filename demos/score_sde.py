r"""Score-based generative modelling with SDEs — Song et al. 2021 (arXiv:2011.13456).

**Forward SDE** (eq. 5): :math:`dx = f(x, t)\,dt + g(t)\,dw` for :math:`t \in [0, 1]` turns data
into noise. Two choices (§3.4):

* **VE** (variance exploding, the limit of NCSN; eq. 9): :math:`\sigma(t) =
  \sigma_\min(\sigma_\max/\sigma_\min)^t`, :math:`dx = \sqrt{d[\sigma^2(t)]/dt}\,dw`, so
  :math:`x_t = x_0 + \sigma(t) z` and the prior is :math:`\mathcal N(0, \sigma_\max^2 I)`.
* **VP** (variance preserving, the limit of DDPM; eq. 11): :math:`\beta(t) = \beta_\min +
  t(\beta_\max - \beta_\min)`, :math:`dx = -\tfrac12\beta(t)x\,dt + \sqrt{\beta(t)}\,dw`, so
  :math:`x_t = m(t) x_0 + s(t) z` with :math:`m(t) = e^{-\frac14 t^2(\beta_\max-\beta_\min)
  - \frac12 t\beta_\min}`, :math:`s(t) = \sqrt{1 - m(t)^2}`; the prior is :math:`\mathcal N(0, I)`.

**Reverse SDE** (eq. 6, Anderson 1982): :math:`dx = [f(x, t) - g(t)^2\nabla_x\log p_t(x)]\,dt +
g(t)\,d\bar w`, run from :math:`t = 1` to 0. Only the **score** :math:`\nabla_x \log p_t` is
unknown; a network :math:`s_\theta(x, t)` learns it by **denoising score matching** (eq. 7) with
:math:`\lambda(t) = s(t)^2`:

.. math:: \mathbb E_t\, \lambda(t)\,\big\lVert s_\theta(x_t, t) - \nabla\log p_{0t}(x_t \mid x_0)
          \big\rVert^2 = \mathbb E_t\,\big\lVert s(t)\,s_\theta(x_t, t) + z \big\rVert^2,

so we write :math:`s_\theta(x, t) = -\epsilon_\theta(x, t) / s(t)` and regress
:math:`\epsilon_\theta` on :math:`z` (DDPM's loss, in continuous time).

**Samplers.** *Euler–Maruyama* discretises eq. 6 with N steps. *Predictor–corrector* (§4.2,
Algorithm 1; Algorithms 4–5 of App. G) follows each predictor step with Langevin MCMC steps
:math:`x \leftarrow x + \epsilon\,s_\theta + \sqrt{2\epsilon}\,z`, the step size set by a target
signal-to-noise ratio r: :math:`\epsilon = 2\alpha\,(r\lVert z\rVert/\lVert s_\theta\rVert)^2`.
The **probability-flow ODE** (eq. 13), :math:`dx = [f - \tfrac12 g^2\,s_\theta]\,dt`, has the same
marginals and no noise. NCSN's annealed Langevin dynamics, which sample a VE model without
any SDE, are in :mod:`demos.ncsn`.

The networks see :math:`1000\,t` and the input scaled by :math:`1/\sqrt{m^2 + s^2}` (a no-op for
VP; for VE it keeps the input near unit scale, as EDM's :math:`c_\text{in}` does).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from demos.data import load_dataset
from demos.train import FitResult, TrainConfig, default_config, fit

ScoreFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (x (B, …), t (B,)) → score


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


# ---------------------------------------------------------------------------------------------
# Samplers; each returns the final *mean* (no noise added at the last step), as Song et al. do
# ---------------------------------------------------------------------------------------------


def _times(steps: int, eps: float, x: torch.Tensor) -> torch.Tensor:
    return torch.linspace(1.0, eps, steps + 1, device=x.device)  # t_N = 1 … t_0 = ε


def langevin_correct(
    score_fn: ScoreFn,
    x: torch.Tensor,
    t: torch.Tensor,
    snr: float,
    generator: torch.Generator | None,
    alpha: float = 1.0,
) -> torch.Tensor:
    """x ← x + ε s_θ(x, t) + √(2ε) z, ε = 2α (r ‖z‖ / ‖s_θ‖)² — Algorithms 4–5.

    The norms are batch means of per-sample norms, as in the authors' code: in two dimensions a
    per-sample ‖s_θ‖ near a mode is tiny and its step would be huge.
    """
    grad = score_fn(x, t)
    z = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    ratio = z.flatten(1).norm(dim=1).mean() / grad.flatten(1).norm(dim=1).mean()
    step = 2 * alpha * (snr * ratio) ** 2
    return x + step * grad + (2 * step).sqrt() * z


@torch.no_grad()
def pc_sample(
    score_fn: ScoreFn,
    sde: SDE,
    x: torch.Tensor,
    steps: int,
    corrector_steps: int = 1,
    snr: float = 0.16,
    eps: float = 1e-3,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Predictor–corrector sampling (Algorithm 1): Langevin corrector at t, then an
    Euler–Maruyama predictor step of eq. 6 to t − Δt. ``corrector_steps = 0`` is plain
    Euler–Maruyama. NFE = N (1 + corrector steps)."""
    times = _times(steps, eps, x)
    mean = x
    for t_now, t_next in zip(times[:-1], times[1:], strict=True):
        t = t_now.expand(x.shape[0])
        dt = (t_now - t_next).item()  # > 0; we integrate backwards
        for _ in range(corrector_steps):
            alpha = 1 - sde.beta(t_now).item() * dt if isinstance(sde, VPSDE) else 1.0
            x = langevin_correct(score_fn, x, t, snr, generator, alpha)
        drift, g = sde.drift_diffusion(x, t)
        mean = x - (drift - _col(g, x) ** 2 * score_fn(x, t)) * dt  # reverse drift, eq. 6
        z = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        x = mean + _col(g, x) * math.sqrt(dt) * z
    return mean


@torch.no_grad()
def probability_flow_sample(
    score_fn: ScoreFn,
    sde: SDE,
    x: torch.Tensor,
    steps: int,
    solver: str = "heun",
    eps: float = 1e-3,
) -> torch.Tensor:
    """Integrate the probability-flow ODE dx/dt = f − ½ g² s_θ (eq. 13) from t = 1 to ε.

    ``solver`` "euler" (N NFE) or "heun" (2N NFE: Euler, then the mean of both slopes).
    """

    def slope(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        drift, g = sde.drift_diffusion(x, t)
        return drift - 0.5 * _col(g, x) ** 2 * score_fn(x, t)

    times = _times(steps, eps, x)
    for t_now, t_next in zip(times[:-1], times[1:], strict=True):
        h = (t_next - t_now).item()  # < 0
        d = slope(x, t_now.expand(x.shape[0]))
        if solver == "euler":
            x = x + h * d
        else:
            guess = x + h * d
            x = x + h / 2 * (d + slope(guess, t_next.expand(x.shape[0])))
    return x


# ---------------------------------------------------------------------------------------------
# Training and the registry's sampler
# ---------------------------------------------------------------------------------------------


def sde_of(config: TrainConfig) -> SDE:
    """The SDE a model was trained for (``options["sde"]``: "vp" or "ve")."""
    options = config.options
    if options.get("sde", "vp") == "ve":
        return VESDE(options.get("sigma_min", 0.01), options["sigma_max"])
    return VPSDE()


def score_sde_config(
    dataset: str, steps: int | None = None, sde: str = "vp", **overrides: Any
) -> TrainConfig:
    """A score model for ``sde``; VE takes σ_max = the largest distance between training points
    (NCSNv2's technique 1), measured on 1,000 of them."""
    config = default_config("score-sde" if sde == "vp" else "ncsn", dataset, steps, **overrides)
    config.options = {"sde": sde}
    if sde == "ve":
        x = load_dataset(dataset, data_dir=config.data_dir, seed=config.seed).x[:1000].flatten(1)
        config.options |= {"sigma_min": 0.01, "sigma_max": math.ceil(torch.cdist(x, x).max())}
    return config


def train_score_sde(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """Denoising score matching (eq. 7) for the SDE of ``config``."""
    sde = sde_of(config)
    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    torch.manual_seed(config.seed)
    return fit(
        config.build_net(),
        lambda net, x0, y, g: dsm_loss(net, sde, x0, g),
        data,
        config,
        device,
        progress,
    )


def sample_score_sde(trained: Any, options: Any, sampler: str = "pc", **kwargs: Any) -> Any:
    """Sample with "pc" (1 corrector step), "em" or "ode" (Heun); NFE as each counts it."""
    from demos.data import sample_shape
    from demos.sample import SampleResult

    sde = sde_of(trained.config)
    device = next(trained.net.parameters()).device
    generator = torch.Generator(device).manual_seed(options.seed)
    x = sde.prior((options.num_samples, *sample_shape(trained.config.dataset)), generator)
    steps = options.steps or 100

    def score_fn(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return score(trained.net, sde, x, t)

    start = time.perf_counter()
    if sampler in ("pc", "em"):
        corrector_steps = kwargs.pop("corrector_steps", 1 if sampler == "pc" else 0)
        out = pc_sample(
            score_fn, sde, x.to(device), steps, corrector_steps, generator=generator, **kwargs
        )
        nfe = steps * (1 + corrector_steps)
    elif sampler == "ode":
        solver = kwargs.get("solver", "heun")
        out = probability_flow_sample(score_fn, sde, x.to(device), steps, solver)
        nfe = steps * (2 if solver == "heun" else 1)
    else:
        raise ValueError(f"sampler must be pc, em or ode, not {sampler!r}")
    return SampleResult(out, nfe, time.perf_counter() - start)


def sample_probability_flow(trained: Any, options: Any) -> Any:
    """:func:`sample_score_sde` with the probability-flow ODE (Heun, 2 NFE per step)."""
    return sample_score_sde(trained, options, "ode")


def register_methods() -> None:
    """``score-sde`` (VP, predictor–corrector) and ``score-sde-ode`` (its probability flow)."""
    from demos.registry import Method, register

    register(
        Method(
            "score-sde",
            "Score SDE (VP): predictor–corrector sampling, Euler–Maruyama plus one Langevin "
            "corrector step per step",
            "arXiv:2011.13456",
            "score-sde",
            train_score_sde,
            sample_score_sde,
            default_steps=200,
            config=score_sde_config,
        )
    )
    register(
        Method(
            "score-sde-ode",
            "Score SDE (VP): the probability-flow ODE, integrated with Heun steps",
            "arXiv:2011.13456",
            "score-sde",
            None,
            sample_probability_flow,
            default_steps=50,
        )
    )


register_methods()
