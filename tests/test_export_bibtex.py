"""BibTeX export: stable keys, record types that fit the work, and values that survive any title."""

from __future__ import annotations

import random
import re

import bibtexparser
import pytest

from kb.errors import KbError
from kb.export.bibtex import bibtex_record, record_type, to_bibtex
from kb.export.bibtex_keys import bibtex_key, bibtex_keys
from kb.models import Entry


def paper(entry_id: str, title: str, authors: list[str], year: int | None = 2020,
          **fields: object) -> Entry:
    return Entry(id=entry_id, kind=fields.pop("kind", "paper"), title=title, authors=authors,
                 year=year, **fields)


# -- an independent reader: what BibTeX and LaTeX make of our values ------------------------

UNESCAPE = {r"\textbackslash{}": "\\", r"\textbraceleft{}": "{", r"\textbraceright{}": "}",
            r"\textasciitilde{}": "~", r"\textasciicircum{}": "^", r"\%": "%", r"\&": "&",
            r"\#": "#", r"\_": "_", r"\$": "$"}
TOKEN = re.compile("|".join(re.escape(k) for k in UNESCAPE) + r"|[{}]|.", re.DOTALL)


def unescape(value: str) -> str:
    """Escapes back to characters; bare braces (case protection) dropped."""
    return "".join(UNESCAPE.get(t, "" if t in "{}" else t) for t in TOKEN.findall(value))


def braces_balance_like_bibtex(value: str) -> bool:
    """Classic BibTeX counts every brace, escaped or not: depth must never go below 0."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def split_top_level_and(value: str) -> list[str]:
    names, depth, current = [], 0, ""
    for token in re.split(r"( and |[{}])", value):
        if token == " and " and depth == 0:
            names.append(current)
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(token, 0)
        current += token
    return names + [current]


# -- keys -----------------------------------------------------------------------------------

def test_key_is_author_year_word() -> None:
    ddpm = paper("ho-2020-denoising", "Denoising Diffusion Probabilistic Models",
                 ["Jonathan Ho", "Ajay Jain"])
    assert bibtex_key(ddpm) == "ho2020denoising"
    clash = paper("song-2020-denoising-b", "Denoising Diffusion Implicit Models",
                  ["Jiaming Song"])
    assert bibtex_key(clash) == "song2020denoisingb"
    method = Entry(id="ddim", kind="method", title="DDIM")
    assert bibtex_key(method) == "ddim"
    hand_made = paper("vit", "An Image is Worth 16x16 Words", ["Alexey Dosovitskiy"])
    assert bibtex_key(hand_made) == "vit"  # id is not the slug: the id is the key


def test_keys_never_change_when_entries_are_added() -> None:
    rng = random.Random(4)
    pool = [paper("ho-2020-denoising", "Denoising Diffusion", ["Jonathan Ho"]),
            paper("ho-2020-denoising-b", "Denoising Again", ["Jonathan Ho"]),
            paper("ho-2020-denoising-c", "Denoising Thrice", ["Jonathan Ho"]),
            paper("song-2020-score", "Score SDE", ["Yang Song"]),
            paper("song-2020-score-b", "Score Matching", ["Yang Song"], venue="ICLR 2021"),
            Entry(id="score-sde", kind="method", title="Score SDE"),
            paper("anon-2021-x", "X", []),
            paper("kerras-2022-elucidating", "Elucidating", ["Tero Kerras"])]
    everything = bibtex_keys(pool)
    assert len(set(everything.values())) == len(pool)
    for _ in range(200):
        subset = rng.sample(pool, rng.randint(1, len(pool)))
        keys = bibtex_keys(subset)
        assert keys == {e.id: everything[e.id] for e in subset}
    assert everything["ho-2020-denoising"] == "ho2020denoising"
    assert everything["ho-2020-denoising-b"] == "ho2020denoisingb"


def test_keys_that_would_clash_are_refused_not_renumbered() -> None:
    a = paper("a-2020-bc", "Bc things", ["X A"])
    b = Entry(id="a2020bc", kind="method", title="Something")
    assert bibtex_key(a) == bibtex_key(b) == "a2020bc"
    with pytest.raises(KbError) as error:
        bibtex_keys([a, b])
    assert error.value.diagnostic.code == "E410"


def test_fixture_keys(graph_catalog) -> None:
    keys = bibtex_keys(graph_catalog)
    assert keys["cat-2020-gamma"] == "cat2020gamma"
    assert keys["owl-2023-survey"] == "owl2023survey"
    assert keys["mone"] == "mone" and keys["y-repo"] == "y-repo"


# -- record types ---------------------------------------------------------------------------

@pytest.mark.parametrize("entry, expected, venue_field", [
    (paper("a-2020-a", "A", ["A A"], venue="NeurIPS 2020"), "inproceedings", "booktitle"),
    (paper("a-2020-a", "A", ["A A"], venue="CVPR 2022"), "inproceedings", "booktitle"),
    (paper("a-2020-a", "A", ["A A"], venue="TPAMI"), "article", "journal"),
    (paper("a-2020-a", "A", ["A A"], kind="survey", venue="ACM Computing Surveys"), "article",
     "journal"),
    (paper("a-2020-a", "A", ["A A"], arxiv="2006.11239"), "misc", None),
    (paper("a-2020-a", "A", ["A A"], kind="book", venue="O'Reilly Media"), "book",
     "publisher"),
    (Entry(id="t", kind="tutorial", title="T", url="https://example.org"), "online", None),
    (Entry(id="r", kind="repo", title="R", url="https://github.com/x/y"), "online", None),
    (Entry(id="s", kind="system", title="S", venue="OpenAI"), "online", "organization"),
    (Entry(id="m", kind="method", title="M"), "misc", None),
])
def test_record_type_fits_the_work(entry: Entry, expected: str, venue_field: str | None
                                   ) -> None:
    assert record_type(entry) == expected
    parsed = bibtexparser.parse_string(bibtex_record(entry, "k")).entries[0]
    assert parsed.entry_type == expected
    if venue_field:
        assert unescape(parsed.fields_dict[venue_field].value) == entry.venue


def test_arxiv_only_is_misc_with_eprint() -> None:
    entry = paper("ho-2020-denoising", "Denoising", ["Jonathan Ho"], arxiv="2006.11239",
                  url="https://arxiv.org/abs/2006.11239")
    fields = bibtexparser.parse_string(to_bibtex([entry])).entries[0].fields_dict
    assert fields["eprint"].value == "2006.11239"
    assert fields["archivePrefix"].value == "arXiv"
    assert "primaryClass" not in fields  # a new-style id does not name its category
    tagged = entry.model_copy(update={"tags": ["ddpm", "cs.lg", "stat.ml"]})
    tagged_fields = bibtexparser.parse_string(to_bibtex([tagged])).entries[0].fields_dict
    assert tagged_fields["primaryClass"].value == "cs.LG"  # kb add puts it first of the
    old = paper("a-2006-b", "B", ["A A"], arxiv="math/0601001")  # categories, lower case
    old_fields = bibtexparser.parse_string(to_bibtex([old])).entries[0].fields_dict
    assert old_fields["primaryClass"].value == "math"


# -- any title, any name --------------------------------------------------------------------

NASTY_TITLES = [
    "100% & {braces} # _under $dollar$ ~tilde ^caret \\backslash",
    "Unbalanced { brace", "Unbalanced } brace", "a}{b", "}}}{{{",
    "\\textbf{bold} and \\emph{x}", "@article{inject, title={x}}",
    'A "quoted" title, with = and , signs',
    "Schrödinger Brücke: café, naïve Ångström", "擴散模型的蒸餾方法：一個綜述",
    "DDPM: {GANs} and ViT in 3D", "Tab\tand  double  space", "ends with backslash \\",
    "%comment-like start", "Émoji 🚀 title",
]


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_any_title_round_trips_through_bibtexparser(title: str) -> None:
    authors = ["Jonathan Ho", "Tom and Jerry", "O'Brien, Miles", "Ünal Ğürsel",
               "R&D {Team} 50%"]
    entry = paper("ho-2020-denoising", title, authors, venue="Journal of {Odd} & #1",
                  tags=["a_b", "c%d"])
    text = to_bibtex([entry])
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    fields = library.entries[0].fields_dict
    for name in ("title", "author", "journal", "keywords"):
        assert braces_balance_like_bibtex(fields[name].value), name
    assert unescape(fields["title"].value) == title.strip()
    # each name stays one author (no "and" splits it) with all its words, in the comma form
    written = [unescape(n) for n in split_top_level_and(fields["author"].value)]
    assert [sorted(n.replace(",", " ").split()) for n in written] == [
        sorted(a.replace(",", " ").replace("{", "").replace("}", "").split()) for a in authors]
    assert fields["year"].value == "2020"
    assert unescape(fields["journal"].value) == "Journal of {Odd} & #1"


def test_acronyms_are_protected_and_words_are_not() -> None:
    entry = paper("x-2020-ddpm", "DDPM beats GANs on Text-to-Image with ViT", ["A X"])
    title = bibtexparser.parse_string(to_bibtex([entry])).entries[0].fields_dict["title"].value
    assert title == "{DDPM} beats {GANs} on Text-to-Image with {ViT}"


def test_whole_fixture_catalog_parses(graph_catalog) -> None:
    text = to_bibtex(sorted(graph_catalog, key=lambda e: e.id))
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert sorted(e.key for e in library.entries) == sorted(bibtex_keys(graph_catalog).values())
    cat = library.entries_dict["cat2020gamma"]
    assert cat.entry_type == "inproceedings"
    assert cat.fields_dict["author"].value == "Cat, Cy and Ant, Ann"
    assert cat.fields_dict["date"].value == "2020-06-19"
    dog = library.entries_dict["dog2021delta"]
    assert (dog.entry_type, dog.fields_dict["doi"].value) == ("article", "10.1109/TPAMI.2021.0001")
