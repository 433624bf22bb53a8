"""A cache of parsed catalog files, invalidated by each file's mtime and size.

Parsing 10,000 YAML files dominates ``kb validate``; with this cache a second run only
re-parses the files that changed. The cache is JSON (never pickle) in the user cache dir
(``$KB_CACHE_DIR`` overrides it; ``KB_NO_CACHE=1`` turns it off), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from kb.load import ParsedFile, json_default, json_object_hook, load_yaml_file

CACHE_VERSION = 3


def _schema_stamp() -> str:
    """Changes whenever the loader changes, so data parsed by an older one is dropped."""
    import kb.load

    parts = []
    for module in (kb.load,):
        stat = Path(module.__file__).stat()
        parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return f"{CACHE_VERSION}|{'|'.join(parts)}"


def cache_dir() -> Path:
    if os.environ.get("KB_CACHE_DIR"):
        return Path(os.environ["KB_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("diffusion-kb"))


def catalog_cache_file(root: Path, kind: str) -> Path | None:
    """``<cache>/parsed/<kind>-<hash of the catalog's path>.json``; None under
    ``KB_NO_CACHE``. One file per catalog directory and kind of cache."""
    if os.environ.get("KB_NO_CACHE"):
        return None
    key = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "parsed" / f"{kind}-{key}.json"


class ParseCache:
    """Parsed data and positions of the files of one catalog directory."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.entries: dict[str, list] = {}
        self.dirty = False
        if file is not None and file.exists():
            try:
                stored = json.loads(file.read_text(encoding="utf-8"),
                                    object_hook=json_object_hook)
                if stored.get("version") == _schema_stamp():
                    self.entries = stored["files"]
            except (OSError, ValueError, KeyError, TypeError):
                self.entries = {}  # a broken cache is rebuilt, never trusted

    @classmethod
    def for_catalog(cls, root: Path) -> ParseCache:
        return cls(catalog_cache_file(root, "catalog"))

    def load(self, path: Path) -> ParsedFile:
        """The parsed file, from the cache when its mtime and size are unchanged."""
        name = str(path)
        try:
            stat = path.stat()
        except OSError:
            return load_yaml_file(path)
        stamp = [stat.st_mtime_ns, stat.st_size]
        hit = self.entries.get(name)
        if hit and hit[0] == stamp:
            return ParsedFile(name, hit[1], from_cache=True)
        parsed = load_yaml_file(path)
        if not parsed.diagnostics and self.file is not None:
            self.entries[name] = [stamp, parsed.data]
            self.dirty = True
        elif name in self.entries:
            del self.entries[name]
            self.dirty = True
        return parsed

    def save(self) -> None:
        if not self.dirty or self.file is None:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": _schema_stamp(), "files": self.entries}, out,
                          ensure_ascii=False, separators=(",", ":"), default=json_default)
            os.replace(tmp, self.file)
        except OSError:
            pass  # the cache is an optimisation; a read-only home must not break validation
