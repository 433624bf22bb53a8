r"""Flow matching — Lipman et al. 2022 (arXiv:2210.02747), with rectified flow's straight path
(Liu, Gong & Liu 2022, arXiv:2209.03003); notation of the MIT 6.S184 notes (Holderrieth &
Erives 2025).

A **flow** moves noise :math:`x_0 \sim p_\text{init} = \mathcal N(0, I)` at :math:`t = 0` to data
:math:`x_1 \sim p_\text{data}` at :math:`t = 1` along an ODE
:math:`\frac{d}{dt} x_t = u_t(x_t)`. Flow matching learns :math:`u_t` by regression.

**Conditional path.** Fix a data point :math:`x_1` and a noise :math:`x_0` and join them by a
straight line — the optimal-transport path of Lipman et al. (eq. 20–23, σ_min = 0), which is
rectified flow's interpolation (Liu et al. eq. 1):

.. math:: x_t = (1 - t)\,x_0 + t\,x_1, \qquad u_t(x_t \mid x_0, x_1) = x_1 - x_0.

**Conditional flow matching loss** (Lipman et al. eq. 9, Thm. 2): regressing on the conditional
field has the same gradients as regressing on the intractable marginal field,

.. math:: \mathcal L_\text{CFM}(\theta) = \mathbb E_{t \sim U[0,1],\,x_0,\,x_1}
          \big\lVert v_\theta(x_t, t) - (x_1 - x_0) \big\rVert^2.

**Sampling** integrates :math:`\dot x = v_\theta(x, t)` from :math:`t = 0` to 1 with :math:`N`
steps :math:`h = 1/N`: Euler, :math:`x_{t+h} = x_t + h\,v_\theta(x_t, t)` (N NFE), or Heun's
second-order method, which averages the slope at both ends of an Euler step (2N NFE).

The learned paths are curved, so few Euler steps miss; **reflow** (:mod:`demos.reflow`)
retrains the flow on its own (noise, sample) pairs to straighten them.

The networks of :mod:`demos.nets` take time on a 0…1000 scale, so they are called with
:math:`1000\,t`.
"""

from __future__ import annotations

import time
from typing import Any

import torch
from torch import nn

from demos.data import load_dataset
from demos.train import FitResult, TrainConfig, fit


def velocity(net: nn.Module, x: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    """v_θ(x_t, t) for ``x (B, …)`` and t ∈ [0, 1] (scalar or ``(B,)``); nets see 1000·t."""
    t = torch.as_tensor(t, dtype=x.dtype, device=x.device).expand(x.shape[0])
    return net(x, 1000 * t)


def interpolate(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """x_t = (1 − t) x_0 + t x_1 — the straight conditional path; ``t (B,)``."""
    t = t.reshape(-1, *[1] * (x0.dim() - 1))
    return (1 - t) * x0 + t * x1


def flow_matching_loss(
    net: nn.Module,
    x1: torch.Tensor,
    generator: torch.Generator | None = None,
    x0: torch.Tensor | None = None,
) -> torch.Tensor:
    """L_CFM = ‖v_θ(x_t, t) − (x_1 − x_0)‖², t ~ U[0, 1] — Lipman et al. eq. 9 with eq. 23.

    ``x0`` defaults to fresh noise; reflow (:mod:`demos.reflow`) passes the noise its pairs were
    made from.
    """
    if x0 is None:
        x0 = torch.randn(x1.shape, generator=generator, device=x1.device, dtype=x1.dtype)
    t = torch.rand(x1.shape[0], generator=generator, device=x1.device, dtype=x1.dtype)  # (B,)
    return torch.mean((velocity(net, interpolate(x0, x1, t), t) - (x1 - x0)) ** 2)


@torch.no_grad()
def euler_sample(net: nn.Module, x0: torch.Tensor, steps: int) -> torch.Tensor:
    """x_{t+h} = x_t + h v_θ(x_t, t), h = 1/N, from noise ``x0 (B, …)`` at t = 0 (N NFE)."""
    x, h = x0, 1.0 / steps
    for i in range(steps):
        x = x + h * velocity(net, x, i * h)
    return x


@torch.no_grad()
def heun_sample(net: nn.Module, x0: torch.Tensor, steps: int) -> torch.Tensor:
    """Heun: x̃ = x_t + h v(x_t, t); x_{t+h} = x_t + h/2 (v(x_t, t) + v(x̃, t + h)) (2N NFE)."""
    x, h = x0, 1.0 / steps
    for i in range(steps):
        slope = velocity(net, x, i * h)
        guess = x + h * slope  # the Euler step
        x = x + h / 2 * (slope + velocity(net, guess, (i + 1) * h))
    return x


SOLVERS = {"euler": (euler_sample, 1), "heun": (heun_sample, 2)}  # solver, NFE per step


# ---------------------------------------------------------------------------------------------
# Training and the registry's samplers
# ---------------------------------------------------------------------------------------------


def train_flow_matching(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """Minimise L_CFM on the dataset of ``config``: the 1-rectified flow."""
    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    torch.manual_seed(config.seed)
    return fit(
        config.build_net(),
        lambda net, x1, y, g: flow_matching_loss(net, x1, g),
        data,
        config,
        device,
        progress,
    )


def sample_flow(trained: Any, options: Any, solver: str = "euler") -> Any:
    """Integrate v_θ from noise with ``options.steps`` Euler or Heun steps (N or 2N NFE)."""
    from demos.sample import SampleResult, initial_noise

    steps = options.steps or 20
    sample_fn, nfe_per_step = SOLVERS[solver]
    x0, _ = initial_noise(trained, options)
    start = time.perf_counter()
    out = sample_fn(trained.net, x0, steps)
    return SampleResult(out, nfe_per_step * steps, time.perf_counter() - start)


def sample_flow_heun(trained: Any, options: Any) -> Any:
    """:func:`sample_flow` with Heun's method (2 NFE per step)."""
    return sample_flow(trained, options, solver="heun")


def register_methods() -> None:
    """``flow-matching`` (Euler) and ``flow-matching-heun`` (``reflow``: :mod:`demos.reflow`)."""
    from demos.registry import Method, register

    paper = "arXiv:2210.02747"
    summary = "Conditional flow matching on straight noise-to-data paths, sampled with "
    register(
        Method(
            "flow-matching",
            summary + "Euler steps",
            paper,
            "flow-matching",
            train_flow_matching,
            sample_flow,
            default_steps=20,
        )
    )
    register(
        Method(
            "flow-matching-heun",
            summary + "Heun steps (2 NFE each)",
            paper,
            "flow-matching",
            None,
            sample_flow_heun,
            default_steps=10,
        )
    )


register_methods()
