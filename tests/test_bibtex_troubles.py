"""What real .bib files contain, taken in stride: one test per trouble of issue #14 item 2,
on small snippets, and the tolerant import of item 1 (--skip-invalid, one pass, exit codes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.catalog import Catalog
from kb.ingest.bibtex_import import import_bibtex
from kb.ingest.bibtex_read import BibtexInvalid, read_bibtex, read_bibtex_files


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def empty_catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    return root


def imported(tmp_path: Path, text: str, **options: object):
    """The entries one snippet imports as, into an empty catalog."""
    tmp_path.mkdir(exist_ok=True)
    result = import_bibtex(empty_catalog(tmp_path), write(tmp_path, "in.bib", text),
                           **options)
    return [item.entry for item in result.added]


def files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- years ----------------------------------------------------------------------------------

def test_years_before_1900_and_with_a_letter(tmp_path: Path) -> None:
    fick, brown, second = imported(tmp_path, """
@article{fick1855, author = {Fick, Adolf}, title = {Ueber Diffusion},
  journal = {Annalen der Physik}, year = 1855}
@article{brown1828, author = {Brown, Robert}, title = {A Brief Account of Microscopical
  Observations}, year = {1828}}
@misc{song2023a, author = {Song, Yang}, title = {Consistency Models}, year = {2023a}}
""")
    assert (fick.year, brown.year, second.year) == (1855, 1828, 2023)
    assert second.citekey == "song2023a"


# -- encodings ------------------------------------------------------------------------------

def test_cp1252_file_is_read_with_a_warning_naming_the_encoding(tmp_path: Path) -> None:
    text = "@book{k, author = {Müller, Jörg}, title = {Diffusion – “quoted”}, year = 2001}\n"
    path = write(tmp_path, "latin.bib", text.encode("cp1252"))
    files_read = read_bibtex_files([path])
    [record] = files_read.records
    assert record.authors == ["Jörg Müller"]
    assert record.fields["title"] == "Diffusion – “quoted”"
    [warning] = files_read.warnings
    assert (warning.code, warning.line, warning.severity) == ("W304", 1, "warning")
    assert "Windows-1252" in warning.message


def test_the_encoding_warning_comes_with_the_errors(kb_cli, tmp_path: Path) -> None:
    bib = write(tmp_path, "bad.bib", "@misc{k, title = {Caf\u00e9}, year = {soon}}\n".encode(
        "cp1252"))
    code, _, err = kb_cli("import", "bibtex", str(bib), "--catalog", str(empty_catalog(tmp_path)))
    assert code == 1
    assert err.splitlines() == [
        f"{bib}:1: warning[W304]: not UTF-8 (byte 0xe9 at line 1): read as Windows-1252",
        f"{bib}:1: error[E515]: record 'k': year 'soon' is not a year"]


def test_latin1_bytes_that_cp1252_refuses_fall_back_to_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, "l1.bib", b"@misc{k, title = {A \x81 b \xe9}, year = 2001}\n")
    files_read = read_bibtex_files([path])
    assert files_read.records[0].fields["title"] == "A \x81 b é"
    assert "Latin-1" in files_read.warnings[0].message


# -- keys -----------------------------------------------------------------------------------

def test_mendeley_empty_keys_get_keys_and_one_warning_each(tmp_path: Path) -> None:
    files_read = read_bibtex_files([write(tmp_path, "m.bib", """
@article{,
  author = {Ho, Jonathan}, title = {Denoising Diffusion}, year = {2020}}
@article{,
  author = {Ho, Jonathan}, title = {Denoising Again}, year = {2020}}
@article{,
  title = {Anonymous}}
""")])
    assert [r.key for r in files_read.records] == ["ho2020denoising", "ho2020denoisinga",
                                                   "anonanonymous"]
    assert not files_read.all_problems()
    warnings = [w for r in files_read.records for w in r.warnings]
    assert [(w.code, w.line) for w in warnings] == [("W305", 2), ("W305", 4), ("W305", 6)]


def test_a_key_given_twice_is_an_error_even_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, "a.bib", "@misc{same, title = {One}, year = 2020}\n")
    b = write(tmp_path, "b.bib", "\n@misc{Same, title = {Two}, year = 2021}\n")
    [problem] = read_bibtex_files([a, b]).all_problems()
    assert (problem.code, problem.path, problem.line) == ("E512", str(b), 2)
    assert f"first at {a}:1" in problem.message


# -- DOIs and URLs --------------------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "http://doi.acm.org/10.1145/1553374.1553380", "https://dx.doi.org/10.1145/1553374.1553380",
    "http://dx.doi.org/10.1145/1553374.1553380", "https://doi.org/10.1145/1553374.1553380",
    "doi:10.1145/1553374.1553380", "DOI: 10.1145/1553374.1553380",
    "10.1145/1553374.1553380",
])
def test_doi_forms_become_the_bare_doi(tmp_path: Path, written: str) -> None:
    [entry] = imported(tmp_path, f"@inproceedings{{k, title = {{Curriculum Learning}}, "
                                 f"year = 2009, doi = {{{written}}}}}")
    assert entry.doi == "10.1145/1553374.1553380"


def test_escaped_urls_and_urls_without_a_scheme(tmp_path: Path) -> None:
    escaped, bare, in_howpublished = imported(tmp_path, r"""
@misc{a, title = {A}, year = 2020, url = {https://example.org/a\_b?x=1\&y=50\%}}
@misc{b, title = {B}, year = 2020, url = {www.example.org/b}}
@misc{c, title = {C}, year = 2020, howpublished = {\url{https://example.org/c~d}}}
""")
    assert escaped.url == "https://example.org/a_b?x=1&y=50%"
    assert bare.url == "http://www.example.org/b"
    assert in_howpublished.url == "https://example.org/c~d" and in_howpublished.venue is None


# -- macros ---------------------------------------------------------------------------------

def test_string_macros_concatenation_and_months(tmp_path: Path) -> None:
    [record] = read_bibtex(r"""
@string{and = " and "}
@string{ho = "Ho, Jonathan"}
@string{nips = "Advances in Neural Information Processing Systems"}
@inproceedings{k, author = ho #and# "Abbeel, Pieter", title = "Denoising",
  booktitle = nips # " 33", year = 2020, month = dec}
""")
    assert record.authors == ["Jonathan Ho", "Pieter Abbeel"]
    assert record.fields["booktitle"] == "Advances in Neural Information Processing Systems 33"
    assert record.fields["month"] == "December"


def test_an_undefined_macro_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(BibtexInvalid) as error:
        read_bibtex("@article{k, title = {T}, year = 2020,\n  journal = ieeetpami}\n", "x.bib")
    [problem] = error.value.diagnostics
    assert (problem.code, problem.path, problem.line) == ("E516", "x.bib", 2)
    assert "undefined macro 'ieeetpami'" in problem.message


def test_a_macro_defined_after_its_use_says_so(tmp_path: Path) -> None:
    with pytest.raises(BibtexInvalid) as error:
        read_bibtex("@misc{k, title = t, year = 2020}\n@string{t = {Late}}\n")
    assert "an @string at line 2 defines it, but after its use" in \
        error.value.diagnostics[0].message


def test_a_bad_string_is_shown_and_only_its_users_are_skipped(kb_cli, tmp_path: Path) -> None:
    bib = write(tmp_path, "s.bib", "@string{ok = {Fine}}\n@string{bad = nowhere}\n"
                                   "@misc{a, title = ok, year = 2020}\n"
                                   "@misc{b, title = bad, year = 2020}\n")
    code, _, err = kb_cli("import", "bibtex", str(bib), "--catalog",
                          str(empty_catalog(tmp_path)), "--skip-invalid")
    assert code == 0
    assert f"{bib}:2: error[E516]: @string 'bad': undefined macro 'nowhere'" in err
    assert f"{bib}:4: error[E516]: record 'b': title: undefined macro 'bad' (its @string at " \
           "line 2 could not be read)" in err
    assert err.splitlines()[-1] == "read 2, added 1, already present 0, skipped 1 invalid"


def test_macros_of_the_first_file_serve_the_second(tmp_path: Path) -> None:
    macros = write(tmp_path, "macros.bib", '@string{icml = "ICML"}\n')
    refs = write(tmp_path, "refs.bib", "@inproceedings{k, title = {T}, booktitle = icml, "
                                       "year = 2021}\n")
    [entry] = [a.entry for a in import_bibtex(empty_catalog(tmp_path), [macros, refs]).added]
    assert entry.venue == "ICML"
    with pytest.raises(BibtexInvalid):  # alone, the second file names an undefined macro
        import_bibtex(tmp_path / "catalog", [refs])


# -- crossref and xdata ---------------------------------------------------------------------

def test_crossref_children_inherit_booktitle_publisher_year_and_editors(tmp_path: Path
                                                                         ) -> None:
    entries = imported(tmp_path, """
@inproceedings{child, author = {Ho, Jonathan}, title = {A Chapter}, pages = {1--10},
  crossref = {proc}}
@proceedings{proc, title = {Proceedings of the Diffusion Workshop},
  editor = {Song, Yang and Ermon, Stefano}, publisher = {PMLR}, year = 2021,
  doi = {10.1000/the-volume}}
""")
    child = next(e for e in entries if e.citekey == "child")
    assert child.venue == "Proceedings of the Diffusion Workshop"
    assert (child.publisher, child.year) == ("PMLR", 2021)
    assert child.editors == ["Yang Song", "Stefano Ermon"]
    assert child.doi is None  # the volume's DOI is not the chapter's
    assert child.pages == "1--10"


def test_xdata_fields_are_inherited(tmp_path: Path) -> None:
    [entry] = imported(tmp_path, """
@xdata{pmlr, publisher = {PMLR}, address = {Vienna}}
@inproceedings{k, title = {T}, year = 2024, xdata = {pmlr}}
""")
    assert (entry.publisher, entry.address) == ("PMLR", "Vienna")


def test_a_missing_crossref_parent_is_a_warning(tmp_path: Path) -> None:
    files_read = read_bibtex_files([write(tmp_path, "c.bib",
                                          "@inproceedings{k, title = {T}, crossref = {nope}}")])
    assert not files_read.all_problems()
    assert "crossref 'nope' is not in the files read" in files_read.records[0].warnings[0].message


# -- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("authors", ["Ho, Jonathan and Jain, Ajay and others",
                                     "Ho, Jonathan and Jain, Ajay et al.",
                                     "Jonathan Ho and Ajay Jain and Others"])
def test_and_others_is_a_marker_never_an_author(tmp_path: Path, authors: str) -> None:
    [entry] = imported(tmp_path, f"@misc{{k, title = {{T}}, year = 2020, author = {{{authors}}}}}")
    assert entry.authors == ["Jonathan Ho", "Ajay Jain"] and entry.et_al


def test_hard_names_keep_their_parts(tmp_path: Path) -> None:
    [entry] = imported(tmp_path, r"""@misc{k, title = {T}, year = 2020, author =
  {Le Roux, Nicolas and Daum{\'e} III, Hal and van den Oord, A{\"a}ron and
   {Google DeepMind} and Ho, Jr, Jonathan and Sohl-Dickstein, Jascha and 宋佳明}}""")
    assert entry.authors == ["Le Roux, Nicolas", "Daumé III, Hal", "van den Oord, Aäron",
                             "{Google DeepMind}", "Ho, Jr, Jonathan", "Jascha Sohl-Dickstein",
                             "宋佳明"]


# -- biblatex -------------------------------------------------------------------------------

def test_biblatex_fields(tmp_path: Path) -> None:
    [entry] = imported(tmp_path, """
@article{k, author = {Ho, Jonathan}, title = {Denoising}, journaltitle = {JMLR},
  date = {2020-06-19}, eprint = {2006.11239v2}, eprinttype = {arxiv},
  location = {Cambridge, MA}}
""")
    assert (entry.venue, entry.year, str(entry.date), entry.month) == (
        "JMLR", 2020, "2020-06-19", None)  # the full date carries the month
    assert (entry.arxiv, entry.address) == ("2006.11239", "Cambridge, MA")
    [month_only] = imported(tmp_path / "m", "@misc{m, title = {T}, date = {2021-03}}")
    assert (month_only.year, month_only.month, month_only.date) == (2021, 3, None)


def test_arxiv_records_as_arxiv_writes_them_come_back_the_same(tmp_path: Path) -> None:
    from kb.export.bibtex import to_bibtex

    text = """@misc{ho2020denoising,
  author = {Ho, Jonathan and Jain, Ajay and Abbeel, Pieter},
  title = {Denoising Diffusion Probabilistic Models},
  year = {2020},
  eprint = {2006.11239},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG},
  url = {https://arxiv.org/abs/2006.11239},
}
"""
    [entry] = imported(tmp_path, text)
    assert (entry.arxiv, entry.tags, entry.doi) == ("2006.11239", ["cs.lg"], None)
    assert to_bibtex([entry]) == text


def test_titles_keep_their_tex_form_and_read_as_text(tmp_path: Path) -> None:
    [entry] = imported(tmp_path, r"@article{k, title = {{Langevin} Dynamics for "
                                 r"$\alpha$-Divergences}, year = 2020}")
    assert entry.title == "Langevin Dynamics for α-Divergences"
    assert entry.title_tex == r"{Langevin} Dynamics for $\alpha$-Divergences"


# -- duplicates -----------------------------------------------------------------------------

def test_same_title_other_year_or_author_is_another_work(tmp_path: Path) -> None:
    entries = imported(tmp_path, """
@book{bellman1957, author = {Bellman, Richard}, title = {Dynamic Programming}, year = 1957}
@article{bellman1966, author = {Bellman, Richard}, title = {Dynamic Programming},
  journal = {Science}, year = 1966}
@misc{other, author = {Someone, Else}, title = {Dynamic programming}, year = 1957}
@book{again, author = {Bellman, R.}, title = {Dynamic programming.}, year = 1957}
""")
    assert [e.citekey for e in entries] == ["bellman1957", "bellman1966", "other"]


# -- item 1: tolerant import ----------------------------------------------------------------

BAD_AND_GOOD = """@misc{good, title = {Good}, year = 2020}

@misc{bad_year, title = {Undated}, year = {n.d.}}

@misc{two_problems, title = {Two}, year = 2020, doi = {nope},
  journal = undefined}

@article{broken, title = {unbalanced, year = {2020}

@misc{good2, title = {Good Too}, year = 2021}
"""


def test_every_problem_of_every_record_in_one_pass_and_nothing_written(tmp_path: Path
                                                                          ) -> None:
    root = empty_catalog(tmp_path)
    bib = write(tmp_path, "mixed.bib", BAD_AND_GOOD)
    with pytest.raises(BibtexInvalid) as error:
        import_bibtex(root, bib)
    found = [(d.code, d.line) for d in error.value.diagnostics]
    assert found == [("E515", 3), ("E515", 5), ("E516", 6), ("E511", 8)]
    assert files(root) == {}


def test_skip_invalid_imports_the_rest_and_names_each_skipped_record_once(kb_cli, tmp_path: Path
                                                                           ) -> None:
    root = empty_catalog(tmp_path)
    bib = write(tmp_path, "mixed.bib", BAD_AND_GOOD)
    code, out, err = kb_cli("import", "bibtex", str(bib), "--catalog", str(root),
                            "--skip-invalid")
    assert code == 0
    assert sorted(e.citekey for e in Catalog.load(root, use_cache=False)) == ["good", "good2"]
    lines = err.splitlines()
    assert f"{bib}:3: error[E515]: record 'bad_year': year 'n.d.' is not a year" in lines
    two = [line for line in lines if "two_problems" in line]
    assert len(two) == 1 and two[0].startswith(f"{bib}:6: error[E516]: ")
    assert "doi:" in two[0]  # its second problem, on the same line
    assert any(line.startswith(f"{bib}:8: error[E511]: BibTeX syntax") for line in lines)
    assert lines[-1] == "read 5, added 2, already present 0, skipped 3 invalid"
    assert "Traceback" not in err


def test_exit_1_when_nothing_could_be_added_and_0_when_all_is_there(kb_cli, tmp_path: Path
                                                                     ) -> None:
    root = empty_catalog(tmp_path)
    bad = write(tmp_path, "bad.bib", "@misc{k, title = {T}, year = {soon}}\n")
    code, _, err = kb_cli("import", "bibtex", str(bad), "--catalog", str(root),
                          "--skip-invalid")
    assert code == 1 and "skipped 1 invalid" in err
    good = write(tmp_path, "good.bib", "@misc{k, title = {T}, year = 2020}\n")
    assert kb_cli("import", "bibtex", str(good), "--catalog", str(root))[0] == 0
    code, _, err = kb_cli("import", "bibtex", str(good), "--catalog", str(root))
    assert code == 0 and "added 0, already present 1" in err


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02garbage", b"@article{", b"@article{k, title = {x}", b"}}}}{{{",
    b"@string{x = }\n@misc{k, title = x}", b"@misc{k, title = {T}, year = 99999}",
    b"@misc{k, title = {T}, month = {Smarch}, year = 2020}", "@misc{k, title={é}}".encode(
        "utf-16"),
])
def test_bad_input_gives_file_line_errors_never_a_traceback(kb_cli, tmp_path: Path,
                                                            content: bytes) -> None:
    root = empty_catalog(tmp_path)
    bib = write(tmp_path, "bad.bib", content)
    code, _, err = kb_cli("import", "bibtex", str(bib), "--catalog", str(root))
    assert "Traceback" not in err
    assert code in (0, 1)
    for line in err.splitlines():
        if "error[" in line:
            assert line.startswith(f"{bib}:")
    if code == 1:
        assert files(root) == {}


def test_long_imports_say_what_they_are_doing(tmp_path: Path) -> None:
    steps: list[str] = []
    bib = write(tmp_path, "two.bib", "@misc{a, title = {A}, year = 2020}\n"
                                     "@misc{b, title = {B}, year = 2021}\n")
    import_bibtex(empty_catalog(tmp_path), bib, progress=steps.append)
    assert steps == ["reading 1 file", "checking 2 records", "writing 2 new entries"]
