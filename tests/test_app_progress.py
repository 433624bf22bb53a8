"""What the app's progress bar and loss plot rely on: training reports every step to whoever
watches it, and each checkpoint keeps a downsampled loss curve."""

from __future__ import annotations

import torch

from demos.cache import loss_curve
from demos.train import default_config, train_ddpm, watch_progress
from demos.trained import load_or_train


def test_every_step_of_every_fit_is_reported_to_the_watchers():
    torch.set_num_threads(1)
    config = default_config("ddpm", "moons", steps=7, batch_size=16)
    config.net.width = 16
    seen: list[tuple[int, int, float]] = []
    with watch_progress(lambda step, total, loss: seen.append((step, total, loss))):
        result = train_ddpm(config, progress=False)
    assert [(s, t) for s, t, _ in seen] == [(i, 7) for i in range(1, 8)]
    assert [loss for _, _, loss in seen] == result.losses
    train_ddpm(config, progress=False)  # outside the block nobody is told
    assert len(seen) == 7


def test_the_loss_curve_averages_equal_windows():
    losses = [float(i) for i in range(10)]
    # windows of ceil(10 / 4) = 3: [0, 1, 2], [3, 4, 5], [6, 7, 8], [9]
    assert loss_curve(losses, points=4) == [[3, 1.0], [6, 4.0], [9, 7.0], [10, 9.0]]
    assert loss_curve(losses, points=200) == [[i + 1, float(i)] for i in range(10)]
    assert loss_curve([]) == []


def test_a_checkpoint_stores_its_loss_curve(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    config = default_config("ddpm", "moons", steps=5, batch_size=16)
    config.net.width = 16
    trained = load_or_train(config, progress=False)
    steps = [step for step, _ in trained.info["loss_curve"]]
    assert steps == [1, 2, 3, 4, 5]
    again = load_or_train(config)  # from disk
    assert again.info["loss_curve"] == trained.info["loss_curve"]
