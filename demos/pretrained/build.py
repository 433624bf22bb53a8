"""Make the shipped weights: train every demo page's default model with the project's own code.

``python -m demos.pretrained build`` trains, in a fresh temporary cache and with the shipped
weights turned off, the model each page shows with its default settings (:data:`PAGE_MODELS`),
and with it every model it is trained from (a distillation's teacher and earlier students, the
flow a reflow straightens). Every config carries its seed, and :mod:`demos.train` draws all
randomness from it, so a rebuild on the same torch version gives the same models. Then each
checkpoint's EMA weights go to ``demos/pretrained/<method>-<dataset>-<hash>/`` with a
``config.json`` (config, hash, SHA-256 of the weights, seconds, final loss, date, torch), each
folder written beside its place and renamed into it; so are the quality metric's digit
classifiers of those datasets. What no page needs any more is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

from demos.cache import CONFIG_FILE, WEIGHTS_FILE, cache_root, config_hash
from demos.data import DIGIT_SIZES
from demos.pretrained import SHIPPED_DIR, file_sha256
from demos.train import TrainConfig

# (method, dataset, options): the model a page samples with its default settings, as
# demos.app.inputs.app_train_config makes it (the core's defaults). tests/test_demos_shipped.py
# opens every page with its defaults and fails if it would train anything not shipped.
PAGE_MODELS: tuple[tuple[str, str, dict[str, int]], ...] = (  # options: overrides, steps too
    ("ddpm", "digits", {}),  # /ddpm and /ddim
    ("score-sde", "swiss-roll", {}),  # /score-sde (predictor–corrector, VP)
    ("flow-matching", "swiss-roll", {}),  # /flow-matching, both models it compares: its one
    ("reflow", "swiss-roll", {"steps": 3000}),  # "Training steps" sets both, the flow's default
    ("consistency", "digits", {}),  # /consistency-models, + its DDPM teacher
    ("distill", "digits", {"student_steps": 4}),  # /progressive-distillation: + the same
    # teacher and the 8-step student
    ("ldm", "digits32", {}),  # /ldm (the autoencoder is part of its checkpoint)
)


def page_configs() -> list[TrainConfig]:
    """The configs of :data:`PAGE_MODELS`."""
    from demos.registry import default_train_config

    return [default_train_config(m, dataset, **options) for m, dataset, options in PAGE_MODELS]


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def ship(checkpoint: Path, out_dir: Path) -> Path:
    """Copy one cached checkpoint's EMA weights and facts into ``out_dir/<its name>/``."""
    record = json.loads((checkpoint / CONFIG_FILE).read_text(encoding="utf-8"))
    config = TrainConfig.from_dict(record["config"])
    weights = torch.load(checkpoint / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    target = out_dir / checkpoint.name
    staging = out_dir / f".{checkpoint.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    torch.save({"ema": weights["ema"]}, staging / WEIGHTS_FILE)
    info = {key: value for key, value in record["info"].items() if key != "device"}
    shipped = {
        "config": record["config"],
        "hash": config_hash(config),
        "weights_sha256": file_sha256(staging / WEIGHTS_FILE),
        "info": info,
    }
    (staging / CONFIG_FILE).write_text(json.dumps(shipped, indent=2, sort_keys=True) + "\n")
    old = out_dir / f".{checkpoint.name}.old"
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def ship_classifier(dataset: str, out_dir: Path) -> Path:
    """Train the metric's digit classifier of ``dataset`` afresh and put it in ``out_dir``."""
    from demos.digit_classifier import classifier_file_name, load_or_train_classifier

    with tempfile.TemporaryDirectory(prefix="kb-classifier-") as tmp:
        with _environment(KB_DEMO_PRETRAINED="0"):  # trained afresh, not copied from the last build
            load_or_train_classifier(dataset, cache=Path(tmp))
        name = classifier_file_name(dataset)
        target = out_dir / name
        shutil.copyfile(Path(tmp) / name, out_dir / f".{name}.tmp")
        (out_dir / f".{name}.tmp").replace(target)
    return target


def build(
    out_dir: Path = SHIPPED_DIR,
    configs: list[TrainConfig] | None = None,
    *,
    classifiers: bool = True,
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> list[Path]:
    """Train ``configs`` (default: :func:`page_configs`) from scratch and ship them all, with
    the metric's classifiers of their image datasets (unless ``classifiers`` is False). A full
    build (no ``configs``) also removes what no page uses any more."""
    from demos.trained import load_or_train

    every_page = configs is None  # only a full build knows what no page needs any more
    configs = page_configs() if configs is None else configs
    shipped: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kb-pretrained-") as tmp:
        with _environment(KB_CACHE_DIR=tmp, KB_DEMO_PRETRAINED="0"):
            for number, config in enumerate(configs, 1):
                say(
                    f"[{number}/{len(configs)}] {config.method} on {config.dataset}, "
                    f"{config.steps} steps (and the models it is trained from) …"
                )
                started = time.perf_counter()
                load_or_train(config, progress=progress, device="cpu")
                say(f"      done in {time.perf_counter() - started:.0f} s")
                # ship as we go: an interrupted build keeps what it finished
                for checkpoint in sorted(cache_root().iterdir()):
                    done = out_dir / checkpoint.name
                    if (checkpoint / CONFIG_FILE).is_file() and done not in shipped:
                        shipped.append(ship(checkpoint, out_dir))
    image_sets = sorted({c.dataset for c in configs if c.dataset in DIGIT_SIZES and classifiers})
    shipped += [ship_classifier(dataset, out_dir) for dataset in image_sets]
    for stale in sorted(out_dir.iterdir()) if every_page else ():
        model = stale.is_dir() and (stale / CONFIG_FILE).is_file()
        classifier = classifiers and stale.name.startswith("classifier-")
        if (model or classifier) and stale not in shipped:
            shutil.rmtree(stale) if model else stale.unlink()
            say(f"removed {stale.name} (no page uses it any more)")
    total = sum(f.stat().st_size for p in shipped for f in ([p] if p.is_file() else p.iterdir()))
    say(f"shipped {len(shipped)} models, {total / 1e6:.1f} MB, in {out_dir}")
    return shipped
