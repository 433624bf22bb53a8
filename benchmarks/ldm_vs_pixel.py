"""Latent vs pixel diffusion on 32×32 digits: compute per call, per sample, and to equal quality.

Rombach et al. (arXiv:2112.10752, §4.1, Fig. 6) claim that diffusing in an autoencoder's latent
space reaches a given sample quality with far less compute than diffusing in pixel space. Both
models here are class-conditional DDPMs (ε-prediction, linear schedule, 10 % label dropout) on
the same 32×32 digits, sampled by DDIM (η = 0) on the classes 0…9 in turn:

* **latent**: ``demos/ldm.py`` as the demo trains it: a KL autoencoder (f = 4, latents 8×8×4),
  then a UNet (width 32, levels (1, 2)) on the unit-variance latents;
* **pixel**: the DDPM demo's 32×32 UNet (width 32, levels (1, 2, 2)) on the images, batch 64.

FLOPs are counted by ``torch.utils.flop_counter`` for one call at batch 1. Training compute is
3 × forward FLOPs (forward + backward) per example seen, plus for the LDM its autoencoder's
training and the one encoding pass over the training set. Both models are evaluated along
training (EMA weights, DDIM-50, 360 samples: as many as the held-out split has), so the plot
shows quality against training compute for each. *Comparable quality* is a classifier FD
within 2× the data-vs-data FD, the bar the DDPM demo is held to; the table gives what each
model spent to get there. Run from the repository root (about 40 minutes on 2 cores):

    .venv/bin/python benchmarks/ldm_vs_pixel.py    # writes results/ldm_vs_pixel.{json,png,md}
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demos_machine import RESULTS, machine_info, write_results  # noqa: E402

DATASET = "digits32"
NUM_SAMPLES = 360  # the held-out split: the classifier FD compares at most this many
SAMPLE_STEPS = 50  # DDIM steps along training
SWEEP_STEPS = (10, 20, 50)  # DDIM steps for the trained models: sampling compute vs quality
PIXEL_STEPS = 4000
LDM_EVAL_AT = (125, 250, 500, 750, 1000, 1500)
PIXEL_EVAL_AT = (250, 500, 1000, 1500, 2000, 3000, 4000)
QUALITY_BAR = 2.0  # "comparable quality": classifier FD ≤ 2 × data vs data


def pixel_config(steps: int):
    from demos.train import default_config

    config = default_config("ddpm", DATASET, steps, batch_size=64, class_dropout=0.1)
    config.net.num_classes = 10
    return config


def flop_counts(ldm_config, pixel) -> dict[str, int]:
    """Forward FLOPs of one call at batch 1: latent UNet, pixel UNet, encoder, decoder."""
    import torch

    from demos.metrics import flops_per_call

    ldm = ldm_config.build_net()
    t, y = torch.zeros(1, dtype=torch.long), torch.zeros(1, dtype=torch.long)
    latent, image = torch.zeros(1, *ldm_config.latent_shape()), torch.zeros(1, 1, 32, 32)
    return {
        "latent": flops_per_call(ldm.unet, latent, t, y),
        "pixel": flops_per_call(pixel.build_net(), image, t, y),
        "encoder": flops_per_call(ldm.autoencoder.encoder, image),
        "decoder": flops_per_call(ldm.autoencoder.decoder, latent),
    }


def draw(kind: str, trained, steps: int, guidance: float = 0.0, labels=None):
    """``NUM_SAMPLES`` samples of classes 0…9 in turn (or ``labels``) by DDIM-``steps``."""
    import torch

    from demos.ldm import sample_ldm
    from demos.registry import get_method
    from demos.sample import SampleOptions

    if labels is None:
        labels = torch.arange(NUM_SAMPLES) % 10
    options = SampleOptions(
        num_samples=NUM_SAMPLES, steps=steps, labels=labels, guidance_scale=guidance, seed=0
    )
    sampler = sample_ldm if kind == "latent" else get_method("ddim").sample
    return sampler(trained, options)


def score(kind: str, trained, steps: int, guidance: float = 0.0, labels=None) -> dict:
    from demos.metrics import evaluate

    result = draw(kind, trained, steps, guidance, labels)
    report = evaluate(DATASET, result.samples)
    return {
        "classifier_fd": report.headline.value,
        "baseline": report.headline.baseline,
        "confidence": report.metrics[1].value,
        "ms_per_sample": 1000 * result.seconds / NUM_SAMPLES,
    }


def train_with_curve(
    kind: str, config, eval_at: tuple[int, ...], per_step_flops: float, flops_before: float
) -> tuple[object, list[dict]]:
    """Train ``config``, scoring the EMA model at the steps ``eval_at``; the curve's points
    carry training TFLOPs and training seconds (scoring time left out) up to that step."""
    from demos.cache import TrainedModel
    from demos.ldm import train_ldm
    from demos.train import train_ddpm

    curve: list[dict] = []
    start, scoring = time.perf_counter(), 0.0

    def on_step(step: int, ema) -> None:
        nonlocal scoring
        if step not in eval_at:
            return
        pause = time.perf_counter()
        point = score(kind, TrainedModel(config, ema.eval()), SAMPLE_STEPS)
        point |= {
            "step": step,
            "train_tflops": (flops_before + per_step_flops * step) / 1e12,
            "train_seconds": round(pause - start - scoring, 2),
        }
        curve.append(point)
        scoring += time.perf_counter() - pause
        print(f"{kind:>6} step {step:>5}: FD {point['classifier_fd']:.2f}", flush=True)

    trainer = train_ldm if kind == "latent" else train_ddpm
    result = trainer(config, "cpu", True, on_step)
    return TrainedModel(config, result.ema.eval(), info={"seconds": result.seconds}), curve


def first_at_bar(points: list[dict], bar: float) -> dict | None:
    """The first point (along training, or of a sweep by cost) with classifier FD ≤ ``bar``."""
    return next((p for p in points if p["classifier_fd"] <= bar), None)


def run(pixel_steps: int) -> dict:
    import torch

    from demos.data import load_dataset
    from demos.ldm import ldm_config

    latent_config, pixel = ldm_config(DATASET), pixel_config(pixel_steps)
    call = flop_counts(latent_config, pixel)
    o = latent_config.options
    train_images = len(load_dataset(DATASET).x)
    ae_flops = 3 * (call["encoder"] + call["decoder"]) * o["ae_batch_size"] * o["ae_steps"]
    ae_flops += call["encoder"] * train_images  # the one encoding pass
    models = {
        "latent": (
            latent_config,
            LDM_EVAL_AT,
            3 * call["latent"] * latent_config.batch_size,
            ae_flops,
        ),
        "pixel": (
            pixel,
            tuple(s for s in PIXEL_EVAL_AT if s <= pixel_steps) or (pixel_steps,),
            3 * call["pixel"] * pixel.batch_size,
            0.0,
        ),
    }
    record: dict = {"flops_per_call": call, "latent_shape": list(latent_config.latent_shape())}
    trained = {}
    for kind, (config, eval_at, per_step, before) in models.items():
        trained[kind], curve = train_with_curve(kind, config, eval_at, per_step, before)
        record[kind] = {"curve": curve, "train_seconds": round(trained[kind].info["seconds"], 2)}
    baseline = record["latent"]["curve"][-1]["baseline"]
    bar = QUALITY_BAR * baseline
    for kind in models:
        per_call = call[kind]
        decode = call["decoder"] if kind == "latent" else 0
        sweep = []
        for steps in SWEEP_STEPS:
            point = score(kind, trained[kind], steps)
            point |= {"steps": steps, "gflops_per_sample": (steps * per_call + decode) / 1e9}
            sweep.append(point)
        record[kind] |= {"sweep": sweep, "first_at_bar": first_at_bar(record[kind]["curve"], bar)}
        record[kind]["cheapest_sample_at_bar"] = first_at_bar(sweep, bar)
    none = torch.full((NUM_SAMPLES,), 10)  # the null class ∅: unconditional
    record["guidance"] = [{"w": "∅", **score("latent", trained["latent"], SAMPLE_STEPS, 0, none)}]
    for w in (0.0, 1.0, 3.0):
        record["guidance"].append({"w": w, **score("latent", trained["latent"], SAMPLE_STEPS, w)})
    record |= {"baseline": baseline, "bar": bar, "quality_bar": QUALITY_BAR}
    return record


def plot(record: dict, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), dpi=120)
    FigureCanvasAgg(fig)
    train_ax, sample_ax = fig.subplots(1, 2)
    for kind, colour in (("latent", "tab:blue"), ("pixel", "tab:red")):
        curve, sweep = record[kind]["curve"], record[kind]["sweep"]
        train_ax.plot(
            [p["train_tflops"] for p in curve],
            [p["classifier_fd"] for p in curve],
            "o-",
            color=colour,
            label=kind,
        )
        sample_ax.plot(
            [p["gflops_per_sample"] for p in sweep],
            [p["classifier_fd"] for p in sweep],
            "o-",
            color=colour,
            label=kind,
        )
        for p in sweep:
            sample_ax.annotate(
                f"{p['steps']}",
                (p["gflops_per_sample"], p["classifier_fd"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
    for ax in (train_ax, sample_ax):
        ax.axhline(record["bar"], color="0.3", ls=":", label=f"{QUALITY_BAR:g}× data vs data")
        ax.axhline(record["baseline"], color="0.6", ls="--", label="data vs data")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylabel("classifier FD (lower is better)")
        ax.legend(fontsize=7)
    train_ax.set_xlabel("training TFLOPs (EMA model, DDIM-50)")
    train_ax.set_title("quality along training", fontsize=10)
    sample_ax.set_xlabel("GFLOPs per sample (trained models; DDIM steps marked)")
    sample_ax.set_title("quality against sampling compute", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)


def markdown(record: dict) -> str:
    machine, call = record["machine"], record["flops_per_call"]
    bar = record["bar"]
    lines = [
        "# Latent vs pixel diffusion (32×32 digits)",
        "",
        f"`{record['command']}` — {record['date']}, {machine['cpu_count']} CPU cores, "
        f"{machine['torch_threads']} torch threads (load average {machine['load_average_1_5_15']}"
        f" at the start, {record['load_average_at_end']} at the end), torch {machine['torch']}.",
        "",
        f"Comparable quality: classifier FD ≤ {bar:.1f} ({record['quality_bar']:g}× the "
        f"data-vs-data FD {record['baseline']:.1f}, {NUM_SAMPLES} samples). Training compute is "
        "counted to the first evaluation at that quality; sampling compute is DDIM-50 per sample "
        "(the LDM's includes one decoder call).",
        "",
        "| model | GFLOPs / call | GFLOPs / sample | ms / sample | training TFLOPs to the bar "
        "| training s to the bar | final FD |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("latent", "pixel"):
        r = record[kind]
        at50 = next(p for p in r["sweep"] if p["steps"] == 50)
        hit = r["first_at_bar"]
        reached = (
            f"{hit['train_tflops']:.1f} (step {hit['step']}) | {hit['train_seconds']}"
            if hit
            else f"not reached in {r['curve'][-1]['train_tflops']:.1f} | —"
        )
        lines.append(
            f"| {kind} | {call[kind] / 1e9:.4f} | {at50['gflops_per_sample']:.3f} | "
            f"{at50['ms_per_sample']:.2f} | {reached} | {r['curve'][-1]['classifier_fd']:.2f} |"
        )
    lines += [
        "",
        "Quality along training (EMA weights, DDIM-50):",
        "",
        "| model | step | training TFLOPs | training s | classifier FD | confidence |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in ("latent", "pixel"):
        lines += [
            f"| {kind} | {p['step']} | {p['train_tflops']:.2f} | {p['train_seconds']} | "
            f"{p['classifier_fd']:.2f} | {p['confidence']:.3f} |"
            for p in record[kind]["curve"]
        ]
    lines += [
        "",
        "Sampling compute against quality (trained models):",
        "",
        "| model | DDIM steps | GFLOPs / sample | ms / sample | classifier FD |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in ("latent", "pixel"):
        lines += [
            f"| {kind} | {p['steps']} | {p['gflops_per_sample']:.3f} | "
            f"{p['ms_per_sample']:.2f} | {p['classifier_fd']:.2f} |"
            for p in record[kind]["sweep"]
        ]
    lines += [
        "",
        "Classifier-free guidance on the LDM (DDIM-50; w > 0 costs two UNet calls per step):",
        "",
        "| w | classifier FD | confidence |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {g['w']} | {g['classifier_fd']:.2f} | {g['confidence']:.3f} |"
        for g in record["guidance"]
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pixel-steps",
        type=int,
        default=PIXEL_STEPS,
        help=f"training steps of the pixel model (default {PIXEL_STEPS})",
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    started, start = machine_info(), time.perf_counter()
    record = run(args.pixel_steps)
    record["total_seconds"] = round(time.perf_counter() - start, 1)
    path = write_results("ldm_vs_pixel", record, started)
    plot(record, RESULTS / "ldm_vs_pixel.png")
    (RESULTS / "ldm_vs_pixel.md").write_text(markdown(json.loads(path.read_text())))
    print(f"wrote {path}, ldm_vs_pixel.png, ldm_vs_pixel.md in {record['total_seconds']} s")


if __name__ == "__main__":
    main()
