"""The trained model of a config: from the checkpoint cache, or trained now and cached.

:func:`load_or_train` is the one place that decides to train. It looks the trainer up in
:mod:`demos.registry` by ``config.method`` and stores the result with :mod:`demos.cache`, which
itself knows nothing of methods, so the imports run one way (trained → registry → sample →
cache).
"""

from __future__ import annotations

import time

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
from demos.registry import get_method
from demos.train import TrainConfig


def load_or_train(
    config: TrainConfig,
    *,
    retrain: bool = False,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> TrainedModel:
    """The cached model of ``config``, training (and caching) it first if needed.

    The trainer is looked up in :mod:`demos.registry` by ``config.method``.
    """
    device = torch.device(device) if device is not None else default_device()
    directory = checkpoint_dir(config)
    if (directory / CONFIG_FILE).exists() and not retrain:
        return load_checkpoint(directory, config, device)
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
