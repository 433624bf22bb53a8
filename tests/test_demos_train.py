"""demos.train, demos.cache, demos.registry, demos.sample: training once, caching, sampling."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch import nn

from demos.cache import checkpoint_dir, config_hash, load_checkpoint
from demos.errors import CheckpointError, DemoError
from demos.guidance import guided_denoiser
from demos.nets import NetConfig
from demos.registry import METHODS, Method, default_train_config, get_method, register
from demos.sample import SampleOptions
from demos.train import TrainConfig, ema_update, learning_rate_schedule, train_ddpm
from demos.trained import load_or_train

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    return tmp_path


def tiny(dataset: str = "moons", steps: int = 15) -> TrainConfig:
    config = default_train_config("ddpm", dataset, steps, batch_size=32, diffusion_steps=50)
    config.net = (
        NetConfig("mlp", width=16, depth=2, time_dim=8)
        if dataset == "moons"
        else NetConfig("unet", width=8, depth=1, channel_mults=(1, 2))
    )
    return config


def test_ema_update_is_a_moving_average():
    model, ema = nn.Linear(2, 1), nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        ema.weight.fill_(0.0)
    ema_update(ema, model, 0.9)
    assert torch.allclose(ema.weight, torch.full_like(ema.weight, 0.1))
    ema_update(ema, model, 0.9)
    assert torch.allclose(ema.weight, torch.full_like(ema.weight, 0.1 * 0.9 + 0.1))


def test_cosine_learning_rate_decays_to_zero():
    config = tiny(steps=10)
    config.lr = 0.5
    optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=config.lr)
    scheduler = learning_rate_schedule(optimizer, config)
    for k in range(11):
        expected = 0.5 * 0.5 * (1 + math.cos(math.pi * k / 10))
        assert optimizer.param_groups[0]["lr"] == pytest.approx(expected, abs=1e-12)
        optimizer.step()
        scheduler.step()
    config.lr_schedule = "constant"
    assert learning_rate_schedule(optimizer, config).get_last_lr() == [0.5]


def test_training_is_deterministic_on_cpu_and_learns():
    config = tiny(steps=40)
    a = train_ddpm(config, progress=False)
    b = train_ddpm(config, progress=False)
    for (name, p), q in zip(a.ema.state_dict().items(), b.ema.state_dict().values(), strict=True):
        assert torch.equal(p, q), name
    assert len(a.losses) == 40 and sum(a.losses[-10:]) < sum(a.losses[:10])


def test_config_round_trips_and_hash_tracks_changes():
    config = tiny()
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    other = tiny()
    other.lr *= 2
    assert config_hash(config) == config_hash(tiny()) != config_hash(other)


def test_a_model_trains_once_then_loads_from_the_cache(cache, monkeypatch):
    config = tiny()
    first = load_or_train(config, progress=False)
    directory = checkpoint_dir(config)
    assert directory.parent == cache / "demos" and (directory / "weights.pt").exists()
    record = json.loads((directory / "config.json").read_text())
    assert record["config"] == config.to_dict() and record["hash"] == config_hash(config)
    weights = torch.load(directory / "weights.pt", weights_only=True)
    assert set(weights) == {"model", "ema"}

    def no_training(*args, **kwargs):
        raise AssertionError("should load, not train")

    monkeypatch.setitem(
        METHODS, "ddpm", Method("ddpm", "", "", "ddpm", no_training, get_method("ddpm").sample)
    )
    second = load_or_train(config, progress=False)
    x = torch.randn(4, 2)
    assert torch.equal(first.net(x, 3), second.net(x, 3))


def test_bad_checkpoints_give_a_clear_error_with_the_retrain_command():
    config = tiny()
    load_or_train(config, progress=False)
    directory = checkpoint_dir(config)
    good = (directory / "weights.pt").read_bytes()
    (directory / "weights.pt").write_bytes(good[: len(good) // 3])  # truncated
    with pytest.raises(CheckpointError, match="corrupted.*retrain with: kb demo train ddpm"):
        load_checkpoint(directory, config)
    bigger = tiny()
    bigger.net.width = 32  # same folder, tensors of the wrong shape
    (directory / "weights.pt").write_bytes(good)
    with pytest.raises(CheckpointError, match="different config"):
        load_checkpoint(directory, bigger)
    record = json.loads((directory / "config.json").read_text())
    record["config"] = bigger.to_dict()
    (directory / "config.json").write_text(json.dumps(record))
    with pytest.raises(CheckpointError, match="mismatched"):
        load_checkpoint(directory, bigger)
    (directory / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_or_train(config, progress=False)
    assert load_or_train(config, retrain=True, progress=False).net is not None  # retrain fixes


def test_registry_dispatches_and_accepts_new_methods():
    assert {"ddpm", "ddim"} <= set(METHODS)
    assert get_method("ddim").model_method == "ddpm" and get_method("ddim").train is None
    assert default_train_config("ddim", "moons").method == "ddpm"
    with pytest.raises(DemoError, match="unknown method"):
        get_method("gan")
    toy = register(Method("toy", "a test method", "", "ddpm", None, lambda trained, o: None))
    try:
        assert get_method("toy") is toy
    finally:
        METHODS.pop("toy")


@pytest.mark.parametrize("dataset", ["moons", "digits"])
def test_samplers_through_the_registry(dataset):
    trained = load_or_train(tiny(dataset, steps=5), progress=False)
    shape = (6, 2) if dataset == "moons" else (6, 1, 8, 8)
    ddpm = get_method("ddpm").sample(trained, SampleOptions(num_samples=6))
    assert ddpm.samples.shape == shape and ddpm.nfe == 50
    ddim = get_method("ddim").sample(
        trained, SampleOptions(num_samples=6, steps=5, eta=0.5, return_trajectory=True)
    )
    assert ddim.nfe == 5 and ddim.trajectory.shape == (6, *shape)
    assert torch.equal(ddim.samples, ddim.trajectory[-1])
    again = get_method("ddim").sample(trained, SampleOptions(num_samples=6, steps=5, eta=0.5))
    assert torch.equal(again.samples, ddim.samples)  # seeded
    with pytest.raises(DemoError, match="all T"):
        get_method("ddpm").sample(trained, SampleOptions(steps=10))


def test_classifier_free_guidance_is_eq_6():
    def model(x, t, y):  # ε_θ(x, c) = x · (c + 1): ∅ = class 5 gives 6x
        return x * (y.to(x.dtype)[:, None] + 1)

    x, t, y = torch.ones(3, 2), torch.zeros(3, dtype=torch.long), torch.tensor([0, 1, 2])
    out = guided_denoiser(model, y, 2.0, null_class=5)(x, t)
    expected = (1 + 2.0) * x * (y[:, None] + 1) - 2.0 * x * 6
    assert torch.allclose(out, expected)


def test_conditional_training_with_label_dropout():
    config = tiny("digits", steps=3)
    config.net.num_classes, config.class_dropout = 10, 0.2
    trained = load_or_train(config, progress=False)
    labels = torch.arange(4)
    result = get_method("ddim").sample(
        trained, SampleOptions(num_samples=4, steps=3, labels=labels, guidance_scale=1.0)
    )
    assert result.samples.shape == (4, 1, 8, 8)
