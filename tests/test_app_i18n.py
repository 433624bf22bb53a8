"""The demo app in English and Traditional Chinese (``?lang=zh-TW``): the two message tables
agree, the language is kept for the session, and the pages show the Chinese text."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from demos.app.i18n import (
    LANGUAGES,
    SESSION_KEY,
    messages,
    page_language,
    say,
    unknown_language,
)
from demos.app.routes import ROUTES

APP = Path(__file__).resolve().parents[1] / "demos" / "app" / "app.py"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_tables_have_the_same_keys_and_placeholders() -> None:
    english, chinese = messages("en"), messages("zh-TW")
    assert sorted(set(english) ^ set(chinese)) == []
    for key, text in chinese.items():
        assert text.strip() and _placeholders(text) == _placeholders(english[key]), key


def test_every_page_has_its_title_and_menu_name() -> None:
    for route in ROUTES:
        for lang in LANGUAGES:
            assert say(f"route.{route.url_path}", lang)
            assert say(f"page.{route.url_path}.title", lang)
            assert say(f"page.{route.url_path}.caption", lang)
    assert say("route.progressive-distillation", "zh-TW") == "漸進式蒸餾"
    assert say("page.ddim.title", "en") == "DDIM — fewer steps, same model"


def test_the_language_is_asked_once_and_kept_for_the_session() -> None:
    session: dict[str, object] = {}
    assert page_language({}, session) == "en"
    assert page_language({"lang": "zh-TW"}, session) == "zh-TW"
    assert session[SESSION_KEY] == "zh-TW"
    assert page_language({}, session) == "zh-TW"  # the next page's URL has no lang
    assert page_language({"lang": "fr"}, session) == "zh-TW"  # unknown: nothing changes
    assert unknown_language({"lang": "fr"}) == "fr"
    assert unknown_language({"lang": "zh-TW"}) is None
    assert page_language({"lang": "en"}, session) == "en"


def test_an_unknown_language_is_a_clear_error_for_code() -> None:
    with pytest.raises(ValueError, match="no demo app text in 'fr'"):
        messages("fr")


def test_the_overview_speaks_chinese_with_lang_zh_tw(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_DEMO_TINY", "1")
    monkeypatch.setenv("KB_SITE_URL", "http://site.test:8000")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "zh-TW"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [title.value for title in at.title] == ["可以執行的擴散模型"]
    assert "[擴散模型知識庫](http://site.test:8000/zh-TW)" in at.markdown[0].value

    english = AppTest.from_file(str(APP), default_timeout=120)
    english.run()
    assert [title.value for title in english.title] == ["Diffusion models, runnable"]
    assert "[diffusion knowledge base](http://site.test:8000)" in english.markdown[0].value


def test_a_method_page_keeps_the_language_and_links_the_zh_tw_site(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A deep link from a zh-TW site page (``/ddim?steps=20&lang=zh-TW``): the title, the
    caption and the link back are Chinese; a switch to another page keeps the language."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_DEMO_TINY", "1")
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KB_SITE_URL", "http://site.test:8000")
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.query_params["lang"] = "zh-TW"
    at.run()
    at.switch_page("method_pages/ddim.py")
    at.query_params.update({"steps": "2", "lang": "zh-TW"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [title.value for title in at.title] == ["DDIM：同一個模型，更少的步數"]
    assert at.caption[0].value.startswith("Song, Meng & Ermon 2020。")
    links = [m.value for m in at.markdown if "延伸閱讀" in m.value]
    assert links and "(http://site.test:8000/zh-TW/methods/ddim/)" in links[0]
    at.switch_page("method_pages/ddpm.py")
    at.run()
    assert [title.value for title in at.title] == ["DDPM：去噪擴散"]
