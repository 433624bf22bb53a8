"""Sample quality vs NFE: DDPM ancestral (1000 steps) and DDIM η ∈ {0, 0.5, 1} at 10–100 steps.

The trend of the DDIM paper's Table 1 (Song et al. 2020): with few steps the deterministic
sampler (η = 0) is far better than the stochastic ones, and all approach DDPM-1000 as the
number of steps grows. One ε-model per dataset (the cached default of ``kb demo train ddpm``),
the same initial noise for every sampler, ``--seeds`` repeats (mean and spread reported).

* digits (8×8): classifier Fréchet distance on 360 samples vs the held-out split;
* a 2-D set: sliced Wasserstein distance (and MMD²) on 2,000 samples vs fresh true samples.

Each metric carries its data-vs-data baseline. Run from the repository root:

    .venv/bin/python benchmarks/demos_quality_vs_nfe.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402

STEPS = (10, 20, 50, 100)
ETAS = (0.0, 0.5, 1.0)
NUM_SAMPLES = {"digits": 360}  # the held-out split's size; 2-D sets use 2000


def run_dataset(dataset: str, seeds: int) -> dict:
    from demos.metrics import evaluate
    from demos.registry import default_train_config, get_method
    from demos.sample import SampleOptions
    from demos.trained import load_or_train

    trained = load_or_train(default_train_config("ddpm", dataset))
    n = NUM_SAMPLES.get(dataset, 2000)
    runs = [("ddpm", 1000, None)] + [("ddim", s, eta) for eta in ETAS for s in STEPS]
    rows = []
    for method, steps, eta in runs:
        values, baselines, extras, seconds = [], [], [], []
        for seed in range(seeds):
            options = SampleOptions(num_samples=n, steps=steps, eta=eta or 0.0, seed=seed)
            start = time.perf_counter()
            result = get_method(method).sample(trained, options)
            seconds.append(time.perf_counter() - start)
            report = evaluate(dataset, result.samples, seed=seed)
            values.append(report.headline.value)
            baselines.append(report.headline.baseline)
            extras.append({m.name: m.value for m in report.metrics[1:]})
        row = {
            "sampler": "DDPM ancestral" if method == "ddpm" else f"DDIM eta={eta}",
            "eta": eta,
            "nfe": steps,
            "metric": report.headline.name,
            "mean": statistics.mean(values),
            "std": statistics.stdev(values) if seeds > 1 else 0.0,
            "values": values,
            "baseline_mean": statistics.mean(baselines),
            "other_metrics": extras,
            "sampling_seconds_mean": round(statistics.mean(seconds), 2),
        }
        rows.append(row)
        print(
            f"{dataset} {row['sampler']:<15} NFE {steps:>4}: {row['metric']} "
            f"{row['mean']:.4g} ± {row['std']:.2g} (data vs data {row['baseline_mean']:.4g})",
            flush=True,
        )
    return {
        "num_samples": n,
        "model": trained.config.to_dict(),
        "model_info": trained.info,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "moons"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1: no waiting on a busy core)"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    started = machine_info()
    results = {name: run_dataset(name, args.seeds) for name in args.datasets}
    out = write_results("demos_quality_vs_nfe", {"seeds": args.seeds, "datasets": results}, started)
    plot(results, RESULTS / "demos_quality_vs_nfe.png")
    print(f"wrote {out}")


def plot(results: dict, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2 * len(results), 3.6), dpi=120)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(results), squeeze=False)[0]
    for ax, (dataset, result) in zip(axes, results.items(), strict=True):
        rows = result["rows"]
        for eta, color in zip(ETAS, ("tab:blue", "tab:orange", "tab:green"), strict=True):
            line = [r for r in rows if r["eta"] == eta]
            ax.errorbar(
                [r["nfe"] for r in line],
                [r["mean"] for r in line],
                yerr=[r["std"] for r in line],
                fmt="o-",
                color=color,
                capsize=2,
                label=f"DDIM η = {eta:g}",
            )
        ddpm = next(r for r in rows if r["eta"] is None)
        ax.errorbar(
            [ddpm["nfe"]],
            [ddpm["mean"]],
            yerr=[ddpm["std"]],
            fmt="*",
            ms=12,
            color="tab:red",
            label="DDPM ancestral",
        )
        ax.axhline(ddpm["baseline_mean"], color="0.5", ls="--", label="data vs data")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("NFE (network calls per sample)")
        ax.set_ylabel(ddpm["metric"].replace("_", " "))
        ax.set_title(f"{dataset}: quality vs NFE", fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
