"""demos.mixture_score, and the score-SDE samplers converging on its exact score (issue #13).

EM, PC and the probability-flow ODE on the eight-Gaussians mixture, with the exact score: no
worse from 100 → 250 → 1,000 steps beyond the noise floor, and at 1,000 steps as close to the
true distribution as true samples are. The noise floor is measured here, on true samples."""

from __future__ import annotations

import math

import pytest
import torch

from demos.mixture_score import eight_gaussians_mixture
from demos.score_sde import pc_sample, probability_flow_sample
from demos.sde import VESDE, VPSDE

torch.set_num_threads(1)
N = 2000
KERNEL = (0.1,)  # a Gaussian kernel as wide as one mode (σ₀ = 0.1)
MIXTURE = eight_gaussians_mixture()


def sample(sampler: str, sde, steps: int, score_fn=None) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)  # the same prior and noise at every step count
    x = sde.prior((N, 2), g).double()
    score_fn = score_fn or MIXTURE.score(sde)
    if sampler == "ode":
        return probability_flow_sample(score_fn, sde, x, steps, "heun")
    return pc_sample(score_fn, sde, x, steps, 1 if sampler == "pc" else 0, generator=g)


def within_mode_variance(x: torch.Tensor) -> float:
    """Mean squared distance to the nearest centre; 2σ₀² = 0.02 for true samples."""
    return torch.cdist(x, MIXTURE.means).min(dim=1).values.square().mean().item()


@pytest.fixture(scope="module")
def floor() -> dict:
    """MMD² and within-mode variance of 6 draws of N true samples: the noise of each."""
    draws = [MIXTURE.sample(N, torch.Generator().manual_seed(100 + i)) for i in range(6)]
    mmd = torch.tensor([MIXTURE.mmd2(x, KERNEL) for x in draws])
    width = torch.tensor([within_mode_variance(x) for x in draws])
    return {"mmd2": mmd.mean().item() + 3 * mmd.std().item(), "width_sd": width.std().item()}


def test_mixture_score_is_the_gradient_of_the_perturbed_density():
    # p_t = Σ w_k N(m μ_k, (m² σ₀² + s²) I), written with torch.distributions, differentiated
    for sde in (VPSDE(), VESDE(0.01, 4.0)):
        for t_value in (0.01, 0.3, 0.9):
            t = torch.full((5,), t_value, dtype=torch.float64)
            m, s = sde.marginal(t[:1])
            scale = math.sqrt(m.item() ** 2 * 0.01 + s.item() ** 2)
            components = torch.distributions.Independent(
                torch.distributions.Normal(m.item() * MIXTURE.means, scale), 1
            )
            density = torch.distributions.MixtureSameFamily(
                torch.distributions.Categorical(probs=torch.full((8,), 1 / 8)), components
            )
            x = torch.randn(5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
            x.requires_grad_(True)
            (grad,) = torch.autograd.grad(density.log_prob(x).sum(), x)
            assert torch.allclose(MIXTURE.score(sde)(x.detach(), t), grad, atol=1e-9)
            assert torch.allclose(MIXTURE.log_prob(sde, x.detach(), t), density.log_prob(x))


def test_mixture_mmd2_agrees_with_a_sample_estimate():
    # a too-wide copy of the mixture against the mixture: the closed-form cross terms against
    # the plain U-statistic with 20,000 true samples in their place
    g = torch.Generator().manual_seed(2)
    x = 1.2 * MIXTURE.sample(1500, g)
    y = MIXTURE.sample(20_000, g)

    def mean_k(a, b, same):
        k = torch.exp(-torch.cdist(a, b).square() / (2 * 0.1**2))
        return (k.sum() - len(a)) / (len(a) * (len(a) - 1)) if same else k.mean()

    xx = mean_k(x, x, True)
    yy = sum(mean_k(part, part, True) for part in y.split(2000)) / 10
    estimate = (xx + yy - 2 * mean_k(x, y, False)).item()
    assert estimate > 0.01
    assert MIXTURE.mmd2(x, KERNEL) == pytest.approx(estimate, rel=0.05)


def test_true_samples_have_mmd2_near_zero(floor):
    x = MIXTURE.sample(N, torch.Generator().manual_seed(7))
    assert abs(MIXTURE.mmd2(x, KERNEL)) < floor["mmd2"] < 1e-3


@pytest.mark.parametrize("sampler", ["em", "pc", "ode"])
@pytest.mark.parametrize("sde", [VPSDE(), VESDE(0.01, 4.0)], ids=["vp", "ve"])
def test_sampler_is_no_worse_with_more_steps_and_converges(sampler, sde, floor):
    mmd, width = {}, {}
    for steps in (100, 250, 1000):
        x = sample(sampler, sde, steps)
        mmd[steps], width[steps] = MIXTURE.mmd2(x, KERNEL), within_mode_variance(x)
    assert mmd[250] <= mmd[100] + floor["mmd2"]
    assert mmd[1000] <= mmd[250] + floor["mmd2"]
    assert mmd[1000] <= floor["mmd2"]  # as close as true samples are
    # the mode width (a sharper measure): 2σ₀² at 1,000 steps, and no further from it than before
    err = {steps: abs(w - 2 * 0.1**2) for steps, w in width.items()}
    assert err[1000] <= 3 * floor["width_sd"] + 5e-4  # + the prior's mismatch under VE
    assert err[1000] <= err[250] + 3 * floor["width_sd"]
    assert err[250] <= err[100] + 3 * floor["width_sd"]


def test_coarse_euler_maruyama_is_measurably_off(floor):
    # the measure can see a sampler that has not converged: VP EM with 25 steps shrinks the modes
    x = sample("em", VPSDE(), 25)
    assert MIXTURE.mmd2(x, KERNEL) > 10 * floor["mmd2"]
    assert within_mode_variance(x) < 0.015


def test_reverse_sde_with_the_odes_half_g_squared_is_caught(floor):
    # the bug this guards against: the reverse SDE's drift f − g² s written with the ODE's ½ g²
    sde = VPSDE()
    exact = MIXTURE.score(sde)
    x = sample("em", sde, 1000, score_fn=lambda x, t: 0.5 * exact(x, t))
    assert MIXTURE.mmd2(x, KERNEL) > 10 * floor["mmd2"]
