"""demos.ldm: unit-variance latents, guided sampling, and the latent UNet's share of the pixel
UNet's compute."""

from __future__ import annotations

import time

import pytest
import torch

from demos.data import load_dataset
from demos.errors import DemoError
from demos.ldm import ldm_config, sample_ldm, train_ldm
from demos.metrics import flops_per_call
from demos.nets import NetConfig, build_net
from demos.sample import SampleOptions
from demos.trained import load_or_train

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


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


def test_on_step_sees_the_latent_model_with_the_ema_unet_and_is_not_timed():
    config = ldm_config("digits16", 5, batch_size=16)
    config.net.width, config.options["ae_width"], config.options["ae_steps"] = 8, 8, 3
    seen = []

    def watch(step, ldm):
        with torch.no_grad():
            image = ldm.decode(torch.zeros(1, *config.latent_shape()))
        seen.append((step, ldm.unet, ldm.scale_factor.item(), image.shape))
        time.sleep(0.2)

    start = time.perf_counter()
    result = train_ldm(config, "cpu", False, watch)
    wall = time.perf_counter() - start
    assert [step for step, *_ in seen] == [1, 2, 3, 4, 5]
    assert all(unet is result.ema.unet for _, unet, _, _ in seen)  # the EMA, updated in place
    assert {scale for _, _, scale, _ in seen} == {result.model.scale_factor.item()} != {1.0}
    assert seen[0][3] == (1, 1, 16, 16)
    assert result.seconds < wall - 5 * 0.2  # the watcher's time is left out
