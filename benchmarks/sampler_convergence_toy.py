"""Do the score-SDE samplers converge as their steps grow? A 2-D check where the truth is known.

On the toy set ``gaussians8`` (eight Gaussians, σ₀ = 0.1, on a circle of radius √2) the
perturbed marginals p_t and their score are known in closed form for the VP and VE SDEs
(:mod:`demos.mixture_score`), and true samples are unlimited. Each sampler of
:mod:`demos.score_sde` — Euler–Maruyama (EM), predictor–corrector (PC, one Langevin step) and
the probability-flow ODE (Heun) — runs at 25, 100, 250 and 1,000 steps

* with the **exact score** (the sampler alone is tested), and
* with a **trained score network** (the project's default toy config, cached after one run),

from the same prior draw and noise seeds at every step count. The distance to the true
distribution is the unbiased MMD² against the mixture itself (its two integral terms in closed
form); its noise floor is the spread of the same estimate on true samples (mean + 2 sd over
``--floor-repeats`` draws). Also reported: the mean squared distance of a sample to its nearest
centre (2σ₀² = 0.02 for true samples), which shows *how* a coarse sampler is off.

Run from the repository root (about a minute, plus training the two toy networks once):

    .venv/bin/python benchmarks/sampler_convergence_toy.py
    .venv/bin/python benchmarks/sampler_convergence_toy.py --samples 2000 --no-trained  # quicker

Writes ``results/sampler_convergence_toy.json`` and ``.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402

DATASET = "gaussians8"
STEPS = (25, 100, 250, 1000)
SAMPLERS = ("em", "pc", "ode")
SAMPLER_NAMES = {"em": "Euler–Maruyama", "pc": "predictor–corrector", "ode": "probability-flow ODE"}
# One Gaussian kernel as wide as a mode (σ₀ = 0.1): it sees a mode's width and weight, and wider
# kernels only add the noise of how many samples fell in each mode
KERNEL_WIDTHS = (0.1,)


def run_sampler(score_fn, sde, sampler: str, steps: int, num_samples: int, seed: int):
    """``num_samples`` points ``(N, 2)`` and the NFE; the prior and noise come from ``seed``."""
    import torch

    from demos.score_sde import pc_sample, probability_flow_sample

    generator = torch.Generator().manual_seed(seed)
    x = sde.prior((num_samples, 2), generator).double()
    if sampler == "ode":
        return probability_flow_sample(score_fn, sde, x, steps, "heun"), 2 * steps
    corrector_steps = 1 if sampler == "pc" else 0
    out = pc_sample(score_fn, sde, x, steps, corrector_steps, generator=generator)
    return out, steps * (1 + corrector_steps)


def within_mode_variance(x, mixture) -> float:
    """Mean squared distance to the nearest centre: 2σ₀² (two dimensions) for true samples."""
    import torch

    return torch.cdist(x.double(), mixture.means).min(dim=1).values.square().mean().item()


def noise_floor(mixture, num_samples: int, repeats: int, seeds: int) -> dict:
    """Both measures on true samples, over ``repeats`` draws: the MMD² (0 in expectation) and the
    within-mode variance (2σ₀²), each as mean and sd, and the MMD² floor of a mean over
    ``seeds`` runs, mean + 2 sd / √seeds: a sampler whose mean MMD² is below it cannot be told
    from the true distribution with this many samples."""
    import torch

    draws = [
        mixture.sample(num_samples, torch.Generator().manual_seed(1000 + r)) for r in range(repeats)
    ]
    mmd = torch.tensor([mixture.mmd2(x, KERNEL_WIDTHS) for x in draws])
    width = torch.tensor([within_mode_variance(x, mixture) for x in draws])
    return {
        "mmd2_values": mmd.tolist(),
        "mean": mmd.mean().item(),
        "sd": mmd.std().item(),
        "floor": mmd.mean().item() + 2 * mmd.std().item() / seeds**0.5,
        "within_mode_var_mean": width.mean().item(),
        "within_mode_var_sd": width.std().item(),
    }


def score_functions(trained: bool) -> dict:
    """(score kind, SDE name) → (score function, SDE): exact ones, and trained ones if asked."""
    from demos.mixture_score import eight_gaussians_mixture
    from demos.score_sde import score_sde_config, sde_of
    from demos.sde import score

    mixture, found = eight_gaussians_mixture(), {}
    for sde_name in ("vp", "ve"):
        sde = sde_of(score_sde_config(DATASET, sde=sde_name))
        found["exact", sde_name] = (mixture.score(sde), sde)
    if trained:
        from demos.trained import load_or_train

        for sde_name in ("vp", "ve"):
            model = load_or_train(score_sde_config(DATASET, sde=sde_name))
            net, sde = model.net, sde_of(model.config)

            def net_score(x, t, net=net, sde=sde):  # the network runs in float32
                return score(net, sde, x.float(), t.float()).double()

            found["trained", sde_name] = (net_score, sde)
    return found


def run(num_samples: int, seeds: int, floor_repeats: int, trained: bool) -> dict:
    import torch
    from rich.progress import track

    from demos.mixture_score import eight_gaussians_mixture

    mixture = eight_gaussians_mixture()
    floor = noise_floor(mixture, num_samples, floor_repeats, seeds)
    functions = score_functions(trained)
    jobs = [(*key, sampler, steps) for key in functions for sampler in SAMPLERS for steps in STEPS]
    rows = []
    for kind, sde_name, sampler, steps in track(jobs, description="sampling"):
        score_fn, sde = functions[kind, sde_name]
        mmd, width, start = [], [], time.perf_counter()
        with torch.no_grad():
            for seed in range(seeds):
                samples, nfe = run_sampler(score_fn, sde, sampler, steps, num_samples, seed)
                mmd.append(mixture.mmd2(samples, KERNEL_WIDTHS))
                width.append(within_mode_variance(samples, mixture))
        rows.append(
            {
                "score": kind,
                "sde": sde_name,
                "sampler": sampler,
                "steps": steps,
                "nfe": nfe,
                "mmd2": sum(mmd) / seeds,
                "mmd2_per_seed": mmd,
                "within_mode_var": sum(width) / seeds,
                "seconds": round(time.perf_counter() - start, 2),
            }
        )
    return {
        "dataset": DATASET,
        "num_samples": num_samples,
        "seeds": seeds,
        "true_within_mode_var": 2 * mixture.std**2,
        "noise_floor": floor,
        "rows": rows,
        "verdict": verdict(rows, floor["floor"]),
    }


def verdict(rows: list[dict], floor: float) -> dict:
    """Per score, SDE and sampler: the step increases (100→250, 250→1000) where the MMD² grew
    by more than the noise floor, and whether the 1,000-step MMD² is within the floor."""
    out = {}
    for key in dict.fromkeys((r["score"], r["sde"], r["sampler"]) for r in rows):
        mmd = {r["steps"]: r["mmd2"] for r in rows if (r["score"], r["sde"], r["sampler"]) == key}
        worse = [f"{a}→{b}" for a, b in ((100, 250), (250, 1000)) if mmd[b] > mmd[a] + floor]
        out["/".join(key)] = {
            "worse_with_more_steps": worse,
            "at_1000_within_floor": mmd[1000] <= floor,
        }
    return out


def plot(results: dict, path: Path) -> None:
    """Top: MMD² vs steps, with the noise floor; bottom: within-mode variance vs the true 2σ₀²."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows, floor = results["rows"], results["noise_floor"]
    kinds = list(dict.fromkeys(r["score"] for r in rows))
    fig = Figure(figsize=(5.5 * len(kinds), 8), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, len(kinds), squeeze=False)
    for col, kind in enumerate(kinds):
        top, bottom = axes[0, col], axes[1, col]
        for sde_name in ("vp", "ve"):
            for sampler, marker in zip(SAMPLERS, "osd", strict=True):
                key = (kind, sde_name, sampler)
                line = [r for r in rows if (r["score"], r["sde"], r["sampler"]) == key]
                style = {"marker": marker, "ls": "-" if sde_name == "vp" else "--"}
                label = f"{sde_name.upper()} {SAMPLER_NAMES[sampler]}"
                steps = [r["steps"] for r in line]
                top.plot(steps, [r["mmd2"] for r in line], label=label, **style)
                bottom.plot(steps, [r["within_mode_var"] for r in line], label=label, **style)
        top.axhspan(-floor["floor"], floor["floor"], color="0.85", label="noise floor")
        top.set_yscale("symlog", linthresh=floor["floor"])
        top.set_ylabel("MMD² to the true distribution (lower is better)")
        top.set_title(
            f"{kind} score: {results['num_samples']} samples × {results['seeds']} seeds",
            fontsize=10,
        )
        spread = 2 * floor["within_mode_var_sd"] / results["seeds"] ** 0.5
        truth = results["true_within_mode_var"]
        bottom.axhspan(truth - spread, truth + spread, color="0.85", label="true 2σ₀² ± noise")
        bottom.set_ylabel("mean squared distance to the nearest centre")
        for ax in (top, bottom):
            ax.set_xscale("log")
            ax.set_xlabel("steps")
        top.legend(fontsize=7)
    fig.tight_layout()
    partial = path.with_suffix(".png.partial")
    fig.savefig(partial, format="png")
    partial.replace(path)  # atomic: a reader never sees half a PNG


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4000, help="samples per run (default 4000)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per point, averaged (default 3)")
    parser.add_argument(
        "--floor-repeats", type=int, default=10, help="true-sample draws for the noise floor"
    )
    parser.add_argument("--no-trained", action="store_true", help="the exact score only")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    if args.samples < 100 or args.seeds < 1 or args.floor_repeats < 2:
        parser.error("need --samples ≥ 100, --seeds ≥ 1 and --floor-repeats ≥ 2")
    import torch

    torch.set_num_threads(args.threads)
    started, start = machine_info(), time.perf_counter()
    results = run(args.samples, args.seeds, args.floor_repeats, not args.no_trained)
    results["total_seconds"] = round(time.perf_counter() - start, 1)
    path = write_results("sampler_convergence_toy", results, started)
    plot(json.loads(path.read_text()), RESULTS / "sampler_convergence_toy.png")
    print(json.dumps(results["verdict"], indent=1))
    print(f"wrote {path} and sampler_convergence_toy.png in {results['total_seconds']} s")


if __name__ == "__main__":
    main()
