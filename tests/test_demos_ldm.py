"""demos.ldm: the KL term, the autoencoder's shapes, unit-variance latents, guided sampling and
the FLOP count that the benchmark compares."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from demos.cache import load_or_train
from demos.data import load_dataset
from demos.errors import DemoError
from demos.ldm import (
    Autoencoder,
    autoencoder_loss,
    flops_per_call,
    kl_to_standard_normal,
    ldm_config,
    sample_ldm,
)
from demos.nets import NetConfig, build_net
from demos.sample import SampleOptions

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


def test_kl_by_hand():
    mean = torch.tensor([[0.5, -1.0]])
    logvar = torch.tensor([[0.0, math.log(4.0)]])
    # ½(μ² + σ² − 1 − log σ²) per coordinate: ½(0.25) + ½(1 + 4 − 1 − log 4)
    want = 0.5 * 0.25 + 0.5 * (1 + 4 - 1 - math.log(4))
    assert kl_to_standard_normal(mean, logvar).item() == pytest.approx(want, rel=1e-6)
    q = torch.distributions.Normal(mean, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    assert kl_to_standard_normal(mean, logvar).item() == pytest.approx(
        torch.distributions.kl_divergence(q, p).sum().item(), rel=1e-6
    )


@pytest.mark.parametrize("factor,size", [(2, 8), (4, 32), (4, 28)])
def test_autoencoder_downsamples_by_f_and_decodes_back(factor, size):
    ae = Autoencoder(1, 8, 3, factor)
    x = torch.randn(2, 1, size, size)
    mean, logvar = ae.encode(x)
    assert mean.shape == logvar.shape == (2, 3, math.ceil(size / factor), math.ceil(size / factor))
    assert ae.decode(mean).shape == x.shape


def test_autoencoder_loss_is_reconstruction_plus_weighted_kl():
    torch.manual_seed(0)
    ae = Autoencoder(1, 8, 2, 2)
    x = torch.randn(3, 1, 8, 8)
    got = autoencoder_loss(ae, x, kl_weight=0.5, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():  # the same draw, by hand
        mean, logvar = ae.encoder(x).chunk(2, dim=1)
        eps = torch.randn(mean.shape, generator=torch.Generator().manual_seed(4))
        z = mean + torch.exp(0.5 * logvar) * eps
        reconstruction = ((x - ae.decoder(z)) ** 2).sum(dim=(1, 2, 3)).mean()
        kl = (0.5 * (mean**2 + logvar.exp() - 1 - logvar)).sum(dim=(1, 2, 3)).mean()
    assert got.item() == pytest.approx((reconstruction + 0.5 * kl).item(), rel=1e-5)


def test_flop_count_of_a_linear_layer_is_two_macs_per_weight_use():
    assert flops_per_call(nn.Linear(3, 4), torch.zeros(5, 3)) == 2 * 5 * 3 * 4
    conv = nn.Conv2d(2, 6, 3, padding=1)
    assert flops_per_call(conv, torch.zeros(1, 2, 8, 8)) == 2 * 2 * 6 * 9 * 8 * 8


def test_latent_unet_costs_a_fraction_of_the_pixel_unet_on_32px_digits():
    config = ldm_config("digits32")
    latent = build_net(config.net, config.latent_shape())
    pixel = build_net(NetConfig("unet", 32, 1, (1, 2, 2)), (1, 32, 32))
    t = torch.zeros(1, dtype=torch.long)
    y = torch.zeros(1, dtype=torch.long)
    ratio = flops_per_call(pixel, torch.zeros(1, 1, 32, 32), t) / flops_per_call(
        latent, torch.zeros(1, *config.latent_shape()), t, y
    )
    assert config.latent_shape() == (4, 8, 8) and ratio > 8


def test_toy_data_is_refused():
    with pytest.raises(DemoError):
        ldm_config("moons")


def test_tiny_ldm_has_unit_variance_latents_and_samples_with_guidance():
    config = ldm_config("digits16", 20, batch_size=32)
    config.net.width, config.options["ae_width"], config.options["ae_steps"] = 8, 8, 30
    trained = load_or_train(config, progress=False)
    ldm = trained.net
    x = load_dataset("digits16").x[:512]
    with torch.no_grad():
        mean, logvar = ldm.autoencoder.encode(x)
        z = mean + (0.5 * logvar).exp() * torch.randn(mean.shape)
    assert (z * ldm.scale_factor).std().item() == pytest.approx(1.0, abs=0.1)
    assert trained.net.scale_factor.item() != 1.0  # restored from the checkpoint
    for w in (0.0, 3.0):
        out = sample_ldm(trained, SampleOptions(num_samples=10, steps=4, guidance_scale=w))
        assert out.samples.shape == (10, 1, 16, 16) and out.samples.isfinite().all()
        assert out.nfe == 4


def test_cli_refuses_toy_data():
    from click.testing import CliRunner

    from kb.cli.demo import demo

    result = CliRunner().invoke(demo, ["train", "ldm", "--dataset", "moons", "--steps", "5"])
    assert result.exit_code == 1 and "E604" in result.output
