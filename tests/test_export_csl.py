"""CSL-JSON export: items citeproc-py accepts and renders as a bibliography."""

from __future__ import annotations

import json
import warnings

import pytest

from kb.export.csl import csl_item, csl_name, to_csl_json
from kb.models import Entry


@pytest.mark.parametrize("name, expected", [
    ("Jonathan Ho", {"family": "Ho", "given": "Jonathan"}),
    ("Ho, Jonathan", {"family": "Ho", "given": "Jonathan"}),
    ("Matias del Campo", {"family": "Campo", "given": "Matias", "non-dropping-particle": "del"}),
    ("van der Waals, Ludwig", {"family": "Waals", "given": "Ludwig",
                               "non-dropping-particle": "van der"}),
    ("Le Roux, Nicolas", {"family": "Le Roux", "given": "Nicolas"}),
    ("Ho, Jr, Jonathan", {"family": "Ho", "given": "Jonathan", "suffix": "Jr"}),
    ("{Google DeepMind}", {"literal": "Google DeepMind"}),
    ("OpenAI", {"literal": "OpenAI"}),
    ("何愷明", {"literal": "何愷明"}),
])
def test_names(name: str, expected: dict) -> None:
    assert csl_name(name) == expected


def test_item_fields() -> None:
    entry = Entry(id="ho-2020-denoising", kind="paper", title="Denoising Diffusion",
                  authors=["Jonathan Ho", "Pieter Abbeel"], year=2020, date="2020-06-19",
                  arxiv="2006.11239", venue="NeurIPS 2020", doi="10.5555/1234",
                  url="https://arxiv.org/abs/2006.11239", tags=["ddpm"], language="en")
    item = csl_item(entry, "ho2020denoising")
    assert item["type"] == "paper-conference"
    assert item["id"] == "ho2020denoising"  # the BibTeX key: pandoc can switch between them
    assert item["citation-key"] == "ho2020denoising"
    assert item["issued"] == {"date-parts": [[2020, 6, 19]]}
    assert item["container-title"] == "NeurIPS 2020"
    assert item["author"][1] == {"family": "Abbeel", "given": "Pieter"}
    assert item["DOI"] == "10.5555/1234"
    assert "number" not in item  # a published paper does not carry its arXiv id as number
    preprint = csl_item(Entry(id="p", kind="paper", title="P", year=2021, arxiv="2101.00001"),
                        "p")
    assert (preprint["type"], preprint["publisher"]) == ("article", "arXiv")
    assert preprint["number"] == "arXiv:2101.00001"
    assert preprint["issued"] == {"date-parts": [[2021]]}


def test_citeproc_renders_the_fixture_bibliography(graph_catalog) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(to_csl_json(sorted(graph_catalog, key=lambda e: e.id)))
    assert len(items) == len(graph_catalog)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py does not know CSL 1.0.2's citation-key
        source = CiteProcJSON(items)
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = [str(line) for line in bibliography.bibliography()]
    assert len(rendered) == len(items)
    gamma = next(line for line in rendered if "Gamma Diffusion" in line)
    assert gamma.startswith("Cat, C. and Ant, A. (2020)")
    assert "NeurIPS 2020" in gamma
    delta = next(line for line in rendered if "Delta Steps" in line)
    assert "TPAMI" in delta and "10.1109/TPAMI.2021.0001" in delta


def test_utf8_is_kept() -> None:
    entry = Entry(id="zh", kind="book", title="擴散模型", authors=["李明"], venue="人民邮电出版社")
    text = to_csl_json([entry])
    assert "擴散模型" in text and "\\u" not in text
    assert json.loads(text)[0]["publisher"] == "人民邮电出版社"
