"""Query filters and text search on a small fixture catalog."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.errors import KbError

FIXTURE = Path(__file__).parent / "data" / "fixture_catalog"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(FIXTURE, use_cache=False)


def ids(entries) -> list[str]:
    return [e.id for e in entries]


def test_no_filter_returns_everything_oldest_first(catalog: Catalog) -> None:
    found = catalog.query()
    assert len(found) == 8
    years = [e.year for e in found]
    assert years == sorted(years)


def test_kind_filter(catalog: Catalog) -> None:
    assert set(ids(catalog.query(kind="survey"))) == {"croitoru-2022-diffusion", "luo-2025-survey"}


def test_tag_filter_ignores_case(catalog: Catalog) -> None:
    assert set(ids(catalog.query(tag="Distillation"))) == {
        "salimans-2022-progressive", "luo-2025-survey"}


def test_topic_filter_includes_subtopics(catalog: Catalog) -> None:
    assert set(ids(catalog.query(topic="surveys"))) == {"croitoru-2022-diffusion",
                                                        "luo-2025-survey"}
    assert ids(catalog.query(topic="survey-vision")) == ["croitoru-2022-diffusion"]


def test_method_filter_matches_entries_and_the_method_itself(catalog: Catalog) -> None:
    assert set(ids(catalog.query(method="ddim"))) == {"song-2020-denoising", "ddim"}


def test_author_filter_is_a_substring_ignoring_accents(catalog: Catalog) -> None:
    assert ids(catalog.query(author="jonathan ho")) == ["ho-2020-denoising",
                                                        "salimans-2022-progressive"]
    assert ids(catalog.query(author="Zoe Muller")) == ["muller-2023-elephant"]


@pytest.mark.parametrize(("spec", "expected"), [
    ("2020..2021", {"ho-2020-denoising", "song-2020-denoising", "ddpm", "ddim"}),
    ("2022", {"salimans-2022-progressive", "croitoru-2022-diffusion"}),
    ("2023..", {"muller-2023-elephant", "luo-2025-survey"}),
    ("..2019", set()),
])
def test_year_ranges(catalog: Catalog, spec: str, expected: set[str]) -> None:
    assert set(ids(catalog.query(year=spec))) == expected


def test_bad_year_range_is_a_clear_error(catalog: Catalog) -> None:
    with pytest.raises(KbError, match="bad year range"):
        catalog.query(year="twenty")


def test_text_search_all_words_any_field(catalog: Catalog) -> None:
    assert set(ids(catalog.query("denoising implicit"))) == {"song-2020-denoising", "ddim"}
    assert ids(catalog.query("abbeel")) == ["ho-2020-denoising"]  # authors


def test_text_search_ignores_accents_and_case(catalog: Catalog) -> None:
    assert ids(catalog.query("ELEPHANTS")) == ["muller-2023-elephant"]
    assert ids(catalog.query("éléphants")) == ["muller-2023-elephant"]


def test_text_search_finds_chinese_words_inside_chinese_notes(catalog: Catalog) -> None:
    assert ids(catalog.query("蒸餾")) == ["luo-2025-survey"]
    assert ids(catalog.query("經典")) == ["ho-2020-denoising"]


def test_filters_combine(catalog: Catalog) -> None:
    assert ids(catalog.query("denoising", kind="paper", year="2020", sort="title")) == [
        "song-2020-denoising", "ho-2020-denoising"]  # "Implicit" < "Probabilistic"


def test_sort_title_and_reverse(catalog: Catalog) -> None:
    titles = [e.title for e in catalog.query(kind="paper", sort="title", reverse=True)]
    assert titles == sorted(titles, key=str.casefold, reverse=True)


def test_unknown_topic_and_kind_are_errors(catalog: Catalog) -> None:
    with pytest.raises(KbError, match="unknown topic"):
        catalog.query(topic="nope")
    with pytest.raises(KbError, match="unknown kind"):
        catalog.query(kind="papers")


def _kb(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {"KB_NO_CACHE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True,
                          env={**base, **env})


def test_cli_json_uses_documented_field_names() -> None:
    result = _kb("query", "--catalog", str(FIXTURE), "--tag", "ddim", "--format", "json")
    assert result.returncode == 0, result.stderr
    [entry] = json.loads(result.stdout)
    assert entry["id"] == "song-2020-denoising"
    assert entry["arxiv"] == "2010.02502" and entry["cites"] == ["ho-2020-denoising"]
    assert list(entry)[:3] == ["id", "kind", "title"]


def test_cli_catalog_from_environment() -> None:
    result = _kb("query", "蒸餾", "--format", "ids", KB_CATALOG=str(FIXTURE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["luo-2025-survey"]


def test_cli_table_and_yaml_formats() -> None:
    table = _kb("query", "--catalog", str(FIXTURE), "--kind", "method")
    assert table.returncode == 0 and "ddim" in table.stdout and "2 entries" in table.stdout
    as_yaml = _kb("query", "--catalog", str(FIXTURE), "蒸餾", "--format", "yaml")
    assert "為了解決這些限制" in as_yaml.stdout  # UTF-8 kept, no \u escapes


def test_cli_show_and_unknown_id() -> None:
    shown = _kb("show", "ddim", "--catalog", str(FIXTURE))
    assert shown.returncode == 0 and "builds_on: [ddpm]\n" in shown.stdout
    missing = _kb("show", "ddim2", "--catalog", str(FIXTURE))
    assert missing.returncode == 1
    assert "no entry with id 'ddim2'" in missing.stderr and "ddim" in missing.stderr


def test_query_does_not_import_heavy_modules() -> None:
    code = ("import sys; from kb.cli import main; "
            "sys.argv=['kb','query','--catalog',sys.argv[1],'--format','ids']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('torch','streamlit','mkdocs','networkx','matplotlib') "
            "if m in sys.modules]\nprint('HEAVY', heavy, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(FIXTURE)], capture_output=True,
                            text=True, env={"KB_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    assert "HEAVY []" in result.stderr
