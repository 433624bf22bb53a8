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
    assert "[擴散模型知識庫](http://site.test:8000)" in at.markdown[0].value

    english = AppTest.from_file(str(APP), default_timeout=120)
    english.run()
    assert [title.value for title in english.title] == ["Diffusion models, runnable"]
