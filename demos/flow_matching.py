r"""Flow matching and rectified flow — Lipman et al. 2022 (arXiv:2210.02747), Liu, Gong & Liu
2022 (arXiv:2209.03003); notation of the MIT 6.S184 notes (Holderrieth & Erives 2025).

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

**Reflow** (Liu et al. §2, Algorithm 1). The learned ODE couples each noise :math:`x_0` with
its own output :math:`z_1 = \mathrm{ODE}_\theta(x_0)`. Training a new flow on the straight lines
between those *pairs* (the same loss, with :math:`(x_0, z_1)` in place of independent
:math:`(x_0, x_1)`) gives a flow whose paths cross less, so they are straighter and a few Euler
steps follow them well. The 2-rectified flow starts from the 1-rectified weights.

The networks of :mod:`demos.nets` take time on a 0…1000 scale, so they are called with
:math:`1000\,t`.
"""

from __future__ import annotations

import copy
import time
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from demos.data import Dataset, load_dataset, sample_shape
from demos.train import FitResult, TrainConfig, default_config, fit

REFLOW_PAIRS = {"toy": 20_000, "image": 5_000}  # (noise, sample) pairs for the 2-rectified flow
PAIR_STEPS = 16  # Heun steps used to make the pairs (32 NFE)


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

    ``x0`` defaults to fresh noise; reflow passes the noise its pairs were made from.
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
# Training: the 1-rectified flow, then reflow
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


def reflow_config(
    dataset: str, steps: int | None = None, flow: TrainConfig | None = None, **overrides: Any
) -> TrainConfig:
    """The 2-rectified flow of ``flow`` (default: the flow-matching model of ``dataset``).

    It shares the flow's net and data; ``options`` keep the flow's steps and lr, and the pairs'.
    """
    flow = flow or default_config("flow-matching", dataset)
    kind = "toy" if flow.net.kind == "mlp" else "image"
    config = replace(
        flow,
        method="reflow",
        steps=steps or flow.steps // 2,  # it starts from the flow, so it needs fewer
        lr=flow.lr / 2,
        net=copy.deepcopy(flow.net),
        options={
            "flow_steps": flow.steps,
            "flow_lr": flow.lr,
            "num_pairs": REFLOW_PAIRS[kind],
            "pair_steps": PAIR_STEPS,
        },
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def flow_of(config: TrainConfig) -> TrainConfig:
    """The 1-rectified flow a reflow config starts from."""
    o = config.options
    return replace(
        config,
        method="flow-matching",
        steps=o["flow_steps"],
        lr=o["flow_lr"],
        net=copy.deepcopy(config.net),
        options={},
    )


@torch.no_grad()
def make_pairs(
    net: nn.Module,
    num_pairs: int,
    shape: tuple[int, ...],
    steps: int,
    generator: torch.Generator,
    batch: int = 1000,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x_0, z_1 = ODE_θ(x_0)): ``num_pairs`` noises and where the flow takes them (Heun)."""
    device = next(net.parameters()).device
    x0 = torch.randn((num_pairs, *shape), generator=generator, device=device)
    z1 = torch.cat([heun_sample(net, chunk, steps) for chunk in x0.split(batch)])
    return x0, z1


def train_reflow(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """Reflow (Liu et al. Algorithm 1): pairs from the 1-rectified flow, then L_CFM on them."""
    from demos.cache import load_or_train

    flow = load_or_train(flow_of(config), progress=progress, device=device).net
    start = time.perf_counter()
    generator = torch.Generator(device).manual_seed(config.seed + 1)
    x0, z1 = make_pairs(
        flow,
        config.options["num_pairs"],
        sample_shape(config.dataset),
        config.options["pair_steps"],
        generator,
    )
    pairs = Dataset(config.dataset, torch.cat([x0, z1], dim=1), None)  # (P, 2C, …): both halves

    def loss(net: nn.Module, batch: torch.Tensor, y: Any, g: torch.Generator) -> torch.Tensor:
        noise, target = batch.chunk(2, dim=1)
        return flow_matching_loss(net, target, g, x0=noise)

    result = fit(flow.requires_grad_(True).train(), loss, pairs, config, device, progress)
    result.seconds = time.perf_counter() - start  # making the pairs is part of the training
    return result


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
    """``flow-matching`` (Euler), ``flow-matching-heun`` and ``reflow`` (the 2-rectified flow)."""
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
    register(
        Method(
            "reflow",
            "Rectified flow after one reflow: retrained on its own (noise, sample) pairs, so "
            "its paths are straighter and a few Euler steps suffice",
            "arXiv:2209.03003",
            "reflow",
            train_reflow,
            sample_flow,
            default_steps=2,
            config=reflow_config,
        )
    )


register_methods()
