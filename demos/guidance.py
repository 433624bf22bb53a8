r"""Classifier-free guidance — Ho & Salimans 2022 (arXiv:2207.12598).

One network is trained both with its class label :math:`c` and, a fraction of the time, with the
label replaced by the null class :math:`\varnothing` (see :mod:`demos.nets`). At sampling time the
two predictions are extrapolated (eq. 6, with guidance weight :math:`w`):

.. math:: \tilde\epsilon_\theta(x_t, c)
          = (1 + w)\,\epsilon_\theta(x_t, c) - w\,\epsilon_\theta(x_t, \varnothing).

:math:`w = 0` is the plain conditional model; larger :math:`w` trades diversity for samples the
class recognises more clearly. Both predictions come from one batched call.
"""

from __future__ import annotations

import torch
from torch import nn

from demos.ddpm import Denoiser


def conditional_denoiser(model: nn.Module, y: torch.Tensor | None) -> Denoiser:
    """``(x_t, t) → model(x_t, t, y)``, the shape every sampler calls; ``y (B,)`` or None."""
    return lambda x, t: model(x, t, y)


def guided_denoiser(
    model: nn.Module, y: torch.Tensor, guidance_scale: float, null_class: int
) -> Denoiser:
    """``(x_t, t) → (1 + w) ε_θ(x_t, y) − w ε_θ(x_t, ∅)`` — eq. 6, w = ``guidance_scale``."""

    def denoise(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        labels = torch.cat([y, torch.full_like(y, null_class)])  # (2B,): c then ∅
        both = model(torch.cat([x, x]), torch.cat([t, t]), labels)  # (2B, …)
        cond, uncond = both.chunk(2)
        return (1 + guidance_scale) * cond - guidance_scale * uncond

    return denoise
