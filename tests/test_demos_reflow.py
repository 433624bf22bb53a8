"""demos.reflow: the 2-rectified flow keeps the flow's config and beats it at one Euler step."""

from __future__ import annotations

import pytest
import torch

from demos.data import sample_toy
from demos.flow_matching import sample_flow
from demos.metrics import sliced_wasserstein
from demos.reflow import flow_of, reflow_config
from demos.registry import default_train_config
from demos.sample import SampleOptions
from demos.trained import load_or_train

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))


def tiny_flow(steps: int = 600):
    config = default_train_config("flow-matching", "moons", steps, batch_size=256)
    config.net.width, config.net.depth, config.net.time_dim = 64, 2, 16
    return config


def test_reflow_config_points_back_at_its_flow():
    flow = tiny_flow()
    config = reflow_config("moons", flow=flow)
    assert (config.method, config.steps, config.lr) == ("reflow", 300, flow.lr / 2)
    assert config.options == {
        "flow_steps": 600,
        "flow_lr": flow.lr,
        "num_pairs": 20_000,
        "pair_steps": 16,
    }
    assert flow_of(config).to_dict() == flow.to_dict()


def test_reflow_is_better_than_its_flow_at_one_step():
    flow = tiny_flow()
    config = reflow_config("moons", 400, flow=flow)
    config.options["num_pairs"] = 5000
    straight = load_or_train(config, progress=False)  # trains the flow first
    curved = load_or_train(flow, progress=False)
    data = sample_toy("moons", 2000, torch.Generator().manual_seed(7))
    options = SampleOptions(num_samples=2000, steps=1, seed=3)

    def distance(trained):
        out = sample_flow(trained, options).samples
        return sliced_wasserstein(out, data, generator=torch.Generator().manual_seed(0))

    assert distance(straight) < 0.7 * distance(curved)
