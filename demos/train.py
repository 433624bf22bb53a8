"""Training a denoiser: the loop every demo method shares, with AdamW and an EMA of the weights.

The loop (:func:`fit`) knows nothing about diffusion: it draws mini-batches, asks a method's
``loss(model, x0, y, generator)`` for a scalar, and takes an AdamW step (Loshchilov & Hutter
2019). After each step it updates an exponential moving average of the weights,

.. math:: \\bar\\theta \\leftarrow \\mu\\,\\bar\\theta + (1-\\mu)\\,\\theta,

which DDPM samples from (Ho et al. 2020, App. B, μ = 0.9999 over 800k steps; the demos train a
few thousand steps, so μ is smaller), and the step size decays along a cosine to zero.
:func:`train_ddpm` plugs Algorithm 1 of DDPM into it.

**Reproducible.** One ``seed`` fixes the initial weights (``torch.manual_seed``) and a
:class:`torch.Generator` draws every batch, step and noise, so two CPU runs give the same weights.

**Data-parallel.** Started under ``torchrun`` (see :mod:`demos.distributed`) the model is wrapped
in ``DistributedDataParallel``: rank 0's initial weights are broadcast, each rank draws its own
batches (seed + rank), and gradients are averaged across ranks before every step, so all ranks
keep identical weights. Each rank draws ``batch_size / world_size`` samples, so the global
batch is the config's.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from demos.data import DIGIT_SIZES, TOY_DATASETS, Dataset, load_dataset, sample_shape
from demos.ddpm import NoiseSchedule, diffusion_loss
from demos.nets import NetConfig, build_net

# loss(model, x0 (B, …), y (B,) or None, generator) → scalar tensor
LossFn = Callable[[nn.Module, torch.Tensor, torch.Tensor | None, torch.Generator], torch.Tensor]


@dataclass
class TrainConfig:
    """Everything that determines a trained model; its hash keys the checkpoint cache."""

    method: str = "ddpm"
    dataset: str = "digits"
    steps: int = 2000  # optimiser steps
    batch_size: int = 128
    lr: float = 2e-3
    lr_schedule: str = "cosine"  # "cosine": decay to 0 over the run (Loshchilov & Hutter 2017)
    weight_decay: float = 0.0
    ema_decay: float = 0.995
    seed: int = 0
    diffusion_steps: int = 1000  # T
    schedule: str = "linear"  # "linear" | "cosine"
    prediction_type: str = "epsilon"  # "epsilon" | "x0" | "v"
    class_dropout: float = 0.0  # with net.num_classes: P(label → ∅), for classifier-free guidance
    net: NetConfig = field(default_factory=NetConfig)
    data_dir: str | None = None  # MNIST's folder
    options: dict[str, Any] = field(default_factory=dict)  # extras for methods added later

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["net"]["channel_mults"] = list(self.net.channel_mults)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        data = dict(data)
        net = dict(data.pop("net"))
        net["channel_mults"] = tuple(net["channel_mults"])
        return cls(**data, net=NetConfig(**net))

    def noise_schedule(self) -> NoiseSchedule:
        return NoiseSchedule(self.diffusion_steps, self.schedule)

    def build_net(self) -> nn.Module:
        return build_net(self.net, sample_shape(self.dataset))


def default_config(
    method: str, dataset: str, steps: int | None = None, **overrides: Any
) -> TrainConfig:
    """Sizes that train in minutes on 2 CPU cores: a UNet for images, an MLP for 2-D points."""
    if dataset in TOY_DATASETS:
        config = TrainConfig(
            method,
            dataset,
            steps=3000,
            batch_size=256,
            lr=1e-3,
            net=NetConfig("mlp", width=128, depth=3, time_dim=32),
        )
    elif dataset in DIGIT_SIZES:
        config = TrainConfig(
            method,
            dataset,
            steps=2000,
            net=NetConfig("unet", width=32, depth=1, channel_mults=(1, 2)),
        )
        if dataset == "digits32":
            config.net.channel_mults = (1, 2, 2)
    else:  # mnist
        config = TrainConfig(
            method,
            dataset,
            steps=6000,
            lr=1e-3,
            net=NetConfig("unet", width=32, depth=1, channel_mults=(1, 2, 2)),
        )
    config.steps = steps or config.steps
    for key, value in overrides.items():
        setattr(config, key, value)
    sample_shape(dataset)  # an unknown dataset fails here, before any work
    return config


@torch.no_grad()
def ema_update(ema: nn.Module, model: nn.Module, decay: float) -> None:
    """θ̄ ← μ θ̄ + (1 − μ) θ for every parameter; buffers are copied."""
    for ema_p, p in zip(ema.parameters(), model.parameters(), strict=True):
        ema_p.lerp_(p, 1 - decay)
    for ema_b, b in zip(ema.buffers(), model.buffers(), strict=True):
        ema_b.copy_(b)


@dataclass
class FitResult:
    """The trained weights, the EMA weights (what samplers use) and the loss curve."""

    model: nn.Module
    ema: nn.Module
    losses: list[float]
    seconds: float


# (step, total steps, loss) → None: someone watching a run, e.g. the demo app's progress bar
ProgressFn = Callable[[int, int, float], None]
_watchers: ContextVar[tuple[ProgressFn, ...]] = ContextVar("training_watchers", default=())


@contextmanager
def watch_progress(callback: ProgressFn) -> Iterator[None]:
    """Call ``callback(step, total, loss)`` after every step of every :func:`fit` run inside.

    A context variable rather than an argument, so it reaches :func:`fit` through any trainer
    (a method may run several fits, e.g. one per distillation round) without changing them.
    """
    token = _watchers.set((*_watchers.get(), callback))
    try:
        yield
    finally:
        _watchers.reset(token)


def learning_rate_schedule(
    optimizer: torch.optim.Optimizer, config: TrainConfig
) -> torch.optim.lr_scheduler.LRScheduler:
    """η_k = η · ½(1 + cos(πk / K)) for "cosine" (K = ``config.steps``), or η for "constant".

    Short runs end much better when the step size decays: the last iterates stop jumping
    around the minimum, which the EMA alone smooths only partly.
    """
    if config.lr_schedule == "constant":
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: 1.0)
    if config.lr_schedule == "cosine":
        total = max(config.steps, 1)
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda k: 0.5 * (1 + math.cos(math.pi * min(k, total) / total))
        )
    raise ValueError(f"lr_schedule must be 'constant' or 'cosine', not {config.lr_schedule!r}")


def _world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def fit(
    model: nn.Module,
    loss_fn: LossFn,
    data: Dataset,
    config: TrainConfig,
    device: torch.device | str = "cpu",
    progress: bool = True,
    on_step: Callable[[int, nn.Module], None] | None = None,
) -> FitResult:
    """Minimise ``loss_fn`` over random mini-batches of ``data`` for ``config.steps`` steps.

    ``on_step(step, ema)``, if given, runs after every step (1-based), e.g. to evaluate the EMA
    model now and then; its time is left out of ``FitResult.seconds``.
    """
    from tqdm.auto import tqdm

    rank, world = _world()
    device = torch.device(device)
    model = model.to(device)
    ema = copy.deepcopy(model).requires_grad_(False)
    trained: nn.Module = model
    if world > 1:  # broadcasts rank 0's weights now, averages gradients in backward()
        trained = nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    scheduler = learning_rate_schedule(optimizer, config)
    generator = torch.Generator(device).manual_seed(config.seed * 1000 + rank)
    x_all, y_all = data.x.to(device), None if data.y is None else data.y.to(device)
    conditional = config.net.num_classes is not None
    if config.batch_size % world:
        raise ValueError(f"batch size {config.batch_size} does not split over {world} processes")
    batch_size = config.batch_size // world  # per rank; the global batch is the config's

    losses: list[float] = []
    watchers = _watchers.get()
    start, outside = time.perf_counter(), 0.0
    bar = tqdm(
        range(config.steps),
        desc=f"train {config.method}/{config.dataset}",
        disable=not progress or rank != 0,
        unit="step",
        dynamic_ncols=True,
    )
    for _ in bar:
        index = torch.randint(0, len(x_all), (batch_size,), generator=generator, device=device)
        x0 = x_all[index]  # (B, …)
        y = None
        if conditional and y_all is not None:
            y = y_all[index]
            drop = torch.rand(y.shape, generator=generator, device=device) < config.class_dropout
            y = torch.where(drop, config.net.num_classes, y)  # label → ∅ for guidance
        loss = loss_fn(trained, x0, y, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        ema_update(ema, model, config.ema_decay)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            raise FloatingPointError(f"the loss became {losses[-1]} at step {len(losses)}")
        if len(losses) % 25 == 0:
            bar.set_postfix(loss=f"{sum(losses[-25:]) / 25:.4f}")
        for watch in watchers:
            watch(len(losses), config.steps, losses[-1])
        if on_step is not None:
            pause = time.perf_counter()
            on_step(len(losses), ema)
            outside += time.perf_counter() - pause
    seconds = time.perf_counter() - start - outside
    return FitResult(model.eval(), ema.eval(), losses, seconds)


def train_ddpm(
    config: TrainConfig,
    device: torch.device | str = "cpu",
    progress: bool = True,
    on_step: Callable[[int, nn.Module], None] | None = None,
) -> FitResult:
    """Algorithm 1 of DDPM for ``config``: L_simple on ε (or x_0 / v) over uniform t."""
    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    schedule = config.noise_schedule()
    torch.manual_seed(config.seed)  # the initial weights
    model = config.build_net()

    def loss(
        net: nn.Module, x0: torch.Tensor, y: torch.Tensor | None, generator: torch.Generator
    ) -> torch.Tensor:
        return diffusion_loss(net, x0, schedule, config.prediction_type, y, generator)

    return fit(model, loss, data, config, device, progress, on_step)
