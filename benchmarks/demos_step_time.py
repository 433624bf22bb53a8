"""Wall time of one sampling step: demos' ddpm_step / ddim_step vs diffusers' schedulers.

All functions get the same float32 tensors in the same run; each is timed over ``--repeats``
calls, several rounds, and the median round is kept. diffusers' DDPMScheduler.step draws its
noise z inside the step (from a seeded generator), so ddpm_step is timed both with z given and
with drawing z; ddim_step and DDIMScheduler.step get η = 0 (no noise).

    .venv/bin/python benchmarks/demos_step_time.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402

SHAPES = {
    "digits batch (64, 1, 8, 8)": (64, 1, 8, 8),
    "image batch (16, 3, 64, 64)": (16, 3, 64, 64),
}


def time_call(fn, repeats: int, rounds: int = 7) -> float:
    """Median over rounds of the mean seconds per call."""
    fn()  # warm up
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        per_call.append((time.perf_counter() - start) / repeats)
    return statistics.median(per_call)


def time_steps(x, eps, z, schedule, ddpm, ddim, repeats: int) -> dict[str, float]:
    """Seconds per call of the four step functions on the same tensors."""
    import torch

    from demos.ddim import ddim_step
    from demos.ddpm import ddpm_step

    t, t_prev = 500, 480  # DDIM with 50 steps: 1000 // 50 = 20 apart
    gen = torch.Generator().manual_seed(0)
    return {
        "demos.ddpm_step": time_call(lambda: ddpm_step(eps, t, x, schedule, z), repeats),
        "demos.ddpm_step + drawing z": time_call(
            lambda: ddpm_step(eps, t, x, schedule, torch.randn(x.shape, generator=gen)), repeats
        ),
        "diffusers DDPMScheduler.step": time_call(
            lambda: ddpm.step(eps, t, x, generator=torch.Generator().manual_seed(0)), repeats
        ),
        "demos.ddim_step": time_call(lambda: ddim_step(eps, t, t_prev, x, schedule), repeats),
        "diffusers DDIMScheduler.step": time_call(lambda: ddim.step(eps, t, x, eta=0.0), repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1: no waiting on a busy core)"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from diffusers import DDIMScheduler, DDPMScheduler

    from demos.ddpm import NoiseSchedule

    started = machine_info()
    schedule = NoiseSchedule(1000, "linear")
    ddpm = DDPMScheduler(num_train_timesteps=1000, clip_sample=False, variance_type="fixed_large")
    ddim = DDIMScheduler(num_train_timesteps=1000, clip_sample=False, set_alpha_to_one=True)
    ddim.set_timesteps(50)

    rows = []
    for label, shape in SHAPES.items():
        g = torch.Generator().manual_seed(0)
        x, eps, z = (torch.randn(shape, generator=g) for _ in range(3))
        timings = time_steps(x, eps, z, schedule, ddpm, ddim, args.repeats)
        micros = {name: round(seconds * 1e6, 1) for name, seconds in timings.items()}
        rows.append({"tensors": label, "shape": list(shape), "microseconds_per_step": micros})
        print(label, micros)
    note = " ".join(__doc__.split("\n\n")[1].split())
    results = {"dtype": "float32", "repeats": args.repeats, "note": note, "results": rows}
    out = write_results("demos_step_time", results, started)
    plot(rows, RESULTS / "demos_step_time.png")
    print(f"wrote {out}")


def plot(rows: list[dict], path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.2), dpi=120)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(rows))
    for ax, row in zip(axes, rows, strict=True):
        names = list(row["microseconds_per_step"])
        values = [row["microseconds_per_step"][n] for n in names]
        colors = ["tab:blue" if n.startswith("demos") else "tab:orange" for n in names]
        ax.barh(names, values, color=colors)
        ax.set_xlabel("µs per step (median)")
        ax.set_title(row["tensors"], fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
