r"""Consistency distillation — Song, Dhariwal, Chen & Sutskever 2023 (arXiv:2303.01469).

Consistency models live in the EDM view of diffusion (Karras et al. 2022): :math:`x_t = x + t z`
for noise levels :math:`t \in [\epsilon, T]`, and the probability-flow ODE
:math:`dx/dt = (x - D(x, t))/t` with the denoiser :math:`D`. A **consistency function**
:math:`f(x_t, t)` maps *every* point of an ODE trajectory to the trajectory's origin, so one
evaluation turns noise :math:`x_T \sim \mathcal N(0, T^2 I)` into a sample.

**Parametrization** (§3, eq. 5 and App. C). The boundary condition :math:`f(x, \epsilon) = x`
holds by construction with

.. math:: f_\theta(x, t) = c_\text{skip}(t)\,x + c_\text{out}(t)\,F_\theta(x, t), \quad
   c_\text{skip}(t) = \frac{\sigma_\text{data}^2}{(t-\epsilon)^2 + \sigma_\text{data}^2}, \quad
   c_\text{out}(t) = \frac{\sigma_\text{data}(t-\epsilon)}{\sqrt{\sigma_\text{data}^2 + t^2}}.

**From the VP-DDPM teacher** (:mod:`demos.teacher`). In the EDM view the teacher's
:math:`z_k` is :math:`x_\text{edm} = z_k/\sqrt{\bar\alpha_k} = x + \sigma_k \epsilon` and its
denoiser is :math:`D(x_\text{edm}, \sigma_k) = \hat x_0(z_k, k)`. It predicts :math:`v`, and
:math:`\hat x_0 = \sqrt{\bar\alpha} z - \sqrt{1-\bar\alpha}\,v =
\frac{1}{1+\sigma^2} x_\text{edm} + \frac{\sigma}{\sqrt{1+\sigma^2}}(-v)`: exactly EDM's
preconditioning with :math:`\sigma_\text{data} = 1`, input scale
:math:`c_\text{in} = 1/\sqrt{1+\sigma^2}` and :math:`F = -v`. So we take
:math:`\sigma_\text{data} = 1`, :math:`F_\theta = -\mathrm{net}(c_\text{in} x, k)`, and start
the consistency model from the teacher's weights: at first :math:`f_\theta \approx D`.
:math:`\epsilon` is the teacher's smallest level :math:`\sigma_0`.

**Consistency distillation** (Algorithm 2). Noise levels
:math:`\epsilon = t_1 < \dots < t_N = T` follow EDM's ρ = 7 spacing (snapped to the teacher's
steps). Draw :math:`n`, :math:`x_{t_{n+1}} = x + t_{n+1} z`, take one ODE step of the teacher
(Heun, as the paper does) to :math:`\hat x_{t_n}`, and pull the two ends together:

.. math:: \mathcal L = \lambda(t_n)\, d\big(f_\theta(x_{t_{n+1}}, t_{n+1}),\;
          f_{\theta^-}(\hat x_{t_n}, t_n)\big),

with :math:`d` the squared L2 distance, :math:`\lambda = 1`, and the *target network*
:math:`\theta^- \leftarrow \mathrm{stopgrad}(\mu\theta^- + (1-\mu)\theta)`
(μ = 0.95, the paper's value for CIFAR-10).

**Sampling** (Algorithm 1): :math:`x \leftarrow f_\theta(T z, T)`; then for each chosen
:math:`\tau_1 > \tau_2 > \dots`: :math:`x \leftarrow f_\theta(x + \sqrt{\tau^2 - \epsilon^2}\,z,
\tau)`. One step is one network call.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import torch
from torch import nn

from demos.ddpm import NoiseSchedule
from demos.teacher import batchwise, ddpm_teacher_of, edm_sigmas, student_config, teacher_ode_step
from demos.train import FitResult, TrainConfig, ema_update, fit

CD_TRAIN_STEPS = {"toy": 1000, "digits": 500}


def karras_boundaries(
    schedule: NoiseSchedule, num_scales: int = 18, sigma_max: float = 80.0, rho: float = 7.0
) -> torch.Tensor:
    """Teacher steps k_1 < … < k_N whose σ follow (ε^{1/ρ} + i/(N−1)(T^{1/ρ} − ε^{1/ρ}))^ρ."""
    sigmas = edm_sigmas(schedule)
    eps = sigmas[0]
    ramp = torch.linspace(0, 1, num_scales, dtype=torch.float64)
    wanted = (eps ** (1 / rho) + ramp * (sigma_max ** (1 / rho) - eps ** (1 / rho))) ** rho
    steps = (sigmas.log()[None, :] - wanted.log()[:, None]).abs().argmin(dim=1)  # nearest in log σ
    return torch.unique(steps)  # sorted; duplicates (several targets on one step) dropped


def c_skip_out(
    sigma: torch.Tensor, eps: float, sigma_data: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """c_skip(t) = σ_d²/((t−ε)² + σ_d²), c_out(t) = σ_d (t−ε)/√(σ_d² + t²) — App. C."""
    c_skip = sigma_data**2 / ((sigma - eps) ** 2 + sigma_data**2)
    c_out = sigma_data * (sigma - eps) / (sigma_data**2 + sigma**2).sqrt()
    return c_skip, c_out


def consistency_function(
    net: nn.Module,
    x: torch.Tensor,
    k: torch.Tensor,
    schedule: NoiseSchedule,
    sigma_data: float = 1.0,
) -> torch.Tensor:
    """f_θ(x, σ_k) = c_skip x + c_out F_θ, F_θ = −net(c_in x, k), c_in = 1/√(1 + σ²) — eq. 5."""
    sigmas = edm_sigmas(schedule).to(x.device)
    c_skip, c_out = c_skip_out(sigmas[k], sigmas[0].item(), sigma_data)
    c_in = (1 + sigmas[k] ** 2).rsqrt()
    return batchwise(c_skip, x) * x - batchwise(c_out, x) * net(batchwise(c_in, x) * x, k)


def consistency_distillation_loss(
    net: nn.Module,
    target_net: nn.Module,
    teacher: nn.Module,
    x: torch.Tensor,
    boundaries: torch.Tensor,
    schedule: NoiseSchedule,
    generator: torch.Generator | None = None,
    teacher_prediction: str = "v",
    solver: str = "heun",
    sigma_data: float = 1.0,
) -> torch.Tensor:
    """Algorithm 2, one minibatch: ‖f_θ(x_{t_{n+1}}, t_{n+1}) − f_θ⁻(x̂_{t_n}, t_n)‖²."""
    boundaries = boundaries.to(x.device)
    n = torch.randint(0, len(boundaries) - 1, (x.shape[0],), generator=generator, device=x.device)
    k_n, k_next = boundaries[n], boundaries[n + 1]  # (B,) teacher steps, σ(k_n) < σ(k_next)
    z = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    x_next = x + batchwise(edm_sigmas(schedule).to(x.device)[k_next], x) * z
    x_hat = teacher_ode_step(teacher, x_next, k_next, k_n, schedule, teacher_prediction, solver)
    with torch.no_grad():
        target = consistency_function(target_net, x_hat, k_n, schedule, sigma_data)
    online = consistency_function(net, x_next, k_next, schedule, sigma_data)
    return torch.mean((online - target) ** 2)


def consistency_config(
    dataset: str, steps: int | None = None, teacher: TrainConfig | None = None, **overrides: Any
) -> TrainConfig:
    """CD from the v-prediction DDPM teacher (the one progressive distillation uses).

    The consistency model shares the teacher's net, schedule and data; ``options`` keep the rest.
    """
    options = {"num_scales": 18, "sigma_max": 80.0, "rho": 7.0}  # N, T and ρ of the levels
    options |= {"target_ema": 0.95, "sigma_data": 1.0, "solver": "heun"}  # μ, σ_data, the ODE step
    return student_config(
        "consistency", dataset, steps, CD_TRAIN_STEPS, options, teacher, overrides
    )


def train_consistency(
    config: TrainConfig, device: torch.device | str = "cpu", progress: bool = True
) -> FitResult:
    """Consistency distillation: θ and θ⁻ start as the teacher; θ⁻ trails θ by an EMA."""
    from demos.data import load_dataset
    from demos.trained import load_or_train

    o = config.options
    teacher_cfg = ddpm_teacher_of(config)
    teacher = load_or_train(teacher_cfg, progress=progress, device=device).net.requires_grad_(False)
    schedule = config.noise_schedule()
    boundaries = karras_boundaries(schedule, o["num_scales"], o["sigma_max"], o["rho"])
    student = copy.deepcopy(teacher).requires_grad_(True)
    target = copy.deepcopy(teacher)

    def loss(net: nn.Module, x0: torch.Tensor, y: Any, generator: torch.Generator) -> torch.Tensor:
        ema_update(target, getattr(net, "module", net), o["target_ema"])  # θ⁻ ← μθ⁻ + (1−μ)θ
        return consistency_distillation_loss(
            net,
            target,
            teacher,
            x0,
            boundaries,
            schedule,
            generator,
            teacher_cfg.prediction_type,
            o["solver"],
            o["sigma_data"],
        )

    data = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.seed)
    return fit(student, loss, data, config, device, progress)


def sampling_steps(boundaries: torch.Tensor, num_steps: int) -> list[int]:
    """Teacher steps of a ``num_steps``-step sampler: k_N, then evenly spaced boundaries."""
    last = len(boundaries) - 1
    picks = [round(last - j * last / num_steps) for j in range(num_steps)]
    return [int(boundaries[i]) for i in picks]


@torch.no_grad()
def consistency_sample(
    net: nn.Module,
    z: torch.Tensor,
    schedule: NoiseSchedule,
    steps: list[int],
    sigma_data: float = 1.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Algorithm 1 from noise ``z (B, …)``: x = f(T z, T); x = f(x + √(τ² − ε²) z′, τ) per τ."""
    sigmas = edm_sigmas(schedule).to(z.device)
    eps = sigmas[0]

    def f(x: torch.Tensor, k: int) -> torch.Tensor:
        steps_b = torch.full((x.shape[0],), k, device=x.device, dtype=torch.long)
        return consistency_function(net, x, steps_b, schedule, sigma_data)

    x = f(sigmas[steps[0]].to(z.dtype) * z, steps[0])
    for k in steps[1:]:
        noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        x = f(x + (sigmas[k] ** 2 - eps**2).sqrt().to(x.dtype) * noise, k)
    return x


def sample_consistency(trained: Any, options: Any) -> Any:
    """One-step (default) or multistep consistency sampling; NFE = steps."""
    from demos.sample import SampleResult, initial_noise

    o = trained.config.options
    schedule = trained.schedule
    boundaries = karras_boundaries(schedule, o["num_scales"], o["sigma_max"], o["rho"])
    steps = sampling_steps(boundaries, options.steps or 1)
    z, generator = initial_noise(trained, options)
    start = time.perf_counter()
    out = consistency_sample(trained.net, z, schedule, steps, o["sigma_data"], generator)
    return SampleResult(out, len(steps), time.perf_counter() - start)


def check_consistency_options(config: TrainConfig, options: Any) -> None:
    """Before any training: a multistep sampler visits at most the N training noise levels."""
    from demos.errors import DemoError

    o = config.options
    most = len(
        karras_boundaries(config.noise_schedule(), o["num_scales"], o["sigma_max"], o["rho"])
    )
    if (options.steps or 1) > most:
        raise DemoError(f"consistency sampling takes 1 … {most} steps", code="E604")


def register_methods() -> None:
    """``consistency``: consistency distillation from the v-prediction DDPM teacher."""
    from demos.registry import Method, register

    register(
        Method(
            "consistency",
            "Consistency distillation: one network call from noise to sample (Algorithm 1), "
            "distilled from a DDPM teacher's probability-flow ODE (Algorithm 2)",
            "arXiv:2303.01469",
            "consistency",
            train_consistency,
            sample_consistency,
            default_steps=1,
            check=check_consistency_options,
            config=consistency_config,
        )
    )


register_methods()
