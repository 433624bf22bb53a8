"""The trained model of a config: from the checkpoint cache, the shipped weights, or trained now.

:func:`load_or_train` is the one place that decides to train. It looks the trainer up in
:mod:`demos.registry` by ``config.method`` and stores the result with :mod:`demos.cache`, which
itself knows nothing of methods, so the imports run one way (trained → registry → sample →
cache).

Where a model is looked for (:func:`find_checkpoint`): the user's checkpoint cache first, then
the weights shipped with diffusion-kb (:mod:`demos.pretrained`). The cache comes first because
it holds what "Retrain" made: a visitor who retrained the default model keeps seeing theirs,
not the shipped one. Both are keyed by the same config hash, so either is a model of exactly
this config. ``retrain=True`` skips both and trains afresh into the cache.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import torch

from demos.cache import (
    CONFIG_FILE,
    TrainedModel,
    checkpoint_dir,
    default_device,
    load_checkpoint,
    loss_curve,
    save_checkpoint,
)
from demos.errors import CheckpointError
from demos.pretrained import is_shipped, shipped_checkpoint
from demos.registry import get_method
from demos.train import TrainConfig

log = logging.getLogger("demos.trained")


def find_checkpoint(config: TrainConfig) -> Path | None:
    """The folder holding ``config``'s model — the user's cache, else the shipped weights — or
    None when it has to be trained."""
    directory = checkpoint_dir(config)
    if (directory / CONFIG_FILE).exists():
        return directory
    return shipped_checkpoint(config)


def load_or_train(
    config: TrainConfig,
    *,
    retrain: bool = False,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> TrainedModel:
    """The model of ``config`` (cached or shipped), training (and caching) it first if needed.

    The trainer is looked up in :mod:`demos.registry` by ``config.method``.
    """
    device = torch.device(device) if device is not None else default_device()
    directory = checkpoint_dir(config)
    found = None if retrain else find_checkpoint(config)
    if found is not None and not is_shipped(found):
        return load_checkpoint(found, config, device)
    if found is not None:
        try:
            return load_checkpoint(found, config, device)
        except CheckpointError as exc:  # e.g. the net's code changed since: train, as without
            log.warning("not using the shipped weights in %s: %s", found, exc)
    method = get_method(config.method)
    if method.train is None:
        raise CheckpointError(f"method {config.method!r} has no trainer of its own")
    result = method.train(config, device, progress)
    info = {
        "seconds": round(result.seconds, 2),
        "final_loss": result.losses[-1],
        "loss_curve": loss_curve(result.losses),
        "device": str(device),
        "torch": torch.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    save_checkpoint(directory, config, result.model, result.ema, info)
    return TrainedModel(config, result.ema.eval(), directory, info)
