"""demos.score_sde: every sampler on an exact score, training, the CLI; annealed Langevin."""

from __future__ import annotations

import pytest
import torch

from demos.ncsn import annealed_langevin, sample_ncsn
from demos.sample import SampleOptions
from demos.score_field import save_score_field
from demos.score_sde import pc_sample, probability_flow_sample, sample_score_sde, score_sde_config
from demos.sde import VESDE, VPSDE
from demos.trained import load_or_train

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


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
