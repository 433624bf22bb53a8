"""demos.ddpm: each equation against values computed here, and against diffusers in float64."""

from __future__ import annotations

import math

import pytest
import torch
from schedules_by_hand import linear_alpha_bars

from demos.ddpm import (
    NoiseSchedule,
    ddpm_sample,
    ddpm_step,
    diffusion_loss,
    posterior_variance,
    predict_x0_and_eps,
    q_sample,
    training_target,
)

torch.set_num_threads(1)
F64 = torch.float64


def cosine_betas_by_hand(T: int, s: float = 0.008) -> list[float]:
    f = [math.cos((i / T + s) / (1 + s) * math.pi / 2) ** 2 for i in range(T + 1)]
    return [min(1 - (f[i + 1] / f[0]) / (f[i] / f[0]), 0.999) for i in range(T)]


def test_linear_schedule_is_ho_et_al():
    s = NoiseSchedule(1000, "linear")
    assert s.betas.dtype == F64 and s.betas.shape == (1000,)
    assert s.betas[0].item() == pytest.approx(1e-4, abs=1e-15)
    assert s.betas[-1].item() == pytest.approx(0.02, abs=1e-15)
    assert torch.allclose(s.alphas, 1 - s.betas)
    expected = torch.tensor(linear_alpha_bars(1000), dtype=F64)
    assert torch.allclose(s.alphas_cumprod, expected, rtol=1e-12, atol=0)


def test_cosine_schedule_is_nichol_dhariwal_eq_17():
    s = NoiseSchedule(1000, "cosine")
    expected = torch.tensor(cosine_betas_by_hand(1000), dtype=F64)
    assert torch.allclose(s.betas, expected, rtol=1e-12, atol=1e-15)
    assert s.betas[-1].item() == pytest.approx(0.999)  # f(T) = 0, so β_T is clipped
    assert s.alpha_bar(-1).item() == 1.0 and s.alpha_bar(5).item() == s.alphas_cumprod[5].item()


@pytest.mark.parametrize(
    ("kind", "diffusers_kind"), [("linear", "linear"), ("cosine", "squaredcos_cap_v2")]
)
def test_schedules_agree_with_diffusers(kind, diffusers_kind):
    from diffusers import DDPMScheduler

    ours = NoiseSchedule(1000, kind)
    theirs = DDPMScheduler(num_train_timesteps=1000, beta_schedule=diffusers_kind)
    # diffusers keeps float32 tensors: agreement is to float32 precision
    assert torch.allclose(ours.betas, theirs.betas.double(), rtol=1e-6, atol=1e-7)
    assert torch.allclose(ours.alphas_cumprod, theirs.alphas_cumprod.double(), atol=2e-6)


def test_q_sample_is_eq_4_for_scalar_and_batched_t():
    s = NoiseSchedule(100, "linear")
    ab = linear_alpha_bars(100)
    x0 = torch.randn(3, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    eps = torch.randn(3, 2, dtype=F64, generator=torch.Generator().manual_seed(1))
    t = torch.tensor([0, 50, 99])
    out = q_sample(x0, t, eps, s)
    for i, step in enumerate(t.tolist()):
        want = math.sqrt(ab[step]) * x0[i] + math.sqrt(1 - ab[step]) * eps[i]
        assert torch.allclose(out[i], want, atol=1e-12)
    assert torch.allclose(
        q_sample(x0, 50, eps, s), math.sqrt(ab[50]) * x0 + math.sqrt(1 - ab[50]) * eps, atol=1e-12
    )


@pytest.mark.parametrize("prediction_type", ["epsilon", "x0", "v"])
def test_targets_and_their_inversions(prediction_type):
    s = NoiseSchedule(100, "cosine")
    g = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(4, 3, dtype=F64, generator=g), torch.randn(4, 3, dtype=F64, generator=g)
    t = 37
    ab = s.alphas_cumprod[t].item()
    x_t = math.sqrt(ab) * x0 + math.sqrt(1 - ab) * eps
    target = training_target(x0, eps, t, s, prediction_type)
    expected = {"epsilon": eps, "x0": x0, "v": math.sqrt(ab) * eps - math.sqrt(1 - ab) * x0}[
        prediction_type
    ]
    assert torch.allclose(target, expected, atol=1e-12)
    x0_hat, eps_hat = predict_x0_and_eps(target, t, x_t, s, prediction_type)
    assert torch.allclose(x0_hat, x0, atol=1e-10) and torch.allclose(eps_hat, eps, atol=1e-10)


@pytest.mark.parametrize("prediction_type", ["epsilon", "x0", "v"])
def test_loss_is_zero_for_the_true_target_and_seeded(prediction_type):
    s = NoiseSchedule(50, "linear")
    x0 = torch.randn(16, 2, dtype=F64, generator=torch.Generator().manual_seed(3))

    def oracle(x_t, t):  # recovers the target from x_t because it knows x0
        ab = s.alphas_cumprod[t].unsqueeze(1)
        eps = (x_t - ab.sqrt() * x0) / (1 - ab).sqrt()
        return {"epsilon": eps, "x0": x0, "v": ab.sqrt() * eps - (1 - ab).sqrt() * x0}[
            prediction_type
        ]

    loss = diffusion_loss(
        oracle, x0, s, prediction_type, generator=torch.Generator().manual_seed(0)
    )
    assert loss.item() < 1e-20

    def zero(x_t, t):
        return torch.zeros_like(x_t)

    a = diffusion_loss(zero, x0, s, prediction_type, generator=torch.Generator().manual_seed(5))
    b = diffusion_loss(zero, x0, s, prediction_type, generator=torch.Generator().manual_seed(5))
    assert a.item() == b.item() > 0


def test_posterior_variance_is_eq_7():
    s = NoiseSchedule(100, "linear")
    ab = linear_alpha_bars(100)
    beta = s.betas.tolist()
    tilde = posterior_variance(s)
    assert tilde[0].item() == 0.0
    for t in (1, 40, 99):
        assert tilde[t].item() == pytest.approx((1 - ab[t - 1]) / (1 - ab[t]) * beta[t], rel=1e-12)


@pytest.mark.parametrize("variance", ["beta", "posterior"])
def test_ddpm_step_is_algorithm_2(variance):
    s = NoiseSchedule(100, "linear")
    ab, beta = linear_alpha_bars(100), s.betas.tolist()
    g = torch.Generator().manual_seed(0)
    x_t, eps, z = (torch.randn(2, 3, dtype=F64, generator=g) for _ in range(3))
    for t in (99, 50, 1):
        sigma2 = beta[t] if variance == "beta" else (1 - ab[t - 1]) / (1 - ab[t]) * beta[t]
        want = (x_t - beta[t] / math.sqrt(1 - ab[t]) * eps) / math.sqrt(1 - beta[t]) + math.sqrt(
            sigma2
        ) * z
        assert torch.allclose(ddpm_step(eps, t, x_t, s, z, variance), want, atol=1e-12)
    last = ddpm_step(eps, 0, x_t, s, None, variance)  # no noise at the last step
    want = (x_t - beta[0] / math.sqrt(1 - ab[0]) * eps) / math.sqrt(1 - beta[0])
    assert torch.allclose(last, want, atol=1e-12)


def _diffusers_ddpm(schedule: NoiseSchedule, variance: str, prediction: str):
    """diffusers' DDPMScheduler with the same settings, its tensors made float64."""
    from diffusers import DDPMScheduler

    kinds = {"linear": "linear", "cosine": "squaredcos_cap_v2"}
    sched = DDPMScheduler(
        num_train_timesteps=schedule.num_steps,
        beta_schedule=kinds[schedule.kind],
        clip_sample=False,
        variance_type={"beta": "fixed_large", "posterior": "fixed_small"}[variance],
        prediction_type=prediction,
    )
    if schedule.kind == "linear":  # recomputed here in float64, not taken from demos
        betas = torch.linspace(1e-4, 0.02, schedule.num_steps, dtype=F64)
    else:
        betas = torch.tensor(cosine_betas_by_hand(schedule.num_steps), dtype=F64)
    sched.betas, sched.alphas = betas, 1 - betas
    sched.alphas_cumprod = torch.cumprod(1 - betas, 0)
    sched.one = torch.tensor(1.0, dtype=F64)
    return sched


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("variance", ["beta", "posterior"])
@pytest.mark.parametrize(
    ("prediction", "theirs"), [("epsilon", "epsilon"), ("x0", "sample"), ("v", "v_prediction")]
)
def test_ddpm_step_agrees_with_diffusers(kind, variance, prediction, theirs):
    s = NoiseSchedule(1000, kind)
    sched = _diffusers_ddpm(s, variance, theirs)
    g = torch.Generator().manual_seed(0)
    x_t, out = (
        torch.randn(4, 1, 8, 8, dtype=F64, generator=g),
        torch.randn(4, 1, 8, 8, dtype=F64, generator=g),
    )
    for t in (999, 500, 10, 1, 0):
        seed = 100 + t
        # diffusers draws its noise with randn_tensor(generator); we pass the same draw
        z = torch.randn(x_t.shape, generator=torch.Generator().manual_seed(seed), dtype=F64)
        theirs_out = sched.step(out, t, x_t, generator=torch.Generator().manual_seed(seed))
        ours = ddpm_step(out, t, x_t, s, z, variance, prediction)
        assert torch.allclose(ours, theirs_out.prev_sample, atol=1e-6, rtol=0), t
        assert (ours - theirs_out.prev_sample).abs().max() < 1e-10


def test_ancestral_trajectory_agrees_with_a_diffusers_loop():
    s = NoiseSchedule(60, "cosine")
    sched = _diffusers_ddpm(s, "beta", "epsilon")

    def model(x, t):  # any smooth function of (x, t)
        return torch.tanh(x) * (t.double()[:, None] / 60)

    x_T = torch.randn(5, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    traj = ddpm_sample(
        model, x_T, s, generator=torch.Generator().manual_seed(1), return_trajectory=True
    )
    assert traj.shape == (61, 5, 2) and torch.equal(traj[0], x_T)
    g = torch.Generator().manual_seed(1)
    x = x_T
    for t in range(59, -1, -1):
        eps = model(x, torch.full((5,), t))
        x = sched.step(eps, t, x, generator=g).prev_sample
        assert torch.allclose(traj[60 - t], x, atol=1e-6, rtol=0)


def gaussian_eps_model(mean: torch.Tensor, std: float, schedule: NoiseSchedule):
    """The exact E[ε | x_t] when x_0 ~ N(mean, std² I): x_t ~ N(√ᾱ mean, ᾱ std² + 1 − ᾱ)."""

    def model(x, t):
        ab = schedule.alphas_cumprod[t].to(x.dtype)[:, None]
        return (1 - ab).sqrt() * (x - ab.sqrt() * mean) / (ab * std**2 + 1 - ab)

    return model


def test_ancestral_sampling_with_the_exact_score_recovers_the_data():
    s = NoiseSchedule(200, "cosine")
    mean, std = torch.tensor([1.5, -0.5], dtype=F64), 0.3
    g = torch.Generator().manual_seed(0)
    x_T = torch.randn(20_000, 2, dtype=F64, generator=g)
    for variance in ("beta", "posterior"):
        x0 = ddpm_sample(gaussian_eps_model(mean, std, s), x_T, s, variance, generator=g)
        assert torch.allclose(x0.mean(0), mean, atol=0.02)
        assert torch.allclose(x0.std(0), torch.full((2,), std, dtype=F64), rtol=0.06)
