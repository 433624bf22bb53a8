"""The layout of demos/: method files on a shared core, the Streamlit app on top, no circles.

The imports are read with ``ast`` (those inside functions too, since they run as well), so the
check needs neither torch nor streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

DEMOS = Path(__file__).resolve().parents[1] / "demos"
APP = DEMOS / "app"


def module_name(path: Path) -> str:
    parts = path.relative_to(DEMOS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, by dotted name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """``demos`` module → the ``demos`` modules it imports."""
    modules = {module_name(path): path for path in DEMOS.rglob("*.py")}
    return {
        name: {other for other in imported_names(path) if other in modules and other != name}
        - {"demos"}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, …, a]``, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "demos.registry" in graph["demos.trained"]
    assert "demos.trained" in graph["demos.distill"]  # `from demos.trained import …` in a function
    assert "demos.app.routes" in graph["demos.app.app"]


def test_demos_imports_run_one_way():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle in demos/: " + " → ".join(cycle or [])


def test_the_cache_knows_nothing_of_methods():
    assert import_graph()["demos.cache"] <= {"demos.ddpm", "demos.errors", "demos.train"}


def test_only_the_app_imports_streamlit_or_the_app():
    offenders = []
    for path in sorted(DEMOS.rglob("*.py")):
        if APP in path.parents:
            continue
        for name in imported_names(path):
            if (
                name.split(".")[0] == "streamlit"
                or name == "demos.app"
                or name.startswith("demos.app.")
            ):
                offenders.append(f"{path.relative_to(DEMOS.parent)} imports {name}")
    assert offenders == []


def test_the_app_lives_in_demos_app_and_the_methods_beside_it():
    assert (APP / "app.py").is_file() and (APP / "method_pages").is_dir()
    # a pages/ folder beside the entry script makes Streamlit build its old-style menu from it
    # on a fresh server's first run (PagesManager.uses_pages_directory), before st.navigation
    assert not (APP / "pages").exists()
    assert not list(DEMOS.glob("app_*.py")) and not (DEMOS / "app_pages").exists()
    for method in ("ddpm", "ddim", "ldm", "distill", "consistency", "score_sde", "flow_matching"):
        assert (DEMOS / f"{method}.py").is_file()


def test_the_reading_order_names_every_module():
    from demos import __doc__ as reading_order

    missing = [
        module_name(path)
        for path in sorted(DEMOS.glob("*.py"))
        if path.name != "__init__.py" and f":mod:`{module_name(path)}`" not in reading_order
    ]
    assert missing == [], "add them to the reading order in demos/__init__.py"
    assert ":mod:`demos.app`" in reading_order
