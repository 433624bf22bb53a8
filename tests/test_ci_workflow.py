"""The GitHub Actions workflows: valid by GitHub's own workflow schema (check-jsonschema's
vendored copy, no network), and the site workflow does what CONTRIBUTING.md promises — every
pull request runs ``kb validate`` and ``mkdocs build --strict``; main also deploys the built site
to GitHub Pages with the least permissions and one deployment at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
SITE = REPO / ".github" / "workflows" / "site.yml"
ON_MAIN = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"


def _check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def site() -> dict:
    data = yaml.safe_load(SITE.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def _steps(job: dict) -> list[dict]:
    return job["steps"]


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in _steps(job) if "run" in step]


def _uses(job: dict, action: str) -> dict:
    [step] = [s for s in _steps(job) if s.get("uses", "").startswith(action + "@")]
    return step


def test_there_are_workflows() -> None:
    assert SITE in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_valid_by_the_github_workflow_schema(path: Path) -> None:
    result = _check_workflow(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: pull_request\njobs:\n  check:\n"
                      "    runs-on: ubuntu-latest\n    steps:\n      - run: kb validate\n"
                      "        uses: actions/checkout@v7\n", encoding="utf-8")
    result = _check_workflow(broken)
    assert result.returncode == 1 and "broken.yml" in result.stdout + result.stderr


def test_every_pull_request_validates_the_catalog_and_builds_the_site_strictly(site) -> None:
    assert "pull_request" in site["on"]
    assert "branches" not in (site["on"]["pull_request"] or {})  # every pull request
    check = site["jobs"]["check"]
    assert "if" not in check
    runs = _runs(check)
    assert "kb validate" in runs
    [build] = [r for r in runs if r.startswith("mkdocs build")]
    assert "--strict" in build.split() and "--site-dir public" in build
    assert runs.index("kb validate") < runs.index(build)
    install = next(r for r in runs if "pip install" in r)
    assert '"torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu' in install


def test_main_deploys_the_built_site_to_github_pages(site) -> None:
    assert site["on"]["push"] == {"branches": ["main"]}
    upload = _uses(site["jobs"]["check"], "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "public" and upload["if"] == ON_MAIN
    deploy = site["jobs"]["deploy"]
    assert deploy["needs"] == "check" and deploy["if"] == ON_MAIN
    assert _uses(deploy, "actions/deploy-pages")["id"] == "deployment"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}


def test_permissions_are_least_and_deployments_never_overlap(site) -> None:
    assert site["permissions"] == {"contents": "read"}
    assert "permissions" not in site["jobs"]["check"]
    assert site["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert site["jobs"]["deploy"]["concurrency"] == {"group": "pages",
                                                     "cancel-in-progress": False}
    assert site["concurrency"]["group"] == "site-${{ github.ref }}"


def test_contributing_says_what_ci_and_the_hooks_check(site) -> None:
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "](CONTRIBUTING.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("kb validate", "mkdocs build --strict"):
        assert command in contributing
        assert any(run.startswith(command) for run in _runs(site["jobs"]["check"]))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for hook_id in (h["id"] for repo in config["repos"] for h in repo["hooks"]):
        assert f"**{hook_id}**" in contributing, hook_id
    assert "memory is never a source" in " ".join(contributing.split())
