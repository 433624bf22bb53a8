"""Maths typeset at build time (kb/site/maths.py): KaTeX in QuickJS turns each maths element
into HTML, with trust off, its text escaped, a LaTeX error shown where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.site.maths import Typesetter, has_maths, strip_delimiters, typesetter

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def katex() -> Typesetter:
    return typesetter(REPO / "site")


def test_inline_and_display_maths_become_katex_html(katex: Typesetter) -> None:
    page = ('<p>Noise <span class="arithmatex">\\(\\epsilon_\\theta(x_t, t)\\)</span>.</p>'
            '<div class="arithmatex kb-equation">\\[x_{t-1} = \\sqrt{\\alpha_t}\\, x_0\\]</div>')
    out = katex.typeset(page)
    assert out.startswith('<p>Noise <span class="arithmatex"><span class="katex">')
    assert '<div class="arithmatex kb-equation"><span class="katex-display">' in out
    assert "<math" in out  # MathML beside the HTML, for screen readers
    assert "\\(" not in out and "\\[" not in out
    assert not has_maths(out.replace('class="arithmatex', 'class="done'))


def test_html_escaped_latex_is_read_as_text_and_written_escaped(katex: Typesetter) -> None:
    out = katex.typeset('<span class="arithmatex">\\(a &lt; b &gt; c\\)</span>')
    assert 'class="katex-error"' not in out
    assert '<span class="mrel">&lt;</span>' in out  # typeset, and the < still escaped
    assert "<b" not in out


def test_hostile_latex_neither_links_nor_injects(katex: Typesetter) -> None:
    out = katex.typeset(
        '<span class="arithmatex">\\(\\href{javascript:alert(1)}{x} '
        '\\htmlClass{evil}{y} &lt;/span&gt;&lt;script&gt;alert(2)&lt;/script&gt;\\)</span>')
    assert "<a " not in out and "javascript:" not in out.replace("\\href{javascript:", "")
    assert 'class="evil"' not in out
    assert "<script" not in out


def test_a_latex_error_is_shown_in_place(katex: Typesetter) -> None:
    out = katex.typeset('<span class="arithmatex">\\(\\frac{1}{\\)</span> after')
    assert 'class="katex-error"' in out and out.endswith("</span> after")


def test_delimiters_are_stripped() -> None:
    assert strip_delimiters(" \\(x\\) ") == "x"
    assert strip_delimiters("\\[x\\]") == "x"
    assert strip_delimiters("$$x$$") == "x"
    assert strip_delimiters("$x$") == "x"
    assert strip_delimiters("x") == "x"


def test_a_failing_katex_leaves_the_latex_as_text(tmp_path: Path) -> None:
    script = tmp_path / "katex.min.js"
    script.write_text("globalThis.katex = {renderToString() { throw new Error('boom'); }};",
                      encoding="utf-8")
    page = '<span class="arithmatex">\\(x\\)</span>'
    assert Typesetter(script).typeset(page) == page
