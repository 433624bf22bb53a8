r"""Annealed Langevin dynamics — Song & Ermon 2019, "Generative Modeling by Estimating Gradients
of the Data Distribution" (NCSN, arXiv:1907.05600).

**Langevin dynamics** draw from a density knowing only its score: with step size :math:`\alpha`,

.. math:: x \leftarrow x + \tfrac{\alpha}{2}\,\nabla_x \log p(x) + \sqrt{\alpha}\,z,
          \qquad z \sim \mathcal N(0, I),

which converges to :math:`p` as :math:`\alpha \to 0` and the number of steps grows (§2.2). But
a score learned from data is wrong where there is no data, and Langevin mixes badly between
separated modes (§3). NCSN's remedy is to **perturb the data with Gaussian noise** of scales
:math:`\sigma_1 > \sigma_2 > \dots > \sigma_L` (a geometric sequence), learn one
noise-conditional score :math:`s_\theta(x, \sigma)` for all of them (§4.1), and **anneal**:
run T Langevin steps at each level, from the largest σ to the smallest (Algorithm 1), with

.. math:: \alpha_i = \epsilon \cdot \sigma_i^2 / \sigma_L^2,

so that the signal-to-noise ratio of each step stays the same across levels (§4.3).

Song et al. 2021 showed that these noise levels are the discretisation of the **VE SDE**, so
the model here is the VE score network of :mod:`demos.sde`, trained as :mod:`demos.score_sde`
trains it: denoising score matching with σ_max the largest distance between training points
(NCSNv2, Song & Ermon 2020, technique 1). A last step
:math:`x + \sigma_L^2 s_\theta(x, \sigma_L)` (Tweedie's formula; NCSNv2 and Jolicoeur-Martineau
et al. 2020) removes the noise left at :math:`\sigma_L`.
"""

from __future__ import annotations

import math
import time
from typing import Any

import torch

from demos.score_sde import ScoreFn, score_sde_config, sde_of, train_score_sde
from demos.sde import VESDE, score
from demos.train import TrainConfig


@torch.no_grad()
def annealed_langevin(
    score_fn: ScoreFn,
    sde: VESDE,
    x: torch.Tensor,
    levels: int = 10,
    steps_per_level: int = 10,
    step_lr: float = 2e-5,
    denoise: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Algorithm 1: for σ_1 > … > σ_L (geometric), T steps x ← x + α_i/2 s + √α_i z with
    α_i = ε σ_i²/σ_L². With ``denoise``, a last step x + σ_L² s(x, σ_L) (Tweedie's formula,
    as in NCSNv2) removes the remaining noise. NFE = L·T (+1)."""
    sigmas = torch.logspace(math.log10(sde.sigma_max), math.log10(sde.sigma_min), levels)
    for sigma in sigmas:
        t = sde.time_of(sigma).expand(x.shape[0])
        alpha = step_lr * (sigma / sigmas[-1]) ** 2
        for _ in range(steps_per_level):
            z = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            x = x + alpha / 2 * score_fn(x, t) + alpha.sqrt() * z
    if denoise:
        x = x + sigmas[-1] ** 2 * score_fn(x, sde.time_of(sigmas[-1]).expand(x.shape[0]))
    return x


def ncsn_config(dataset: str, steps: int | None = None, **overrides: Any) -> TrainConfig:
    """A VE score model (:func:`demos.score_sde.score_sde_config` with ``sde="ve"``)."""
    return score_sde_config(dataset, steps, sde="ve", **overrides)


def sample_ncsn(trained: Any, options: Any, levels: int = 10, **kwargs: Any) -> Any:
    """Annealed Langevin from σ_max noise: ``options.steps`` split over ``levels`` levels."""
    from demos.data import sample_shape
    from demos.sample import SampleResult

    sde = sde_of(trained.config)
    device = next(trained.net.parameters()).device
    generator = torch.Generator(device).manual_seed(options.seed)
    x = sde.prior((options.num_samples, *sample_shape(trained.config.dataset)), generator)
    per_level = max(1, (options.steps or 500) // levels)

    def score_fn(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return score(trained.net, sde, x, t)

    start = time.perf_counter()
    out = annealed_langevin(
        score_fn, sde, x.to(device), levels, per_level, generator=generator, **kwargs
    )
    return SampleResult(out, levels * per_level + 1, time.perf_counter() - start)


def register_methods() -> None:
    """``ncsn``: a VE score network sampled by annealed Langevin dynamics."""
    from demos.registry import Method, register

    register(
        Method(
            "ncsn",
            "Noise-conditional score network (VE SDE) sampled by annealed Langevin dynamics",
            "arXiv:1907.05600",
            "ncsn",
            train_score_sde,
            sample_ncsn,
            default_steps=500,
            config=ncsn_config,
        )
    )


register_methods()
