"""demos.metrics: each distance against a closed form or a direct computation here."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import linalg
from torch import nn

from demos.metrics import (
    coverage,
    evaluate,
    flops_per_call,
    frechet_distance,
    mmd_rbf,
    sliced_wasserstein,
)

torch.set_num_threads(1)


def test_frechet_distance_matches_scipy_sqrtm():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 5))
    b = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5)) * 0.5 + 1.0
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(cov_a @ cov_b).real
    expected = ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * covmean)
    assert frechet_distance(torch.tensor(a), torch.tensor(b)) == pytest.approx(expected, rel=1e-8)
    x = torch.tensor(a)
    assert frechet_distance(x, x) == pytest.approx(0, abs=1e-8)
    assert frechet_distance(x, x + 2) == pytest.approx(4 * 5, rel=1e-9)  # ‖Δμ‖² only


def test_sliced_wasserstein_of_a_shift():
    x = torch.randn(500, 1, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert sliced_wasserstein(x, x + 0.3, 8) == pytest.approx(0.3, rel=1e-9)  # 1-D: exact
    # 2-D shift d: E_θ (θ·d)² = ‖d‖² / 2 over uniform directions
    p = torch.randn(400, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    d = torch.tensor([0.6, -0.8], dtype=torch.float64)
    swd = sliced_wasserstein(p, p + d, 4000, torch.Generator().manual_seed(0))
    assert swd == pytest.approx(math.sqrt(0.5), rel=0.03)
    with pytest.raises(ValueError):
        sliced_wasserstein(p, p[:10])


def test_mmd_matches_a_direct_double_sum():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(20, 2, generator=g), torch.randn(15, 2, generator=g) + 0.5
    bandwidths = (0.5, 1.0)

    def k(a, b):
        d2 = float(((a - b) ** 2).sum())
        return sum(math.exp(-d2 / (2 * h * h)) for h in bandwidths)

    def mean_k(a, b):
        return sum(k(u, v) for u in a for v in b) / (len(a) * len(b))

    expected = mean_k(x, x) + mean_k(y, y) - 2 * mean_k(x, y)
    assert mmd_rbf(x, y, bandwidths) == pytest.approx(expected, rel=1e-6)
    assert mmd_rbf(x, x) == pytest.approx(0, abs=1e-12)


def test_coverage_counts_classes_with_half_a_fair_share():
    # 100 samples, 10 classes: a class needs ≥ 5 predictions
    predictions = torch.tensor([0] * 50 + [1] * 30 + [2] * 5 + [3] * 4 + [4] * 11)
    assert coverage(predictions, 10) == pytest.approx(0.4)


def test_toy_report_separates_good_from_bad_samples():
    from demos.data import sample_toy

    good = sample_toy("moons", 1000, torch.Generator().manual_seed(123))
    report = evaluate("moons", good)
    swd = report.headline
    assert swd.name == "sliced_wasserstein" and swd.value < 2 * swd.baseline
    bad = evaluate("moons", torch.randn(1000, 2))
    assert bad.headline.value > 3 * bad.headline.baseline
    assert bad.metrics[1].value > 3 * bad.metrics[1].baseline  # MMD²


def test_digit_report_uses_a_locally_trained_classifier(tmp_path, monkeypatch):
    from demos.data import load_dataset

    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KB_DEMO_PRETRAINED", "0")  # not the shipped one: train it here
    x = load_dataset("digits", split="train").x  # real images the reference has not got
    real = evaluate("digits", x[-300:], seed=1)
    assert real.extras["classifier_accuracy"] > 0.9
    fd = real.headline
    assert fd.name == "classifier_fd" and fd.value < 2 * fd.baseline
    noise = evaluate("digits", torch.rand(300, 1, 8, 8) * 2 - 1, seed=1)
    assert noise.headline.value > 5 * noise.headline.baseline
    assert list(tmp_path.glob("demos/classifier-digits-*.pt"))  # cached for next time
    again = evaluate("digits", x[-300:], seed=1)
    assert again.headline.value == pytest.approx(fd.value)
    assert "classifier_fd" in again.summary() and again.to_dict()["num_samples"] == 300


def test_flop_count_of_a_linear_layer_is_two_macs_per_weight_use():
    assert flops_per_call(nn.Linear(3, 4), torch.zeros(5, 3)) == 2 * 5 * 3 * 4
    conv = nn.Conv2d(2, 6, 3, padding=1)
    assert flops_per_call(conv, torch.zeros(1, 2, 8, 8)) == 2 * 2 * 6 * 9 * 8 * 8
