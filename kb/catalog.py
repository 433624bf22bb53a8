"""The catalog: every entry and topic, loaded, validated and ready to query.

>>> from kb.catalog import Catalog
>>> catalog = Catalog.load("catalog")
>>> [e.id for e in catalog.query("denoising", kind="paper", year="2020..2020")]
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import CatalogInvalid, Diagnostic, KbError, unknown_id
from kb.load import ParsedFile, load_yaml_file
from kb.models import KINDS, Entry, Topic
from kb.parse_cache import ParseCache
from kb.query import Query, run_query
from kb.validate import check_across, validate_entry, validate_topics

TOPICS_FILE = "topics.yaml"
KIND_DIRS = {kind + "s": kind for kind in KINDS}


def default_catalog_path() -> Path:
    """``$KB_CATALOG``, else ``./catalog``."""
    return Path(os.environ.get("KB_CATALOG") or "catalog")


def entry_files(root: Path) -> list[Path]:
    """Every entry file under ``root``: ``<kind>s/<id>.yaml`` (and ``.yml``), sorted."""
    files = [p for p in root.glob("*/*.y*ml") if p.suffix in (".yaml", ".yml")]
    return sorted(files, key=str)


@dataclass
class Catalog:
    """Entries by id and topics by id, with the diagnostics found while loading."""

    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, ParsedFile] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None, *, strict: bool = True,
             use_cache: bool = True) -> Catalog:
        """Load and validate a catalog directory.

        With ``strict`` (the default) any error raises :class:`CatalogInvalid` listing them
        all; without it, the valid entries are kept and ``diagnostics`` holds the rest.
        """
        root = Path(path) if path is not None else default_catalog_path()
        if not root.is_dir():
            raise KbError(f"catalog directory not found: {root}", path=root, code="E010")
        catalog = cls(root=root)
        # Reading makes many small objects and no reference cycles; the cyclic collector's
        # passes over them cost about a third of loading 10,000 entries, so it waits.
        collecting = gc.isenabled()
        gc.disable()
        try:
            catalog._read(use_cache)
        finally:
            if collecting:
                gc.enable()
        if strict and any(d.is_error for d in catalog.diagnostics):
            raise CatalogInvalid(catalog.diagnostics)
        return catalog

    def _read(self, use_cache: bool) -> None:
        cache = ParseCache.for_catalog(self.root) if use_cache else None
        topics_path = self.root / TOPICS_FILE
        parsed_files: list[ParsedFile] = []
        if topics_path.exists():
            parsed_topics = load_yaml_file(topics_path)
            self.topics = {t.id: t for t in validate_topics(parsed_topics)}
            parsed_files.append(parsed_topics)
        found: list[tuple[Entry, ParsedFile]] = []
        for path in entry_files(self.root):
            parsed = cache.load(path) if cache else load_yaml_file(path)
            parsed_files.append(parsed)
            entry = validate_entry(parsed, path)
            if entry is None:
                continue
            expected_dir = entry.kind + "s"
            if path.parent.name in KIND_DIRS and path.parent.name != expected_dir:
                parsed.error("E107", f"an entry of kind '{entry.kind}' belongs in "
                             f"{expected_dir}/, not {path.parent.name}/", "kind")
                continue
            found.append((entry, parsed))
        if cache:
            cache.save()
        kept, across = self._check_across(found, parsed_files, use_cache)
        self.entries = {e.id: e for e in kept}
        self.sources = {e.id: p for e, p in found if e.id in self.entries}
        self.diagnostics = [d for p in parsed_files for d in p.diagnostics] + across

    def _check_across(self, found: list[tuple[Entry, ParsedFile]],
                      parsed_files: list[ParsedFile], use_cache: bool
                      ) -> tuple[list[Entry], list[Diagnostic]]:
        """The rules across files (:func:`kb.validate.check_across`): the entries kept and
        the diagnostics, reused from the last run while no file has changed."""
        from kb.across_cache import AcrossCache, fingerprint

        store = AcrossCache.for_catalog(self.root) if use_cache else AcrossCache(None)
        stamp = fingerprint(p.path for p in parsed_files) if store.file is not None else None
        stored = store.load(stamp)
        if stored is not None:  # the same files as last time: the same verdict
            dropped, diagnostics = stored
            return [e for i, (e, _) in enumerate(found) if i not in dropped], diagnostics
        before = [len(p.diagnostics) for p in parsed_files]
        kept = check_across(found, set(self.topics))
        diagnostics = []
        for parsed, count in zip(parsed_files, before, strict=True):
            diagnostics += parsed.diagnostics[count:]
            del parsed.diagnostics[count:]
        kept_ids = {id(e) for e in kept}
        store.save(stamp, {i for i, (e, _) in enumerate(found) if id(e) not in kept_ids},
                   diagnostics)
        return kept, diagnostics

    # -- access -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def get(self, entry_id: str) -> Entry:
        """The entry with this id, or a :class:`KbError` naming the closest ids."""
        try:
            return self.entries[entry_id]
        except KeyError:
            raise unknown_id(entry_id, self.entries) from None

    def path_of(self, entry_id: str) -> str | None:
        source = self.sources.get(entry_id)
        return source.path if source else None

    def topic_and_descendants(self, topic_id: str) -> set[str]:
        """A topic id and the ids of every topic under it."""
        result = {topic_id}
        changed = True
        while changed:
            children = {t.id for t in self.topics.values() if t.parent in result}
            changed = not children <= result
            result |= children
        return result

    def query(self, text: str | None = None, **filters: object) -> list[Entry]:
        """Entries matching ``text`` and the filters of :class:`kb.query.Query`."""
        return run_query(self, Query(text=text, **filters))  # type: ignore[arg-type]

    def by_kind(self, kinds: Iterable[str]) -> list[Entry]:
        wanted = set(kinds)
        return [e for e in self.entries.values() if e.kind in wanted]
