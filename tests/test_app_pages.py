"""Every page of the demo app, driven by Streamlit's AppTest with tiny models.

``KB_DEMO_TINY=1`` shrinks every model so it trains in a second or two; the models of this
module share one temporary cache, so each trains once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from demos.app.routes import ROUTES, find_route

APP = Path(__file__).resolve().parents[1] / "demos" / "app" / "app.py"
TIMEOUT = 240  # seconds per script run: generous for a loaded 2-core machine


@pytest.fixture(scope="module", autouse=True)
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import torch

    cache = tmp_path_factory.mktemp("app-cache")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_DEMO_TINY", "1")
        patch.setenv("KB_CACHE_DIR", str(cache))
        patch.setenv("KB_SITE_URL", "http://site.test:8000")
        yield cache
    torch.set_num_threads(threads)


def open_page(script: str | None, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if script is not None:
        at.switch_page(script)
        at.query_params.update(query or {})
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def elements(at, kind: str) -> list:
    """Every element of type ``kind`` ("image", "metric" …) in the main area, nested or not."""
    found, stack = [], [at.main]
    while stack:
        node = stack.pop()
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", "") == kind:
                found.append(child)
            stack.append(child)
    return found


def metric(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def test_the_overview_links_every_method_page():
    at = open_page(None)
    links = at.get("page_link")
    assert len(links) == len(ROUTES)
    assert "runnable" in at.title[0].value


@pytest.mark.parametrize("route", ROUTES, ids=[r.url_path for r in ROUTES])
def test_every_page_runs_its_method_and_reports_nfe_time_and_quality(route):
    at = open_page(route.script)
    assert [e.value for e in at.error] == []
    assert metric(at, "NFE"), f"{route.url_path} reported no run"
    assert metric(at, "wall time")[0].endswith(" s")
    assert any("data vs data" in str(m.proto.delta) for m in at.metric)  # metric + baseline
    assert len(elements(at, "image")) >= 1
    footer = at.markdown[-1].value
    assert f"http://site.test:8000/methods/{route.url_path}/" in footer
    assert "Papers:" in footer


def test_moving_a_control_reruns_the_page_and_updates_the_link():
    at = open_page("method_pages/ddim.py")
    steps = next(s for s in at.slider if s.label.startswith("Steps"))
    steps.set_value(5).run()
    assert not at.exception
    assert metric(at, "NFE") == ["5", "5"]  # DDIM and DDPM at the same NFE
    assert at.query_params["steps"] == "5"
    eta = next(s for s in at.slider if s.label == "η")
    eta.set_value(0.5).run()
    assert at.query_params["eta"] == "0.5"


def test_a_deep_link_sets_the_controls_and_out_of_range_values_are_clamped_visibly():
    at = open_page(
        "method_pages/ddim.py", {"steps": "5000", "eta": "abc", "dataset": "moons", "n": "300"}
    )
    notices = " ".join(w.value for w in at.warning)
    assert "steps=5000 is outside 1…100; using 100" in notices  # tiny T = 100
    assert "eta='abc' is not a number; using 0" in notices
    assert at.selectbox[0].value == "moons"
    assert metric(at, "NFE") == ["100", "100"]
    assert at.query_params["steps"] == "100" and at.query_params["eta"] == "0"
    assert at.query_params["n"] == "300"  # in range, kept
    assert [e.value for e in at.error] == []


def test_the_ddpm_page_shows_forward_process_training_and_reverse_process():
    at = open_page("method_pages/ddpm.py", {"t": "60", "digit": "7"})
    headers = [h.value for h in at.main.header]
    assert headers == ["1 · The forward process", "2 · Training", "3 · The reverse process"]
    captions = " ".join(c.value for c in at.caption)
    assert "ᾱ_t =" in captions and "final loss" in captions
    # forward strip, batch at t, loss curve, reverse strip, samples, animation
    assert len(elements(at, "image")) >= 6
    assert metric(at, "NFE") == ["100"]  # all T steps
    t = next(s for s in at.slider if s.label.startswith("Forward"))
    assert t.value == 60


@pytest.mark.parametrize("route", ROUTES, ids=[r.url_path for r in ROUTES])
def test_every_page_runs_in_traditional_chinese(route):
    """``?lang=zh-TW`` on every page: its sections, sidebar labels and run report are in
    Chinese (tests/test_app_i18n.py checks that the tables have every key the code asks for).
    It runs before the broken-checkpoint test below, which leaves other DDPM checkpoints
    broken."""
    import re

    at = open_page(route.script, {"lang": "zh-TW"})
    assert [e.value for e in at.error] == []
    han = re.compile(r"[\u4e00-\u9fff]")
    headers = [h.value for h in at.main.header]
    assert headers and all(han.search(h) for h in headers), headers
    labels = [w.label for w in [*at.sidebar.slider, *at.sidebar.number_input,
                                *at.sidebar.selectbox, *at.sidebar.button]]
    assert [label for label in labels if not han.search(label) and label != "η"] == []
    assert "實際耗時" in {m.label for m in at.metric}
    assert "延伸閱讀" in at.markdown[-1].value


def test_a_page_of_a_method_not_in_the_registry_says_so(monkeypatch):
    from demos import registry

    route = find_route("ldm")
    monkeypatch.delitem(registry.METHODS, route.method, raising=False)
    at = open_page(route.script)
    assert "not available yet" in at.info[0].value
    assert metric(at, "NFE") == []
    assert "/methods/ldm/" in at.markdown[-1].value


def test_a_broken_checkpoint_is_a_message_and_retraining_fixes_it(tiny_models):
    at = open_page("method_pages/ddim.py")
    assert metric(at, "NFE")
    for weights in (tiny_models / "demos").glob("ddpm-digits-*/weights.pt"):
        weights.write_bytes(b"not a checkpoint")
    broken = open_page("method_pages/ddim.py")
    (error,) = broken.error
    assert "corrupted or mismatched checkpoint" in error.value
    assert metric(broken, "NFE") == []
    broken.button[0].click().run()  # "Retrain the model"
    assert not broken.exception and [e.value for e in broken.error] == []
    assert metric(broken, "NFE")
