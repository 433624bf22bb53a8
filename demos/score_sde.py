r"""Sampling by reversing the SDE — Song et al. 2021 (arXiv:2011.13456), §3.2–4.3.

The forward SDEs :math:`dx = f(x, t)\,dt + g(t)\,dw` (VP, eq. 11; VE, eq. 9), the score network
:math:`s_\theta(x, t) \approx \nabla_x \log p_t(x)` and its denoising score-matching loss (eq. 7)
are in :mod:`demos.sde`. This file runs time backwards.

**Reverse SDE** (eq. 6, Anderson 1982): :math:`dx = [f(x, t) - g(t)^2\nabla_x\log p_t(x)]\,dt +
g(t)\,d\bar w`, from the prior at :math:`t = 1` to the data at 0, with :math:`s_\theta` in place
of the score. *Euler–Maruyama* takes N steps of :math:`\Delta t`:
:math:`x \leftarrow x - [f - g^2 s_\theta]\,\Delta t + g\sqrt{\Delta t}\,z`.

**Predictor–corrector** (§4.2, Algorithm 1; Algorithms 4–5 of App. G) follows each predictor
step with Langevin MCMC steps :math:`x \leftarrow x + \epsilon\,s_\theta + \sqrt{2\epsilon}\,z`,
the step size set by a target signal-to-noise ratio r:
:math:`\epsilon = 2\alpha\,(r\lVert z\rVert/\lVert s_\theta\rVert)^2`.

**Probability-flow ODE** (eq. 13): :math:`dx = [f - \tfrac12 g^2\,s_\theta]\,dt` has the same
marginals :math:`p_t` and no noise, so any ODE solver samples it (Euler or Heun here).

The registry's ``score-sde`` is the VP model; the VE one is ``ncsn``, which samples it by
annealed Langevin dynamics (:mod:`demos.ncsn`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import torch

from demos.data import load_dataset
from demos.sde import SDE, VESDE, VPSDE, _col, dsm_loss, score
from demos.train import FitResult, TrainConfig, default_config, fit

ScoreFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (x (B, …), t (B,)) → score


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
    Euler–Maruyama. NFE = N (1 + corrector steps).

    The corrector's step is set by the signal-to-noise ratio r, not by Δt, so more steps mean
    more Langevin steps at each noise level, not smaller ones: with an exact score they only
    widen p_t by about r² (≈ 3 % in variance at r = 0.16); with a learned score they follow its
    errors further (``benchmarks/sampler_convergence_toy.py``)."""
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
        solver, eps = kwargs.get("solver", "heun"), kwargs.get("eps", 1e-3)
        out = probability_flow_sample(score_fn, sde, x.to(device), steps, solver, eps)
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
