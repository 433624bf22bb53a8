"""The demo app in English and Traditional Chinese (``?lang=zh-TW``): the two message tables
agree, the language is kept for the session, and the pages show the Chinese text."""

from __future__ import annotations

import re
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


# -- every word of the app is in both tables ------------------------------------------------

APP_DIR = APP.parent
APP_FILES = sorted(APP_DIR.rglob("*.py"))


def _say_calls() -> tuple[set[str], set[str]]:
    """The keys the app's code asks :func:`say` for: literal keys — arguments of ``say`` and
    keys kept as data (``SAMPLERS = {"pc": (…, "page.score-sde.sampler_pc")}``,
    ``Notice(…, "notice.outside")``), any string shaped like a key of the tables' namespaces
    — and the constant starts of keys made with f-strings (``f"route.{route.url_path}"`` →
    ``route.``)."""
    import ast

    namespaces = "|".join(sorted({key.split(".")[0] for key in messages("en")}))
    shaped = re.compile(rf"(?:{namespaces})\.[\w-]+(?:\.[\w-]+)*")
    literal, prefixes = set(), set()
    for path in APP_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"
                    and node.args and isinstance(node.args[0], ast.JoinedStr)):
                first = node.args[0].values[0]
                assert isinstance(first, ast.Constant), f"{path.name}: a key starts unnamed"
                prefixes.add(first.value)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and shaped.fullmatch(node.value) and not node.value.endswith(".py")):
                literal.add(node.value)
    return literal, prefixes


def test_every_key_the_app_asks_for_is_in_both_tables() -> None:
    literal, prefixes = _say_calls()
    assert len(literal) > 150  # the scan found the pages' calls
    for lang in LANGUAGES:
        table = messages(lang)
        assert sorted(literal - set(table)) == [], f"missing in {lang}.yaml"
        for prefix in prefixes:
            assert any(key.startswith(prefix) for key in table), (lang, prefix)


def test_every_key_in_the_tables_is_asked_for() -> None:
    """No stale message: each key is asked for by name, or by one of the f-string families."""
    literal, prefixes = _say_calls()
    unused = [key for key in messages("en")
              if key not in literal and not key.startswith(tuple(prefixes))]
    assert unused == []


def test_the_key_families_are_complete() -> None:
    """Keys made at run time: one per page, dataset, metric and registered method."""
    from demos.app.inputs import IMAGE_SETS, TOY_SETS
    from demos.registry import METHODS

    metrics = re.findall(r'Metric\(\s*"(\w+)"', (APP.parents[1] / "metrics.py").read_text())
    assert "classifier_fd" in metrics
    for lang in LANGUAGES:
        table = messages(lang)
        wanted = ([f"route.{r.url_path}" for r in ROUTES]
                  + [f"dataset.{name}" for name in IMAGE_SETS + TOY_SETS]
                  + [f"metric.{name}" for name in metrics]
                  + [f"method.{name}.summary" for name in METHODS])
        assert [key for key in wanted if key not in table] == [], lang


def test_method_summaries_in_english_are_the_registrys() -> None:
    """The registry (teaching code, streamlit-free) keeps its English summary; the app's
    table repeats it so both languages are looked up alike — and must not drift from it."""
    from demos.registry import METHODS

    for name, method in METHODS.items():
        assert say(f"method.{name}.summary", "en") == method.summary, name
        assert say(f"method.{name}.summary", "zh-TW") != method.summary, name


def test_every_message_fills_in_with_its_placeholders() -> None:
    """Every message goes through str.format: a stray brace (LaTeX) would fail on the page."""
    for lang in LANGUAGES:
        for key, text in messages(lang).items():
            filled = say(key, lang, **dict.fromkeys(_placeholders(text), "X"))
            assert "{" not in filled.replace("{}", ""), (lang, key)


def test_the_chinese_app_table_is_chinese() -> None:
    """Every zh-TW message that is not a symbol or a name (NFE, η, "reflow") has Han
    characters: nothing was left in English."""
    english = messages("en")
    same = sorted(key for key, text in messages("zh-TW").items()
                  if text == english[key] and re.search(r"[a-z]{3}", text))
    assert same == ["page.flow-matching.reflow"]
    assert say("control.retrain", "zh-TW") == "重新訓練模型"


def test_notices_and_training_progress_speak_the_pages_language() -> None:
    from demos.app.inputs import STEPS
    from demos.app.state import TrainingRun

    _, notice = STEPS.parse("5000")
    assert notice.message == "steps=5000 is outside 1…1000; using 1000"
    assert notice.text("zh-TW") == "steps=5000 超出 1…1000 的範圍；改用 1000"
    run = TrainingRun("ddpm", "digits", retrain=False)
    assert run.status("zh-TW") == (0.0, "正在以 digits 訓練 ddpm：等待另一個模型訓練完成 …")
    run.waiting, run.step, run.total, run.loss, run.phase = False, 5, 10, 0.5, 2
    fraction, text = run.status("zh-TW")
    assert fraction == 0.5 and text.startswith("正在以 digits 訓練 ddpm（第 2 階段）：第 5/10 步")
    assert run.status()[1].startswith("Training ddpm on digits (phase 2): step 5/10 · loss 0.5000")


def test_figures_keep_english_words_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    from demos.app import views

    monkeypatch.setattr(views, "cjk_font", lambda: None)
    assert views.plot_language("zh-TW") == "en" and views.plot_language("en") == "en"


def test_the_ddim_sidebar_speaks_chinese_and_keeps_its_state(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Under ?lang=zh-TW the DDIM page's controls are labelled in Chinese; the widgets keep
    their keys, so switching the language keeps what the visitor set, and the URL says the
    same as in English."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_DEMO_TINY", "1")
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    at.switch_page("method_pages/ddim.py")
    at.query_params.update({"steps": "500", "dataset": "moons"})  # tiny T = 100: clamped
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    english = {w.key: w.label for w in [*at.sidebar.slider, *at.sidebar.number_input,
                                         *at.sidebar.selectbox, *at.sidebar.button]}
    assert english["ddim.steps"] == "Steps S (= NFE)"
    at.slider(key="ddim.eta").set_value(0.5).run()

    at.query_params["lang"] = "zh-TW"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    sidebar = {w.key: w for w in [*at.sidebar.slider, *at.sidebar.number_input,
                                  *at.sidebar.selectbox, *at.sidebar.button]}
    assert set(sidebar) == set(english)  # the same widgets, by key
    labels = {key: widget.label for key, widget in sidebar.items()}
    assert labels == {"ddim.dataset": "資料", "ddim.train_steps": "訓練步數",
                      "ddim.steps": "步數 S（= NFE）", "ddim.eta": "η", "ddim.n": "樣本數",
                      "ddim.seed": "隨機種子", "ddim.retrain": "重新訓練模型"}
    assert sidebar["ddim.eta"].help == "0：確定性的 DDIM；1：近似 DDPM。"
    assert at.sidebar.selectbox(key="ddim.dataset").format_func("moons") == "雙月形（moons）"
    assert at.sidebar.header[0].value == "DDIM"
    # what the visitor set survives the change of language, and the URL is the same
    assert sidebar["ddim.eta"].value == 0.5 and sidebar["ddim.steps"].value == 100
    assert at.sidebar.selectbox(key="ddim.dataset").value == "moons"
    assert {k: at.query_params[k] for k in ("steps", "eta", "dataset")} == {
        "steps": "100", "eta": "0.5", "dataset": "moons"}
    # the page itself: headings, run report, the notice of the clamped deep link
    assert [h.value for h in at.main.header][:1] == ["1 · 相同 NFE 下的 DDIM 與 DDPM"]
    assert {m.label for m in at.metric} >= {"NFE", "實際耗時"}
    assert any(str(m.proto.delta).startswith("真實資料之間") for m in at.metric)
    captions = " ".join(c.value for c in at.caption)
    assert "模型：" in captions and "重建 RMSE" in captions
    assert [e.value for e in at.error] == []


def test_an_unknown_language_shows_english_and_says_so() -> None:
    """``?lang=fr``: the message names the language asked for (a ``lang`` placeholder, which
    ``say``'s own ``lang`` argument must not swallow)."""
    from streamlit.testing.v1 import AppTest

    assert say("app.unknown_language", "en", lang="fr").startswith("No page text in fr;")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.caption[0].value.startswith("No page text in fr;")
    assert [title.value for title in at.title] == ["Diffusion models, runnable"]
