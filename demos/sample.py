"""Sampling a trained demo model with a registered method: noise in, samples and NFE out.

Each method's sampler has the signature ``sample(trained, options) → SampleResult``. NFE (number
of function evaluations) counts network calls per sample: T for DDPM's ancestral sampler,
``steps`` for DDIM (and two batched calls per step count once under classifier-free guidance).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from demos.cache import TrainedModel
from demos.ddim import ddim_sample
from demos.ddpm import Denoiser, ddpm_sample
from demos.errors import DemoError
from demos.guidance import conditional_denoiser, guided_denoiser
from demos.train import TrainConfig


@dataclass
class SampleOptions:
    """What to draw: how many, with how many steps, how much noise (η), which seed."""

    num_samples: int = 64
    steps: int | None = None  # None: the method's default (T for DDPM, 50 for DDIM)
    eta: float = 0.0  # DDIM's η (eq. 16); ignored by DDPM
    spacing: str = "leading"  # DDIM's τ spacing
    variance: str = "beta"  # DDPM's σ²_t: "beta" or "posterior"
    seed: int = 0
    labels: torch.Tensor | None = None  # (num_samples,) classes, for a conditional net
    guidance_scale: float = 0.0  # classifier-free guidance weight w
    return_trajectory: bool = False


@dataclass
class SampleResult:
    """``samples (N, …)`` (or the trajectory ``(S + 1, N, …)``), NFE and wall time."""

    samples: torch.Tensor
    nfe: int
    seconds: float
    trajectory: torch.Tensor | None = None


def denoiser_for(trained: TrainedModel, options: SampleOptions) -> Denoiser:
    """The ``(x_t, t) → output`` function samplers call, with guidance when asked."""
    net, num_classes = trained.net, trained.config.net.num_classes
    labels = options.labels
    if labels is not None and num_classes is None:
        raise DemoError("this model is unconditional; it takes no class labels", code="E604")
    if labels is not None and options.guidance_scale != 0:
        return guided_denoiser(
            net, labels.to(next(net.parameters()).device), options.guidance_scale, num_classes
        )
    return conditional_denoiser(net, labels)


def initial_noise(
    trained: TrainedModel, options: SampleOptions
) -> tuple[torch.Tensor, torch.Generator]:
    """x_T ~ N(0, I) ``(N, …)`` and the generator that then draws the sampler's noise."""
    from demos.data import sample_shape

    device = next(trained.net.parameters()).device
    generator = torch.Generator(device).manual_seed(options.seed)
    shape = (options.num_samples, *sample_shape(trained.config.dataset))
    return torch.randn(shape, generator=generator, device=device), generator


def _result(out: torch.Tensor, nfe: int, start: float, trajectory: bool) -> SampleResult:
    seconds = time.perf_counter() - start
    return SampleResult(out[-1] if trajectory else out, nfe, seconds, out if trajectory else None)


def check_ddpm_options(config: TrainConfig, options: SampleOptions) -> None:
    """DDPM's ancestral sampler has no step count to choose: it is T."""
    if options.steps not in (None, config.diffusion_steps):
        raise DemoError(
            f"DDPM's ancestral sampler takes all T = {config.diffusion_steps} steps; "
            "for fewer, use ddim (--eta 1 is DDPM-like)",
            code="E604",
        )


def sample_ddpm(trained: TrainedModel, options: SampleOptions) -> SampleResult:
    """DDPM ancestral sampling (Algorithm 2) through all T steps."""
    schedule = trained.schedule
    check_ddpm_options(trained.config, options)
    x_T, generator = initial_noise(trained, options)
    start = time.perf_counter()
    out = ddpm_sample(
        denoiser_for(trained, options),
        x_T,
        schedule,
        options.variance,
        trained.config.prediction_type,
        generator,
        options.return_trajectory,
    )
    return _result(out, schedule.num_steps, start, options.return_trajectory)


def sample_ddim(trained: TrainedModel, options: SampleOptions) -> SampleResult:
    """DDIM sampling (eq. 12) along ``steps`` sub-sampled steps with noise level η."""
    steps = options.steps or 50
    x_T, generator = initial_noise(trained, options)
    start = time.perf_counter()
    out = ddim_sample(
        denoiser_for(trained, options),
        x_T,
        trained.schedule,
        steps,
        options.eta,
        options.spacing,
        trained.config.prediction_type,
        generator,
        options.return_trajectory,
    )
    return _result(out, steps, start, options.return_trajectory)
