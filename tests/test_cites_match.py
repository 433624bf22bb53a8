"""`kb cites match`: a paper's own reference list, read as text, sets its cites (issue #15)."""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.ingest.reference_list import ReferenceMatcher, split_references
from kb.models import Entry

DDPM = Entry(id="ho-2020-denoising", kind="paper", title="Denoising Diffusion Probabilistic "
             "Models", authors=["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"], year=2020,
             arxiv="2006.11239")
DIFFUSION = Entry(id="x-diffusion", kind="paper", title="Diffusion Probabilistic Models",
                  authors=["Some One"], year=2019)
WAVEGRAD = Entry(id="chen-2020-wavegrad", kind="paper", title="WaveGrad: Estimating "
                 "Gradients for Waveform Generation", authors=["Nanxin Chen"], year=2020)
IMAGEN_VIDEO = Entry(id="ho-2022-imagen", kind="paper", title="Imagen Video",
                     authors=["Jonathan Ho"], year=2022)
UNET = Entry(id="ronneberger-2015-u", kind="paper", title="U-Net: Convolutional Networks for "
             "Biomedical Image Segmentation", authors=["Olaf Ronneberger"], year=2015,
             doi="10.1007/978-3-319-24574-4_28")
PIXART = Entry(id="chen-2023-pixart", kind="paper", title="PixArt-α: Fast Training of "
               "Diffusion Transformer for Photorealistic Text-to-Image Synthesis",
               authors=["Junsong Chen"], year=2023, arxiv="2310.00426")
REPO = Entry(id="some-repo", kind="repo", title="Denoising Diffusion Probabilistic Models")
MATCHER = ReferenceMatcher([DDPM, DIFFUSION, WAVEGRAD, IMAGEN_VIDEO, UNET, PIXART, REPO])


def test_numbered_items_are_split_with_their_continuation_lines() -> None:
    text = ("[^1]: A. Author. First work.\n  Venue, 2020.\n[^2]: B. Author. Second.\n\n"
            "[^3]: C. Author. Third.\n")
    assert split_references(text) == ["A. Author. First work. Venue, 2020.",
                                      "B. Author. Second.", "C. Author. Third."]
    assert split_references("[12] One.\n[13] Two.\n[14] Three.") == ["One.", "Two.", "Three."]
    assert split_references("One work, 2020.\n\nAnother\nwork, 2021.\n") == [
        "One work, 2020.", "Another work, 2021."]


def test_references_match_by_arxiv_id_doi_or_whole_title() -> None:
    assert MATCHER.match("J Ho et al. Some other title. arXiv:2006.11239v2, 2020") == (
        "ho-2020-denoising", "arXiv id")
    assert MATCHER.match("O. Ronneberger. U-net. In MICCAI, doi:10.1007/978-3-319-24574-4_28."
                         ) == ("ronneberger-2015-u", "DOI")
    assert MATCHER.match("N Chen, Y Zhang. WaveGrad: estimating gradients for waveform "
                         "generation. ICLR 2021.") == ("chen-2020-wavegrad", "title")


def test_dblp_arxiv_ids_and_latex_greek_letters_are_read() -> None:
    assert MATCHER.match("J. Ho. Another title. CoRR, abs/2006.11239, 2020.") == (
        "ho-2020-denoising", "arXiv id")
    assert MATCHER.match("J. Chen et al. Pixart-$\\alpha$: Fast training of diffusion "
                         "transformer for photorealistic text-to-image synthesis. 2023.") == (
        "chen-2023-pixart", "title")


def test_the_longest_title_wins_and_repos_are_not_works() -> None:
    found = MATCHER.match("Jonathan Ho, Ajay Jain, and Pieter Abbeel. Denoising diffusion "
                          "probabilistic models. NeurIPS, 2020.")
    assert found == ("ho-2020-denoising", "title")


def test_a_short_title_needs_its_first_author_too() -> None:
    assert MATCHER.match("Jonathan Ho, William Chan. Imagen video: high definition video "
                         "generation. 2022.") == ("ho-2022-imagen", "title")
    assert MATCHER.match("A. Nother. Imagen Video. A different work, 2023.") is None
    assert MATCHER.match("Nobody. Improving sampling speed. 2021.") is None


def test_cited_lists_each_entry_once_and_never_the_citing_paper() -> None:
    found = MATCHER.cited(["Ho et al. arXiv:2006.11239", "Denoising diffusion probabilistic "
                           "models. 2020.", "N Chen. WaveGrad: estimating gradients for "
                           "waveform generation."], citing="chen-2020-wavegrad")
    assert [(m.entry_id, m.by) for m in found] == [("ho-2020-denoising", "arXiv id")]


LIST = """[^1]: Di Dog. Delta steps. IEEE TPAMI, 2021. doi:10.1109/TPAMI.2021.0001.
[^2]: Ed Eel and others. Epsilon guidance. In ICML, 2021.
[^3]: Ann Ant. Alpha models. 2015.
[^4]: Zed Zee. Alpha models of something else entirely. 2020.
[^5]: A Stranger. Not in the catalog at all. 2019.
"""


def test_kb_cites_match_sets_cites_to_exactly_the_list(catalog_copy: Path, tmp_path: Path,
                                                       kb_cli) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text(LIST, encoding="utf-8")
    entry_file = catalog_copy / "papers" / "fox-2022-zeta.yaml"
    before = entry_file.read_text(encoding="utf-8")
    source = "https://arxiv.org/html/2201.00001v2"
    code, out, err = kb_cli("cites", "match", "fox-2022-zeta", str(refs), "--source", source,
                            "--catalog", str(catalog_copy))
    assert code in (0, None), err
    assert "  dog-2021-delta (by DOI)" in out and "+ ant-2015-alpha (by title)" in out
    assert "5 references, 3 in the catalog; 1 to add, 0 to drop" in err
    assert entry_file.read_text(encoding="utf-8") == before  # nothing written without --write
    code, out, err = kb_cli("cites", "match", "fox-2022-zeta", str(refs), "--source", source,
                            "--catalog", str(catalog_copy), "--write")
    assert code in (0, None), err
    data = yaml.safe_load(entry_file.read_text(encoding="utf-8"))
    assert data["cites"] == ["dog-2021-delta", "eel-2021-epsilon", "ant-2015-alpha"]
    assert data["sources"]["references"] == source
    # A list that no longer holds a cite drops it.
    refs.write_text(LIST.replace("[^3]: Ann Ant. Alpha models. 2015.\n", ""), encoding="utf-8")
    code, out, err = kb_cli("cites", "match", "fox-2022-zeta", str(refs), "--source", source,
                            "--catalog", str(catalog_copy), "--write")
    assert "- ant-2015-alpha (in cites, not in the list)" in out
    assert yaml.safe_load(entry_file.read_text(encoding="utf-8"))["cites"] == [
        "dog-2021-delta", "eel-2021-epsilon"]


def test_kb_cites_match_refuses_bad_input(catalog_copy: Path, tmp_path: Path, kb_cli) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = kb_cli("cites", "match", "fox-2022-zeta", str(empty), "--source",
                          "https://arxiv.org/html/2201.00001", "--catalog", str(catalog_copy))
    assert code == 1 and "error[E520]: the reference list is empty" in err
    refs = tmp_path / "refs.txt"
    refs.write_text(LIST, encoding="utf-8")
    code, _, err = kb_cli("cites", "match", "fox-2022-zeta", str(refs), "--source", "not a url",
                          "--catalog", str(catalog_copy), "--write")
    assert code == 1 and "error[E110]: --source 'not a url' is not an http(s) URL" in err
    code, _, err = kb_cli("cites", "match", "nobody", str(refs), "--source",
                          "https://arxiv.org/html/2201.00001", "--catalog", str(catalog_copy))
    assert code == 1 and "error[E404]" in err
