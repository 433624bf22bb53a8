"""Similar by content: ``kb query --like ID`` and the entry pages' "Similar by content" list —
tf-idf cosine on title, abstract and notes, Chinese notes segmented by jieba."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.discover.similar import ContentIndex
from kb.discover.tokens import tokenize
from kb.errors import KbError

FIXTURE = Path(__file__).parent / "data" / "fixture_catalog"


@pytest.fixture(scope="module")
def fixture_catalog() -> Catalog:
    return Catalog.load(FIXTURE, use_cache=False)


def test_ddims_nearest_include_ddpm(kb_cli) -> None:
    code, out, err = kb_cli("query", "--like", "song-2020-denoising", "--catalog", str(FIXTURE),
                            "--format", "json", "--limit", "3")
    assert code == 0, err
    found = json.loads(out)
    ids = [e["id"] for e in found]
    # The DDIM method page first (same title), then the DDPM paper, whose title and
    # notes share "denoising diffusion … models" with DDIM's.
    assert ids[:2] == ["ddim", "ho-2020-denoising"]
    assert "song-2020-denoising" not in ids
    similarities = [e["similarity"] for e in found]
    assert similarities == sorted(similarities, reverse=True) and similarities[0] > 0.5


def test_like_keeps_the_other_filters_and_a_table(kb_cli) -> None:
    code, out, err = kb_cli("query", "--like", "song-2020-denoising", "--kind", "paper",
                            "--catalog", str(FIXTURE), "--format", "ids")
    assert code == 0, err
    assert out.split() == ["ho-2020-denoising", "salimans-2022-progressive"]
    code, out, _ = kb_cli("query", "--like", "ddim", "--catalog", str(FIXTURE))
    # The fixture's 7 other entries all share words with DDIM's; a similarity column leads.
    assert code == 0 and out.splitlines()[1].split()[1] == "similarity"
    assert out.rstrip().endswith("7 entries")


def test_like_an_unknown_id_is_one_clear_error(kb_cli) -> None:
    code, out, err = kb_cli("query", "--like", "ddim2", "--catalog", str(FIXTURE))
    assert code == 1 and "no entry with id 'ddim2'" in err and "Traceback" not in err


def test_similarity_is_the_cosine_of_the_tfidf_rows(fixture_catalog: Catalog) -> None:
    """Checked against the formula: cos(a, b) = a·b / (|a| |b|), from the fitted rows."""
    index = ContentIndex.for_catalog(fixture_catalog)
    a = index.matrix[index.ids.index("song-2020-denoising")].toarray().ravel()
    b = index.matrix[index.ids.index("ho-2020-denoising")].toarray().ravel()
    expected = float(a @ b) / (math.sqrt(float(a @ a)) * math.sqrt(float(b @ b)))
    found = {s.id: s.similarity for s in index.similar("song-2020-denoising", limit=None)}
    assert found["ho-2020-denoising"] == pytest.approx(expected, abs=1e-4)
    assert ContentIndex.for_catalog(fixture_catalog) is index  # made once per catalog


def test_chinese_notes_are_segmented() -> None:
    # The survey's note, in its words: jieba finds 蒸餾 (distillation) inside the run.
    note = "為了解決這些限制，預先訓練的擴散蒸餾方法作為有前途的解決方案而受到關注。"
    assert {"擴散", "蒸餾", "方法"} <= set(tokenize(note))
    assert tokenize("Score-Based Éléphant models") == ["score", "based", "elephant", "models"]


def test_a_chinese_query_finds_the_chinese_note(fixture_catalog: Catalog) -> None:
    index = ContentIndex.for_catalog(fixture_catalog)
    assert [s.id for s in index.similar_to_text("蒸餾方法")] == ["luo-2025-survey"]
    assert [s.id for s in index.similar_to_text("經典論文")] == ["ho-2020-denoising"]


def test_query_limit_must_be_positive(fixture_catalog: Catalog) -> None:
    with pytest.raises(KbError, match="--limit must be at least 1"):
        fixture_catalog.query(like="ddim", limit=0)


def test_entry_page_lists_similar_entries_escaped(fixture_catalog: Catalog) -> None:
    from kb.site.context import SiteContext
    from kb.site.entry_page import render_entry_page

    ctx = SiteContext(fixture_catalog)
    page = render_entry_page(ctx, fixture_catalog.get("song-2020-denoising"))
    section = page.split("## Similar by content", 1)[1].split("\n## ", 1)[0]
    assert "kb-similar" in section and "entries/ho-2020-denoising/" in section
    assert "entries/song-2020-denoising/" not in section  # not itself
    zh = render_entry_page(ctx.in_language("zh-TW"), fixture_catalog.get("song-2020-denoising"))
    assert "## 內容相似" in zh


def test_entry_page_escapes_titles_in_the_list(tmp_path: Path) -> None:
    import shutil

    from kb.site.context import SiteContext
    from kb.site.entry_page import render_entry_page

    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    (root / "papers" / "xss-2024-probe.yaml").write_text(
        "id: xss-2024-probe\nkind: paper\ntitle: 'Denoising Diffusion Implicit Models "
        "<script>alert(1)</script>'\ntopics: [history]\n", encoding="utf-8")
    catalog = Catalog.load(root, use_cache=False)
    page = render_entry_page(SiteContext(catalog), catalog.get("song-2020-denoising"))
    section = page.split("## Similar by content", 1)[1].split("\n## ", 1)[0]
    assert "xss-2024-probe" in section
    assert "<script>" not in section and "&lt;script&gt;" in section
