"""Benchmarks import most of what they use inside functions, which runs only when they are run
(minutes to an hour). Every ``from demos… / kb… / benchmarks… import name`` in them must name
something that exists, so moving code between modules cannot silently break a benchmark."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py"))
OURS = ("demos", "kb", "benchmarks")


def project_imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) of every ``from <ours>… import name`` anywhere in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module, alias.name, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OURS
        for alias in node.names
    ]


def exists(module: str, name: str) -> bool:
    """``from module import name`` would work: an attribute, or a submodule."""
    if hasattr(importlib.import_module(module), name):
        return True
    try:
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_name_a_benchmark_imports_exists(path: Path) -> None:
    missing = [
        f"{path.name}:{line}: {module}.{name}"
        for module, name, line in project_imports(path)
        if not exists(module, name)
    ]
    assert not missing


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    script = tmp_path / "bench.py"
    script.write_text("def run():\n    from demos.metrics import flops_per_call\n")
    assert project_imports(script) == [("demos.metrics", "flops_per_call", 2)]
    assert exists("demos.metrics", "flops_per_call") and exists("kb.cli", "demo")
    assert not exists("demos.ldm", "flops_per_call")
