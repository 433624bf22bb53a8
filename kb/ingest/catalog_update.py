"""Write new or changed entry files only if the catalog with them in place is still valid.

Every file is checked first, with the same rules as ``kb validate`` (the file on its own, then
across the catalog: one id, one work, references that resolve); then each is written through
a temporary file and a rename. A problem anywhere means nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.catalog import KIND_DIRS, Catalog, entry_files
from kb.entry_writer import entry_yaml
from kb.errors import CatalogInvalid, Diagnostic, KbError
from kb.load import ParsedFile, parse_yaml
from kb.models import ENTRY_FIELDS, Entry
from kb.validate import check_across, validate_entry


@dataclass(frozen=True)
class FileChange:
    """The text an entry file should have; ``new`` when the file must not exist yet."""

    path: Path
    text: str
    new: bool = False


def changed_fields(old: Entry, new: Entry) -> list[str]:
    """Names of the fields whose values differ, in the documented order."""
    before, after = old.as_dict(), new.as_dict()
    return [name for name in ENTRY_FIELDS if before.get(name) != after.get(name)]


def updated_text(original: str, old: Entry, new: Entry) -> str:
    """``original`` with only the changed fields rewritten; the whole entry if that fails.

    The changed fields are laid out by :func:`kb.entry_writer.entry_yaml`; untouched fields
    keep their exact lines (flow lists, comments, line breaks), so a diff shows what changed
    and nothing else.
    """
    from kb.ingest.yaml_patch import patch_fields

    rendered = entry_yaml(new)
    patched = patch_fields(original, rendered, changed_fields(old, new), ENTRY_FIELDS)
    if patched is not None and _reads_as(patched, new):
        return patched
    return rendered


def _reads_as(text: str, expected: Entry) -> bool:
    parsed = ParsedFile("<patched>")
    parse_yaml(text, parsed)
    entry = None if parsed.diagnostics else validate_entry(parsed)
    return entry is not None and entry.as_dict() == expected.as_dict()


def check_changes(catalog: Catalog, changes: list[FileChange]) -> list[Diagnostic]:
    """Problems the catalog would have with ``changes`` in place that it does not have now.

    Raises :class:`CatalogInvalid` listing the errors; returns the new warnings.
    """
    root = catalog.root
    replaced = {change.path.resolve(): change for change in changes}
    for change in changes:
        if change.new and change.path.exists():
            raise KbError(f"{change.path} already exists; nothing was written",
                          path=change.path, code="E506")
    fresh: dict[Path, ParsedFile] = {}
    for change in changes:
        parsed = ParsedFile(str(change.path))
        parse_yaml(change.text, parsed)
        fresh[change.path.resolve()] = parsed
    found: list[tuple[Entry, ParsedFile]] = []
    invalid: list[ParsedFile] = []
    paths = {p.resolve(): p for p in entry_files(root)} | {p: c.path for p, c in replaced.items()}
    by_path = {Path(p.path).resolve(): (catalog.entries[i], p) for i, p in catalog.sources.items()}
    for resolved in sorted(paths, key=lambda p: str(paths[p])):
        if resolved in fresh:
            parsed = fresh[resolved]
            entry = validate_entry(parsed, paths[resolved])
            if entry is not None and _in_right_folder(entry, paths[resolved], parsed):
                found.append((entry, parsed))
            else:
                invalid.append(parsed)
        elif resolved in by_path:
            entry, old = by_path[resolved]
            found.append((entry, ParsedFile(old.path, old.data, old.positions,
                                            from_cache=old.from_cache)))
    check_across(found, set(catalog.topics))
    before = {(d.path, d.code, d.message) for d in catalog.diagnostics}
    touched = {str(change.path) for change in changes}
    diagnostics = [d for _, parsed in found for d in parsed.diagnostics] + [
        d for parsed in invalid for d in parsed.diagnostics]
    new = [d for d in diagnostics
           if d.path in touched or (d.is_error and (d.path, d.code, d.message) not in before)]
    errors = [d for d in new if d.is_error]
    if errors:
        raise CatalogInvalid(errors)
    return new


def _in_right_folder(entry: Entry, path: Path, parsed: ParsedFile) -> bool:
    expected = entry.kind + "s"
    if path.parent.name in KIND_DIRS and path.parent.name != expected:
        parsed.error("E107", f"an entry of kind '{entry.kind}' belongs in {expected}/, not "
                     f"{path.parent.name}/", "kind")
        return False
    return True


def apply_changes(catalog: Catalog, changes: list[FileChange]) -> list[Diagnostic]:
    """Check ``changes`` with the catalog, then write them all; return the warnings.

    Raises :class:`CatalogInvalid` (nothing written) when they would make errors.
    """
    from kb.schema_export import write_atomically

    warnings = check_changes(catalog, changes)
    for change in changes:
        try:
            write_atomically(change.path, change.text)
        except OSError as exc:
            raise KbError(f"cannot write the file: {exc.strerror or exc}", path=change.path,
                          code="E000") from None
    return warnings
