"""Escaping and sanitizing: catalog strings reach HTML only as text."""

from __future__ import annotations

import json

import pytest

from kb.site.html import data_attrs, esc, external_link, json_for_script, safe_url
from kb.site.markdown_text import render_markdown


def test_esc_escapes_markup_and_both_quotes() -> None:
    assert esc("""<a href="x" title='y'>&</a>""") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;")


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:x", "file:///etc/passwd", "//evil.example/x", "", None,
])
def test_safe_url_refuses_everything_but_http_and_https(url: str | None) -> None:
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_https() -> None:
    assert safe_url("https://arxiv.org/abs/2006.11239") == "https://arxiv.org/abs/2006.11239"
    assert safe_url("http://example.org/") == "http://example.org/"


def test_external_link_with_an_unsafe_url_is_plain_text() -> None:
    assert external_link("javascript:alert(1)", "<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_external_link_escapes_quotes_inside_the_url() -> None:
    html = external_link('https://example.org/"><script>x</script>', "t")
    assert html.startswith('<a href="https://example.org/&quot;&gt;&lt;script&gt;')
    assert "<script>" not in html


def test_json_for_script_cannot_close_the_element_or_open_a_comment() -> None:
    data = {"title": "</script><!-- <script>alert(1)</script> \u2028\u2029 & 'x' \"y\""}
    text = json_for_script(data)
    for forbidden in ("</script", "<!--", "<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text
    assert json.loads(text) == data


def test_data_attrs_join_lists_and_escape() -> None:
    assert data_attrs({"topics": ["a", 'b"c']}) == ' data-topics="a b&quot;c"'


def test_markdown_is_rendered_and_chinese_kept() -> None:
    html = render_markdown("**蒸餾** and *DDIM*\n\n- one\n- two")
    assert "<strong>蒸餾</strong>" in html
    assert "<em>DDIM</em>" in html
    assert "<li>one</li>" in html


def test_markdown_maths_becomes_arithmatex_spans() -> None:
    html = render_markdown(r"loss $\lVert \epsilon - \epsilon_\theta \rVert^2$")
    assert r'<span class="arithmatex">\(\lVert \epsilon - \epsilon_\theta \rVert^2\)</span>' \
        in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "<iframe src=\"https://example.org\"></iframe>",
    "<style>body{display:none}</style>",
    "<div onclick=\"alert(1)\">x</div>",
    "<svg onload=alert(1)></svg>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<object data=x></object><embed src=x>",
    "<form action=x><input></form>",
])
def test_sanitizer_removes_active_content(hostile: str) -> None:
    html = render_markdown(f"before {hostile} after").lower()
    for active in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe",
                   "<style", "<svg", "<img", "data:text", "<object", "<embed", "<form",
                   "<input", "alert(1)</"):
        assert active not in html
    assert "before" in html and "after" in html


def test_sanitizer_keeps_safe_links_with_noopener() -> None:
    html = render_markdown("[code](https://github.com/x/y)")
    assert html == ('<p><a href="https://github.com/x/y" rel="noopener noreferrer">code</a>'
                    "</p>")


def test_empty_markdown_is_empty() -> None:
    assert render_markdown(None) == ""
    assert render_markdown("  \n") == ""
