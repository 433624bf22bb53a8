"""Read one catalog YAML file safely, keeping where every value came from.

PyYAML's C loader (``CSafeLoader``) parses; we then construct values ourselves from the node
tree so that each top-level field, and each item of a list field, keeps its line and column.
Only the safe constructors exist: a ``!!python/…`` tag is an error and is never executed.
Aliases are refused (no catalog needs them, and they are how a "billion laughs" file blows
up memory), and so are files over :data:`MAX_FILE_BYTES` (before parsing) or with more than
:data:`MAX_NODES` nodes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.errors import Diagnostic

try:  # the C loader is ~10× faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 100_000

Position = tuple[int, int]  # (line, col), 1-based


@dataclass
class ParsedFile:
    """The data of one YAML file and where each part of it is."""

    path: str
    data: Any = None
    positions: dict[str, Position] = field(default_factory=dict)  # "title", "cites.2", …
    diagnostics: list[Diagnostic] = field(default_factory=list)
    from_cache: bool = False  # positions are not cached: re-parse when a message needs them

    def position(self, key: str) -> Position:
        """Line and column of a field (``"cites"``), list item (``"cites.2"``) or a field of
        one (``"results.0.metric"``); else of the nearest enclosing one that was recorded."""
        if self.from_cache and not self.positions:
            fresh = load_yaml_file(Path(self.path))
            self.positions = fresh.positions
        parts = key.split(".")
        for end in range(len(parts), 0, -1):
            if found := self.positions.get(".".join(parts[:end])):
                return found
        return (1, 1)

    def error(self, code: str, message: str, key: str | None = None, hint: str | None = None,
              severity: str = "error") -> Diagnostic:
        line, col = self.position(key) if key else (1, 1)
        diagnostic = Diagnostic(code, message, self.path, line, col, severity, hint)
        self.diagnostics.append(diagnostic)
        return diagnostic


class _StrictLoader(_Loader):
    """Safe loader that reports duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise _DuplicateOrBadKey("E006", "a mapping key must be a scalar", key_node)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise _DuplicateOrBadKey(
                    "E006", f"duplicate key '{key}' (first defined on line {first})", key_node
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


class _DuplicateOrBadKey(Exception):
    def __init__(self, code: str, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.code, self.message, self.node = code, message, node


def _mark(node_or_mark: Any) -> Position:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return (mark.line + 1, mark.column + 1)


def _too_many_nodes(root: yaml.Node) -> bool:
    """True when the node tree exceeds :data:`MAX_NODES` (aliases are refused before this)."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            return True
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def read_text(path: Path, parsed: ParsedFile) -> str | None:
    """The file's text, or None with a diagnostic when too large or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            parsed.error("E003", f"file is too large ({size / 1e6:.1f} MB; the limit is "
                         f"{MAX_FILE_BYTES / 1e6:.0f} MB for one catalog file)")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        parsed.error("E000", f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        parsed.diagnostics.append(Diagnostic(
            "E001", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})", parsed.path, line, col,
            hint="save the file as UTF-8"))
        return None


def _first_alias(text: str) -> yaml.Mark | None:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark
    except yaml.YAMLError:
        return None  # the real parse below reports the syntax error
    return None


def parse_yaml(text: str, parsed: ParsedFile) -> None:
    """Fill ``parsed.data`` and ``parsed.positions`` from YAML text, or add a diagnostic."""
    if "*" in text:  # cheap pre-check; only then look for alias events, with their position
        alias = _first_alias(text)
        if alias is not None:
            line, col = _mark(alias)
            parsed.diagnostics.append(Diagnostic(
                "E004", "YAML aliases (*name) are not allowed in catalog files: write the "
                "value out", parsed.path, line, col))
            return
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            parsed.data = None
            return
        if _too_many_nodes(root):
            parsed.diagnostics.append(Diagnostic(
                "E004", f"the file has more than {MAX_NODES:,} YAML nodes", parsed.path, 1, 1))
            return
        parsed.data = _construct(loader, root, parsed)
    except _DuplicateOrBadKey as exc:
        line, col = _mark(exc.node)
        parsed.diagnostics.append(Diagnostic(exc.code, exc.message, parsed.path, line, col))
    except yaml.constructor.ConstructorError as exc:
        line, col = _mark(exc.problem_mark) if exc.problem_mark else (1, 1)
        tag = exc.problem.split("'")[1] if exc.problem and "'" in exc.problem else "?"
        parsed.diagnostics.append(Diagnostic(
            "E005", f"tag '{tag}' is not allowed (catalog files are plain YAML data)",
            parsed.path, line, col))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem:
            problem += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        parsed.diagnostics.append(Diagnostic("E002", f"YAML syntax: {problem}", parsed.path,
                                             line, col))
    except yaml.YAMLError as exc:
        parsed.diagnostics.append(Diagnostic("E002", f"YAML syntax: {exc}", parsed.path, 1, 1))
    finally:
        loader.dispose()


def _construct(loader: _StrictLoader, root: yaml.Node, parsed: ParsedFile) -> Any:
    """Construct values, recording positions of top-level keys and their list items."""
    if not isinstance(root, yaml.MappingNode):
        value = loader.construct_object(root, deep=True)
        parsed.positions[""] = _mark(root)
        if isinstance(root, yaml.SequenceNode):  # topics.yaml: a list of mappings
            for index, item in enumerate(root.value):
                parsed.positions[str(index)] = _mark(item)
                if isinstance(item, yaml.MappingNode):
                    for key_node, _ in item.value:
                        parsed.positions[f"{index}.{key_node.value}"] = _mark(key_node)
        return value
    loader.construct_mapping(root, deep=True)  # raises on duplicate keys anywhere on top
    data: dict[str, Any] = {}
    for key_node, value_node in root.value:
        key = loader.construct_object(key_node, deep=True)
        data[key] = loader.construct_object(value_node, deep=True)
        name = str(key)
        parsed.positions[name] = _mark(key_node)
        parsed.positions[name + ".value"] = _mark(value_node)
        if isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                parsed.positions[f"{name}.{index}"] = _mark(item)
                if isinstance(item, yaml.MappingNode):  # results: a list of mappings
                    for item_key, _ in item.value:
                        parsed.positions[f"{name}.{index}.{item_key.value}"] = _mark(item_key)
        elif isinstance(value_node, yaml.MappingNode):
            for item_key, _ in value_node.value:
                parsed.positions[f"{name}.{item_key.value}"] = _mark(item_key)
    return data


def load_yaml_file(path: Path, display_path: str | None = None) -> ParsedFile:
    """Read and parse one file; problems end up in ``diagnostics``, never raised."""
    parsed = ParsedFile(display_path or str(path))
    text = read_text(path, parsed)
    if text is not None:
        parse_yaml(text, parsed)
    return parsed


def json_default(value: Any) -> Any:
    """``json.dumps(default=…)``: dates become ``{"$date": iso}`` so data caches as JSON."""
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot cache {type(value).__name__}")


def json_object_hook(value: dict) -> Any:
    """``json.loads(object_hook=…)``: the inverse of :func:`json_default`."""
    if len(value) == 1 and "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    return value
