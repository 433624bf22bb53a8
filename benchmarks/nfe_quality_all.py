"""Quality vs NFE for every sampler of the demos on 8×8 digits.

One dataset (scikit-learn's 8×8 digits), one metric (classifier Fréchet distance, beside its
data-vs-data baseline), the same number of samples for every row:

* DDPM ancestral and DDIM η = 0 (trailing steps) — the v-prediction, cosine-schedule teacher;
* progressive-distillation students at 8, 4, 2 and 1 steps, distilled from the teacher's DDIM-16;
* consistency distillation from the same teacher, at 1, 2 and 4 steps;
* score SDE (VP): Euler–Maruyama, predictor–corrector and the probability-flow ODE (Heun);
* flow matching (Euler, Heun) and its reflow (Euler).

Every model is trained once and cached (``kb demo train …`` reuses them); a first run trains them
all, and ``--retrain`` trains them again to re-measure training times. Latent diffusion has its
own benchmark, ``benchmarks/ldm_vs_pixel.py``. Run from the repository root:

    .venv/bin/python benchmarks/nfe_quality_all.py            # writes results/nfe_quality.*
    .venv/bin/python benchmarks/nfe_quality_all.py --retrain  # and re-measure training
    .venv/bin/python benchmarks/nfe_quality_all.py --markdown-only  # re-write the .md from .json

Whether the score-SDE rows' changes with the number of steps are the sampler's or the metric's
noise: ``benchmarks/sde_steps_digits.py`` (more seeds) and ``sampler_convergence_toy.py``
(an exact score), both quoted at the end of the .md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402

DATASET = "digits"
NUM_SAMPLES = 500
TARGETS = {"student_4_vs_teacher_100": 1.5, "consistency_1_vs_teacher_100": 3.0, "train_s": 300}


def nfe_models() -> dict:
    from demos.consistency import consistency_config
    from demos.distill import distill_config
    from demos.reflow import reflow_config
    from demos.score_sde import score_sde_config
    from demos.teacher import teacher_config
    from demos.train import default_config

    return {
        "teacher": teacher_config(DATASET),
        "distill": distill_config(DATASET, student_steps=1),
        "consistency": consistency_config(DATASET),
        "score-sde": score_sde_config(DATASET),
        "flow-matching": default_config("flow-matching", DATASET),
        "reflow": reflow_config(DATASET),
    }


def nfe_runs() -> list[tuple[str, str, str, int, dict]]:
    """(model, family, registry method, steps, sampler keywords) for every row."""
    runs = [("teacher", "DDPM ancestral", "ddpm", 1000, {})]
    runs += [("teacher", "DDIM η=0", "ddim", s, {}) for s in (1, 2, 4, 8, 16, 32, 100)]
    runs += [("distill", "progressive student", "distill", s, {}) for s in (1, 2, 4, 8)]
    runs += [("consistency", "consistency", "consistency", s, {}) for s in (1, 2, 4)]
    runs += [("score-sde", "SDE Euler–Maruyama", "em", s, {}) for s in (100, 250)]
    runs += [("score-sde", "SDE predictor–corrector", "pc", s, {}) for s in (50, 125)]
    runs += [("score-sde", "probability-flow ODE (Heun)", "ode", s, {}) for s in (10, 25, 50)]
    runs += [
        ("flow-matching", "flow matching Euler", "flow-matching", s, {})
        for s in (1, 2, 4, 8, 16, 32, 100)
    ]
    runs += [
        ("flow-matching", "flow matching Heun", "flow-matching-heun", s, {}) for s in (2, 4, 8, 16)
    ]
    runs += [("reflow", "reflow Euler", "reflow", s, {}) for s in (1, 2, 4, 8, 16)]
    return runs


def sample(trained, method: str, steps: int):
    from demos.registry import get_method
    from demos.sample import SampleOptions
    from demos.score_sde import sample_score_sde

    options = SampleOptions(num_samples=NUM_SAMPLES, steps=steps, spacing="trailing", seed=0)
    if method in ("em", "pc", "ode"):
        return sample_score_sde(trained, options, method)
    return get_method(method).sample(trained, options)


def train_all(retrain: bool) -> tuple[dict, dict]:
    """Every model of the table, from the cache or trained now in dependency order, and the
    training seconds of each (each halving of the distillation ladder is its own model)."""
    from demos.trained import load_or_train

    trained, seconds = {}, {}
    for name, config in nfe_models().items():
        start = time.perf_counter()
        if name == "distill":
            for rung in (8, 4, 2, 1):  # N → N/2, each student the next one's teacher
                rung_config = replace(config, options={**config.options, "student_steps": rung})
                trained[name] = load_or_train(rung_config, retrain=retrain)
                seconds[f"distill {2 * rung}→{rung}"] = trained[name].info.get("seconds")
        else:
            trained[name] = load_or_train(config, retrain=retrain)
            seconds[name] = trained[name].info.get("seconds")
        print(f"{name}: ready in {time.perf_counter() - start:.0f} s", flush=True)
    return trained, seconds


def run_nfe(retrain: bool = False) -> dict:
    from demos.metrics import evaluate

    trained, train_seconds = train_all(retrain)
    rows = []
    for model, family, method, steps, _ in nfe_runs():
        result = sample(trained[model], method, steps)
        report = evaluate(DATASET, result.samples)
        metrics = {m.name: m for m in report.metrics}
        rows.append(
            {
                "family": family,
                "model": model,
                "steps": steps,
                "nfe": result.nfe,
                "classifier_fd": metrics["classifier_fd"].value,
                "baseline": metrics["classifier_fd"].baseline,
                "confidence": metrics["confidence"].value,
                "coverage": metrics["class_coverage"].value,
                "ms_per_sample": 1000 * result.seconds / NUM_SAMPLES,
            }
        )
        print(
            f"{family:<28} NFE {result.nfe:>4}: FD {rows[-1]['classifier_fd']:.3f} "
            f"(data {rows[-1]['baseline']:.3f})",
            flush=True,
        )
    return {"rows": rows, "train_seconds": train_seconds, "targets": targets(rows, train_seconds)}


def targets(rows: list[dict], train_seconds: dict) -> dict:
    def fd(family: str, steps: int) -> float:
        return next(
            r["classifier_fd"] for r in rows if r["family"] == family and r["steps"] == steps
        )

    teacher = fd("DDIM η=0", 100)
    student, consistency = fd("progressive student", 4), fd("consistency", 1)
    slowest = max(train_seconds.items(), key=lambda kv: kv[1] or 0)
    return {
        "teacher_ddim_100_fd": teacher,
        "student_4_fd": student,
        "student_4_ratio": student / teacher,
        "student_4_met": student / teacher <= TARGETS["student_4_vs_teacher_100"],
        "consistency_1_fd": consistency,
        "consistency_1_ratio": consistency / teacher,
        "consistency_1_met": consistency / teacher <= TARGETS["consistency_1_vs_teacher_100"],
        "slowest_model": slowest[0],
        "slowest_train_seconds": slowest[1],
        "train_time_met": all((s or 0) <= TARGETS["train_s"] for s in train_seconds.values()),
    }


def plot(rows: list[dict], path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 4.8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for family in dict.fromkeys(r["family"] for r in rows):
        line = [r for r in rows if r["family"] == family]
        ax.plot(
            [r["nfe"] for r in line], [r["classifier_fd"] for r in line], "o-", ms=4, label=family
        )
    ax.axhline(rows[0]["baseline"], color="0.5", ls="--", label="data vs data")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("NFE (network calls per sample)")
    ax.set_ylabel("classifier Fréchet distance (lower is better)")
    ax.set_title(f"8×8 digits, {NUM_SAMPLES} samples per point", fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path)


def markdown(record: dict) -> str:
    from demos.data import load_dataset

    nfe, machine = record["nfe"], record["machine"]
    compared = min(NUM_SAMPLES, len(load_dataset(DATASET, split="test").x))  # as evaluate() cuts
    lines = [
        "# Quality vs NFE, every demo sampler (8×8 digits)",
        "",
        f"`{record['command']}` — {record['date']}, {machine['cpu_count']} CPU cores (shared; "
        f"load average {machine['load_average_1_5_15']} at the start, "
        f"{record['load_average_at_end']} at the end), torch {machine['torch']}.",
        "",
        f"Classifier Fréchet distance of each sampler's first {compared} samples against the "
        f"{compared} held-out digits (data vs data: "
        f"{nfe['rows'][0]['baseline']:.3f}); lower is better, and values near or below the "
        "data-vs-data distance are within the estimator's noise. Models: DDPM and DDIM (trailing "
        "steps) sample the v-prediction, cosine-schedule DDPM teacher; the progressive students "
        "are distilled from its DDIM-16 (Algorithm 2, one halving per stage); consistency "
        "distillation uses the same teacher; the score SDE is a VP-SDE ε-network; reflow is "
        "retrained on 5,000 (noise, sample) pairs of the flow-matching model.",
        "",
        "| sampler | NFE | classifier FD | confidence | class coverage | ms / sample |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['family']} | {r['nfe']} | {r['classifier_fd']:.3f} | {r['confidence']:.3f} "
        f"| {r['coverage']:.2f} | {r['ms_per_sample']:.2f} |"
        for r in nfe["rows"]
    ]
    t = nfe["targets"]
    lines += [
        "",
        "Training time (s): "
        + ", ".join(f"{k} {v}" for k, v in nfe["train_seconds"].items())
        + ".",
        "",
        f"* 4-step student / 100-step teacher: {t['student_4_ratio']:.2f} "
        f"(target ≤ 1.5: {'met' if t['student_4_met'] else 'not met'})",
        f"* 1-step consistency / 100-step teacher: {t['consistency_1_ratio']:.2f} "
        f"(target ≤ 3: {'met' if t['consistency_1_met'] else 'not met'})",
        f"* slowest model to train: {t['slowest_model']}, {t['slowest_train_seconds']} s "
        f"(target ≤ 300 s: {'met' if t['train_time_met'] else 'not met'})",
    ]
    lines += sde_steps_section()
    return "\n".join(lines) + "\n"


SDE_STEPS = RESULTS / "sde_steps_digits.json"
TOY_CONVERGENCE = RESULTS / "sampler_convergence_toy.json"


def sde_steps_section() -> list[str]:
    """What the score-SDE rows' FD at 100 vs 250 NFE means, from sde_steps_digits.py (the same
    rows over more seeds, the metric's spread on real data, the network's error by t) and
    sampler_convergence_toy.py (the samplers on an exact score); nothing if not yet run."""
    if not SDE_STEPS.exists():
        return []
    record = json.loads(SDE_STEPS.read_text())
    spread, names = (
        record["data_vs_data"],
        {
            "em": "Euler–Maruyama",
            "pc": "predictor–corrector",
            "ode": "probability-flow ODE (Heun)",
        },
    )
    lines = [
        "",
        "## Do Euler–Maruyama and predictor–corrector get worse with more steps?",
        "",
        f"The table samples each row once (seed 0). The metric alone varies: the FD between "
        f"{spread['n']} real training digits and the {spread['n']} held-out ones, over "
        f"{spread['picks']} random picks of the {spread['n']}, has mean {spread['mean']:.2f}, "
        f"sd {spread['sd']:.2f}, range {spread['min']:.2f}–{spread['max']:.2f}. The same "
        f"score-SDE rows with other seeds ({', '.join(f'`{c}`' for c in record['commands'])}; "
        f"last {record['date']}):",
        "",
        "| sampler | steps | NFE | stops at t | seeds | classifier FD per seed | mean ± sd "
        "| class-mix χ² per seed |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    nfe = {(r["sampler"], r["steps"]): r["nfe"] for r in record["rows"]}
    held_out = spread.get("held_out_class_counts")
    for s in record["summary"]:
        sd = f" ± {s['sd']:.2f}" if s["sd"] is not None else ""
        per_seed = ", ".join(f"{v:.2f}" for v in s["fd"])
        rows = [
            r
            for r in record["rows"]
            if r["sampler"] == s["sampler"]
            and r["steps"] == s["steps"]
            and r.get("t_min", 1e-3) == s.get("t_min", 1e-3)
        ]
        chi2 = ", ".join(f"{class_mix_chi2(r['class_counts'], held_out):.1f}" for r in rows)
        lines.append(
            f"| {names.get(s['sampler'], s['sampler'])} | {s['steps']} "
            f"| {nfe[s['sampler'], s['steps']]} | {s.get('t_min', 1e-3):g} | {s['seeds']} "
            f"| {per_seed} | {s['mean']:.2f}{sd} | {chi2 if held_out else '–'} |"
        )
    if held_out:
        lines += [
            "",
            f"Class-mix χ²: Σ_c (n_c − h_c)² / h_c between the classes the classifier gives the "
            f"{spread['n']} compared samples (n_c) and the held-out digits (h_c = "
            f"{', '.join(map(str, held_out))} for 0…9); about 9 if the classes were drawn in the "
            f"held-out proportions. The FD is very sensitive to it: the class mix moves the mean "
            f"of the features.",
        ]
    train_mix = spread.get("train_class_counts_per_n")
    if held_out and train_mix:
        lines += [
            "",
            f"The models learn the training digits, whose mix differs from the held-out one: per "
            f"{spread['n']}, {', '.join(f'{c:.0f}' for c in train_mix)} for 0…9 (χ² "
            f"{class_mix_chi2(train_mix, held_out):.1f} against the held-out mix before any "
            f"sampling noise). A sampler that follows the model more closely reproduces the "
            f"training mix, and the FD against the held-out digits counts that as worse.",
        ]
    errors = ", ".join(
        f"t = {e['t']:g} (s = {e['s']:.3f}): {e['eps_mse']:.2f}" for e in record["eps_error_by_t"]
    )
    lines += [
        "",
        *sde_steps_verdict(record["summary"]),
        f"* The trained network's noise-prediction error E‖ε_θ(x_t, t) − z‖² per pixel on the "
        f"held-out digits, by t: {errors}. Its score, −ε_θ / s(t), is off by about "
        f"√error / s(t) — most where the data is least noisy. Euler–Maruyama with N steps from "
        f"t = 1 to ε = 10⁻³ calls the network no lower than t = ε + (1 − ε)/N (0.011 for N = 100,"
        f" 0.005 for 250, 0.002 for 1000) and ends with one noise-free step to ε; more steps lean"
        f" longer on the network where it is worst.",
    ]
    if TOY_CONVERGENCE.exists() and train_mix:
        exact = [
            v
            for k, v in json.loads(TOY_CONVERGENCE.read_text())["verdict"].items()
            if k.startswith("exact/")
        ]
        if exact and all(
            v["at_1000_within_floor"] and not v["worse_with_more_steps"] for v in exact
        ):
            lines += [
                "",
                "**So the samplers have no discretisation bug**: on an exact score they converge "
                "as their steps grow. On the digits, more steps bring the samples closer to what "
                "the trained network models, and the FD of 360 samples against the held-out "
                "digits, dominated by the class mix, reads that as worse"
                + limits_agree(record["summary"])
                + ". Compare samplers on the mean of several seeds; a difference below the "
                "data-vs-data spread is noise.",
            ]
    return lines


def limits_agree(summary: list[dict]) -> str:
    """ ", where EM at its most steps and the probability-flow ODE agree: …", if both were run
    over several seeds at the default stopping time."""
    runs = [s for s in summary if s.get("t_min", 1e-3) == 1e-3 and s["sd"] is not None]
    em = max((s for s in runs if s["sampler"] == "em"), key=lambda s: s["steps"], default=None)
    ode = max((s for s in runs if s["sampler"] == "ode"), key=lambda s: s["steps"], default=None)
    if em is None or ode is None:
        return ""
    return (
        f"; the sampler's limit is the model's: EM with {em['steps']} steps, mean FD "
        f"{em['mean']:.2f} ± {em['sd']:.2f}, and the probability-flow ODE with {ode['steps']} Heun "
        f"steps, {ode['mean']:.2f} ± {ode['sd']:.2f}, two different integrators of the same "
        f"score"
    )


def class_mix_chi2(counts: list[int], reference: list[int] | None) -> float:
    """Σ_c (n_c − h_c)² / h_c of class counts against reference counts of the same total."""
    if not reference:
        return float("nan")
    return sum((n - h) ** 2 / h for n, h in zip(counts, reference, strict=True) if h)


def sde_steps_verdict(summary: list[dict]) -> list[str]:
    """One sentence per sampler measured at two step counts (stopping at the default t = 10⁻³)
    over several seeds: is the change of the mean FD larger than twice its standard error?
    And the toy check, if it has been run."""
    lines = []
    default = [s for s in summary if s.get("t_min", 1e-3) == 1e-3 and s["sd"] is not None]
    for sampler in dict.fromkeys(s["sampler"] for s in default):
        steps = sorted((s for s in default if s["sampler"] == sampler), key=lambda s: s["steps"])
        if len(steps) < 2:
            continue
        for low, high in zip(steps[:-1], steps[1:], strict=True):
            error = (low["sd"] ** 2 / low["seeds"] + high["sd"] ** 2 / high["seeds"]) ** 0.5
            change = high["mean"] - low["mean"]
            within = abs(change) <= 2 * error
            lines.append(
                f"* {sampler.upper()}: {low['steps']} → {high['steps']} steps changes the mean FD "
                f"by {change:+.2f} (twice its standard error: {2 * error:.2f}) — "
                + ("within the metric's noise." if within else "larger than the metric's noise.")
            )
    if TOY_CONVERGENCE.exists():
        lines.append(toy_sentence(json.loads(TOY_CONVERGENCE.read_text())))
    return lines


def toy_sentence(toy: dict) -> str:
    """What sampler_convergence_toy.py found, per kind of score (exact, trained)."""
    parts = []
    for kind in dict.fromkeys(key.split("/")[0] for key in toy["verdict"]):
        verdicts = {k: v for k, v in toy["verdict"].items() if k.startswith(f"{kind}/")}
        worse = [k for k, v in verdicts.items() if v["worse_with_more_steps"]]
        off = [k for k, v in verdicts.items() if not v["at_1000_within_floor"]]
        parts.append(
            f"with the {kind} score, "
            + (f"worse beyond the floor: {', '.join(worse)}" if worse else "none gets worse")
            + (f", not within the floor at 1000 steps: {', '.join(off)}" if off else "")
            + ("" if off else ", all within the floor at 1000 steps")
        )
    return (
        f"* On a 2-D mixture of eight Gaussians whose score is known exactly "
        f"(`benchmarks/sampler_convergence_toy.py`; results/sampler_convergence_toy.png), EM, PC "
        f"and the probability-flow ODE under the VP and VE SDEs from 100 → 250 → 1000 steps, "
        f"MMD² to the true distribution against its noise floor "
        f"({toy['noise_floor']['floor']:.1e}, {toy['num_samples']} samples × {toy['seeds']} "
        f"seeds): " + "; ".join(parts) + "."
    )


def write_markdown(record: dict) -> None:
    """results/nfe_quality.md, atomically (a temporary file, then a rename)."""
    partial = RESULTS / "nfe_quality.md.partial"
    partial.write_text(markdown(record), encoding="utf-8")
    partial.replace(RESULTS / "nfe_quality.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--retrain", action="store_true", help="train every model again (to time the training)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1 is fastest on shared cores)"
    )
    parser.add_argument(
        "--markdown-only",
        action="store_true",
        help="sample nothing: re-write nfe_quality.md and .png from results/nfe_quality.json "
        "(and sde_steps_digits.json, sampler_convergence_toy.json)",
    )
    args = parser.parse_args()
    if args.markdown_only:
        record = json.loads((RESULTS / "nfe_quality.json").read_text())
        plot(record["nfe"]["rows"], RESULTS / "nfe_quality.png")
        write_markdown(record)
        return
    import torch

    torch.set_num_threads(args.threads)
    started, start = machine_info(), time.perf_counter()
    results = {"dataset": DATASET, "num_samples": NUM_SAMPLES, "nfe": run_nfe(args.retrain)}
    results["total_seconds"] = round(time.perf_counter() - start, 1)
    path = write_results("nfe_quality", results, started)
    plot(results["nfe"]["rows"], RESULTS / "nfe_quality.png")
    write_markdown(json.loads(path.read_text()))
    print(f"wrote {path}, nfe_quality.png, nfe_quality.md in {results['total_seconds']} s")


if __name__ == "__main__":
    main()
