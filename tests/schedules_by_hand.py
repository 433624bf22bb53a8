"""Noise schedules computed by hand in plain Python floats, the independent values tests compare
the demos' :class:`~demos.ddpm.NoiseSchedule` and what is built on it against."""

from __future__ import annotations

import math


def linear_alpha_bars(T: int = 1000) -> list[float]:
    """ᾱ_t = Π (1 − β_s) with β linear from 10⁻⁴ to 0.02 (Ho et al. 2020, §4)."""
    out, prod = [], 1.0
    for i in range(T):
        prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / (T - 1))
        out.append(prod)
    return out


def cosine_alpha_bars(T: int) -> list[float]:
    """ᾱ_t of the cosine schedule (Nichol & Dhariwal 2021, eq. 17), β clipped at 0.999."""
    f = [math.cos((i / T + 0.008) / 1.008 * math.pi / 2) ** 2 for i in range(T + 1)]
    betas = [min(1 - f[i + 1] / f[i], 0.999) for i in range(T)]
    out, prod = [], 1.0
    for b in betas:
        prod *= 1 - b
        out.append(prod)
    return out
