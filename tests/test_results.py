"""Reported results (issue #16): the vocabulary, the validator's rules, `kb results`, the
shipped DDIM Table 1, and the Results pages with hostile strings in them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.results.plot import AxisText, Series, metric_against_nfe_svg
from kb.results.rows import result_rows, select
from kb.results.vocabulary import vocabulary
from kb.site import urls
from kb.site.context import SiteContext
from kb.site.entry_page import render_entry_page
from kb.site.method_page import render_method_page
from kb.site.nav import site_nav
from kb.site.pages import generate_site_files
from kb.site.settings import SiteSettings

REPO = Path(__file__).resolve().parents[1]
SITE_CATALOG = REPO / "tests" / "data" / "site_catalog"

# -- the vocabulary -----------------------------------------------------------------------


def test_every_name_and_alias_means_one_dataset_or_metric() -> None:
    vocab = vocabulary()
    for things in (vocab.datasets, vocab.metrics):
        seen: dict[str, str] = {}
        for thing in things:
            for name in (thing.name, *thing.aliases):
                key = re.sub(r"\s+", " ", name.replace("×", "x")).casefold()
                assert seen.setdefault(key, thing.name) == thing.name, name
    assert vocab.dataset("cifar10").name == "CIFAR-10"
    assert vocab.dataset("ImageNet 64x64").name == "ImageNet 64×64"
    assert vocab.metric("fréchet inception distance").name == "FID"
    assert vocab.metric("FID").better == "lower" and vocab.metric("IS").better == "higher"


# -- kb validate --------------------------------------------------------------------------

PAPER = """id: p
kind: paper
title: A paper
sources: {results: https://arxiv.org/abs/2010.02502}
results:
"""


def _validate(tmp_path: Path, kb_cli, results: str, head: str = PAPER) -> tuple[int, str]:
    (tmp_path / "papers").mkdir(exist_ok=True)
    (tmp_path / "papers" / "p.yaml").write_text(head + results, encoding="utf-8")
    code, _, err = kb_cli("validate", "--catalog", str(tmp_path))
    return code, err


@pytest.mark.parametrize(("item", "line_col", "code", "words"), [
    ("  - {dataset: CIFAR-100, metric: FID, value: 3, source: T1}\n", "6:6", "E112",
     "unknown dataset 'CIFAR-100'"),
    ("  - {dataset: CIFAR-10, metric: FDI, value: 3, source: T1}\n", "6:25", "E113",
     "unknown metric 'FDI'"),
    ("  - {dataset: CIFAR-10, metric: precision, value: 82, source: T1}\n", "6:5", "E114",
     "precision 82 is outside its range 0 … 1"),
    ("  - {dataset: CIFAR-10, metric: FID, value: -0.5, source: T1}\n", "6:5", "E114",
     "FID -0.5 is outside its range ≥ 0"),
    ("  - {dataset: CIFAR-10, metric: FID, value: '3.1', source: T1}\n", "6:38", "E103",
     "results.0.value"),
    ("  - {dataset: CIFAR-10, metric: FID, value: 3.1, nfe: 0, source: T1}\n", "6:50", "E103",
     "results.0.nfe"),
    ("  - {dataset: CIFAR-10, metric: FID, value: 3.1, nfe: 2.5, source: T1}\n", "6:50", "E103",
     "results.0.nfe"),
    ("  - {dataset: CIFAR-10, metric: FID, value: 3.1}\n", "6:5", "E104",
     "missing required field 'source' in results.0"),
    ("  - {dataset: CIFAR-10, metric: FID, value: 3.1, source: T1, steps: 4}\n", "6:62",
     "E102", "unknown field 'steps' in results.0"),
])
def test_a_bad_result_is_one_located_error(tmp_path: Path, kb_cli, item: str, line_col: str,
                                           code: str, words: str) -> None:
    exit_code, err = _validate(tmp_path, kb_cli, item)
    assert exit_code == 1
    lines = [line for line in err.splitlines() if "error[" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{tmp_path}/papers/p.yaml:")
    assert f"error[{code}]" in lines[0] and words in lines[0]
    assert f"p.yaml:{line_col}:" in lines[0]
    assert "Traceback" not in err


def test_unknown_names_suggest_the_closest(tmp_path: Path, kb_cli) -> None:
    _, err = _validate(tmp_path, kb_cli,
                       "  - {dataset: CIFAR10 test, metric: IS, value: 9.4, source: T1}\n"
                       "  - {dataset: cifar-10, metric: precison, value: 0.6, source: T1}\n")
    assert "did you mean 'CIFAR-10'?" in err
    assert "did you mean 'precision'?" in err


def test_results_need_their_source_and_a_paper(tmp_path: Path, kb_cli) -> None:
    good = "  - {dataset: CIFAR-10, metric: FID, value: 3.17, nfe: 1000, source: Table 1}\n"
    code, err = _validate(tmp_path, kb_cli, good, "id: p\nkind: paper\ntitle: A\nresults:\n")
    assert code == 1 and "error[E116]" in err and "sources.results" in err
    code, err = _validate(tmp_path, kb_cli, good,
                          PAPER.replace("kind: paper", "kind: tutorial"))
    assert code == 1 and "error[E115]" in err
    code, err = _validate(tmp_path, kb_cli, good)
    assert code == 0, err


def test_aliases_read_as_the_canonical_names() -> None:
    catalog = Catalog.load(SITE_CATALOG)
    rows = [r for r in result_rows(catalog.entries) if r.entry == "song-2020-denoising"]
    assert {(r.dataset, r.metric) for r in rows} == {("CIFAR-10", "FID")}


# -- the shipped catalog ------------------------------------------------------------------

# DDIM (Song, Meng & Ermon, ICLR 2021), Table 1: FID by steps S, for η = 0, 0.2, 0.5, 1, σ̂.
DDIM_TABLE_1 = {
    "CIFAR-10": {
        "η = 0.0": [13.36, 6.84, 4.67, 4.16, 4.04],
        "η = 0.2": [14.04, 7.11, 4.77, 4.25, 4.09],
        "η = 0.5": [16.66, 8.35, 5.25, 4.46, 4.29],
        "η = 1.0": [41.07, 18.36, 8.01, 5.78, 4.73],
        "σ̂": [367.43, 133.37, 32.72, 9.99, 3.17],
    },
    "CelebA 64": {
        "η = 0.0": [17.33, 13.73, 9.17, 6.53, 3.51],
        "η = 0.2": [17.66, 14.11, 9.51, 6.79, 3.64],
        "η = 0.5": [19.86, 16.06, 11.01, 8.09, 4.28],
        "η = 1.0": [33.12, 26.03, 18.48, 13.93, 5.98],
        "σ̂": [299.71, 183.83, 71.71, 45.20, 3.26],
    },
}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load(REPO / "catalog")


def test_ddim_table_1_is_in_the_catalog_cell_by_cell(shipped: Catalog) -> None:
    ddim = shipped.entries["song-2020-denoising"]
    cells = {(r.dataset, r.setting, r.nfe): r.value for r in ddim.results
             if r.source == "Table 1" and r.metric == "FID"}
    for dataset, by_setting in DDIM_TABLE_1.items():
        for setting, values in by_setting.items():
            for steps, value in zip((10, 20, 50, 100, 1000), values, strict=True):
                found = [v for (d, s, n), v in cells.items()
                         if d == dataset and n == steps and s.startswith(setting)]
                assert found == [value], (dataset, setting, steps)
    assert len(cells) == 50
    assert ddim.sources.results


def test_the_shipped_results_are_sourced_and_abstract_numbers_are_in_the_abstract(
        shipped: Catalog) -> None:
    papers = {r.entry for r in result_rows(shipped.entries)}
    assert len(papers) >= 25 and len(result_rows(shipped.entries)) >= 150
    for entry_id in papers:
        entry = shipped.entries[entry_id]
        assert entry.kind == "paper" and entry.sources and entry.sources.results, entry_id
        if not entry.abstract:
            continue
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?",
                                                entry.abstract.replace(",", ""))}
        for result in entry.results:
            if result.source == "Abstract":
                assert result.value in numbers, (entry_id, result.value)


# -- kb results ---------------------------------------------------------------------------


def test_kb_results_json_filters_and_orders(kb_cli) -> None:
    code, out, _ = kb_cli("results", "--catalog", str(SITE_CATALOG), "--dataset", "cifar10",
                          "--metric", "fid", "--max-nfe", "10", "--format", "json")
    assert code in (0, None)
    rows = json.loads(out)
    assert [list(r) for r in rows][0] == ["entry", "arxiv", "dataset", "metric", "value",
                                         "nfe", "setting", "source"]
    assert [(r["value"], r["nfe"]) for r in rows] == [(13.36, 10), (41.07, 10)]  # best first
    assert rows[0]["arxiv"] == "2010.02502"


def test_kb_results_by_method_and_as_csv(kb_cli) -> None:
    code, out, _ = kb_cli("results", "--catalog", str(SITE_CATALOG), "--method", "ddim",
                          "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["entry"] for r in rows} == {"song-2020-denoising"} and len(rows) == 3
    assert rows[0]["value"] == "4.16" and rows[0]["nfe"] == "100"


@pytest.mark.parametrize(("args", "words"), [
    (("--dataset", "mnist"), "error[E112]: unknown dataset 'mnist'"),
    (("--metric", "bleu"), "error[E113]: unknown metric 'bleu'"),
    (("--method", "nope"), "error[E203]: unknown method 'nope'"),
    (("--max-nfe", "0"), "0"),
])
def test_kb_results_refuses_unknown_names(kb_cli, args: tuple[str, ...], words: str) -> None:
    code, out, err = kb_cli("results", "--catalog", str(SITE_CATALOG), *args)
    assert code not in (0, None) and words in err and "Traceback" not in err
    assert out == ""


def test_select_without_nfe_keeps_rows_without_one() -> None:
    rows = result_rows(Catalog.load(SITE_CATALOG).entries)
    assert len(select(rows)) == 4
    assert len(select(rows, max_nfe=1000)) == 4


# -- the site -----------------------------------------------------------------------------


@pytest.fixture()
def site(tmp_path: Path) -> dict[str, str]:
    ctx = SiteContext(Catalog.load(SITE_CATALOG), SiteSettings(demos_dir=tmp_path))
    return generate_site_files(ctx)


def test_the_results_pages_build(site: dict[str, str]) -> None:
    page = site[urls.results_src("CIFAR-10", "FID")]
    assert page.startswith("---\ntitle:") and "<svg" in page and "</svg>" in page
    assert "13.36" in page and "Table 1" in page and "FID on CIFAR-10" in page
    assert urls.RESULTS_INDEX in site and "FID on CIFAR-10" not in site[urls.RESULTS_INDEX][:0]
    assert urls.results_src("CIFAR-10", "FID") == "results/cifar-10-fid.md"
    assert urls.results_src("ImageNet 64×64", "NLL (bits/dim)") == \
        "results/imagenet-64x64-nll-bits-dim.md"


def test_a_hostile_setting_is_escaped_everywhere(tmp_path: Path, site: dict[str, str]) -> None:
    ctx = SiteContext(Catalog.load(SITE_CATALOG), SiteSettings(demos_dir=tmp_path))
    pages = [site[urls.results_src("CIFAR-10", "FID")], site[urls.RESULTS_INDEX],
             render_entry_page(ctx, ctx.catalog.entries["xss-2024-probe"])]
    for page in pages:
        assert "<script>window.__xss" not in page
        assert "<svg onload" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__xss=&#x27;setting&#x27;&lt;/script&gt;" in pages[2]
    # In the plot the label is SVG text, escaped by matplotlib, and `$` is not maths.
    assert "&lt;script&gt;window.__xss=" in pages[0]
    assert "$\\alpha$" in pages[0]


def test_entry_and_method_pages_link_their_results(tmp_path: Path) -> None:
    ctx = SiteContext(Catalog.load(SITE_CATALOG), SiteSettings(demos_dir=tmp_path))
    ddim = render_entry_page(ctx, ctx.catalog.entries["song-2020-denoising"])
    assert "{ #results data-search-exclude }" in ddim and "../../results/cifar-10-fid/" in ddim
    method = render_method_page(ctx, ctx.catalog.entries["ddim"])
    assert "Reported in the paper" in method
    # One row per setting, one column per NFE: Table 1's shape.
    row = re.search(r"<tr><td><a [^>]*>Song et al\. 2020</a></td><td>η = 0\.0</td>(.*?)</tr>",
                    method)
    assert row and re.findall(r">([\d.]*)</td>", row.group(1)) == ["13.36", "4.16"]
    names = json.dumps(site_nav(ctx), ensure_ascii=False)
    assert "results/cifar-10-fid.md" in names


def test_the_zh_tw_results_page_speaks_chinese(tmp_path: Path) -> None:
    ctx = SiteContext(Catalog.load(SITE_CATALOG), SiteSettings(demos_dir=tmp_path),
                      lang="zh-TW")
    page = generate_site_files(ctx)[urls.results_src("CIFAR-10", "FID")]
    assert "CIFAR-10 上的 FID" in page and "越低越好" in page and "函數評估次數" in page


def test_the_plot_has_one_label_per_series_and_no_maths() -> None:
    svg = metric_against_nfe_svg(
        [Series("A · $x$", ((10, 13.36), (100, 4.16))), Series("B <b>", ((1, 3.5),))],
        AxisText(y="FID (lower is better)"))
    assert svg.startswith("<svg") and 'width="100%"' in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "A · $x$" in texts and "B &lt;b&gt;" in texts and "FID (lower is better)" in texts
    # log-axis ticks as plain numbers, not mathtext (10^2): the build does not parse maths
    assert {"1", "10", "100"} <= set(texts)
    assert "mathdefault" not in svg and not any("^" in text for text in texts)
