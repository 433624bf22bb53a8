"""``kb graph``, ``kb export``, ``kb import``, ``kb query --format bibtex``, as users run them."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest

GRAPH_CATALOG = Path(__file__).parent / "data" / "graph_catalog"
CATALOG = ["--catalog", str(GRAPH_CATALOG)]
BIB = Path(__file__).parent / "data" / "bibtex"


def test_ancestors_json_and_table(kb_cli) -> None:
    code, out, _ = kb_cli("graph", "ancestors", "fox-2022-zeta", *CATALOG, "--format", "json")
    assert code == 0
    assert [(r["id"], r["depth"]) for r in json.loads(out)] == [
        ("dog-2021-delta", 1), ("eel-2021-epsilon", 1), ("ant-2015-alpha", 2),
        ("bee-2019-beta", 2), ("cat-2020-gamma", 2)]
    code, out, _ = kb_cli("graph", "ancestors", "dog-2021-delta", *CATALOG,
                          "--edge", "builds_on", "--max-depth", "1")
    assert code == 0 and "cat-2020-gamma" in out and "ant-2015-alpha" not in out


def test_descendants(kb_cli) -> None:
    code, out, _ = kb_cli("graph", "descendants", "ant-2015-alpha", *CATALOG, "--max-depth",
                          "1", "--format", "json")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["bee-2019-beta", "cat-2020-gamma",
                                                  "eel-2021-epsilon"]


def test_path_draws_arrows(kb_cli) -> None:
    code, out, err = kb_cli("graph", "path", "x-tutorial", "y-repo", *CATALOG)
    assert code == 0
    assert out.strip() == "x-tutorial —cites→ eel-2021-epsilon ←cites— y-repo"
    assert "2 steps, mixed" in err
    code, out, _ = kb_cli("graph", "path", "fox-2022-zeta", "ant-2015-alpha", *CATALOG,
                          "--format", "json")
    chain = json.loads(out)
    assert chain["direction"] == "forward" and len(chain["steps"]) == 2


def test_no_path_and_unknown_ids_are_errors(kb_cli) -> None:
    code, _, err = kb_cli("graph", "path", "lone-tutorial", "ant-2015-alpha", *CATALOG)
    assert code == 1 and "error[E405]" in err
    code, _, err = kb_cli("graph", "related", "cat-2020-gama", *CATALOG)
    assert code == 1
    assert "error[E404]: no entry with id 'cat-2020-gama' — did you mean cat-2020-gamma" in err


def test_related_shows_each_score(kb_cli) -> None:
    code, out, _ = kb_cli("graph", "related", "cat-2020-gamma", *CATALOG, "--limit", "2",
                          "--format", "json")
    assert code == 0
    first, second = json.loads(out)
    assert (first["id"], first["score"], first["cocitation"], first["coupling"],
            first["linked"], first["topics"], first["tags"]) == (
        "dog-2021-delta", 3.75, 1, 1, 1, 1, 1)
    assert second["id"] == "bee-2019-beta"
    code, out, _ = kb_cli("graph", "related", "cat-2020-gamma", *CATALOG)
    assert code == 0 and "cocitation" in out and "dog-2021-delta" in out


def test_rank_and_recent_rank(kb_cli) -> None:
    code, out, _ = kb_cli("graph", "rank", *CATALOG, "--format", "json", "--limit", "3")
    ranked = json.loads(out)
    assert code == 0 and [r["rank"] for r in ranked] == [1, 2, 3]
    code, out, _ = kb_cli("graph", "rank", *CATALOG, "--recent", "--years", "3",
                          "--format", "json")
    first_year = dt.date.today().year - 2
    assert code == 0 and all(r["year"] >= first_year for r in json.loads(out))
    code, out, _ = kb_cli("graph", "rank", *CATALOG)
    assert code == 0 and "PageRank on cites, builds_on" in out


def test_stats(kb_cli) -> None:
    code, out, _ = kb_cli("graph", "stats", *CATALOG, "--format", "json")
    stats = json.loads(out)
    assert code == 0 and stats["components"] == [10, 2, 1]
    assert stats["orphans"] == ["lone-tutorial"]
    assert stats["cycles"] == [["gnu-2022-cycle", "hen-2022-cycle"]]
    code, out, _ = kb_cli("graph", "stats", *CATALOG)
    assert code == 0 and "gnu-2022-cycle → hen-2022-cycle → gnu-2022-cycle" in out


def test_timeline_table_and_plot(kb_cli, tmp_path: Path) -> None:
    plot = tmp_path / "timeline.svg"
    code, out, err = kb_cli("graph", "timeline", *CATALOG, "--plot", str(plot))
    assert code == 0 and plot.read_text(encoding="utf-8").startswith("<?xml")
    assert "paper" in out and "2022" in out and "1 undated entry not shown" in out
    code, out, _ = kb_cli("graph", "timeline", *CATALOG, "--by", "topic", "--format", "json")
    assert json.loads(out)["by_topic"]["sampling"] == {"2020": 2, "2021": 1, "2023": 1}


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "graphml", "gexf", "json"])
def test_export_writes_every_format(kb_cli, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, err = kb_cli("export", fmt, *CATALOG, "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    if fmt == "bibtex":
        assert len(bibtexparser.parse_string(text).entries) == 13
    elif fmt in ("csl-json", "json"):
        assert json.loads(text)
    else:
        read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        assert read(target).number_of_nodes() == 13 + 3
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left
    code, out, _ = kb_cli("export", fmt, *CATALOG)
    assert code == 0 and out == text


def test_query_exports_bibtex_and_csl(kb_cli) -> None:
    code, out, _ = kb_cli("query", "--tag", "ddpm", *CATALOG, "--format", "bibtex")
    assert code == 0
    keys = [e.key for e in bibtexparser.parse_string(out).entries]
    assert keys == ["cat2020gamma", "dog2021delta"]
    code, out, _ = kb_cli("query", "--tag", "ddpm", *CATALOG, "--format", "csl-json")
    assert [item["citation-key"] for item in json.loads(out)] == keys


def test_import_bibtex(kb_cli, catalog_copy: Path) -> None:
    bib = str(BIB / "new_and_known.bib")
    code, out, err = kb_cli("import", "bibtex", bib, "--catalog", str(catalog_copy),
                            "--dry-run")
    assert code == 0 and out.count("would add") == 5
    assert "skipped 'known_by_doi': already in the catalog as 'dog-2021-delta'" in err
    assert not (catalog_copy / "papers" / "song-2021-score.yaml").exists()
    code, out, _ = kb_cli("import", "bibtex", bib, "--catalog", str(catalog_copy),
                          "--topic", "sampling")
    assert code == 0 and (catalog_copy / "papers" / "song-2021-score.yaml").exists()
    code, _, err = kb_cli("import", "bibtex", str(BIB / "malformed.bib"),
                          "--catalog", str(catalog_copy))
    assert code == 1
    assert f"{BIB / 'malformed.bib'}:4: error[E511]: BibTeX syntax" in err


def test_commands_import_no_heavy_modules() -> None:
    probe = ("import sys, kb.cli, kb.cli.graph, kb.cli.export, kb.cli.imports, kb.cli.output; "
             "print(sorted(m for m in ('networkx', 'matplotlib', 'torch', 'streamlit', "
             "'mkdocs', 'bibtexparser', 'citeproc') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "[]"
