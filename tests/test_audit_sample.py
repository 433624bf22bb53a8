"""scripts/audit_sample.py on tests/data/site_catalog/, run as a person runs it.

The expected facts are read here from the YAML files themselves: only song-2020-denoising
(metadata and references) and xss-2024-probe (metadata) name sources, so the facts are their
metadata fields, each with its metadata URL, and song's one cite with its reference list.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "audit_sample.py"
CATALOG = REPO / "tests" / "data" / "site_catalog"
FIELDS = ("title", "authors", "year", "date", "venue", "arxiv", "doi")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=REPO)


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _expected_facts() -> set[tuple[str, str, str, tuple[str, ...]]]:
    facts = set()
    for path in CATALOG.glob("*/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = data.get("sources") or {}
        metadata = sources.get("metadata")
        references = sources.get("references")
        if metadata:
            for name in FIELDS:
                if name in data:
                    value = data[name]
                    text = "; ".join(value) if isinstance(value, list) else str(value)
                    facts.add((data["id"], name, text, _as_tuple(metadata)))
        if references:
            for cited in data.get("cites", []):
                title = yaml.safe_load((CATALOG / "papers" / f"{cited}.yaml").read_text())["title"]
                facts.add((data["id"], "cites", f"{cited} ({title})", _as_tuple(references)))
    return facts


def _facts(out: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(f["entry_id"], f["field"], f["value"], tuple(f["sources"]))
            for f in json.loads(out)]


def test_a_sample_is_facts_with_their_sources_and_a_seed_repeats_it() -> None:
    expected = _expected_facts()
    assert len(expected) == 12  # song: 6 metadata + 1 cite; xss: 5 metadata
    first = _run("5", "--seed", "3", "--catalog", str(CATALOG), "--format", "json")
    assert first.returncode == 0, first.stderr
    drawn = _facts(first.stdout)
    assert len(drawn) == 5 and len(set(drawn)) == 5 and set(drawn) <= expected
    again = _run("5", "--seed", "3", "--catalog", str(CATALOG), "--format", "json")
    assert _facts(again.stdout) == drawn
    seeds = {tuple(_facts(_run("5", "--seed", str(s), "--catalog", str(CATALOG), "--format",
                                "json").stdout)) for s in range(4)}
    assert len(seeds) > 1  # the seed chooses


def test_asking_for_more_than_there_are_gives_all_and_says_so() -> None:
    result = _run("50", "--catalog", str(CATALOG), "--format", "json")
    assert result.returncode == 0
    assert set(_facts(result.stdout)) == _expected_facts()
    assert "only 12 fact(s) in the catalog have a source" in result.stderr


def test_text_output_names_each_fact_and_its_urls() -> None:
    result = _run("12", "--seed", "1", "--catalog", str(CATALOG))
    assert result.returncode == 0
    assert "song-2020-denoising  cites: ho-2020-denoising (Denoising Diffusion Probabilistic " \
           "Models)\n   check: https://arxiv.org/html/2010.02502v4" in result.stdout
    assert "song-2020-denoising  arxiv: 2010.02502\n   check: https://arxiv.org/abs/2010.02502" \
           in result.stdout
    assert result.stdout.count("   check: ") == 12


def test_bad_arguments_give_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    for args, message in ((["0"], "N must be at least 1"), (["x"], "'x' is not a whole number"),
                          (["3", "--catalog", str(tmp_path / "nowhere")],
                           "catalog directory not found")):
        result = _run(*args)
        assert result.returncode == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
