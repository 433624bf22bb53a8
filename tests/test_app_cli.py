"""``kb demo [METHOD]`` opens the app at the method's page; train and sample still work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.demo import demo

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def launched(monkeypatch):
    """Record what `kb demo …` would launch instead of starting Streamlit."""
    calls = []

    def fake_run_demo_app(**kwargs):
        calls.append(kwargs)
        return 0

    monkeypatch.setattr("kb.launch.run_demo_app", fake_run_demo_app)
    return calls


@pytest.mark.parametrize(
    ("args", "url_path"),
    [
        (["ddim"], "ddim"),
        (["distill"], "progressive-distillation"),
        (["progressive-distillation"], "progressive-distillation"),
        (["consistency"], "consistency-models"),
        (["open", "score-sde"], "score-sde"),
        ([], ""),
    ],
)
def test_a_method_name_opens_its_page(launched, args, url_path):
    result = CliRunner().invoke(demo, args)
    assert result.exit_code == 0, result.output
    assert launched[-1]["url_path"] == url_path
    assert launched[-1]["port"] == 8501 and launched[-1]["open_browser"] is True


def test_options_and_settings_reach_the_app(launched):
    result = CliRunner().invoke(
        demo, ["ddim", "--port", "8600", "--no-browser", "--set", "steps=20", "--set", "eta=0"]
    )
    assert result.exit_code == 0, result.output
    assert launched[-1] == {
        "url_path": "ddim",
        "params": {"steps": "20", "eta": "0"},
        "port": 8600,
        "open_browser": False,
    }
    assert CliRunner().invoke(demo, ["--no-browser"]).exit_code == 0
    assert launched[-1]["url_path"] == "" and launched[-1]["open_browser"] is False


def test_an_unknown_method_is_a_usage_error(launched):
    result = CliRunner().invoke(demo, ["gan"])
    assert result.exit_code == 2
    assert "no demo called 'gan'" in result.output and "flow-matching" in result.output
    bad = CliRunner().invoke(demo, ["ddim", "--set", "steps"])
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.output
    assert launched == []


def test_train_and_sample_are_still_subcommands(launched):
    for sub in ("train", "sample"):
        result = CliRunner().invoke(demo, [sub, "--help"])
        assert result.exit_code == 0 and "METHOD" in result.output
    assert "open" in CliRunner().invoke(demo, ["--help"]).output
    assert launched == []


def test_resolving_a_demo_imports_neither_streamlit_nor_torch():
    code = (
        "import sys, kb.cli.demo, kb.launch, demos.app.routes as r; r.find_route('ddim'); "
        "print(sorted(m for m in ('torch', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
