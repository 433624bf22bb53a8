"""demos.pretrained: the weights shipped for every demo page's default model.

Tiny models stand in for the shipped ones where the mechanism is tested (built into a temporary
folder by the same ``build``); the real shipped set is checked for what it must cover, loaded,
and, in the slow test, every page is opened with its defaults on an empty cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch
from training_guard import refuse_training

import demos.pretrained as pretrained
from demos.cache import CONFIG_FILE, WEIGHTS_FILE, checkpoint_dir, config_hash
from demos.pretrained import model_origin, shipped_checkpoint
from demos.pretrained.build import build
from demos.registry import default_train_config
from demos.trained import find_checkpoint, load_or_train

torch.set_num_threads(1)
APP = Path(__file__).resolve().parents[1] / "demos" / "app" / "app.py"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("KB_CACHE_DIR", str(cache))
    monkeypatch.delenv("KB_DEMO_PRETRAINED", raising=False)
    monkeypatch.delenv("KB_DEMO_TINY", raising=False)
    return cache


def tiny_config(steps: int = 12):
    config = default_train_config("ddpm", "digits", steps, batch_size=16, diffusion_steps=50)
    config.net.width, config.net.time_dim = 8, 16
    return config


@pytest.fixture
def shipped_root(tmp_path, monkeypatch):
    """A shipped-weights folder holding one tiny model, made by ``build``; used as the real one."""
    root = tmp_path / "pretrained"
    root.mkdir()
    build(root, [tiny_config()], classifiers=False, progress=False, say=lambda _: None)
    monkeypatch.setattr(pretrained, "SHIPPED_DIR", root)
    return root


@pytest.fixture
def no_training(monkeypatch):
    return refuse_training(monkeypatch)


def spy_torch_load(monkeypatch) -> list[dict]:
    calls = []
    real = torch.load

    def load(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", load)
    return calls


# --- the mechanism, on a tiny model -----------------------------------------------------------


def test_build_writes_ema_weights_and_the_facts_of_the_run(shipped_root):
    config = tiny_config()
    folder = shipped_root / f"ddpm-digits-{config_hash(config)}"
    record = json.loads((folder / CONFIG_FILE).read_text())
    assert record["hash"] == config_hash(config) and record["config"] == config.to_dict()
    checksum = hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest()
    assert record["weights_sha256"] == checksum
    assert record["info"]["torch"] == torch.__version__ and record["info"]["seconds"] > 0
    weights = torch.load(folder / WEIGHTS_FILE, weights_only=True)
    assert set(weights) == {"ema"}  # the optimiser's copy stays home: half the size
    assert not list(shipped_root.glob(".*"))  # no staging folders left behind


def test_a_build_is_reproducible(shipped_root, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    build(again, [tiny_config()], classifiers=False, progress=False, say=lambda _: None)
    name = f"ddpm-digits-{config_hash(tiny_config())}"
    first = torch.load(shipped_root / name / WEIGHTS_FILE, weights_only=True)["ema"]
    second = torch.load(again / name / WEIGHTS_FILE, weights_only=True)["ema"]
    assert first.keys() == second.keys()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_shipped_weights_load_with_a_matching_hash_and_weights_only(
    shipped_root, no_training, monkeypatch
):
    loads = spy_torch_load(monkeypatch)
    trained = load_or_train(tiny_config(), progress=False)
    assert trained.directory.parent == shipped_root and no_training == []
    assert loads and all(call.get("weights_only") is True for call in loads)
    assert model_origin(trained).startswith("shipped with diffusion-kb (trained 12 steps on 20")


@pytest.mark.parametrize("damage", ["hash", "config", "weights", "unreadable"])
def test_shipped_weights_that_do_not_match_are_not_used(shipped_root, damage):
    config = tiny_config()
    folder = shipped_root / f"ddpm-digits-{config_hash(config)}"
    record = json.loads((folder / CONFIG_FILE).read_text())
    if damage == "hash":
        record["hash"] = "0" * 12
    elif damage == "config":  # the hash claims this config; the config stored is another
        record["config"]["lr"] *= 2
    if damage == "weights":
        with (folder / WEIGHTS_FILE).open("ab") as file:
            file.write(b"\0")
    elif damage == "unreadable":
        (folder / CONFIG_FILE).write_text("{not json")
    else:
        (folder / CONFIG_FILE).write_text(json.dumps(record))
    assert shipped_checkpoint(config) is None
    trained = load_or_train(config, progress=False)  # trains, as without shipped weights
    assert trained.directory == checkpoint_dir(config)
    assert model_origin(trained).startswith("trained here (12 steps on 20")


def test_another_config_never_gets_the_shipped_model(shipped_root):
    other = tiny_config(steps=13)
    assert shipped_checkpoint(other) is None and find_checkpoint(other) is None


def test_retrain_trains_afresh_and_the_cache_then_comes_first(shipped_root):
    config = tiny_config()
    assert find_checkpoint(config).parent == shipped_root
    retrained = load_or_train(config, retrain=True, progress=False)
    assert retrained.directory == checkpoint_dir(config)
    assert find_checkpoint(config) == checkpoint_dir(config)  # what "Retrain" made is kept
    assert load_or_train(config, progress=False).directory == checkpoint_dir(config)


def test_they_can_be_turned_off(shipped_root, monkeypatch):
    monkeypatch.setenv("KB_DEMO_PRETRAINED", "0")
    assert find_checkpoint(tiny_config()) is None


# --- the demo app says which model it shows ---------------------------------------------------


def open_ddim_page(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.switch_page("method_pages/ddim.py")
    at.query_params.update({"dataset": "digits", "n": "4", "steps": "5", **(query or {})})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def model_line(at) -> str:
    lines = [c.value for c in at.caption if c.value.startswith("Model")]
    assert len(lines) == 1, [c.value for c in at.caption]
    return lines[0]


def test_the_page_says_the_model_is_shipped_or_trained_here(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DEMO_TINY", "1")
    from demos.app.inputs import app_train_config

    root = tmp_path / "pretrained"
    root.mkdir()
    build(root, [app_train_config("ddim", "digits")], progress=False, say=lambda _: None)
    assert len(list(root.glob("classifier-digits-*.pt"))) == 1  # the metric's, shipped too
    monkeypatch.setattr(pretrained, "SHIPPED_DIR", root)
    at = open_ddim_page()
    line = model_line(at)
    assert line.startswith("Model: DDPM ε-model: shipped with diffusion-kb (trained 20 steps on ")
    assert [e.value for e in at.error] == []

    monkeypatch.setenv("KB_DEMO_PRETRAINED", "0")  # as on a machine without them
    at = open_ddim_page({"seed": "1"})
    assert "DDPM ε-model: trained here (20 steps on " in model_line(at)


# --- identical requests are computed once ------------------------------------------------------


def test_identical_sample_requests_are_computed_once(monkeypatch):
    import threading
    import time

    import demos.registry
    from demos.app.runs import sample_run
    from demos.cache import TrainedModel
    from demos.sample import SampleOptions, SampleResult

    config = tiny_config()
    trained = TrainedModel(config, config.build_net().eval(), None, {"created": "now"})
    calls = []

    def slow_draw(method, model, options):
        calls.append(options.seed)
        time.sleep(0.5)  # long enough for all visitors to arrive while it runs
        return SampleResult(torch.zeros(options.num_samples, 1, 8, 8), 5, 0.5)

    monkeypatch.setattr(demos.registry, "draw", slow_draw)
    options = SampleOptions(num_samples=4, steps=5, seed=12345)
    results = []

    def visitor():
        results.append(sample_run(trained, "ddim", options, evaluate=False))

    visitors = [threading.Thread(target=visitor) for _ in range(16)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join()
    assert calls == [12345] and len(results) == 16
    sample_run(trained, "ddim", SampleOptions(num_samples=4, steps=5, seed=54321), evaluate=False)
    assert calls == [12345, 54321]  # another seed is another request
