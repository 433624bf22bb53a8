"""Names split and joined by BibTeX's rules (kb.names), checked against pybtex's reading."""

from __future__ import annotations

import pytest
from pybtex.database import Person

from kb.names import Name, bibtex_name, csl_name, format_name, parse_name

# catalog string → (given, particle, family, suffix), as BibTeX splits it.
HARD_CASES = {
    "Le Roux, Nicolas": ("Nicolas", "", "Le Roux", ""),
    "Daumé III, Hal": ("Hal", "", "Daumé III", ""),
    "van den Oord, Aäron": ("Aäron", "van den", "Oord", ""),
    "de la Fuente, Juan": ("Juan", "de la", "Fuente", ""),
    "Ho, Jr, Jonathan": ("Jonathan", "", "Ho", "Jr"),
    "Jiaming Song": ("Jiaming", "", "Song", ""),
    "宋佳明": ("", "", "宋佳明", ""),
    "Jean-Paul Sartre": ("Jean-Paul", "", "Sartre", ""),
    "{von Neumann}, John": ("John", "", "von Neumann", ""),
    "de la Vallée Poussin, Charles Louis": ("Charles Louis", "de la", "Vallée Poussin", ""),
}


@pytest.mark.parametrize("text", HARD_CASES)
def test_parts_as_bibtex_splits_them(text: str) -> None:
    given, particle, family, suffix = HARD_CASES[text]
    assert parse_name(text) == Name(given=given, family=family, particle=particle,
                                    suffix=suffix)
    person = Person(text)  # pybtex, an independent BibTeX name reader
    assert " ".join(person.first_names + person.middle_names) == given
    assert " ".join(person.prelast_names) == particle
    assert " ".join(person.lineage_names) == suffix
    assert " ".join(person.last_names).replace("{", "").replace("}", "") == family


@pytest.mark.parametrize("text", HARD_CASES)
def test_catalog_string_is_kept_and_bibtex_form_reads_back(text: str) -> None:
    assert format_name(parse_name(text)) == text
    assert parse_name(bibtex_name(text)) == parse_name(text)


def test_plain_names_read_the_readable_way() -> None:
    assert format_name(parse_name("Song, Jiaming")) == "Jiaming Song"
    assert format_name(parse_name("Aäron van den Oord")) == "van den Oord, Aäron"
    assert bibtex_name("Jiaming Song") == "Song, Jiaming"


def test_organisation_is_one_literal() -> None:
    assert parse_name("{Google DeepMind}") == Name(literal="Google DeepMind")
    assert format_name(parse_name("{Google DeepMind}")) == "{Google DeepMind}"
    assert bibtex_name("{Barnes and Noble}") == "{Barnes and Noble}"
    assert csl_name("{Google DeepMind}") == {"literal": "Google DeepMind"}


def test_bibtex_form_escapes_and_protects() -> None:
    assert bibtex_name("Smith & Sons, Al") == r"Smith \& Sons, Al"
    # a given name holding the word "and" would split the author list: braced
    assert bibtex_name("Smith, Ann and Bo") == "Smith, {Ann and Bo}"
    assert Person(bibtex_name("{von Neumann}, John")).last_names == ["{von Neumann}"]


def test_csl_names() -> None:
    assert csl_name("van den Oord, Aäron") == {
        "family": "Oord", "given": "Aäron", "non-dropping-particle": "van den"}
    assert csl_name("Ho, Jr, Jonathan") == {"family": "Ho", "given": "Jonathan", "suffix": "Jr"}
    assert csl_name("宋佳明") == {"literal": "宋佳明"}
    assert csl_name("Le Roux, Nicolas") == {"family": "Le Roux", "given": "Nicolas"}


def test_tex_accents_decide_case_and_convert() -> None:
    from kb.ingest.bibtex_read import latex_to_text

    assert parse_name(r"Sch{\"o}lkopf, Bernhard", latex_to_text).family == "Schölkopf"
    # "\~n" is ñ, not a tie between two words
    assert parse_name(r"Silva-Mu\~noz, Mois\'es", latex_to_text) == Name(
        given="Moisés", family="Silva-Muñoz")
    # {\"u}ber is a lower-case word: a particle, as BibTeX reads it
    assert parse_name(r"Hans {\"u}ber Alles", latex_to_text) == Name(
        given="Hans", particle="über", family="Alles")
