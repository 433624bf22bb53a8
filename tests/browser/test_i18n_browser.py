"""The site in Traditional Chinese, in real headless Chromium: the zh-TW page of DDIM speaks
Chinese around the paper's own English, the header's switch leads to the same page in English
and back, and the accessibility fixes hold (contrast of tabs and badges, underlined links in
text, a named search dialog) — the fast check of what benchmarks/lighthouse.py measures.

Screenshots: tests/screenshots/i18n-zh-TW.png and i18n-en.png.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

DDIM = "entries/song-2020-denoising/"


def headings(page) -> list[str]:
    """The page's section headings, without their permalink sign."""
    return [text.rstrip("¶").strip() for text in page.locator(".md-content h2").all_inner_texts()]

# The colours an element is drawn in: its text colour (with its own and its ancestors'
# opacity) over the first opaque background behind it.
DRAWN_COLOURS = """element => {
  const parse = text => (text.match(/[\\d.]+/g) || []).map(Number);
  let opacity = 1;
  for (let e = element; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  let background = null;
  for (let e = element; e && !background; e = e.parentElement) {
    const colour = parse(getComputedStyle(e).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) background = colour;
  }
  const fg = parse(getComputedStyle(element).color);
  return {fg: fg.slice(0, 3), alpha: (fg.length === 4 ? fg[3] : 1) * opacity,
          bg: (background || [255, 255, 255]).slice(0, 3)};
}"""


def contrast(drawn: dict) -> float:
    """WCAG 2 contrast ratio of the text colour, blended by its alpha, over the background."""
    alpha = drawn["alpha"]
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(drawn["fg"], drawn["bg"], strict=True)]

    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(fg), luminance(drawn["bg"])), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_zh_tw_entry_page_speaks_chinese_and_switches_to_english(visit) -> None:
    visit.open("zh-TW/" + DDIM)
    page = visit.page
    assert page.locator("html").get_attribute("lang") == "zh-TW"
    assert "摘要" in headings(page) and "引用" in headings(page)
    assert page.locator("h1.kb-title").get_attribute("lang") == "en"  # the title as written
    assert page.locator(".md-tabs__link").first.inner_text() == "首頁"
    visit.screenshot("i18n-zh-TW.png", full_page=False)

    page.locator(".md-header__option .md-select").hover()
    page.locator('a.kb-language-link[hreflang="en"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == visit.base + DDIM
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Abstract" in headings(page) and "摘要" not in headings(page)
    visit.screenshot("i18n-en.png", full_page=False)

    page.locator(".md-header__option .md-select").hover()
    page.locator('a.kb-language-link[hreflang="zh-TW"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == visit.base + "zh-TW/" + DDIM
    visit.assert_clean()


@pytest.mark.parametrize("prefix", ["", "zh-TW/"])
def test_tabs_badges_links_and_search_pass_the_accessibility_checks(visit, prefix: str) -> None:
    visit.open(prefix + DDIM)
    page = visit.page
    tabs = page.locator(".md-tabs__link")
    assert tabs.count() == 8
    for index in range(tabs.count()):
        assert contrast(tabs.nth(index).evaluate(DRAWN_COLOURS)) >= 4.5
    badges = page.locator(".kb-badge")
    kinds = set()
    for index in range(badges.count()):
        badge = badges.nth(index)
        kinds.add(badge.get_attribute("class"))
        assert contrast(badge.evaluate(DRAWN_COLOURS)) >= 4.5, badge.get_attribute("class")
    assert len(kinds) >= 3  # the fixture's DDIM page shows several kinds
    # links among text: the metadata (arXiv, topics), the lists of entries, the links list
    links_in_text = page.locator(".md-content :is(dd, li.kb-item, ul.kb-links li, p) > a")
    assert links_in_text.count() > 0
    for index in range(links_in_text.count()):
        style = links_in_text.nth(index).evaluate(
            "a => getComputedStyle(a).textDecorationLine")
        assert "underline" in style
    dialog = page.locator('.md-search[role="dialog"]')
    assert dialog.get_attribute("aria-label") == ("Search" if not prefix else "搜尋")
    visit.assert_clean()


def test_the_embedded_code_is_readable(visit) -> None:
    """Method pages embed the demos' sources, whose comments and docstrings are documentation:
    comments, docstrings, operators and punctuation are ≥ 4.5:1 on the code background."""
    visit.open("methods/ddim/")
    tokens = visit.page.locator(".md-content .highlight :is(.c1, .sd, .o, .ow, .p)")
    assert tokens.count() > 10
    for index in range(0, tokens.count(), max(1, tokens.count() // 40)):  # a sample of them
        assert contrast(tokens.nth(index).evaluate(DRAWN_COLOURS)) >= 4.5
    visit.assert_clean()
