r"""The exact score of a Gaussian mixture pushed through a forward SDE — no network needed.

A sampler of the reverse SDE can only be as good as its score. To test the *sampler* alone,
take data whose score is known in closed form at every time: a mixture of K isotropic
Gaussians, :math:`p_0 = \sum_k w_k\,\mathcal N(\mu_k, \sigma_0^2 I)`. Both forward SDEs of
:mod:`demos.sde` give :math:`x_t = m(t)\,x_0 + s(t)\,z` (Song et al. 2021, eqs. 9 and 11, with
:math:`m = 1`, :math:`s = \sigma(t)` for VE), so every component stays Gaussian:

.. math:: p_t(x) = \sum_k w_k\,\mathcal N\big(x;\ m\mu_k,\ v\,I\big), \qquad v(t) = m^2\sigma_0^2
          + s^2,

and its score is the posterior-weighted pull towards each shifted centre,

.. math:: \nabla_x \log p_t(x) = -\sum_k r_k(x)\,\frac{x - m\mu_k}{v}, \qquad r_k(x) =
          \operatorname{softmax}_k\Big(\log w_k - \frac{\lVert x - m\mu_k\rVert^2}{2v}\Big).

With it, Euler–Maruyama, predictor–corrector and the probability-flow ODE of
:mod:`demos.score_sde` can be checked against samples of :math:`p_0` drawn without limit
(``benchmarks/sampler_convergence_toy.py``). :func:`eight_gaussians_mixture` is the mixture of
the toy set ``gaussians8`` (:func:`demos.data.eight_gaussians`), so a network trained on that set
can be compared with the exact score it approximates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from demos.score_sde import ScoreFn
from demos.sde import SDE


@dataclass
class GaussianMixture:
    """Σ_k w_k N(μ_k, σ₀² I): ``means (K, D)``, ``weights (K,)`` summing to 1, scalar ``std``."""

    means: torch.Tensor
    weights: torch.Tensor
    std: float

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` fresh points ``(n, D)`` in float64: a component k ~ w, then μ_k + σ₀ z."""
        k = torch.multinomial(self.weights.double(), n, replacement=True, generator=generator)
        z = torch.randn(n, self.means.shape[1], generator=generator, dtype=torch.float64)
        return self.means.double()[k] + self.std * z

    def _variance(self, sde: SDE, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """m(t) and v(t) = m² σ₀² + s², each ``(B,)``."""
        mean, std = sde.marginal(t)
        return mean, mean**2 * self.std**2 + std**2

    def log_prob(self, sde: SDE, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """log p_t(x) ``(B,)`` of ``x (B, D)`` at times ``t (B,)``: the mixture of N(m μ_k, v I)."""
        mean, var = self._variance(sde, t)
        diff = x[:, None, :] - mean[:, None, None] * self.means.to(x)  # (B, K, D)
        logits = self.weights.to(x).log() - diff.square().sum(-1) / (2 * var[:, None])
        return torch.logsumexp(logits, dim=1) - 0.5 * x.shape[1] * torch.log(2 * math.pi * var)

    def score(self, sde: SDE) -> ScoreFn:
        """The exact ∇_x log p_t for ``sde``: a score function ``(x (B, D), t (B,)) → (B, D)``.

        As Σ_k r_k = 1, the score is −(x − m Σ_k r_k μ_k) / v; and in the softmax over k the
        ‖x‖² of ‖x − m μ_k‖² is the same for every k and drops out, leaving
        r = softmax(log w + (m x·μ_k − ½ m² ‖μ_k‖²) / v): two small matrix products.
        """
        means = self.means.double()
        log_w, norms = self.weights.double().log(), means.square().sum(1)  # (K,), (K,)

        def score_fn(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            mean, var = (c[:, None].to(x) for c in self._variance(sde, t))  # (B, 1)
            logits = log_w.to(x) + (mean * x @ means.T.to(x) - 0.5 * mean**2 * norms.to(x)) / var
            r = logits.softmax(dim=1)  # (B, K): which component x_t came from
            return -(x - mean * (r @ means.to(x))) / var

        return score_fn

    def mmd2(
        self, x: torch.Tensor, bandwidths: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0)
    ) -> float:
        r"""Unbiased MMD² between samples ``x (N, D)`` and the mixture itself (Gretton et al.
        2012, Lemma 6) with :math:`k(x, y) = \sum_h e^{-\lVert x-y\rVert^2 / 2h^2}`.

        Only the sample-vs-sample term is estimated; the other two are integrals of Gaussians:
        :math:`\mathbb E_{y}\,k(x, y) = \sum_k w_k c_1 e^{-\lVert x-\mu_k\rVert^2 / 2(h^2 +
        \sigma_0^2)}` with :math:`c_1 = (h^2 / (h^2 + \sigma_0^2))^{D/2}`, and the same with
        :math:`2\sigma_0^2` and centres :math:`\mu_l` for :math:`\mathbb E_{y, y'}\,k(y, y')`.
        Its mean is 0 for true samples, so their spread is the estimator's noise floor.
        """
        x, means, w = x.double(), self.means.double(), self.weights.double()
        n, dim = x.shape
        # Σ_{i≠j} k(x_i, x_j), 2,048 rows at a time; the diagonal adds n per bandwidth
        xx = torch.zeros(len(bandwidths), dtype=torch.float64)
        for rows in x.split(2048):
            d2 = torch.cdist(rows, x).square()  # (rows, N)
            xx += torch.stack([torch.exp(-d2 / (2 * h**2)).sum() for h in bandwidths])
        total = ((xx - n) / (n * (n - 1))).sum().item()
        x_mu, mu_mu = torch.cdist(x, means).square(), torch.cdist(means, means).square()
        for h in bandwidths:
            v1, v2 = h**2 + self.std**2, h**2 + 2 * self.std**2
            xp = (h**2 / v1) ** (dim / 2) * torch.exp(-x_mu / (2 * v1)) @ w  # E_y k(x_i, y)
            pp = (h**2 / v2) ** (dim / 2) * (w @ torch.exp(-mu_mu / (2 * v2)) @ w)
            total += pp.item() - 2 * xp.mean().item()
        return total


def eight_gaussians_mixture() -> GaussianMixture:
    """The toy set ``gaussians8``: eight equal Gaussians, σ₀ = 0.1, on a circle of radius √2."""
    angles = torch.arange(8, dtype=torch.float64) * math.pi / 4
    means = math.sqrt(2) * torch.stack([angles.cos(), angles.sin()], dim=1)  # (8, 2)
    return GaussianMixture(means, torch.full((8,), 1 / 8, dtype=torch.float64), 0.1)
