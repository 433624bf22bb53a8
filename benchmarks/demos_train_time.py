"""Training time on the CPU to reach the digit quality target, and the targets checked.

Trains the default DDPM ε-model on scikit-learn's 8×8 digits from scratch (not from the cache),
evaluating the EMA model every ``--eval-every`` steps with DDIM-20 (η = 0, 500 samples; the
evaluation time is not counted as training time), then checks the issue's targets on the final
model:

* training ≤ 180 s on 2 CPU cores,
* DDPM-1000 classifier-FD ≤ 2 × the data-vs-data baseline,
* DDIM-20 (η = 0) classifier-FD ≤ 1.5 × DDPM-1000's.

Writes ``results/demos_train_time.json`` and ``.png``. Run from the repository root:

    .venv/bin/python benchmarks/demos_train_time.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="digits", help="an image dataset")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default config)")
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--num-samples", type=int, default=500)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1: no waiting on a busy core)"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from demos.data import sample_shape
    from demos.ddim import ddim_sample
    from demos.ddpm import ddpm_sample
    from demos.metrics import evaluate
    from demos.train import default_config, train_ddpm

    started = machine_info()
    config = default_config("ddpm", args.dataset, args.steps)
    schedule = config.noise_schedule()
    shape = (args.num_samples, *sample_shape(args.dataset))

    def noise() -> torch.Tensor:
        return torch.randn(shape, generator=torch.Generator().manual_seed(0))

    curve: list[dict] = []

    def on_step(step: int, ema: torch.nn.Module) -> None:
        if step % args.eval_every and step != config.steps:
            return
        with torch.no_grad():
            x = ddim_sample(lambda x, t: ema(x, t), noise(), schedule, 20, eta=0.0)
        report = evaluate(args.dataset, x)
        fd = report.headline
        curve.append({"step": step, "ddim20_fd": fd.value, "baseline_fd": fd.baseline})
        print(
            f"step {step}: DDIM-20 classifier-FD {fd.value:.3f} (data {fd.baseline:.3f})",
            flush=True,
        )

    result = train_ddpm(config, progress=True, on_step=on_step)
    # the training seconds at each evaluation point, from the loop's own clock
    per_step = result.seconds / config.steps
    for point in curve:
        point["train_seconds"] = round(point["step"] * per_step, 1)
    baseline = curve[-1]["baseline_fd"]
    reached = next((p for p in curve if p["ddim20_fd"] <= 2 * baseline), None)

    ema = result.ema
    with torch.no_grad():
        gen = torch.Generator().manual_seed(1)
        x_ddpm = ddpm_sample(lambda x, t: ema(x, t), noise(), schedule, generator=gen)
    ddpm = evaluate(args.dataset, x_ddpm).headline
    ddim = curve[-1]["ddim20_fd"]
    targets = {
        "train_seconds": round(result.seconds, 1),
        "train_within_180s": result.seconds <= 180,
        "ddpm1000_fd": ddpm.value,
        "baseline_fd": ddpm.baseline,
        "ddpm1000_within_2x_baseline": ddpm.value <= 2 * ddpm.baseline,
        "ddim20_fd": ddim,
        "ddim20_within_1.5x_ddpm1000": ddim <= 1.5 * ddpm.value,
    }
    out = write_results(
        "demos_train_time",
        {
            "config": config.to_dict(),
            "evaluation": f"DDIM-20 eta=0 from {args.num_samples} noises; classifier Fréchet "
            "distance of the first min(N, held-out split) samples vs the held-out split",
            "seconds_to_2x_baseline_with_ddim20": reached and reached["train_seconds"],
            "steps_to_2x_baseline_with_ddim20": reached and reached["step"],
            "curve": curve,
            "targets": targets,
        },
        started,
    )
    plot(curve, baseline, RESULTS / "demos_train_time.png")
    print(targets)
    print(f"wrote {out}")


def plot(curve: list[dict], baseline: float, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3.5), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(
        [p["train_seconds"] for p in curve],
        [p["ddim20_fd"] for p in curve],
        "o-",
        label="DDIM-20 samples",
    )
    ax.axhline(baseline, color="0.5", ls="--", label="data vs data")
    ax.axhline(2 * baseline, color="tab:red", ls=":", label="target: 2 × data vs data")
    ax.set_xlabel("training seconds (CPU)")
    ax.set_ylabel("classifier Fréchet distance")
    ax.set_yscale("log")
    ax.set_title("8×8 digits: quality vs training time", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
