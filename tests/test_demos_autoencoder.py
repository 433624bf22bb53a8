"""demos.autoencoder: the KL term by hand and against torch.distributions, the autoencoder's
shapes at f = 2 and 4, and its loss as reconstruction plus weighted KL."""

from __future__ import annotations

import math

import pytest
import torch

from demos.autoencoder import Autoencoder, autoencoder_loss, kl_to_standard_normal

torch.set_num_threads(1)


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
