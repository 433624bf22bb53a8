"""The demo app's plain-Python parts: bounded inputs, the page table, links to the site."""

from __future__ import annotations

from pathlib import Path

import pytest

from demos.app.inputs import (
    ETA,
    STEPS,
    WORK_BUDGET,
    Bounded,
    Choice,
    app_train_config,
    max_samples,
    samples_bound,
    tiny_mode,
)
from demos.app.links import method_links, short_citation
from demos.app.routes import APP_DIR, ROUTES, find_route, route_names

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("raw", "value", "notice"),
    [
        ("20", 20, None),
        (" 7 ", 7, None),
        ("5000", 1000, "outside 1…1000; using 1000"),
        ("0", 1, "outside 1…1000; using 1"),
        ("-3", 1, "outside"),
        ("12.6", 13, "not a whole number; using 13"),
        ("abc", 50, "'abc' is not a number; using 50"),
        ("nan", 50, "not a number"),
        ("inf", 50, "not a number"),
        ("", 50, "not a number"),
    ],
)
def test_steps_from_a_query_string_are_clamped_with_a_notice(raw, value, notice):
    got, message = STEPS.parse(raw)
    assert got == value and isinstance(got, int)
    if notice is None:
        assert message is None
    else:
        assert notice in message.message and message.control == "steps"


def test_a_float_control_keeps_fractions_and_clamps():
    assert ETA.parse("0.35") == (0.35, None)
    value, notice = ETA.parse("2")
    assert value == 1.0 and "outside 0…1" in notice.message


def test_choices_accept_only_their_options():
    dataset = Choice("dataset", ("digits", "moons"), "digits")
    assert dataset.parse("Moons") == ("moons", None)
    value, notice = dataset.parse("cifar10")
    assert value == "digits" and "not one of digits, moons" in notice.message


def test_narrowing_keeps_the_default_inside():
    narrow = Bounded("steps", 1, 1000, 50).with_range(high=20)
    assert (narrow.low, narrow.high, narrow.default) == (1, 20, 20)
    assert narrow.with_range(low=500).low == 20  # never an empty range


def test_the_work_budget_caps_samples_times_steps_times_pixels():
    # independent arithmetic: budget / (NFE · pixels)
    assert max_samples("digits", 1000) == WORK_BUDGET // (1000 * 64)
    assert max_samples("digits32", 1000) == WORK_BUDGET // (1000 * 1024)
    assert max_samples("digits", 20) == 256  # the per-request batch cap
    for dataset, pixels, nfe in (
        ("digits", 64, 1000),
        ("digits16", 256, 200),
        ("digits32", 1024, 50),
    ):
        assert samples_bound(dataset, nfe).high * nfe * pixels <= WORK_BUDGET
    assert samples_bound("moons", 1000).high == WORK_BUDGET // (1000 * 8)  # a point: 8 px
    assert samples_bound("moons", 1).high == 4096


def test_samples_bound_defaults_within_its_range():
    bound = samples_bound("digits32", 1000)
    assert bound.low <= bound.default <= bound.high


def test_tiny_mode_shrinks_the_model(monkeypatch):
    monkeypatch.setenv("KB_DEMO_TINY", "1")
    assert tiny_mode()
    config = app_train_config("ddim", "digits")
    assert config.method == "ddpm"  # DDIM samples the DDPM model
    assert config.steps <= 50 and config.net.width <= 8 and config.diffusion_steps <= 100
    monkeypatch.setenv("KB_DEMO_TINY", "0")
    assert not tiny_mode()
    assert app_train_config("ddpm", "digits").diffusion_steps == 1000


def test_every_route_is_a_catalog_method_with_a_page_file():
    methods = {p.stem for p in (REPO / "catalog" / "methods").glob("*.yaml")}
    for route in ROUTES:
        assert route.url_path in methods, route.url_path
        assert (APP_DIR / route.script).is_file()
    names = route_names()
    assert len(names) == len(set(names))  # no name opens two pages


def test_the_catalog_demo_links_open_pages():
    """Every `demo:` a catalog method names (the site's "Run the demo" link) is a page."""
    import yaml

    for path in (REPO / "catalog" / "methods").glob("*.yaml"):
        demo = yaml.safe_load(path.read_text(encoding="utf-8")).get("demo")
        if demo:
            assert find_route(demo) is not None, f"{path.name}: demo {demo!r} has no page"


def test_aliases_open_the_method_page():
    assert find_route("distill").url_path == "progressive-distillation"
    assert find_route("/Progressive-Distillation/").url_path == "progressive-distillation"
    assert find_route("consistency").url_path == "consistency-models"
    assert find_route("gan") is None


def test_links_follow_the_site_url_scheme(monkeypatch):
    monkeypatch.setenv("KB_SITE_URL", "http://example.test:9000/kb/")
    links = method_links("ddim", REPO / "catalog")
    assert links.site_url == "http://example.test:9000/kb/methods/ddim/"
    (paper,) = links.papers
    assert paper.site_url == "http://example.test:9000/kb/entries/song-2020-denoising/"
    assert paper.arxiv_url == "https://arxiv.org/abs/2010.02502"
    assert paper.citation == "Song, Meng & Ermon 2020"


def test_links_default_to_the_local_site(monkeypatch):
    monkeypatch.delenv("KB_SITE_URL", raising=False)
    assert method_links("ddpm", REPO / "catalog").site_url == "http://127.0.0.1:8000/methods/ddpm/"


def test_a_method_missing_from_the_catalog_still_gets_a_site_link(tmp_path):
    links = method_links("no-such-method", tmp_path, "http://s")
    assert links.site_url == "http://s/methods/no-such-method/" and links.papers == ()


def test_short_citations():
    assert short_citation(["Jonathan Ho"], 2020) == "Ho 2020"
    assert short_citation(["Jonathan Ho", "Tim Salimans"], 2022) == "Ho & Salimans 2022"
    assert short_citation(["A B", "C D", "E F", "G H"], 2021) == "B et al. 2021"
    assert short_citation([], None) == "Anonymous"
