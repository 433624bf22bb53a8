"""The weights shipped in demos/pretrained/: every demo page's default model is there, checks out,
and loads without training; in the slow test every page opens with its defaults on an empty
cache and says its models are shipped.

(The mechanism — hash checks, fallback, "Retrain", the page's model line — is tested on tiny
models in test_demos_pretrained.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from training_guard import refuse_training

import demos.pretrained as pretrained
from demos.app.routes import ROUTES
from demos.cache import CONFIG_FILE, config_hash
from demos.pretrained import model_origin, shipped_checkpoint
from demos.pretrained.build import PAGE_MODELS, page_configs
from demos.trained import load_or_train

torch.set_num_threads(1)
APP = Path(__file__).resolve().parents[1] / "demos" / "app" / "app.py"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KB_DEMO_PRETRAINED", raising=False)
    monkeypatch.delenv("KB_DEMO_TINY", raising=False)


@pytest.fixture
def no_training(monkeypatch):
    return refuse_training(monkeypatch)


def test_every_page_default_model_and_its_chain_is_shipped_and_checks_out():
    folders = {config_hash(c): shipped_checkpoint(c) for c in page_configs()}
    assert None not in folders.values(), [h for h, f in folders.items() if f is None]
    names = {f.name for f in pretrained.SHIPPED_DIR.iterdir() if (f / CONFIG_FILE).is_file()}
    # a distillation student's teacher and the 8-step student, reflow's flow: shipped too
    assert {n.split("-digits-")[0] for n in names if "-digits-" in n} >= {"ddpm", "distill"}
    assert sum(1 for n in names if n.startswith("ddpm-digits-")) == 2  # ε-model and v-teacher


def test_the_shipped_weights_stay_under_50_mb():
    total = sum(f.stat().st_size for f in pretrained.SHIPPED_DIR.rglob("*") if f.is_file())
    assert total < 50e6


@pytest.mark.parametrize("config", page_configs(), ids=[f"{m}-{d}" for m, d, _ in PAGE_MODELS])
def test_each_shipped_model_loads_without_training(config, no_training):
    trained = load_or_train(config, progress=False, device="cpu")
    assert no_training == [] and pretrained.is_shipped(trained.directory)
    assert model_origin(trained).startswith("shipped with diffusion-kb (trained ")


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted({r.script for r in ROUTES}))
def test_every_page_opens_with_its_defaults_on_shipped_models_alone(script, no_training):
    """A fresh clone, an empty cache: each page shows its default run without training."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    at.switch_page(script)
    at.run()
    assert not at.exception and [e.value for e in at.error] == [], script
    assert [m.value for m in at.metric if m.label == "NFE"], f"{script} drew no samples"
    lines = [c.value for c in at.caption if c.value.startswith("Model")]
    assert len(lines) == 1 and "trained here" not in lines[0], lines
    assert lines[0].count("shipped with diffusion-kb") >= 1


@pytest.mark.parametrize(
    "dataset", sorted({c.dataset for c in page_configs()} & {"digits", "digits32"})
)
def test_the_metric_classifier_of_each_page_dataset_is_shipped(dataset, tmp_path, monkeypatch):
    import demos.digit_classifier as classifiers

    def refuse(config):
        raise AssertionError(f"the {config.dataset} classifier was trained")

    monkeypatch.setattr(classifiers, "train_classifier", refuse)
    classifier, accuracy = classifiers.load_or_train_classifier(dataset, cache=tmp_path)
    assert accuracy > 0.8 and not list(tmp_path.iterdir())  # loaded as shipped, nothing cached
    monkeypatch.setenv("KB_DEMO_PRETRAINED", "0")
    with pytest.raises(AssertionError, match="trained"):
        classifiers.load_or_train_classifier(dataset, cache=tmp_path)
