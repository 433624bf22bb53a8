"""demos.ddim: eq. 12 and 16 against values computed here, and against diffusers in float64."""

from __future__ import annotations

import math

import pytest
import torch

from demos.ddim import (
    ddim_encode,
    ddim_sample,
    ddim_sigma,
    ddim_step,
    interpolate_latents,
    slerp,
    timesteps,
)
from demos.ddpm import NoiseSchedule, posterior_variance

torch.set_num_threads(1)
F64 = torch.float64


def test_timesteps_by_hand():
    assert timesteps(10, 1000, "leading") == list(range(900, -1, -100))
    assert timesteps(10, 1000, "trailing") == list(range(999, 0, -100))
    assert timesteps(4, 1000, "linspace") == [999, 666, 333, 0]
    assert timesteps(1000, 1000, "leading") == list(range(999, -1, -1))
    with pytest.raises(ValueError):
        timesteps(0, 1000)
    with pytest.raises(ValueError):
        timesteps(10, 1000, "quadratic")


@pytest.mark.parametrize("spacing", ["leading", "trailing", "linspace"])
def test_timesteps_agree_with_diffusers(spacing):
    from diffusers import DDIMScheduler

    sched = DDIMScheduler(num_train_timesteps=1000, timestep_spacing=spacing)
    for steps in (1, 7, 10, 20, 48, 50, 100, 333, 1000):
        sched.set_timesteps(steps)
        theirs = sched.timesteps.tolist()
        if len(theirs) != steps:  # diffusers' float arange can give one step too many
            continue
        assert timesteps(steps, 1000, spacing) == theirs, steps


def test_ddim_step_is_eq_12_with_sigma_of_eq_16():
    s = NoiseSchedule(1000, "linear")
    ab = s.alphas_cumprod.tolist()
    g = torch.Generator().manual_seed(0)
    x_t, eps, z = (torch.randn(3, 2, dtype=F64, generator=g) for _ in range(3))
    for t, t_prev, eta in [(999, 949, 0.0), (500, 400, 0.5), (100, 0, 1.0), (20, -1, 0.7)]:
        a_t, a_prev = ab[t], (ab[t_prev] if t_prev >= 0 else 1.0)
        sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t)) * math.sqrt(1 - a_t / a_prev)
        assert ddim_sigma(t, t_prev, s, eta).item() == pytest.approx(sigma, rel=1e-12, abs=1e-15)
        x0 = (x_t - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        want = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev - sigma**2) * eps + sigma * z
        assert torch.allclose(ddim_step(eps, t, t_prev, x_t, s, eta, z), want, atol=1e-12)


def test_eta_one_between_neighbours_is_ddpm_posterior_variance():
    s = NoiseSchedule(100, "cosine")
    tilde = posterior_variance(s)
    for t in (1, 30, 99):
        assert ddim_sigma(t, t - 1, s, 1.0).item() ** 2 == pytest.approx(tilde[t].item(), rel=1e-9)


def _diffusers_ddim(kind: str, T: int = 1000):
    from diffusers import DDIMScheduler

    kinds = {"linear": "linear", "cosine": "squaredcos_cap_v2"}
    sched = DDIMScheduler(
        num_train_timesteps=T,
        beta_schedule=kinds[kind],
        clip_sample=False,
        set_alpha_to_one=True,
        steps_offset=0,
        timestep_spacing="leading",
    )
    if kind == "linear":  # float64, computed here
        betas = torch.linspace(1e-4, 0.02, T, dtype=F64)
    else:
        f = [math.cos((i / T + 0.008) / 1.008 * math.pi / 2) ** 2 for i in range(T + 1)]
        betas = torch.tensor([min(1 - f[i + 1] / f[i], 0.999) for i in range(T)], dtype=F64)
    sched.betas, sched.alphas = betas, 1 - betas
    sched.alphas_cumprod = torch.cumprod(1 - betas, 0)
    sched.final_alpha_cumprod = torch.tensor(1.0, dtype=F64)
    return sched


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("eta", [0.0, 0.5, 1.0])
def test_ddim_step_agrees_with_diffusers(kind, eta):
    s = NoiseSchedule(1000, kind)
    sched = _diffusers_ddim(kind)
    sched.set_timesteps(20)  # diffusers steps from t to t − 1000 // 20
    g = torch.Generator().manual_seed(0)
    x_t, eps, z = (torch.randn(2, 1, 8, 8, dtype=F64, generator=g) for _ in range(3))
    for t in sched.timesteps.tolist():
        theirs = sched.step(eps, t, x_t, eta=eta, variance_noise=z).prev_sample
        ours = ddim_step(eps, t, t - 50 if t >= 50 else -1, x_t, s, eta, z)
        assert (ours - theirs).abs().max() < 1e-6, t


def test_ddim_sampling_agrees_with_a_diffusers_loop():
    s = NoiseSchedule(1000, "linear")
    sched = _diffusers_ddim("linear")
    sched.set_timesteps(10)

    def model(x, t):
        return torch.sin(x) * (t.double()[:, None] / 1000)

    x_T = torch.randn(4, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    ours = ddim_sample(model, x_T, s, 10, eta=0.0, return_trajectory=True)
    assert ours.shape == (11, 4, 2)
    x = x_T
    for i, t in enumerate(sched.timesteps.tolist()):
        x = sched.step(model(x, torch.full((4,), t)), t, x, eta=0.0).prev_sample
        assert torch.allclose(ours[i + 1], x, atol=1e-6, rtol=0)


def gaussian_eps_model(mean: torch.Tensor, std: float, schedule: NoiseSchedule):
    """The exact E[ε | x_t] when x_0 ~ N(mean, std² I)."""

    def model(x, t):
        ab = schedule.alphas_cumprod[t].to(x.dtype)[:, None]
        return (1 - ab).sqrt() * (x - ab.sqrt() * mean) / (ab * std**2 + 1 - ab)

    return model


@pytest.mark.parametrize(("eta", "steps"), [(0.0, 50), (1.0, 500)])
def test_ddim_with_the_exact_score_recovers_the_data(eta, steps):
    s = NoiseSchedule(1000, "cosine")
    mean, std = torch.tensor([-1.0, 2.0], dtype=F64), 0.5
    g = torch.Generator().manual_seed(0)
    x_T = torch.randn(20_000, 2, dtype=F64, generator=g)
    x0 = ddim_sample(gaussian_eps_model(mean, std, s), x_T, s, steps, eta, "trailing", generator=g)
    assert torch.allclose(x0.mean(0), mean, atol=0.03)
    assert torch.allclose(x0.std(0), torch.full((2,), std, dtype=F64), rtol=0.06)


def test_encoding_follows_the_ode_and_decoding_returns_the_input():
    s = NoiseSchedule(1000, "linear")
    std = 0.5
    model = gaussian_eps_model(torch.zeros(2, dtype=F64), std, s)
    x0 = std * torch.randn(8, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    # for Gaussian data the probability-flow ODE is linear: x_t = x_0 √(ᾱ_t s² + 1 − ᾱ_t) / s
    ab = s.alphas_cumprod[-1].item()
    latent = ddim_encode(model, x0, s, 1000, "trailing")
    assert torch.allclose(latent, x0 * math.sqrt(ab * std**2 + 1 - ab) / std, rtol=0.01)
    errors = []
    for steps in (100, 200, 1000):  # Euler both ways: the round-trip error is O(1 / steps)
        back = ddim_sample(model, ddim_encode(model, x0, s, steps), s, steps, eta=0.0)
        errors.append((back - x0).abs().max().item())
    assert errors[1] < 0.6 * errors[0] and errors[2] < 5e-3


def test_slerp_and_interpolation():
    z0, z1 = torch.tensor([1.0, 0.0], dtype=F64), torch.tensor([0.0, 1.0], dtype=F64)
    assert torch.allclose(slerp(z0, z1, 0.0), z0) and torch.allclose(slerp(z0, z1, 1.0), z1)
    assert torch.allclose(slerp(z0, z1, 0.5), torch.tensor([1, 1], dtype=F64) / math.sqrt(2))
    third = slerp(z0, z1, 1 / 3)
    assert torch.allclose(
        third, torch.tensor([math.cos(math.pi / 6), math.sin(math.pi / 6)], dtype=F64)
    )
    assert torch.allclose(slerp(z0, z0, 0.3), z0)
    path = interpolate_latents(torch.randn(1, 4, 4), torch.randn(1, 4, 4), 5)
    assert path.shape == (5, 1, 4, 4)
