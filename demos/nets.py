r"""The two denoising networks of the demos: a time-conditioned MLP and a small UNet.

Every diffusion method here learns a function :math:`f_\theta(x_t, t)` (a noise
:math:`\epsilon_\theta`, a clean image :math:`x_\theta`, a velocity :math:`v_\theta` …) of a
noisy input and its noise level. The networks only need to tell the levels apart, which they do with
the **sinusoidal embedding** of the Transformer (Vaswani et al. 2017, §3.5), used by DDPM (Ho et
al. 2020, App. B):

.. math::
    \mathrm{emb}(t)_{2i} = \sin(t / 10000^{2i/d}), \qquad
    \mathrm{emb}(t)_{2i+1} = \cos(t / 10000^{2i/d}).

``t`` is the integer step 0…T−1 or any real number on that scale (continuous-time methods pass
``1000·t`` for t ∈ [0, 1]).

**Class conditioning** adds a learned class embedding to the time embedding. Label
``num_classes`` is the *null class* ∅: training with labels dropped to ∅ some of the time lets
one network give both :math:`\epsilon_\theta(x_t, c)` and :math:`\epsilon_\theta(x_t, \varnothing)`,
as classifier-free guidance needs (Ho & Salimans 2022, see :mod:`demos.guidance`).

* :class:`TimeMLP` — vectors ``(B, D)``, for the 2-D toy data.
* :class:`UNet` — images ``(B, C, H, W)``: residual blocks with group norm, downsampling by
  stride-2 convolutions, a skip connection per resolution (Ronneberger et al. 2015; the DDPM
  variant, without attention, which 8×8 to 32×32 images do not need).

Both have the signature ``model(x, t, y=None) → tensor shaped like x``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


def sinusoidal_embedding(t: torch.Tensor, dim: int, max_period: float = 10_000.0) -> torch.Tensor:
    """The Transformer's sinusoidal position embedding of ``t (B,)``, returned as ``(B, dim)``."""
    half = dim // 2
    frequencies = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * frequencies[None, :]  # (B, half)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)  # (B, dim)


class ConditionEmbedding(nn.Module):
    """emb(t) → MLP, plus a learned embedding of the class label (``num_classes`` = null ∅)."""

    def __init__(self, dim: int, num_classes: int | None = None) -> None:
        super().__init__()
        self.dim = dim
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, 4 * dim))
        self.num_classes = num_classes
        self.classes = None if num_classes is None else nn.Embedding(num_classes + 1, 4 * dim)

    def forward(self, t: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        emb = self.mlp(sinusoidal_embedding(t, self.dim))  # (B, 4·dim)
        if self.classes is not None:
            if y is None:  # unconditional call of a conditional net: every label is ∅
                y = torch.full_like(t, self.num_classes, dtype=torch.long)
            emb = emb + self.classes(y)
        return emb


def _as_batch(t: torch.Tensor | float | int, x: torch.Tensor) -> torch.Tensor:
    """Broadcast a scalar step to one per sample, ``(B,)``."""
    t = torch.as_tensor(t, device=x.device)
    return t.expand(x.shape[0]) if t.dim() == 0 else t


# ---------------------------------------------------------------------------------------------
# MLP for vectors
# ---------------------------------------------------------------------------------------------


class TimeMLP(nn.Module):
    """An MLP ``(B, D) → (B, D)``; the condition embedding is added before every hidden layer."""

    def __init__(
        self,
        dim: int = 2,
        hidden: int = 128,
        depth: int = 3,
        time_dim: int = 32,
        num_classes: int | None = None,
    ) -> None:
        super().__init__()
        self.embed = ConditionEmbedding(time_dim, num_classes)
        self.inp = nn.Linear(dim, hidden)
        self.hidden = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(depth))
        self.conds = nn.ModuleList(nn.Linear(4 * time_dim, hidden) for _ in range(depth))
        self.out = nn.Linear(hidden, dim)

    def forward(
        self, x: torch.Tensor, t: torch.Tensor | float, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        emb = self.embed(_as_batch(t, x), y)  # (B, 4·time_dim)
        h = self.inp(x)  # (B, hidden)
        for layer, cond in zip(self.hidden, self.conds, strict=True):
            h = layer(F.silu(h + cond(emb)))
        return self.out(F.silu(h))  # (B, D)


# ---------------------------------------------------------------------------------------------
# UNet for images
# ---------------------------------------------------------------------------------------------


class ResidualBlock(nn.Module):
    """GroupNorm → SiLU → conv, add the embedding, GroupNorm → SiLU → conv, plus a skip path."""

    def __init__(self, in_ch: int, out_ch: int, emb_dim: int, groups: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_ch)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.emb = nn.Linear(emb_dim, out_ch)
        self.norm2 = nn.GroupNorm(groups, out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.skip = nn.Conv2d(in_ch, out_ch, 1) if in_ch != out_ch else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))  # (B, out, H, W)
        h = h + self.emb(F.silu(emb))[:, :, None, None]  # the step (and class) enters here
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class UNet(nn.Module):
    """A small UNet ``(B, C, H, W) → (B, C, H, W)``; H and W must divide by 2^(levels − 1).

    ``channel_mults`` gives the width of each resolution level as multiples of ``base_channels``.
    """

    def __init__(
        self,
        in_channels: int = 1,
        base_channels: int = 32,
        channel_mults: tuple[int, ...] = (1, 2),
        num_res_blocks: int = 1,
        num_classes: int | None = None,
        groups: int = 8,
    ) -> None:
        super().__init__()
        widths = [base_channels * m for m in channel_mults]
        emb_dim = 4 * base_channels
        self.embed = ConditionEmbedding(base_channels, num_classes)
        self.inp = nn.Conv2d(in_channels, base_channels, 3, padding=1)

        self.down = nn.ModuleList()  # per level: its residual blocks
        self.downsample = nn.ModuleList()  # between levels: stride-2 convolution
        ch = base_channels
        for i, width in enumerate(widths):
            blocks = [
                ResidualBlock(ch if j == 0 else width, width, emb_dim, groups)
                for j in range(num_res_blocks)
            ]
            self.down.append(nn.ModuleList(blocks))
            ch = width
            if i < len(widths) - 1:
                self.downsample.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))

        self.middle = nn.ModuleList([ResidualBlock(ch, ch, emb_dim, groups) for _ in range(2)])

        self.up = nn.ModuleList()  # per level, deepest first: blocks fed [h, skip]
        self.upsample = nn.ModuleList()  # nearest ×2 then a convolution
        for i, width in reversed(list(enumerate(widths))):
            blocks = [
                ResidualBlock(ch + width if j == 0 else width, width, emb_dim, groups)
                for j in range(num_res_blocks)
            ]
            self.up.append(nn.ModuleList(blocks))
            ch = width
            if i > 0:
                self.upsample.append(nn.Conv2d(ch, widths[i - 1], 3, padding=1))
                ch = widths[i - 1]

        self.out_norm = nn.GroupNorm(groups, ch)
        self.out = nn.Conv2d(ch, in_channels, 3, padding=1)

    def forward(
        self, x: torch.Tensor, t: torch.Tensor | float, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        emb = self.embed(_as_batch(t, x), y)  # (B, 4·base)
        h = self.inp(x)  # (B, base, H, W)
        skips = []
        for i, blocks in enumerate(self.down):
            for block in blocks:
                h = block(h, emb)
            skips.append(h)  # (B, width_i, H / 2^i, W / 2^i)
            if i < len(self.downsample):
                h = self.downsample[i](h)
        for block in self.middle:
            h = block(h, emb)
        for i, blocks in enumerate(self.up):
            skip = skips.pop()
            h = torch.cat([h, skip], dim=1)  # (B, ch + width, …)
            for block in blocks:
                h = block(h, emb)
            if i < len(self.upsample):
                h = F.interpolate(h, size=skips[-1].shape[-2:], mode="nearest")
                h = self.upsample[i](h)
        return self.out(F.silu(self.out_norm(h)))  # (B, C, H, W)


# ---------------------------------------------------------------------------------------------
# Building a net from a config
# ---------------------------------------------------------------------------------------------


@dataclass
class NetConfig:
    """Everything needed to rebuild a net; stored with each checkpoint as JSON."""

    kind: str = "unet"  # "unet" | "mlp"
    width: int = 32  # UNet base channels, or MLP hidden units
    depth: int = 1  # UNet residual blocks per level, or MLP hidden layers
    channel_mults: tuple[int, ...] = (1, 2)  # UNet only
    time_dim: int = 32  # MLP only (the UNet uses its base width)
    num_classes: int | None = None  # set for class conditioning (label num_classes = ∅)


def build_net(config: NetConfig, sample_shape: tuple[int, ...]) -> nn.Module:
    """The net of ``config`` for samples shaped ``(D,)`` (MLP) or ``(C, H, W)`` (UNet)."""
    if config.kind == "mlp":
        return TimeMLP(
            sample_shape[0], config.width, config.depth, config.time_dim, config.num_classes
        )
    if config.kind == "unet":
        groups = math.gcd(8, config.width)
        return UNet(
            sample_shape[0],
            config.width,
            tuple(config.channel_mults),
            config.depth,
            config.num_classes,
            groups,
        )
    raise ValueError(f"unknown net kind {config.kind!r}")
