"""The cache of trained demo models: each configuration trains once, then loads in a second.

A checkpoint is a folder ``<cache>/<method>-<dataset>-<hash>/`` keyed by a hash of the
:class:`~demos.train.TrainConfig`, holding

* ``weights.pt`` — ``{"model": state_dict, "ema": state_dict}``, tensors only, read back with
  ``torch.load(..., weights_only=True)`` (no pickled code is ever executed), and
* ``config.json`` — the config, its hash and facts about the run (seconds, final loss, device).

``<cache>`` is ``$KB_CACHE_DIR/demos`` if that variable is set (tests point it at a temporary
folder), else ``platformdirs.user_cache_dir("diffusion-kb")/demos``. A file that is corrupted,
or whose config or tensors do not match, raises :class:`~demos.errors.CheckpointError` naming
the command that retrains it.

This module stores and reads checkpoints; :mod:`demos.trained` decides when to train one (it
looks the trainer up in :mod:`demos.registry`), so the imports run one way: registry → sample →
cache, and trained → registry, cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from demos.ddpm import NoiseSchedule
from demos.errors import CheckpointError
from demos.train import TrainConfig

WEIGHTS_FILE = "weights.pt"
CONFIG_FILE = "config.json"


def cache_root() -> Path:
    """``$KB_CACHE_DIR/demos``, or the user cache dir of diffusion-kb plus ``/demos``."""
    override = os.environ.get("KB_CACHE_DIR")
    if override:
        return Path(override) / "demos"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("diffusion-kb")) / "demos"


def config_hash(config: TrainConfig) -> str:
    """12 hex digits of the SHA-256 of the config's canonical JSON."""
    text = json.dumps(config.to_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def checkpoint_dir(config: TrainConfig) -> Path:
    return cache_root() / f"{config.method}-{config.dataset}-{config_hash(config)}"


def retrain_command(config: TrainConfig) -> str:
    return (
        f"retrain with: kb demo train {config.method} --dataset {config.dataset} "
        f"--steps {config.steps} --retrain"
    )


@dataclass
class TrainedModel:
    """A trained denoiser ready to sample: the EMA weights in eval mode, on ``device``."""

    config: TrainConfig
    net: nn.Module
    directory: Path | None = None
    info: dict[str, Any] = field(default_factory=dict)  # seconds, final_loss, device …

    @property
    def schedule(self) -> NoiseSchedule:
        return self.config.noise_schedule()


def save_checkpoint(
    directory: Path, config: TrainConfig, model: nn.Module, ema: nn.Module, info: dict[str, Any]
) -> Path:
    """Write ``weights.pt`` and ``config.json`` into ``directory`` (atomically, file by file)."""
    directory.mkdir(parents=True, exist_ok=True)
    weights = {"model": model.state_dict(), "ema": ema.state_dict()}
    tmp = directory / (WEIGHTS_FILE + ".tmp")
    torch.save(weights, tmp)
    tmp.replace(directory / WEIGHTS_FILE)
    record = {"config": config.to_dict(), "hash": config_hash(config), "info": info}
    tmp = directory / (CONFIG_FILE + ".tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True))
    tmp.replace(directory / CONFIG_FILE)
    return directory


def load_checkpoint(
    directory: Path, config: TrainConfig, device: torch.device | str = "cpu"
) -> TrainedModel:
    """Rebuild ``config``'s net from ``directory`` with the EMA weights; checks every file."""
    hint = retrain_command(config)
    config_path, weights_path = directory / CONFIG_FILE, directory / WEIGHTS_FILE
    try:
        record = json.loads(config_path.read_text())
        stored = TrainConfig.from_dict(record["config"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"unreadable checkpoint config ({exc})", path=str(config_path), retrain_hint=hint
        ) from exc
    if stored.to_dict() != config.to_dict():
        raise CheckpointError(
            "checkpoint was trained with a different config",
            path=str(config_path),
            retrain_hint=hint,
        )
    try:
        weights = torch.load(weights_path, map_location=device, weights_only=True)
        net = config.build_net().to(device)
        net.load_state_dict(weights["ema"])
    except FileNotFoundError as exc:
        raise CheckpointError(
            "checkpoint weights are missing", path=str(weights_path), retrain_hint=hint
        ) from exc
    except Exception as exc:  # torch raises many types for a bad file; all mean "retrain"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"corrupted or mismatched checkpoint ({reason})",
            path=str(weights_path),
            retrain_hint=hint,
        ) from exc
    return TrainedModel(config, net.eval(), directory, record.get("info", {}))


def default_device() -> torch.device:
    """CUDA when present, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def loss_curve(losses: list[float], points: int = 200) -> list[list[float]]:
    """``[[step, mean loss], …]``: the loss averaged over at most ``points`` equal windows.

    Stored in ``config.json`` so the app can plot training without keeping every step.
    """
    if not losses:
        return []
    window = max(1, -(-len(losses) // points))  # ceil(len / points)
    curve = []
    for start in range(0, len(losses), window):
        chunk = losses[start : start + window]
        curve.append([start + len(chunk), sum(chunk) / len(chunk)])  # step at the window end
    return curve
