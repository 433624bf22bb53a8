r"""Reflow: the 2-rectified flow — Liu, Gong & Liu 2022, "Flow Straight and Fast"
(arXiv:2209.03003), §2, Algorithm 1; in their notation.

**Rectified flow.** Given a coupling :math:`(X_0, X_1)` of noise :math:`X_0 \sim \pi_0` and data
:math:`X_1 \sim \pi_1`, with :math:`X_t = t X_1 + (1 - t) X_0`, the rectified flow
:math:`Z = \mathrm{Rectflow}((X_0, X_1))` is the ODE :math:`dZ_t = v(Z_t, t)\,dt` whose velocity
solves (eq. 1)

.. math:: \min_v \int_0^1 \mathbb E\,\big\lVert (X_1 - X_0) - v(X_t, t) \big\rVert^2\,dt,

i.e. :math:`v(x, t) = \mathbb E[X_1 - X_0 \mid X_t = x]` — the conditional flow matching of
:mod:`demos.flow_matching`. With independent :math:`X_0, X_1` this is the *1-rectified flow*.

**Why it is curved.** The straight lines between independent pairs cross. Where they do, the
regression averages their directions, and the ODE's paths, which cannot cross, turn away from
each other instead: they are curved, and a few Euler steps cut the corners.

**Reflow.** Run the 1-rectified flow from noise to get a new coupling :math:`(Z_0^1, Z_1^1)`,
each noise paired with *its own* output (:func:`make_pairs`), and rectify again — the same loss
on the new pairs:

.. math:: Z^{k+1} = \mathrm{Rectflow}((Z_0^k, Z_1^k)).

The flow's paths do not cross, so the straight lines between its pairs cross far less than
those between independent pairs: there is less to average, and the new flow follows its lines
closely. Its *straightness* :math:`S(Z) = \int_0^1 \mathbb E \lVert (Z_1 - Z_0) - \dot Z_t
\rVert^2\,dt` is zero for straight paths, and Liu et al. bound it over reflows: the straightest
of the first K rectified flows has :math:`S \le \mathbb E\lVert X_1 - X_0 \rVert^2 / K`. On a
straight path one Euler step is exact. The 2-rectified flow (one reflow) here starts from the
1-rectified weights, so it needs fewer training steps.
"""

from __future__ import annotations

import copy
import time
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from demos.data import Dataset, sample_shape
from demos.flow_matching import flow_matching_loss, heun_sample, sample_flow
from demos.train import FitResult, TrainConfig, default_config, fit

REFLOW_PAIRS = {"toy": 20_000, "image": 5_000}  # (noise, sample) pairs for the 2-rectified flow
PAIR_STEPS = 16  # Heun steps used to make the pairs (32 NFE)


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
    """(Z_0, Z_1 = ODE_θ(Z_0)): ``num_pairs`` noises and where the flow takes them (Heun)."""
    device = next(net.parameters()).device
    x0 = torch.randn((num_pairs, *shape), generator=generator, device=device)
    z1 = torch.cat([heun_sample(net, chunk, steps) for chunk in x0.split(batch)])
    return x0, z1


def train_reflow(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """Reflow (Liu et al. Algorithm 1): pairs from the 1-rectified flow, then L_CFM on them."""
    from demos.trained import load_or_train

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
        return flow_matching_loss(net, target, g, x0=noise)  # eq. 1 on (Z_0, Z_1)

    result = fit(flow.requires_grad_(True).train(), loss, pairs, config, device, progress)
    result.seconds = time.perf_counter() - start  # making the pairs is part of the training
    return result


def register_methods() -> None:
    """``reflow``: the 2-rectified flow, sampled with Euler steps like its flow."""
    from demos.registry import Method, register

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
