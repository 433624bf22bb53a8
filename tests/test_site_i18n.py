"""The site in English and Traditional Chinese: the message tables agree, page-makers take
their words from them, catalog text keeps its language, and the glossary is complete.

Page-level checks use the fixture catalog (tests/data/site_catalog/), without MkDocs; the
two-language build itself is checked in tests/test_site_build.py.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.errors import KbError
from kb.site import i18n, urls
from kb.site.context import SiteContext
from kb.site.demos import demo_url
from kb.site.glossary_page import glossary_terms
from kb.site.i18n import LANGUAGES, messages, t, text_language
from kb.site.nav import site_nav
from kb.site.pages import generate_site_files

REPO = Path(__file__).resolve().parents[1]
SITE_PY = REPO / "kb" / "site"
SITE_CATALOG = REPO / "tests" / "data" / "site_catalog"
SHIPPED_TOPICS = REPO / "catalog" / "topics.yaml"

# English headings and labels the pages show. Each must come from the message table: a page
# module that writes one of them as a string literal bypasses the table.
KNOWN_HEADINGS = ("Abstract", "Notes", "Links", "Sources", "Cites", "Cited by", "Builds on",
                  "Built upon by", "Related", "Neighbourhood", "On the timeline", "In short",
                  "Equations", "Lineage", "Key papers", "Also about it", "Minimal implementation",
                  "Run the demo", "Subtopics", "Topics", "Methods", "Timeline", "Catalog",
                  "Tags", "Glossary", "Undated", "Citation graph", "Copy BibTeX", "Overview",
                  "Papers", "Surveys", "Tutorials and courses", "Code repositories",
                  "Quality against NFE", "Layout", "Colour by", "Show all")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(SITE_CATALOG)


@pytest.fixture(scope="module")
def pages(catalog: Catalog) -> dict[str, dict[str, str]]:
    english = SiteContext(catalog)
    return {lang: generate_site_files(english.in_language(lang)) for lang in LANGUAGES}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_in_every_language_with_the_same_placeholders() -> None:
    english = messages("en")
    for lang in LANGUAGES:
        table = messages(lang)
        assert sorted(set(english) - set(table)) == [], f"missing in {lang}.yaml"
        assert sorted(set(table) - set(english)) == [], f"only in {lang}.yaml"
        for key, text in table.items():
            assert text.strip(), f"{lang}.yaml: {key} is empty"
            assert _placeholders(text) == _placeholders(english[key]), f"{lang}: {key}"


def test_the_chinese_table_is_chinese() -> None:
    """Every zh-TW message that is not a name or code (arXiv, DOI, BibTeX, YAML …) has Han
    characters: nothing was left in English."""
    left_in_english = [key for key, text in messages("zh-TW").items()
                       if text == messages("en")[key] and re.search(r"[a-z]{3}", text)
                       and key not in ("meta.arxiv", "entry.bibtex", "catalog.yaml")]
    assert left_in_english == []
    assert t("entry.abstract", "zh-TW") == "摘要"
    assert t("entry.cites", "zh-TW") == "引用"


def _code_strings(source: str) -> list[str]:
    """The string literals of a module (f-string parts too), docstrings left out."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings]


def test_page_modules_take_their_headings_from_the_table() -> None:
    """No page-maker writes a known heading itself: ``heading("Notes")``, ``"# Topics"``,
    ``"<th>Title</th>"``, ``"<label>Layout <select…"`` would show English on the zh-TW site."""
    offenders = []
    for path in sorted(SITE_PY.glob("*.py")):
        for text in _code_strings(path.read_text(encoding="utf-8")):
            offenders += [f"{path.name}: {word!r} in {text!r}" for word in KNOWN_HEADINGS
                          if text.strip() == word or f">{word}" in text or f"# {word}" in text]
    assert offenders == []


def test_unknown_language_and_key_are_one_clear_error() -> None:
    with pytest.raises(KbError, match="unknown site language 'fr'"):
        messages("fr")
    with pytest.raises(KbError, match="no message 'entry.nope'"):
        t("entry.nope", "en")


def test_a_broken_table_is_reported_with_its_line(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "en.yaml").write_text("a: fine\nb: not: fine\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.messages.cache_clear()
    try:
        with pytest.raises(KbError) as raised:
            messages("en")
        assert raised.value.diagnostic.line == 2
        assert raised.value.diagnostic.code == "E705"
    finally:
        i18n.messages.cache_clear()


@pytest.mark.parametrize(("text", "lang"), [
    ("Denoising Diffusion Implicit Models", "en"),
    ("用同一個訓練好的模型,取樣快 10–50 倍。", "zh-Hant"),
    ("2020 DDIM — 50 steps. 用同一個訓練好的模型,取樣快 10–50 倍。", "zh-Hant"),  # 4 words, 17 Han
    ("An English note that quotes one term, 蒸餾, in passing.", "en"),
    ("", "en"),
])
def test_text_language_is_told_by_script(text: str, lang: str) -> None:
    assert text_language(text) == lang


def test_zh_tw_pages_use_the_chinese_words(pages: dict[str, dict[str, str]]) -> None:
    zh = pages["zh-TW"]
    ddim = zh["entries/song-2020-denoising.md"]
    assert "\n## 摘要" in ddim and "\n## 引用" in ddim and "\n## 被引用" in ddim
    assert "Abstract" not in ddim and "Cited by" not in ddim
    method = zh["methods/ddim.md"]
    assert "\n## 簡介" in method and "術語表" in method
    assert "# 時間軸" in zh[urls.TIMELINE]
    english = pages["en"]["entries/song-2020-denoising.md"]
    assert "\n## Abstract" in english and "摘要" not in english


def test_headings_keep_one_anchor_in_both_languages(pages: dict[str, dict[str, str]]) -> None:
    """A link to ``#cites`` works on both sites: anchors come from the key, not the words."""
    def anchors(page: str) -> list[str]:
        return re.findall(r"^#+ .*\{[^}]*#([\w-]+)", page, flags=re.MULTILINE)

    src = "entries/song-2020-denoising.md"
    assert anchors(pages["en"][src]) == anchors(pages["zh-TW"][src])
    assert "cites" in anchors(pages["en"][src])


def test_catalog_text_is_shown_as_written_with_its_language(
        pages: dict[str, dict[str, str]]) -> None:
    ddim = pages["zh-TW"]["entries/song-2020-denoising.md"]
    assert '<h1 class="kb-title" lang="en">Denoising Diffusion Implicit Models</h1>' in ddim
    assert '<div class="kb-abstract" lang="en">' in ddim
    # The fixture's DDIM note is written in Chinese with a few English words.
    assert re.search(r'<div class="kb-notes" lang="zh-Hant">', ddim)


def test_topics_show_their_chinese_titles_on_the_zh_tw_site(catalog: Catalog) -> None:
    shipped = Catalog.load(REPO / "catalog")
    zh = SiteContext(shipped).in_language("zh-TW")
    assert all(topic.title_zh and topic.description_zh for topic in shipped.topics.values())
    nav = site_nav(zh)
    topics_tab = next(item for item in nav if "主題" in item)["主題"]
    assert {"基本觀念": "topics/basics.md"} in topics_tab
    assert zh.topic_title(shipped.topics["basics"]) == "基本觀念"
    assert SiteContext(shipped).topic_title(shipped.topics["basics"]) == "Basic concepts"


def test_nav_is_translated_and_keeps_its_pages(catalog: Catalog) -> None:
    english, chinese = (site_nav(SiteContext(catalog).in_language(lang)) for lang in LANGUAGES)
    assert [next(iter(item)) for item in english] == [
        "Home", "Topics", "Methods", "Timeline", "Graph", "Results", "Catalog", "Guide"]
    assert [next(iter(item)) for item in chinese] == [
        "首頁", "主題", "方法", "時間軸", "引用圖", "論文結果", "文獻目錄", "指南"]
    assert [list(item.values()) for item in english][0] == [urls.HOME]


def test_glossary_maps_the_taiwanese_terms_to_english(pages: dict[str, dict[str, str]]) -> None:
    terms = {term.zh: term.en for term in glossary_terms()}
    for zh, en in [("擴散模型", "diffusion model"), ("去噪", "denoising"), ("取樣", "sampling"),
                   ("蒸餾", "distillation"), ("潛在空間", "latent space"), ("分數", "score"),
                   ("引導", "guidance"), ("取樣步數", "sampling steps")]:
        assert terms[zh] == en
    assert len({term.anchor for term in glossary_terms()}) == len(terms)
    for lang in LANGUAGES:
        page = pages[lang][urls.GLOSSARY]
        assert page.count("<tr id=\"term-") == len(terms)
        assert '<td lang="zh-Hant">潛在空間</td>' in page
    assert "The compressed space of an autoencoder" in pages["en"][urls.GLOSSARY]
    assert "自編碼器的壓縮空間" in pages["zh-TW"][urls.GLOSSARY]


def test_method_pages_link_to_the_glossary(pages: dict[str, dict[str, str]]) -> None:
    for lang in LANGUAGES:
        assert 'href="../../glossary/"' in pages[lang]["methods/ddim.md"]


def test_run_the_demo_passes_the_language_from_zh_tw_pages(
        pages: dict[str, dict[str, str]]) -> None:
    assert 'href="http://localhost:8501/ddim?steps=20&amp;lang=zh-TW"' in \
        pages["zh-TW"]["methods/ddim.md"]
    assert 'href="http://localhost:8501/ddim?steps=20"' in pages["en"]["methods/ddim.md"]
    assert demo_url("http://localhost:8501", "ddim", lang="zh-TW") == \
        "http://localhost:8501/ddim?steps=20&lang=zh-TW"
    assert demo_url("http://localhost:8501", "ddim") == "http://localhost:8501/ddim?steps=20"


def test_the_timeline_plot_is_drawn_in_each_language(pages: dict[str, dict[str, str]]) -> None:
    """One SVG per language (``/zh-TW/assets/generated/…`` on the zh-TW site): axis labels,
    title and the kinds in the legend from the table. The text is drawn as outlines, so the
    browser needs no CJK font; matplotlib writes each text in a comment above its glyphs."""
    from kb.graph.timeline_plot import installed_font

    english, chinese = pages["en"][urls.TIMELINE_PLOT], pages["zh-TW"][urls.TIMELINE_PLOT]
    for words in ("year", "entries", "Catalog entries per year, by kind", "paper", "survey"):
        assert f"<!-- {words} -->" in english
    assert "<text" not in english and "<text" not in chinese  # outlines, not fonts
    if installed_font() is None:
        pytest.skip("no CJK font on this machine (Debian: fonts-noto-cjk)")
    for words in ("年份", "條目數", t("timeline.plot_title", "zh-TW"), "論文", "綜述"):
        assert f"<!-- {words} -->" in chinese
    assert "<!-- entries -->" not in chinese


def test_without_a_cjk_font_the_zh_tw_plot_keeps_english_words_quietly(
        catalog: Catalog, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """No boxes for missing glyphs, no matplotlib warning per glyph: one line in the build's
    log, and a plot a reader can still read."""
    import logging
    import warnings

    from kb.graph import timeline_plot
    from kb.site.timeline_page import timeline_plot_svg

    monkeypatch.setattr(timeline_plot, "installed_font", lambda families=(): None)
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, "mkdocs.plugins.kb"):
        warnings.simplefilter("error")
        svg = timeline_plot_svg(SiteContext(catalog).in_language("zh-TW"))
    assert "<!-- entries -->" in svg and "條目數" not in svg
    assert [r.getMessage() for r in caplog.records if "CJK" in r.getMessage()] == [
        "kb: no CJK font found (e.g. Debian's fonts-noto-cjk); the zh-TW timeline plot keeps "
        "its English words"]


def test_a_font_the_system_lacks_is_not_found() -> None:
    from kb.graph.timeline_plot import installed_font

    assert installed_font(("No Such Font 12345",)) is None
    assert installed_font(("No Such Font 12345", "DejaVu Sans")) == "DejaVu Sans"
