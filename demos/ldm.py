r"""Latent diffusion — Rombach, Blattmann, Lorenz, Esser & Ommer 2022 (arXiv:2112.10752).

Most of the bits of an image are imperceptible detail, and a pixel-space diffusion model spends
its compute on all of them. Latent diffusion splits the work in two (§3):

1. **Perceptual compression** (§3.1): a KL-regularized autoencoder :math:`\mathcal E, \mathcal D`
   with downsampling factor f, trained first and then frozen — :mod:`demos.autoencoder`.

2. **Latent diffusion** (§3.2, eq. 2; with a condition y, eq. 3): DDPM on the latents,
   :math:`L_\text{LDM} = \mathbb E_{\mathcal E(x), \epsilon, t}\,\lVert \epsilon -
   \epsilon_\theta(z_t, t, y)\rVert^2`. The latents are first **rescaled to unit variance**, as
   the paper does for its KL-regularized spaces (the ``scale_factor`` of its code):
   :math:`z \leftarrow z / \hat\sigma` with :math:`\hat\sigma` the standard deviation of the
   latents, so the noise schedule meets data of the scale it was designed for.

Sampling runs DDIM in latent space and decodes once: :math:`x = \mathcal D(z_0 \cdot \hat\sigma)`.
Conditioning on the class :math:`y` enters the UNet with its time embedding; trained with
labels dropped to ∅ 10 % of the time, one network gives classifier-free guidance (Ho & Salimans
2022, eq. 6, :mod:`demos.guidance`): :math:`\tilde\epsilon = (1 + w)\epsilon_\theta(z_t, y) -
w\,\epsilon_\theta(z_t, \varnothing)`.

With f = 4 a 32×32 digit becomes an 8×8 latent: each denoiser call sees 16× fewer positions,
which is the compute saving ``benchmarks/ldm_vs_pixel.py`` measures against pixel-space DDPM.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import torch
from torch import nn

from demos.autoencoder import Autoencoder, autoencoder_loss
from demos.data import DIGIT_SIZES, Dataset, load_dataset, sample_shape
from demos.ddpm import diffusion_loss
from demos.errors import DemoError
from demos.nets import NetConfig, build_net
from demos.train import FitResult, TrainConfig, default_config, fit


class LatentDiffusion(nn.Module):
    """The autoencoder, a UNet over latents, and the latent scale 1/σ̂ (a buffer, saved)."""

    def __init__(self, autoencoder: Autoencoder, unet: nn.Module) -> None:
        super().__init__()
        self.autoencoder = autoencoder
        self.unet = unet
        self.register_buffer("scale_factor", torch.ones(()))

    def forward(
        self, z: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.unet(z, t, y)  # ε_θ(z_t, t, y) on scaled latents

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """x = D(z · σ̂) from a scaled latent ``(B, c, h, w)``."""
        return self.autoencoder.decode(z / self.scale_factor)


class LatentConfig(TrainConfig):
    """A :class:`TrainConfig` whose net is a :class:`LatentDiffusion` (sizes in ``options``)."""

    def latent_shape(self) -> tuple[int, ...]:
        channels, height, width = sample_shape(self.dataset)
        f = self.options["factor"]
        return (self.options["latent_channels"], -(-height // f), -(-width // f))

    def build_net(self) -> nn.Module:
        o = self.options
        ae = Autoencoder(
            sample_shape(self.dataset)[0], o["ae_width"], o["latent_channels"], o["factor"]
        )
        return LatentDiffusion(ae, build_net(self.net, self.latent_shape()))


def ldm_config(
    dataset: str = "digits32", steps: int | None = None, **overrides: Any
) -> LatentConfig:
    """Class-conditional LDM (10 % label dropout); f = 4, or 2 for images under 16 px."""
    if dataset not in (*DIGIT_SIZES, "mnist"):
        raise DemoError(
            f"latent diffusion needs images; {dataset!r} is not an image dataset", code="E604"
        )
    base = default_config("ldm", dataset, steps or 1500, **overrides)
    factor = 2 if sample_shape(dataset)[-1] < 16 else 4
    net = NetConfig("unet", width=32, depth=1, channel_mults=(1, 2), num_classes=10)
    return LatentConfig(
        **{
            **base.__dict__,
            "net": net,
            "class_dropout": 0.1,
            "options": {
                "factor": factor,
                "latent_channels": 4,
                "ae_width": 16,
                "ae_steps": 800,
                "ae_batch_size": 64,
                "kl_weight": 1e-6,
                **base.options,
            },
        }
    )


def train_ldm(
    config: LatentConfig,
    device: torch.device | str = "cpu",
    progress: bool = True,
    on_step: Callable[[int, LatentDiffusion], None] | None = None,
) -> FitResult:
    """Stage 1: the autoencoder; then σ̂ of its latents; stage 2: DDPM on z/σ̂ (eq. 2).

    ``on_step(step, ldm)``, if given, sees the latent model with the EMA UNet after every
    stage-2 step (as :func:`demos.train.fit`'s ``on_step``); its time is not counted.
    """
    o = config.options
    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    torch.manual_seed(config.seed)
    model = config.build_net()
    ae_config = replace(
        config, steps=o["ae_steps"], batch_size=o["ae_batch_size"], lr=1e-3, ema_decay=0.0
    )
    ae_config.net = replace(config.net, num_classes=None)
    stage1 = fit(
        model.autoencoder,
        lambda net, x, y, g: autoencoder_loss(net, x, o["kl_weight"], g),
        data,
        ae_config,
        device,
        progress,
    )
    ae = stage1.model.requires_grad_(False)
    encoding = time.perf_counter()
    with torch.no_grad():  # the posterior of every training image, once
        mean, logvar = ae.encode(data.x.to(device))
        std = (0.5 * logvar).exp()
        z = mean + std * torch.randn(
            mean.shape, generator=torch.Generator(device).manual_seed(0), device=device
        )
        model.scale_factor.fill_(1 / z.std().item())  # z ← z / σ̂
    latents = Dataset(config.dataset, torch.cat([mean, std], dim=1).cpu(), data.y)
    schedule = config.noise_schedule()
    scale = model.scale_factor.item()
    encoding = time.perf_counter() - encoding

    def loss(
        unet: nn.Module, posterior: torch.Tensor, y: torch.Tensor | None, generator: torch.Generator
    ) -> torch.Tensor:
        mean, std = posterior.chunk(2, dim=1)  # (B, c, h, w) each
        eps = torch.randn(mean.shape, generator=generator, device=mean.device)
        z0 = scale * (mean + std * eps)  # a fresh posterior sample, at unit scale
        return diffusion_loss(unet, z0, schedule, config.prediction_type, y, generator)

    def watch(step: int, ema_unet: nn.Module) -> None:
        view = LatentDiffusion(ae, ema_unet).to(model.scale_factor.device)
        view.scale_factor.copy_(model.scale_factor)
        on_step(step, view)

    result = fit(model.unet, loss, latents, config, device, progress, watch if on_step else None)
    ema = copy.deepcopy(model)
    model.unet, ema.unet = result.model, result.ema
    seconds = stage1.seconds + encoding + result.seconds
    return FitResult(model.eval(), ema.eval(), result.losses, seconds)


def sample_ldm(trained: Any, options: Any) -> Any:
    """DDIM in latent space (η, steps from ``options``), classes 0…9 in turn unless ``labels``
    are given, guidance weight ``options.guidance_scale``; then decode. NFE = steps."""
    from demos.ddim import ddim_sample
    from demos.guidance import conditional_denoiser, guided_denoiser
    from demos.sample import SampleResult

    ldm, config = trained.net, trained.config
    device = ldm.scale_factor.device
    steps = options.steps or 50
    labels = options.labels
    if labels is None:
        labels = torch.arange(options.num_samples) % config.net.num_classes
    labels = labels.to(device)
    generator = torch.Generator(device).manual_seed(options.seed)
    z_T = torch.randn(
        (options.num_samples, *config.latent_shape()), generator=generator, device=device
    )
    denoiser = (
        guided_denoiser(ldm.unet, labels, options.guidance_scale, config.net.num_classes)
        if options.guidance_scale
        else conditional_denoiser(ldm.unet, labels)
    )
    start = time.perf_counter()
    with torch.no_grad():
        z0 = ddim_sample(
            denoiser,
            z_T,
            trained.schedule,
            steps,
            options.eta,
            options.spacing,
            config.prediction_type,
            generator,
        )
        images = ldm.decode(z0)
    return SampleResult(images, steps, time.perf_counter() - start)


def register_methods() -> None:
    """``ldm``: class-conditional latent diffusion with classifier-free guidance."""
    from demos.registry import Method, register

    register(
        Method(
            "ldm",
            "Latent diffusion: a KL autoencoder, then class-conditional DDPM on its "
            "unit-variance latents, sampled by DDIM with classifier-free guidance",
            "arXiv:2112.10752",
            "ldm",
            train_ldm,
            sample_ldm,
            default_steps=50,
            config=ldm_config,
        )
    )


register_methods()
