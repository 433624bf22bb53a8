"""Is the score SDE's worse FD at 250 steps than at 100 (nfe_quality.md) the sampler or the metric?

``benchmarks/nfe_quality_all.py`` samples each row once (seed 0, 500 samples) and scores its
first 360 against the 360 held-out digits. This benchmark repeats the score-SDE rows with other
seeds, the same model and the same metric, and measures the metric's own spread: the classifier
Fréchet distance between 360 real training digits and the 360 held-out ones, over
``--picks`` random choices of the 360. A difference between two rows is only the sampler's if it
is larger than these spreads. (The samplers themselves are checked against an exact score in
``benchmarks/sampler_convergence_toy.py``.)

Run from the repository root; each (sampler, steps, seed) is kept in the results file, so runs
can be split, and a later run adds to or replaces them:

    .venv/bin/python benchmarks/sde_steps_digits.py --seeds 0,1,2
    .venv/bin/python benchmarks/sde_steps_digits.py --seeds 3 --runs em:100,em:250,em:1000
    .venv/bin/python benchmarks/sde_steps_digits.py --runs em:250:0.011  # stop at t = 0.011

Writes ``results/sde_steps_digits.json``; ``nfe_quality_all.py --markdown-only`` quotes it in
``results/nfe_quality.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, command_line, machine_info  # noqa: E402
from benchmarks.nfe_quality_all import DATASET, NUM_SAMPLES  # noqa: E402

RESULT_FILE = RESULTS / "sde_steps_digits.json"
DEFAULT_RUNS = "em:100,em:250,pc:50,pc:125"
T_MIN = 1e-3  # where the samplers stop, ε of demos.score_sde (Song et al.'s 10⁻³ for VP)


def parse_runs(text: str) -> list[tuple[str, int, float]]:
    """``"em:100,pc:50:0.01"`` → [("em", 100, 0.001), ("pc", 50, 0.01)]: sampler (em, pc or
    ode), steps, and optionally the time ε the sampler stops at (default 10⁻³)."""
    runs = []
    for item in text.split(","):
        sampler, _, rest = item.partition(":")
        steps, _, t_min = rest.partition(":")
        try:
            runs.append((sampler, int(steps), float(t_min) if t_min else T_MIN))
        except ValueError:
            runs.append(("", 0, 0.0))
        if sampler not in ("em", "pc", "ode") or runs[-1][1] < 1 or not 0 < runs[-1][2] < 1:
            raise ValueError(
                f"a run is SAMPLER:STEPS[:T_MIN] with SAMPLER em, pc or ode and 0 < T_MIN < 1, "
                f"not {item!r}"
            )
    return runs


def group(row: dict) -> tuple[str, int, float]:
    """(sampler, steps, t_min) of a row; rows written before t_min was recorded used 10⁻³."""
    return row["sampler"], row["steps"], row.get("t_min", T_MIN)


def data_vs_data(picks: int) -> dict:
    """Classifier FD of ``picks`` random sets of n training digits against the n held-out ones
    (n = 360, as :func:`demos.metrics.evaluate_digits` compares): the metric's spread on real
    data."""
    import torch

    from demos.data import load_dataset
    from demos.digit_classifier import load_or_train_classifier
    from demos.metrics import frechet_distance

    classifier, _ = load_or_train_classifier(DATASET, None)
    test = load_dataset(DATASET, split="test").x
    train = load_dataset(DATASET, split="train").x
    n = min(NUM_SAMPLES, len(test))
    with torch.no_grad():
        reference, pool = classifier.features(test[:n]), classifier.features(train)
    with torch.no_grad():  # the classes of both splits, as the classifier sees them
        held_out_classes = classifier.head(reference).argmax(1)
        train_classes = classifier.head(pool).argmax(1)
    train_mix = torch.bincount(train_classes, minlength=10) * n / len(train_classes)
    values = []
    for pick in range(picks):
        chosen = torch.randperm(len(pool), generator=torch.Generator().manual_seed(pick))[:n]
        values.append(frechet_distance(pool[chosen], reference))
    spread = torch.tensor(values)
    return {
        "n": n,
        "picks": picks,
        "values": values,
        "mean": spread.mean().item(),
        "sd": spread.std().item(),
        "min": spread.min().item(),
        "max": spread.max().item(),
        "held_out_class_counts": torch.bincount(held_out_classes, minlength=10).tolist(),
        "train_class_counts_per_n": [round(c, 1) for c in train_mix.tolist()],
    }


ERROR_TIMES = (0.001, 0.002, 0.005, 0.011, 0.03, 0.1, 0.3)


def eps_error_by_time(times: tuple[float, ...] = ERROR_TIMES) -> list[dict]:
    """The trained network's error where each sampler leans on it: E‖ε_θ(x_t, t) − z‖² per
    pixel on the held-out digits at each t (0 would be a perfect denoiser, 1 a network that
    knows nothing of the noise), and s(t), so the score's error is about √that / s(t)."""
    import torch

    from demos.data import load_dataset
    from demos.score_sde import score_sde_config, sde_of
    from demos.sde import _col, score
    from demos.trained import load_or_train

    trained = load_or_train(score_sde_config(DATASET))
    sde, x0 = sde_of(trained.config), load_dataset(DATASET, split="test").x
    generator, out = torch.Generator().manual_seed(0), []
    with torch.no_grad():
        for t_value in times:
            t = torch.full((len(x0),), t_value)
            z = torch.randn(x0.shape, generator=generator)
            mean, std = sde.marginal(t)
            x_t = _col(mean, x0) * x0 + _col(std, x0) * z
            error = (_col(std, x0) * score(trained.net, sde, x_t, t) + z).square().mean()
            out.append({"t": t_value, "s": std[0].item(), "eps_mse": error.item()})
    return out


def run_rows(runs: list[tuple[str, int, float]], seeds: list[int]) -> list[dict]:
    """One row per (sampler, steps, seed): FD, predicted class counts, seconds."""
    import torch
    from rich.progress import track

    from demos.digit_classifier import load_or_train_classifier
    from demos.metrics import evaluate
    from demos.sample import SampleOptions
    from demos.score_sde import sample_score_sde, score_sde_config
    from demos.trained import load_or_train

    trained = load_or_train(score_sde_config(DATASET))  # the model nfe_quality_all.py samples
    classifier, _ = load_or_train_classifier(DATASET, None)
    rows, compared = [], fd_n()
    jobs = [(*run, seed) for seed in seeds for run in runs]
    for sampler, steps, t_min, seed in track(jobs, description="sampling"):
        options = SampleOptions(num_samples=NUM_SAMPLES, steps=steps, spacing="trailing", seed=seed)
        result = sample_score_sde(trained, options, sampler, eps=t_min)
        fd = evaluate(DATASET, result.samples).metrics[0]
        with torch.no_grad():  # the classes of the compared samples, as the classifier sees them
            shown = result.samples[:compared].clamp(-1, 1).float()
            classes = classifier.head(classifier.features(shown)).argmax(1)
        rows.append(
            {
                "sampler": sampler,
                "steps": steps,
                "t_min": t_min,
                "nfe": result.nfe,
                "seed": seed,
                "classifier_fd": fd.value,
                "class_counts": torch.bincount(classes, minlength=10).tolist(),
                "seconds": round(result.seconds, 1),
            }
        )
        print(f"{sampler} {steps} steps to t={t_min}, seed {seed}: FD {fd.value:.3f}", flush=True)
    return rows


def fd_n() -> int:
    from demos.data import load_dataset

    return min(NUM_SAMPLES, len(load_dataset(DATASET, split="test").x))


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """The rows of both, a new row replacing an old one of the same run and seed."""
    merged = {(*group(r), r["seed"]): r for r in old} | {(*group(r), r["seed"]): r for r in new}
    return [merged[key] for key in sorted(merged)]


def summary(rows: list[dict]) -> list[dict]:
    """Per (sampler, steps, t_min): the FD of every seed, its mean, sd, min and max."""
    out = []
    for sampler, steps, t_min in dict.fromkeys(group(r) for r in rows):
        values = [r["classifier_fd"] for r in rows if group(r) == (sampler, steps, t_min)]
        mean = sum(values) / len(values)
        sd = (
            (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
            if len(values) > 1
            else None
        )
        out.append(
            {
                "sampler": sampler,
                "steps": steps,
                "t_min": t_min,
                "seeds": len(values),
                "fd": values,
                "mean": mean,
                "sd": sd,
                "min": min(values),
                "max": max(values),
            }
        )
    return out


def write(record: dict) -> None:
    """Atomically: a temporary file, then a rename."""
    partial = RESULT_FILE.with_suffix(".json.partial")
    partial.write_text(json.dumps(record, indent=2) + "\n")
    partial.replace(RESULT_FILE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--runs", default=DEFAULT_RUNS, help=f"SAMPLER:STEPS,… ({DEFAULT_RUNS})")
    parser.add_argument("--picks", type=int, default=20, help="data-vs-data picks (default 20)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    try:
        runs, seeds = parse_runs(args.runs), [int(s) for s in args.seeds.split(",")]
    except ValueError as exc:
        parser.error(str(exc).replace("invalid literal for int() with base 10", "bad seed"))
    if args.picks < 2:
        parser.error("--picks must be at least 2")
    import torch

    torch.set_num_threads(args.threads)
    started, start = machine_info(), time.perf_counter()
    rows = run_rows(runs, seeds)
    old = json.loads(RESULT_FILE.read_text()) if RESULT_FILE.exists() else {"rows": []}
    all_rows = merge(old["rows"], rows)
    record = {
        "command": command_line(),
        "commands": sorted(set(old.get("commands", [])) | {command_line()}),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": started,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "dataset": DATASET,
        "num_samples": NUM_SAMPLES,
        "data_vs_data": data_vs_data(args.picks),
        "eps_error_by_t": eps_error_by_time(),
        "summary": summary(all_rows),
        "rows": all_rows,
        "seconds": round(time.perf_counter() - start, 1),
    }
    write(record)
    print(f"wrote {RESULT_FILE} in {record['seconds']} s")


if __name__ == "__main__":
    main()
