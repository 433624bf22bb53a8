"""The bookkeeping of the sampler-convergence benchmarks: run lists, merging seeds, the verdicts
that nfe_quality.md and sampler_convergence_toy.json state (the sampling itself is tested in
test_demos_sampler_convergence.py)."""

from __future__ import annotations

import statistics

import pytest

from benchmarks import nfe_quality_all, sampler_convergence_toy, sde_steps_digits


def test_runs_parse_and_bad_ones_are_named():
    assert sde_steps_digits.parse_runs("em:100,pc:50:0.01") == [("em", 100, 1e-3), ("pc", 50, 0.01)]
    for bad in ("em", "sde:10", "em:0", "em:x", "em:10:1.5", "em:10:x"):
        with pytest.raises(ValueError, match=bad):
            sde_steps_digits.parse_runs(bad)


def row(sampler: str, steps: int, seed: int, fd: float, t_min: float = 1e-3) -> dict:
    return {
        "sampler": sampler,
        "steps": steps,
        "t_min": t_min,
        "seed": seed,
        "classifier_fd": fd,
        "nfe": steps,
    }


def test_a_new_run_of_a_seed_replaces_the_old_one_and_others_are_kept():
    old = [row("em", 100, 0, 3.9), row("em", 250, 0, 12.6)]
    new = [row("em", 250, 0, 5.0), row("em", 250, 1, 6.0), row("em", 250, 0, 4.5, t_min=0.01)]
    merged = sde_steps_digits.merge(old, new)
    assert [(r["steps"], r["t_min"], r["seed"], r["classifier_fd"]) for r in merged] == [
        (100, 1e-3, 0, 3.9),
        (250, 1e-3, 0, 5.0),
        (250, 1e-3, 1, 6.0),
        (250, 0.01, 0, 4.5),
    ]


def test_summary_is_mean_and_sample_sd_per_sampler_and_steps():
    rows = [row("em", 250, s, fd) for s, fd in enumerate((12.6, 4.0, 6.5))] + [
        row("em", 100, 0, 3.9)
    ]
    by_steps = {s["steps"]: s for s in sde_steps_digits.summary(rows)}
    assert by_steps[250]["mean"] == pytest.approx(statistics.mean([12.6, 4.0, 6.5]))
    assert by_steps[250]["sd"] == pytest.approx(statistics.stdev([12.6, 4.0, 6.5]))
    assert by_steps[100]["sd"] is None and by_steps[100]["seeds"] == 1


def summary_of(sampler: str, fds: dict[int, list[float]]) -> list[dict]:
    rows = [row(sampler, steps, s, fd) for steps, v in fds.items() for s, fd in enumerate(v)]
    return sde_steps_digits.summary(rows)


def test_verdict_says_within_noise_only_when_the_change_is_under_two_standard_errors(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(nfe_quality_all, "TOY_CONVERGENCE", tmp_path / "absent.json")
    # means 4 and 8; the change 4 against twice the standard error of the difference of means
    low, high = [2, 4, 4, 6], [6, 8, 8, 10]
    twice_error = 2 * (statistics.variance(low) / 4 + statistics.variance(high) / 4) ** 0.5
    noisy = summary_of("em", {100: low, 250: high})
    [line] = nfe_quality_all.sde_steps_verdict(noisy)
    assert f"+4.00 (twice its standard error: {twice_error:.2f})" in line
    assert twice_error < 4 and "larger than the metric's noise" in line
    # the same means, spread wider: sd 4.9 each, twice the standard error 6.9 > 4
    wide = summary_of("em", {100: [-2, 4, 4, 10], 250: [2, 8, 8, 14]})
    [line] = nfe_quality_all.sde_steps_verdict(wide)
    assert "within the metric's noise" in line
    # three step counts: one sentence per consecutive pair
    three = summary_of("em", {100: low, 250: high, 1000: [5, 7, 7, 9]})
    first, second = nfe_quality_all.sde_steps_verdict(three)
    assert "100 → 250 steps" in first and "250 → 1000 steps" in second and "-1.00" in second


def toy_rows(mmd: dict[int, float]) -> list[dict]:
    return [
        {"score": "exact", "sde": "vp", "sampler": "em", "steps": steps, "mmd2": value}
        for steps, value in mmd.items()
    ]


def test_toy_verdict_flags_a_sampler_that_gets_worse_or_has_not_converged():
    floor = 0.001
    good = sampler_convergence_toy.verdict(toy_rows({100: 0.01, 250: 0.0105, 1000: 0.0005}), floor)
    assert good == {"exact/vp/em": {"worse_with_more_steps": [], "at_1000_within_floor": True}}
    bad = sampler_convergence_toy.verdict(toy_rows({100: 0.001, 250: 0.01, 1000: 0.02}), floor)
    assert bad["exact/vp/em"] == {
        "worse_with_more_steps": ["100→250", "250→1000"],
        "at_1000_within_floor": False,
    }


def test_toy_sentence_reports_each_kind_of_score_apart():
    clean = {"worse_with_more_steps": [], "at_1000_within_floor": True}
    worse = {"worse_with_more_steps": ["250→1000"], "at_1000_within_floor": False}
    toy = {
        "verdict": {"exact/vp/em": clean, "trained/vp/em": worse},
        "noise_floor": {"floor": 1.5e-4},
        "num_samples": 4000,
        "seeds": 3,
    }
    sentence = nfe_quality_all.toy_sentence(toy)
    assert "with the exact score, none gets worse, all within the floor at 1000 steps" in sentence
    assert "with the trained score, worse beyond the floor: trained/vp/em" in sentence
    assert "not within the floor at 1000 steps: trained/vp/em" in sentence


def test_class_mix_chi2_is_zero_for_the_same_mix_and_grows_with_the_difference():
    held_out = [36] * 10
    assert nfe_quality_all.class_mix_chi2(held_out, held_out) == 0
    shifted = [46, 26] + [36] * 8
    assert nfe_quality_all.class_mix_chi2(shifted, held_out) == pytest.approx(2 * 10**2 / 36)


def test_limits_sentence_names_ems_most_steps_and_the_ode_only_when_both_ran():
    em_only = summary_of("em", {100: [4, 5], 1000: [7, 8]})
    assert nfe_quality_all.limits_agree(em_only) == ""
    both = em_only + summary_of("ode", {50: [6, 8]})
    sentence = nfe_quality_all.limits_agree(both)
    assert "EM with 1000 steps, mean FD 7.50 ± 0.71" in sentence
    assert "ODE with 50 Heun steps, 7.00 ± 1.41" in sentence
