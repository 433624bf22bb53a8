"""demos.nets: the sinusoidal embedding, the MLP and the UNet (shapes, conditioning)."""

from __future__ import annotations

import math

import pytest
import torch

from demos.nets import NetConfig, TimeMLP, UNet, build_net, sinusoidal_embedding

torch.set_num_threads(1)


def test_sinusoidal_embedding_matches_the_transformer_formula():
    t = torch.tensor([0, 7, 999])
    emb = sinusoidal_embedding(t, 8)
    for row, step in enumerate(t.tolist()):
        for i in range(4):
            angle = step / 10_000 ** (i / 4)
            assert emb[row, i].item() == pytest.approx(math.sin(angle), abs=1e-5)
            assert emb[row, 4 + i].item() == pytest.approx(math.cos(angle), abs=1e-5)


def test_mlp_keeps_shape_and_depends_on_t_and_class():
    torch.manual_seed(0)
    net = TimeMLP(dim=2, hidden=16, depth=2, time_dim=8, num_classes=3)
    x = torch.randn(5, 2)
    out = net(x, torch.full((5,), 10))
    assert out.shape == (5, 2)
    assert not torch.allclose(out, net(x, torch.full((5,), 900)))
    y = torch.tensor([0, 1, 2, 3, 0])  # 3 is the null class
    assert not torch.allclose(net(x, 10, y), net(x, 10, torch.zeros(5, dtype=torch.long)))
    assert torch.allclose(net(x, 10), net(x, 10, torch.full((5,), 3)))  # None means ∅


@pytest.mark.parametrize(("size", "mults"), [(8, (1, 2)), (16, (1, 2)), (28, (1, 2, 2))])
def test_unet_keeps_image_shape(size, mults):
    torch.manual_seed(0)
    net = UNet(1, base_channels=8, channel_mults=mults, num_res_blocks=1, num_classes=10, groups=4)
    x = torch.randn(3, 1, size, size)
    out = net(x, torch.tensor([1, 500, 999]), torch.tensor([0, 9, 10]))
    assert out.shape == x.shape
    out.square().mean().backward()
    assert all(p.grad is not None for p in net.parameters())


def test_build_net_from_config():
    assert isinstance(build_net(NetConfig("mlp", 16, 2), (2,)), TimeMLP)
    unet = build_net(NetConfig("unet", 8, 1, (1, 2)), (1, 8, 8))
    assert isinstance(unet, UNet) and unet(torch.randn(2, 1, 8, 8), 3).shape == (2, 1, 8, 8)
    with pytest.raises(ValueError):
        build_net(NetConfig("transformer"), (2,))
