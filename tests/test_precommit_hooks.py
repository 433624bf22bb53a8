"""The pre-commit hooks a contributor runs: ``kb-validate`` stops a commit with a bad catalog
file and says where the problem is; ruff lints Python. The hooks are run for real (pre-commit
itself, and the manifest's entry), on a catalog copied from ``tests/data/fixture_catalog`` with
one bad file from ``tests/data/bad`` added. Remote hooks (ruff-pre-commit) are not installed:
that needs GitHub, and tests use no network."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
CONFIG = REPO / ".pre-commit-config.yaml"
FIXTURE = REPO / "tests" / "data" / "fixture_catalog"
BAD_FILE = REPO / "tests" / "data" / "bad" / "wrong-type-year.yaml"  # expect: E103 at line 5
BAD_IN_CATALOG = "catalog/papers/wrong-type-year.yaml"
ERROR_LINE = f"{BAD_IN_CATALOG}:5:"


def _hook(hooks: list[dict], hook_id: str) -> dict:
    [hook] = [h for h in hooks if h["id"] == hook_id]
    return hook


def _manifest_hook() -> dict:
    return _hook(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")), "kb-validate")


def _config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git work tree with a valid catalog and the project's .venv beside it."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root / "catalog")
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _add_bad_file(project: Path) -> None:
    shutil.copyfile(BAD_FILE, project / BAD_IN_CATALOG)


def _run_entry(entry: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook's ``kb …`` entry with this interpreter's kb, as pre-commit would."""
    words = shlex.split(entry)
    assert words[0] == "kb", entry
    return subprocess.run([sys.executable, "-m", "kb", *words[1:]], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, "KB_NO_CACHE": "1"})


def test_pre_commit_accepts_the_manifest_and_the_config() -> None:
    for command, path in (("validate-manifest", MANIFEST), ("validate-config", CONFIG)):
        result = subprocess.run([sys.executable, "-m", "pre_commit", command, str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_manifest_hook_runs_on_catalog_files_only_and_checks_the_whole_catalog() -> None:
    hook = _manifest_hook()
    files = re.compile(hook["files"])
    for path in ("catalog/papers/ho-2020-denoising.yaml", "catalog/topics.yaml",
                 "catalog/methods/ddim.yml"):
        assert files.search(path), path
    for path in ("kb/validate.py", "README.md", "catalog/schema.json", "tests/catalog/x.yaml"):
        assert not files.search(path), path
    assert hook["pass_filenames"] is False  # cross-file rules need every file


def test_the_manifest_entry_fails_on_a_bad_file_and_names_it(project: Path) -> None:
    entry = _manifest_hook()["entry"]
    assert _run_entry(entry, project).returncode == 0
    _add_bad_file(project)
    result = _run_entry(entry, project)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()  # --quiet: the error alone
    assert line.startswith(ERROR_LINE) and "error[E103]" in line
    assert "Traceback" not in result.stderr


def test_the_config_runs_kb_validate_like_the_manifest_and_ruff() -> None:
    repos = _config()["repos"]
    [local] = [r for r in repos if r["repo"] == "local"]
    hook, offered = _hook(local["hooks"], "kb-validate"), _manifest_hook()
    assert hook["entry"] == ".venv/bin/" + offered["entry"]
    for key in ("files", "pass_filenames"):
        assert hook[key] == offered[key]
    [ruff] = [r for r in repos if r["repo"] == "https://github.com/astral-sh/ruff-pre-commit"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ruff["rev"])
    assert [h["id"] for h in ruff["hooks"]] == ["ruff-check"]


def _pre_commit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home"),
           "KB_NO_CACHE": "1", "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", *args], cwd=project,
                          capture_output=True, text=True, env=env)


def test_pre_commit_stops_a_commit_of_a_bad_catalog_file(project: Path) -> None:
    config = _config()
    config["repos"] = [r for r in config["repos"] if r["repo"] == "local"]  # no network
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (project / "README.md").write_text("A catalog.\n", encoding="utf-8")
    _add_bad_file(project)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)

    outside = _pre_commit(project, "kb-validate", "--files", "README.md")
    assert outside.returncode == 0, outside.stdout + outside.stderr
    assert re.search(r"kb validate\.+\(no files to check\)Skipped", outside.stdout)

    failed = _pre_commit(project, "kb-validate", "--files", BAD_IN_CATALOG)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"kb validate\.+Failed", failed.stdout)
    assert ERROR_LINE in failed.stdout and "error[E103]" in failed.stdout

    (project / BAD_IN_CATALOG).unlink()
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    passed = _pre_commit(project, "kb-validate", "--files", "catalog/topics.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"kb validate\.+Passed", passed.stdout)
