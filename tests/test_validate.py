"""Every validation rule has a bad file that must give its error code, file and line.

Bad inputs live in tests/data/bad/. A single file there is checked as the only entry of a
fresh catalog; a directory there is a whole catalog. Each bad file names what it must produce
in a leading comment: ``# expect: E104 at line 3`` (optionally ``col N`` and ``hint TEXT``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.catalog import Catalog

BAD = Path(__file__).parent / "data" / "bad"
EXPECT_RE = re.compile(
    rb"^# expect: (?P<code>[EW]\d{3}) at line (?P<line>\d+)(?: col (?P<col>\d+))?"
    rb"(?: hint(?P<hint> .*)?)?$", re.M)


def _expectations(path: Path) -> list[dict]:
    found = []
    for match in EXPECT_RE.finditer(path.read_bytes()):
        hint = match.group("hint")
        found.append({
            "code": match.group("code").decode(),
            "line": int(match.group("line")),
            "col": int(match.group("col")) if match.group("col") else None,
            "hint": hint.decode().strip() if hint is not None else None,
            "has_hint": match.group(0).decode().rstrip().endswith("hint") or hint is not None,
        })
    return found


def _cases() -> list[tuple[str, Path, Path]]:
    """(name, catalog source, file with expectations)."""
    cases = []
    for path in sorted(BAD.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml") and _expectations(path):
            cases.append((str(path.relative_to(BAD)), path))
    return cases


def _make_catalog(source: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A catalog to validate and the path of the file under test inside it."""
    relative = source.relative_to(BAD)
    if len(relative.parts) == 1:  # a single bad file: the one entry of a fresh catalog
        root = tmp_path / "catalog"
        (root / "papers").mkdir(parents=True)
        (root / "topics.yaml").write_text("- id: basics\n  title: Basics\n", encoding="utf-8")
        target = root / "papers" / relative.name
        shutil.copyfile(source, target)
        return root, target
    root = tmp_path / relative.parts[0]
    shutil.copytree(BAD / relative.parts[0], root)
    return root, root.joinpath(*relative.parts[1:])


@pytest.mark.parametrize(("name", "source"), _cases(), ids=[c[0] for c in _cases()])
def test_bad_file_reports_its_error(name: str, source: Path, tmp_path: Path) -> None:
    root, target = _make_catalog(source, tmp_path)
    catalog = Catalog.load(root, strict=False, use_cache=False)
    for expected in _expectations(source):
        matching = [d for d in catalog.diagnostics
                    if d.code == expected["code"] and d.path == str(target)
                    and d.line == expected["line"]]
        assert matching, (f"{name}: expected {expected['code']} at line {expected['line']}, "
                          f"got {[d.render() for d in catalog.diagnostics]}")
        diagnostic = matching[0]
        if expected["col"] is not None:
            assert diagnostic.col == expected["col"]
        if expected["hint"]:
            assert expected["hint"] in (diagnostic.hint or "")
        elif expected["has_hint"]:
            assert diagnostic.hint or "drop it" in diagnostic.message


def test_every_rule_has_a_bad_file() -> None:
    codes = {e["code"] for _, path in _cases() for e in _expectations(path)}
    rules = {"E001", "E002", "E004", "E005", "E006", "E101", "E102", "E103", "E104", "E105",
             "E106", "E107", "E108", "E109", "E110", "E111", "E201", "E202", "E203", "W301",
             "W302", "W303"}
    assert rules <= codes, f"rules without a bad file: {sorted(rules - codes)}"


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = Path("/tmp/kb-pwned")
    marker.unlink(missing_ok=True)
    root, _ = _make_catalog(BAD / "python-tag.yaml", tmp_path)
    Catalog.load(root, strict=False, use_cache=False)
    assert not marker.exists()


def test_huge_file_fails_fast_without_reading_it(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    huge = root / "papers" / "huge.yaml"
    with huge.open("wb") as out:  # 50 MB, sparse where the file system allows
        out.write(b"id: huge\nkind: paper\ntitle: x\nnotes: ")
        out.seek(50_000_000)
        out.write(b"x\n")
    catalog = Catalog.load(root, strict=False, use_cache=False)
    [diagnostic] = catalog.diagnostics
    assert diagnostic.code == "E003" and "too large" in diagnostic.message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    import time

    root, _ = _make_catalog(BAD / "alias-bomb.yaml", tmp_path)
    start = time.perf_counter()
    catalog = Catalog.load(root, strict=False, use_cache=False)
    assert time.perf_counter() - start < 2
    assert [d.code for d in catalog.diagnostics] == ["E004"]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    for name in ("unknown-field.yaml", "year-too-late.yaml", "doi-malformed.yaml"):
        shutil.copyfile(BAD / name, root / "papers" / name)
    catalog = Catalog.load(root, strict=False, use_cache=False)
    assert {d.code for d in catalog.diagnostics if d.is_error} == {"E102", "E104", "E111", "E109"}


def _kb(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True,
                          cwd=cwd, env={"KB_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})


def test_cli_renders_compiler_style_lines_and_exits_1(tmp_path: Path) -> None:
    root, target = _make_catalog(BAD / "unknown-field.yaml", tmp_path)
    result = _kb("validate", "--catalog", str(root))
    assert result.returncode == 1
    assert f"{target}:4:1: error[E102]: unknown field 'titel'" in result.stderr
    assert "did you mean 'title'?" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("name", [c[0] for c in _cases()])
def test_no_bad_input_shows_a_traceback(name: str, tmp_path: Path) -> None:
    root, _ = _make_catalog(BAD / name, tmp_path)
    case = BAD / Path(name).parts[0]  # a file, or the folder of a whole catalog
    files = sorted(case.rglob("*.y*ml")) if case.is_dir() else [case]
    warnings_only = all(e["code"].startswith("W") for f in files for e in _expectations(f))
    for command in (["validate"], ["query", "x"]):
        result = _kb(*command, "--catalog", str(root))
        assert result.returncode == (0 if warnings_only else 1), result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "lonely.yaml").write_text("id: lonely\nkind: paper\ntitle: Lonely\n")
    result = _kb("validate", "--catalog", str(root))
    assert result.returncode == 0
    assert "warning[W301]" in result.stderr


def test_missing_catalog_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = _kb("validate", "--catalog", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "catalog directory not found" in result.stderr and "Traceback" not in result.stderr


def test_a_small_file_with_too_many_nodes_is_refused(tmp_path: Path) -> None:
    from kb.load import MAX_FILE_BYTES, MAX_NODES

    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    text = "id: many\nkind: paper\ntitle: x\ntags: [" + "1," * (MAX_NODES + 1) + "1]\n"
    assert len(text) < MAX_FILE_BYTES
    (root / "papers" / "many.yaml").write_text(text)
    catalog = Catalog.load(root, strict=False, use_cache=False)
    assert [(d.code, d.line) for d in catalog.diagnostics] == [("E004", 1)]
    assert "more than" in catalog.diagnostics[0].message
