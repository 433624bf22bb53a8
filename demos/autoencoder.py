r"""The first stage of latent diffusion: a KL-regularized autoencoder — Rombach et al. 2022, §3.1.

**Perceptual compression.** An encoder :math:`\mathcal E` maps an image
:math:`x \in \mathbb R^{H \times W \times C}` to a latent :math:`z = \mathcal E(x) \in
\mathbb R^{h \times w \times c}` with downsampling factor :math:`f = H/h = 2^m`, and a decoder
:math:`\mathcal D` maps it back, :math:`\tilde x = \mathcal D(z)`. The diffusion model of
:mod:`demos.ldm` then works on the small :math:`z` and never sees a pixel.

The latent is *KL-regularized*: :math:`\mathcal E` outputs a Gaussian posterior
:math:`q(z \mid x) = \mathcal N(\mu, \operatorname{diag} \sigma^2)`, a sample is drawn with the
reparametrization :math:`z = \mu + \sigma \odot \epsilon`, and a slight penalty
:math:`\beta\,\mathrm{KL}(q(z \mid x)\,\|\,\mathcal N(0, I))` (β ≈ 10⁻⁶) keeps the latents from
drifting to arbitrary scales without forcing them to be noise. We use the squared
reconstruction error (the paper adds a perceptual and a patch-GAN loss, which 32×32 digits do
not need):

.. math:: L_\text{AE} = \lVert x - \mathcal D(z) \rVert^2 + \beta\,\mathrm{KL}, \qquad
          \mathrm{KL} = \tfrac12 \textstyle\sum (\mu^2 + \sigma^2 - 1 - \log \sigma^2).
"""

from __future__ import annotations

import math

import torch
from torch import nn


class Autoencoder(nn.Module):
    """Conv encoder ``(B, C, H, W) → (μ, log σ²)`` each ``(B, c, H/f, W/f)``, and its decoder."""

    def __init__(
        self, in_channels: int = 1, width: int = 32, latent_channels: int = 4, factor: int = 4
    ) -> None:
        super().__init__()
        levels = int(math.log2(factor))
        down: list[nn.Module] = [nn.Conv2d(in_channels, width, 3, padding=1)]
        for _ in range(levels):  # each halves H and W
            down += [
                nn.SiLU(),
                nn.Conv2d(width, width, 3, stride=2, padding=1),
                nn.SiLU(),
                nn.Conv2d(width, width, 3, padding=1),
            ]
        self.encoder = nn.Sequential(*down, nn.SiLU(), nn.Conv2d(width, 2 * latent_channels, 1))
        up: list[nn.Module] = [nn.Conv2d(latent_channels, width, 3, padding=1)]
        for _ in range(levels):  # each doubles H and W
            up += [
                nn.SiLU(),
                nn.Upsample(scale_factor=2, mode="nearest"),
                nn.Conv2d(width, width, 3, padding=1),
                nn.SiLU(),
                nn.Conv2d(width, width, 3, padding=1),
            ]
        self.decoder = nn.Sequential(*up, nn.SiLU(), nn.Conv2d(width, in_channels, 3, padding=1))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The posterior q(z | x): mean and log-variance, ``(B, c, H/f, W/f)`` each."""
        mean, logvar = self.encoder(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)  # (B, C, H, W)


def kl_to_standard_normal(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, 1)) = ½ Σ (μ² + σ² − 1 − log σ²), summed per sample, then averaged."""
    return 0.5 * (mean**2 + logvar.exp() - 1 - logvar).flatten(1).sum(dim=1).mean()


def autoencoder_loss(
    ae: Autoencoder,
    x: torch.Tensor,
    kl_weight: float = 1e-6,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """L_AE = ‖x − D(z)‖² (summed per image, averaged) + β KL, z = μ + σ ε (reparametrized)."""
    mean, logvar = ae.encode(x)
    eps = torch.randn(mean.shape, generator=generator, device=x.device, dtype=x.dtype)
    z = mean + (0.5 * logvar).exp() * eps
    reconstruction = (x - ae.decode(z)).square().flatten(1).sum(dim=1).mean()
    return reconstruction + kl_weight * kl_to_standard_normal(mean, logvar)
