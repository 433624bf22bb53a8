"""Weights shipped with diffusion-kb: the model each demo page shows with its default settings.

Without them a fresh clone trains before its first picture (the DDPM digits model takes minutes
on 2 cores). With them the default page of every method loads a model in a second; other
settings, and "Retrain", still train here, as before.

Each model lives in ``demos/pretrained/<method>-<dataset>-<hash>/``, named as in the checkpoint
cache (:mod:`demos.cache`), with

* ``weights.pt`` — ``{"ema": state_dict}``, the EMA weights the samplers use, read with
  ``torch.load(..., weights_only=True)``;
* ``config.json`` — the :class:`~demos.train.TrainConfig`, its hash, the SHA-256 of
  ``weights.pt`` and facts about the run (seconds, final loss, date, torch version).

Beside them, ``classifier-<dataset>-<hash>.pt``: the small digit classifier whose features the
quality metric uses (:mod:`demos.digit_classifier`), which a page would otherwise train before
it can report on its first samples.

:func:`shipped_checkpoint` hands a folder out only if everything agrees: the hash of the config
asked for, the hash stored, the hash of the stored config, and the weights' checksum. Anything
else — a config changed in the code since the weights were made, a damaged file — means the
weights are not used and the model trains as it would without them: never a wrong model.

``KB_DEMO_PRETRAINED=0`` turns them off. ``python -m demos.pretrained build`` makes them all
again with the project's own training code (:mod:`demos.pretrained.build`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

from demos.cache import CONFIG_FILE, WEIGHTS_FILE, TrainedModel, config_hash
from demos.train import TrainConfig

SHIPPED_DIR = Path(__file__).resolve().parent
log = logging.getLogger("demos.pretrained")


def enabled() -> bool:
    """False when ``KB_DEMO_PRETRAINED`` is 0, false, no or off."""
    value = os.environ.get("KB_DEMO_PRETRAINED", "").strip().lower()
    return value not in ("0", "false", "no", "off")


def shipped_dir(config: TrainConfig, root: Path | None = None) -> Path:
    """Where the shipped weights of ``config`` would be (whether or not they are)."""
    return (root or SHIPPED_DIR) / f"{config.method}-{config.dataset}-{config_hash(config)}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_checkpoint(config: TrainConfig, root: Path | None = None) -> Path | None:
    """The folder of ``config``'s shipped weights if they exist and check out, else None."""
    if not enabled():
        return None
    directory = shipped_dir(config, root)
    weights = directory / WEIGHTS_FILE
    if not (directory / CONFIG_FILE).is_file() or not weights.is_file():
        return None
    state = tuple(
        (s.st_mtime_ns, s.st_size) for s in (weights.stat(), (directory / CONFIG_FILE).stat())
    )
    return None if _verify(str(directory), config_hash(config), state) else directory


@lru_cache(maxsize=64)
def _verify(directory: str, wanted_hash: str, state: tuple) -> str | None:
    """Why the shipped folder does not hold ``wanted_hash``'s model, or None if it does.

    Cached per state of both files (mtime, size), so a page run does not re-hash the weights
    (and a mismatch is logged once).
    """
    problem = _problem(Path(directory), wanted_hash)
    if problem:
        log.warning("not using the shipped weights in %s: %s", directory, problem)
    return problem


def _problem(folder: Path, wanted_hash: str) -> str | None:
    try:
        record = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        stored = TrainConfig.from_dict(record["config"])
        stored_hash, checksum = record["hash"], record["weights_sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable {CONFIG_FILE} ({exc})"
    if stored_hash != wanted_hash:
        return f"it holds config {stored_hash}, not {wanted_hash}"
    if config_hash(stored) != wanted_hash:
        return f"its config hashes to {config_hash(stored)}, not the {wanted_hash} it claims"
    if file_sha256(folder / WEIGHTS_FILE) != checksum:
        return f"{WEIGHTS_FILE} does not match its SHA-256 in {CONFIG_FILE}"
    return None


def shipped_file(name: str) -> Path | None:
    """A shipped file other than a model — the metric's digit classifiers, named by the hash of
    their config — or None (missing, or shipped weights turned off)."""
    path = SHIPPED_DIR / name
    return path if enabled() and path.is_file() else None


def is_shipped(directory: Path | None) -> bool:
    """Whether a checkpoint folder is one of the shipped ones."""
    return directory is not None and directory.resolve().parent == SHIPPED_DIR.resolve()


def model_origin(trained: TrainedModel) -> str:
    """Where a model comes from, for the page: ``shipped with diffusion-kb (trained 2,000 steps
    on 2026-12-01)`` or ``trained here (2,000 steps on 2026-12-01, 148 s)``."""
    steps, info = trained.config.steps, trained.info
    date = str(info.get("created", ""))[:10] or "an unknown date"
    if is_shipped(trained.directory):
        return f"shipped with diffusion-kb (trained {steps:,} steps on {date})"
    seconds = info.get("seconds")
    took = f", {float(seconds):.0f} s" if isinstance(seconds, int | float) else ""
    return f"trained here ({steps:,} steps on {date}{took})"
