"""The verdict of the rules across files, kept while no file changes.

The rules across files (one id per entry, one entry per work, references that resolve, the
sources warnings: :func:`kb.validate.check_across`) read every entry; on 10,000 entries they
cost about half a second, as much as everything else ``kb query`` does on a warm cache. Their
verdict depends only on the files and on the code of the rules, so it is stored with a
fingerprint of both — every file's path, mtime and size, and the rules' source files — and
reused while the fingerprint is the same. JSON in the user cache dir, written atomically,
beside the parse cache (:mod:`kb.parse_cache`); ``KB_NO_CACHE=1`` turns both off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from kb.errors import Diagnostic
from kb.parse_cache import catalog_cache_file

VERSION = 1


def _rules_stamp() -> str:
    """Changes when the code of the rules across files changes."""
    import kb.ingest.same_work
    import kb.models
    import kb.names
    import kb.provenance
    import kb.text
    import kb.validate
    import kb.validate_sources

    parts = [str(VERSION)]
    for module in (kb.validate, kb.validate_sources, kb.provenance, kb.ingest.same_work,
                   kb.models, kb.names, kb.text):
        stat = Path(module.__file__).stat()
        parts.append(f"{module.__name__}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def fingerprint(files: Iterable[str]) -> str | None:
    """A hash of the rules' code and of every file's path, mtime and size (None if a file
    cannot be read: then nothing is reused)."""
    lines = [_rules_stamp()]
    try:
        for path in sorted(files):
            stat = os.stat(path)
            lines.append(f"{path}\t{stat.st_mtime_ns}\t{stat.st_size}")
    except OSError:
        return None
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class AcrossCache:
    """The stored verdict of one catalog directory: which of its valid entries (by their
    place in file order) the rules dropped, and the diagnostics."""

    def __init__(self, file: Path | None) -> None:
        self.file = file

    @classmethod
    def for_catalog(cls, root: Path) -> AcrossCache:
        return cls(catalog_cache_file(root, "across"))

    def load(self, stamp: str | None) -> tuple[set[int], list[Diagnostic]] | None:
        """``(dropped places, diagnostics)`` stored under ``stamp``, or None."""
        if self.file is None or stamp is None or not self.file.exists():
            return None
        try:
            stored = json.loads(self.file.read_text(encoding="utf-8"))
            if stored["fingerprint"] != stamp:
                return None
            return set(stored["dropped"]), [Diagnostic(**d) for d in stored["diagnostics"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a broken cache is recomputed, never trusted

    def save(self, stamp: str | None, dropped: set[int], diagnostics: list[Diagnostic]) -> None:
        if self.file is None or stamp is None:
            return
        data = {"fingerprint": stamp, "dropped": sorted(dropped),
                "diagnostics": [asdict(d) for d in diagnostics]}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.file)
        except OSError:
            pass  # an optimisation: a read-only home must not break validation
