"""demos.score_sde: the SDEs' coefficients, the DSM loss, and every sampler on an exact score."""

from __future__ import annotations

import math

import pytest
import torch

from demos.cache import load_or_train
from demos.ncsn import annealed_langevin, sample_ncsn
from demos.sample import SampleOptions
from demos.score_field import save_score_field
from demos.score_sde import (
    VESDE,
    VPSDE,
    dsm_loss,
    pc_sample,
    probability_flow_sample,
    sample_score_sde,
    score,
    score_sde_config,
)

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


def test_vp_marginal_is_ddpm_product_in_the_limit():
    sde = VPSDE(0.1, 20.0)
    n = 100_000
    for t in (0.1, 0.5, 1.0):
        # ᾱ = Π (1 − β_i/N) over the first tN of N steps, β_i = β(i/N): DDPM's discrete chain
        product = math.prod(1 - (0.1 + (i / n) * 19.9) / n for i in range(1, round(t * n) + 1))
        mean, std = sde.marginal(torch.tensor([t], dtype=F64))
        assert mean.item() ** 2 == pytest.approx(product, rel=2e-3)
        closed = math.exp(-0.25 * t**2 * 19.9 - 0.5 * t * 0.1)
        assert mean.item() == pytest.approx(closed, rel=1e-12)
        assert mean.item() ** 2 + std.item() ** 2 == pytest.approx(1.0, abs=1e-12)


def test_ve_diffusion_squared_is_the_derivative_of_sigma_squared():
    sde = VESDE(0.01, 50.0)
    for t in (0.05, 0.5, 0.95):
        h = 1e-6
        sig2 = [(0.01 * 5000 ** (s)) ** 2 for s in (t - h, t + h)]
        g = sde.drift_diffusion(torch.zeros(1, 2, dtype=F64), torch.tensor([t], dtype=F64))[1]
        assert g.item() ** 2 == pytest.approx((sig2[1] - sig2[0]) / (2 * h), rel=1e-6)


def test_score_is_minus_eps_over_std():
    class Eps(torch.nn.Module):
        def forward(self, x, t, y=None):
            return torch.ones_like(x) * 0.5

    sde = VPSDE()
    t = torch.tensor([0.3, 0.7], dtype=F64)
    x = torch.zeros(2, 2, dtype=F64)
    std = [math.sqrt(1 - math.exp(-0.5 * s**2 * 19.9 - s * 0.1)) for s in (0.3, 0.7)]
    want = torch.tensor([[-0.5 / std[0]] * 2, [-0.5 / std[1]] * 2], dtype=F64)
    assert torch.allclose(score(Eps(), sde, x, t), want, atol=1e-12)


def test_dsm_loss_of_the_exact_score_is_the_integral_of_m_squared():
    # data N(0, I) under VP: p_t = N(0, I), score −x, i.e. ε_θ(x, t) = s(t)·x; the irreducible
    # loss per coordinate is E‖−s x_t + z‖² = m², so the expected loss is ∫_0^1 m(t)² dt
    sde = VPSDE()

    class Oracle(torch.nn.Module):
        def forward(self, x, t1000, y=None):
            return sde.marginal(t1000 / 1000)[1][:, None] * x

    x0 = torch.randn(400_000, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    got = dsm_loss(Oracle(), sde, x0, torch.Generator().manual_seed(1), eps=0.0)
    grid = [(i + 0.5) / 10_000 for i in range(10_000)]  # midpoint rule
    want = sum(math.exp(-0.5 * s**2 * 19.9 - s * 0.1) for s in grid) / len(grid)
    assert got.item() == pytest.approx(want, rel=0.01)


def gaussian_score(sde, mu: float, sd: float):
    """The exact score of N(μ, sd²) data pushed through ``sde``: −(x − mμ)/(m² sd² + s²)."""

    def score_fn(x, t):
        mean, std = sde.marginal(t)
        var = (mean**2 * sd**2 + std**2)[:, None]
        return -(x - mean[:, None] * mu) / var

    return score_fn


@pytest.mark.parametrize("sampler", ["em", "pc", "ode"])
@pytest.mark.parametrize("sde", [VPSDE(), VESDE(0.01, 100.0)], ids=["vp", "ve"])
def test_samplers_recover_a_gaussian_from_its_exact_score(sampler, sde):
    # σ_max = 100 ≫ the data, so the prior's mean 0 (not the data's 1) is forgotten by t = 0
    g = torch.Generator().manual_seed(0)
    x = sde.prior((5000, 2), g).double()
    score_fn = gaussian_score(sde, 1.0, 0.5)
    if sampler == "ode":
        out = probability_flow_sample(score_fn, sde, x, 100, "heun", eps=1e-3)
    else:
        out = pc_sample(score_fn, sde, x, 200, 1 if sampler == "pc" else 0, generator=g)
    assert out.mean().item() == pytest.approx(1.0, abs=0.03)
    assert out.std().item() == pytest.approx(0.5, abs=0.03)


def test_annealed_langevin_recovers_a_gaussian():
    sde = VESDE(0.01, 20.0)
    g = torch.Generator().manual_seed(0)
    x = sde.prior((5000, 2), g).double()
    out = annealed_langevin(gaussian_score(sde, 1.0, 0.5), sde, x, 10, 100, 2e-5, generator=g)
    assert out.mean().item() == pytest.approx(1.0, abs=0.03)
    assert out.std().item() == pytest.approx(0.5, abs=0.03)


def test_ve_sigma_max_is_the_largest_data_distance():
    config = score_sde_config("moons", 10, sde="ve")
    assert 4 <= config.options["sigma_max"] <= 6  # moons span about 4.8 (scaled ±1.5 + noise)


@pytest.mark.parametrize("sde", ["vp", "ve"])
def test_tiny_model_trains_and_samples(sde, tmp_path):
    config = score_sde_config("moons", 30, sde=sde, batch_size=64)
    config.net.width, config.net.depth = 32, 2
    trained = load_or_train(config, progress=False)
    options = SampleOptions(num_samples=16, steps=20)
    for sampler in ("pc", "em", "ode"):
        out = sample_score_sde(trained, options, sampler)
        assert out.samples.shape == (16, 2) and out.samples.isfinite().all(), sampler
        assert out.nfe == {"pc": 40, "em": 20, "ode": 40}[sampler]
    if sde == "ve":
        out = sample_ncsn(trained, options)
        assert out.samples.shape == (16, 2) and out.samples.isfinite().all() and out.nfe == 21
    png = save_score_field(
        trained.net, VPSDE() if sde == "vp" else VESDE(0.01, 5), tmp_path / "f.png"
    )
    assert png.stat().st_size > 1000


def test_cli_trains_and_samples_score_sde(tmp_path):
    from click.testing import CliRunner

    from kb.cli.demo import demo

    runner = CliRunner()
    args = ["--dataset", "moons", "--steps", "20", "--no-progress"]
    assert runner.invoke(demo, ["train", "score-sde", *args]).exit_code == 0
    out = tmp_path / "sde.png"
    sample_args = ["--dataset", "moons", "--train-steps", "20", "--steps", "30", "-n", "50"]
    sampled = runner.invoke(demo, ["sample", "score-sde-ode", *sample_args, "--out", str(out)])
    assert sampled.exit_code == 0, sampled.output
    assert "NFE 60" in sampled.output and out.exists()
