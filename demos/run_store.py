"""Results of demo runs kept on disk, so a page's samples survive a server restart and can be
made before anyone asks (:mod:`demos.app.warm`, started by ``kb serve``).

A result — samples, trajectory frames, a quality report, tuples of those — is stored as
``<cache>/runs/<name>-<hash>.pt`` where the hash covers the caller's key (model identity and
options, as JSON) and the source of the ``demos`` package, so changed sampling code never
serves old samples. Files hold only tensors, numbers, strings, lists and dicts; dataclasses
are written as ``{"__dataclass__": "module:Name", …}`` and rebuilt only for the classes in
:data:`STORED_CLASSES`. They are read with ``torch.load(..., weights_only=True)``, so a file
can never run code, and written to a temporary file then renamed, so a reader never sees half
a file. The folder keeps its newest :data:`KEEP_FILES` files.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from demos.cache import cache_root

STORED_CLASSES = frozenset({
    "demos.app.runs:Run",
    "demos.metrics:QualityReport",
    "demos.metrics:Metric",
})
MAX_TENSOR_BYTES = 4 * 2**20  # a toy trajectory of 1000 steps × 1000 points stays in memory only
KEEP_FILES = 512
_TYPE = "__dataclass__"
_TUPLE = "__tuple__"


class NotStorable(TypeError):
    """A value this store does not keep (an unknown class, or too many bytes of tensors)."""


@functools.cache
def code_fingerprint() -> str:
    """A hash of every ``.py`` file of the ``demos`` package: the code that made a result."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_path(name: str, key: str) -> Path:
    """Where the result of ``name`` for ``key`` (a JSON string) is stored."""
    digest = hashlib.sha256(f"{code_fingerprint()}\n{name}\n{key}".encode()).hexdigest()[:20]
    return cache_root() / "runs" / f"{name}-{digest}.pt"


def encode(value: Any) -> Any:
    """``value`` as tensors, numbers, strings, lists and dicts (see the module docstring)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: encode(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = f"{type(value).__module__}:{type(value).__qualname__}"
        if name not in STORED_CLASSES:
            raise NotStorable(f"{name} is not a stored class")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: name, **fields}
    raise NotStorable(f"{type(value).__name__} is not stored")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`; a class not in :data:`STORED_CLASSES` is refused."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if _TUPLE in value:
        return tuple(decode(item) for item in value[_TUPLE])
    if _TYPE in value:
        name = value[_TYPE]
        if name not in STORED_CLASSES:
            raise NotStorable(f"{name} is not a stored class")
        module, qualname = name.split(":")
        cls = getattr(importlib.import_module(module), qualname)
        return cls(**{k: decode(v) for k, v in value.items() if k != _TYPE})
    return {k: decode(v) for k, v in value.items()}


def _tensor_bytes(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, dict):
        return sum(_tensor_bytes(v) for v in value.values())
    if isinstance(value, list):
        return sum(_tensor_bytes(v) for v in value)
    return 0


def load_run(name: str, key: str) -> tuple[bool, Any]:
    """``(True, result)`` if stored, else ``(False, None)``; an unreadable file counts as
    missing (and is removed)."""
    path = run_path(name, key)
    try:
        return True, decode(torch.load(path, map_location="cpu", weights_only=True))
    except FileNotFoundError:
        return False, None
    except Exception:  # noqa: BLE001 - a damaged or foreign file: make the result again
        path.unlink(missing_ok=True)
        return False, None


def save_run(name: str, key: str, value: Any) -> Path | None:
    """Store ``value``; returns the path, or None when it is not storable (kept in memory
    only). The write is atomic; then the oldest files beyond :data:`KEEP_FILES` go."""
    try:
        data = encode(value)
    except NotStorable:
        return None
    if _tensor_bytes(data) > MAX_TENSOR_BYTES:
        return None
    path = run_path(name, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(data, handle)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _prune(path.parent)
    return path


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pt"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)


def run_key(key: Any) -> str:
    """The canonical JSON of a caller's key (sorted keys; anything else as its ``str``)."""
    return json.dumps(key, sort_keys=True, default=str)
