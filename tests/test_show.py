"""``kb show``: YAML that reads like the catalog file, a text view for people, JSON for tools."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.catalog import Catalog
from kb.models import Entry

FIXTURE = Path(__file__).parent / "data" / "fixture_catalog"

# Multi-line Markdown notes: a Chinese line, a list, a blank line, a second paragraph.
NOTES = ("2020經典，很慢\n"
         "- 1000 steps per sample\n"
         "- the DDIM paper reuses its training objective\n"
         "\n"
         "Read after the 2015 paper.")


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """The fixture catalog, with multi-line notes on ho-2020-denoising."""
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    path = root / "papers" / "ho-2020-denoising.yaml"
    text = path.read_text(encoding="utf-8")
    single_line_notes = "notes: |\n  2020經典，很慢\n"
    assert single_line_notes in text
    block = "notes: |\n" + "".join(f"  {line}\n" if line else "\n" for line in NOTES.split("\n"))
    path.write_text(text.replace(single_line_notes, block), encoding="utf-8")
    return root


def _entry(catalog_dir: Path, entry_id: str) -> Entry:
    return Catalog.load(catalog_dir, use_cache=False).get(entry_id)


def test_yaml_writes_multi_line_notes_as_a_block_scalar(kb_cli, catalog_dir: Path) -> None:
    code, out, err = kb_cli("show", "ho-2020-denoising", "--catalog", str(catalog_dir))
    assert code == 0, err
    assert "notes: |\n  2020經典，很慢\n  - 1000 steps per sample\n" in out
    assert "\n\n  Read after the 2015 paper.\n" in out  # the one blank line of the notes, only
    assert "''" not in out and "notes: '" not in out
    assert not out.startswith("#")  # the fields alone, no schema modeline


def test_yaml_round_trips_through_the_safe_loader(kb_cli, catalog_dir: Path) -> None:
    code, out, _ = kb_cli("show", "ho-2020-denoising", "--catalog", str(catalog_dir))
    assert code == 0
    loaded = yaml.safe_load(out)
    assert loaded["notes"].rstrip("\n") == NOTES
    assert Entry.model_validate(loaded) == _entry(catalog_dir, "ho-2020-denoising")


def test_yaml_writes_a_method_summary_as_a_block_and_short_lists_in_flow(kb_cli) -> None:
    code, out, _ = kb_cli("show", "ddpm", "--catalog", str(FIXTURE))
    assert code == 0
    assert "builds_on" not in out and "papers: [ho-2020-denoising]\n" in out
    assert "summary: |\n  Learn to reverse a fixed Gaussian noising process.\n" in out
    assert "equations:\n  - q(x_t \\mid x_0)" in out


def test_text_shows_title_authors_links_and_sections(kb_cli, catalog_dir: Path) -> None:
    code, out, err = kb_cli("show", "ho-2020-denoising", "--catalog", str(catalog_dir),
                            "--format", "text")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Denoising Diffusion Probabilistic Models"
    assert lines[1] == "Jonathan Ho, Ajay Jain, Pieter Abbeel"
    assert lines[2] == "2020 · NeurIPS 2020 · paper · ho-2020-denoising"
    assert lines[3].split() == ["arXiv", "https://arxiv.org/abs/2006.11239"]
    assert "Notes" in lines and "In the catalog" in lines and "Details" in lines
    notes_at = lines.index("Notes")
    assert lines.index("In the catalog") > notes_at
    after_notes = "\n".join(lines[notes_at:])
    assert "2020經典，很慢" in after_notes and "1000 steps per sample" in after_notes
    assert "Read after the 2015 paper." in after_notes
    assert any(line.split() == ["methods", "ddpm"] for line in lines)
    assert any(line.split() == ["date", "2020-06-19"] for line in lines)


def test_text_prints_catalog_text_as_it_is_not_as_markup(kb_cli, catalog_dir: Path) -> None:
    path = catalog_dir / "papers" / "salimans-2022-progressive.yaml"
    text = path.read_text(encoding="utf-8")
    title = "title: Progressive Distillation for Fast Sampling of Diffusion Models\n"
    assert title in text
    path.write_text(text.replace(title, 'title: "[red]Progressive[/red] Distillation for Fast '
                                        'Sampling of Diffusion Models"\n'), encoding="utf-8")
    code, out, err = kb_cli("show", "salimans-2022-progressive", "--catalog", str(catalog_dir),
                            "--format", "text")
    assert code == 0, err
    assert out.splitlines()[0] == (
        "[red]Progressive[/red] Distillation for Fast Sampling of Diffusion Models")


def test_json_is_the_entry_with_its_documented_field_names(kb_cli) -> None:
    code, out, _ = kb_cli("show", "salimans-2022-progressive", "--catalog", str(FIXTURE),
                          "--format", "json")
    assert code == 0
    # Read off tests/data/fixture_catalog/papers/salimans-2022-progressive.yaml.
    assert json.loads(out) == {
        "id": "salimans-2022-progressive",
        "kind": "paper",
        "title": "Progressive Distillation for Fast Sampling of Diffusion Models",
        "authors": ["Tim Salimans", "Jonathan Ho"],
        "year": 2022,
        "arxiv": "2202.00512",
        "tags": ["distillation"],
        "topics": ["fast-sampling"],
        "cites": ["ho-2020-denoising", "song-2020-denoising"],
    }
    assert out.startswith('{\n  "id": "salimans-2022-progressive",\n  "kind": "paper",')


def test_an_unknown_format_is_one_clear_error(kb_cli) -> None:
    code, _, err = kb_cli("show", "ddpm", "--catalog", str(FIXTURE), "--format", "toml")
    assert code != 0
    assert "'toml' is not one of 'yaml', 'text', 'json'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("fmt", ["yaml", "text"])
def test_show_does_not_import_heavy_modules(fmt: str) -> None:
    code = ("import sys; from kb.cli import main\n"
            "try: main(['show', 'ddim', '--catalog', sys.argv[1], '--format', sys.argv[2]])\n"
            "except SystemExit: pass\n"
            "heavy = [m for m in ('torch','streamlit','mkdocs','networkx','matplotlib') "
            "if m in sys.modules]\nprint('HEAVY', heavy, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(FIXTURE), fmt], capture_output=True,
                            text=True, env={"KB_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    assert "Denoising Diffusion Implicit Models (DDIM)" in result.stdout
    assert "HEAVY []" in result.stderr
