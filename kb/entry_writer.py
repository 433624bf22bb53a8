"""Write entries as YAML that looks hand-written, and add them to a catalog all or nothing.

The layout follows ``catalog/README.md``: the schema modeline on top, the fields in the
documented order (:data:`kb.models.ENTRY_FIELDS`), block mappings, short lists of plain words
in flow style (``tags: [ddpm, guidance]``) and longer ones as ``- item`` lines, the abstract
folded (``>``) and wrapped, Markdown (``notes``, ``summary``) literal (``|``), arXiv ids
double-quoted, UTF-8 kept as it is.

Every field is checked by reading it back: a value the pretty layout cannot carry exactly (a
line that starts with spaces, trailing blanks, control characters) is written the plain PyYAML
way instead, and the whole text must load back to the same entry.

>>> from kb.entry_writer import entry_yaml, write_entries
>>> print(entry_yaml(entry))                   # the file's text
>>> write_entries("catalog", [entry], dry_run=True)  # checked with the catalog, not written
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from kb.errors import KbError
from kb.models import ENTRY_FIELDS, Entry

MODELINE = "# yaml-language-server: $schema=../schema.json\n"
WIDTH = 100  # the project's line length (ruff's, and the hand-written files')
WRAP = 95  # folded text is wrapped a little short of WIDTH, as people wrap it
FOLDED_FIELDS = ("abstract",)
LITERAL_FIELDS = ("notes", "summary")
BLOCK_LIST_FIELDS = ("equations",)  # LaTeX reads best one per line
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f]')  # characters a "…" scalar escapes


_UNREADABLE = object()  # what _load gives for text that does not parse
# A string YAML reads back as itself when written plain: a letter first, then words and
# a little punctuation, never ": " or " #"; minus the words YAML 1.1 reads as booleans/null.
_PLAIN = re.compile(r"^[^\W\d_][\w .,()'/&+-]*(?<![ :])$")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# libyaml's loader and dumper when PyYAML has them: ten times faster, same YAML.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _load(text: str) -> object:
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return _UNREADABLE


def _plain_field(name: str, value: object) -> str:
    """The field as PyYAML writes it: always correct, not always pretty."""
    return yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False, width=WIDTH,
                          default_flow_style=False)


def _scalar(value: object) -> str:
    """One scalar as it goes after ``key: `` or ``- ``: plain when YAML allows, else quoted.

    Where PyYAML would single-quote, double quotes are used when nothing needs escaping, as
    people write them (``arxiv: "2006.11239"``, ``title: "DDIM: …"``).
    """
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value  # what PyYAML writes for it too, without asking it (thousands a second)
    text = yaml.dump(value, Dumper=_DUMPER, allow_unicode=True, width=10**6,
                     default_flow_style=True)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    if text.startswith("'") and isinstance(value, str) and not _NEEDS_ESCAPE.search(value):
        return f'"{value}"'
    return text


def _flow_list(name: str, items: list) -> str | None:
    """``name: [a, b, c]`` when every item is a plain word and the line fits."""
    if not items or not all(isinstance(item, str) for item in items):
        return None
    line = f"{name}: [{', '.join(items)}]\n"
    if len(line) > WIDTH + 1 or "\n" in line[:-1]:
        return None
    return line if _load(line) == {name: items} else None


def _block_list(name: str, items: list) -> str:
    return f"{name}:\n" + "".join(f"  - {_scalar(item)}\n" for item in items)


def _folded(name: str, text: str) -> str | None:
    """``name: >`` with the paragraph wrapped at :data:`WRAP` (one paragraph only)."""
    if "\n" in text or "  " in text:
        return None
    lines = textwrap.wrap(text, width=WRAP, break_long_words=False,
                          break_on_hyphens=False)
    return f"{name}: >\n" + "".join(f"  {line}\n" for line in lines)


def _literal(name: str, text: str) -> str:
    body = "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))
    return f"{name}: |\n" + body


def _mapping(name: str, value: dict) -> str:
    """``name:`` then one line per key; a list of one item as that item, a longer list as a
    block list (``sources: {metadata: [a, b]}`` reads as people write it)."""
    lines = [f"{name}:\n"]
    for key, item in value.items():
        if isinstance(item, list) and len(item) != 1:
            lines.append(f"  {_scalar(key)}:\n" + "".join(f"    - {_scalar(v)}\n" for v in item))
        else:
            one = item[0] if isinstance(item, list) else item
            lines.append(f"  {_scalar(key)}: {_scalar(one)}\n")
    return "".join(lines)


def _pretty_field(name: str, value: object) -> str | None:
    if isinstance(value, list):
        if name in BLOCK_LIST_FIELDS:
            return _block_list(name, value)
        return _flow_list(name, value) or _block_list(name, value)
    if isinstance(value, dict):
        return _mapping(name, value)
    if isinstance(value, str) and name in FOLDED_FIELDS:
        return _folded(name, value) or _literal(name, value)
    if isinstance(value, str) and name in LITERAL_FIELDS:
        return _literal(name, value)
    return f"{name}: {_scalar(value)}\n"


def _field_text(name: str, value: object) -> str:
    """The field in the hand-written layout if it reads back exactly, else PyYAML's way."""
    pretty = _pretty_field(name, value)
    if pretty is not None:
        loaded = _load(pretty)
        if isinstance(loaded, dict) and _same(loaded.get(name), value):
            return pretty
    return _plain_field(name, value)


def _same(loaded: object, value: object) -> bool:
    # Block scalars end with a newline; the models strip surrounding whitespace anyway.
    if isinstance(loaded, str) and isinstance(value, str):
        return loaded.strip() == value
    return loaded == value


def entry_yaml(entry: Entry, *, modeline: bool = True) -> str:
    """The entry as the text of its catalog file, in the documented field order.

    ``modeline=False`` leaves out the schema comment (``kb show`` prints the fields alone).
    Raises :class:`KbError` (E507) if the text would not load back as the same entry — a
    writer bug, never silently written.
    """
    data = entry.model_dump(mode="python", exclude_defaults=True)
    head = MODELINE if modeline else ""
    names = [name for name in ENTRY_FIELDS if name in data]
    # The pretty layout of every field, checked once as a whole; only when that does not
    # read back is each field checked alone (and written the plain way where it must be).
    pretty = [_pretty_field(name, data[name]) for name in names]
    if None not in pretty:
        text = head + "".join(pretty)  # type: ignore[arg-type]
        if _load(text) == data or _reads_back(text, entry):  # the same data: the same entry
            return text
    text = head + "".join(_field_text(name, data[name]) for name in names)
    if not _reads_back(text, entry):
        raise KbError(f"entry '{entry.id}' does not read back the same from its YAML",
                      code="E507")
    return text


def _reads_back(text: str, entry: Entry) -> bool:
    loaded = _load(text)
    try:
        return isinstance(loaded, dict) and Entry.model_validate(loaded) == entry
    except ValueError:
        return False


def entry_file(catalog_root: Path, entry: Entry) -> Path:
    """``<catalog_root>/<kind>s/<id>.yaml``."""
    return Path(catalog_root) / f"{entry.kind}s" / f"{entry.id}.yaml"


def write_entries(catalog_root: str | Path, entries: Iterable[Entry],
                  dry_run: bool = False) -> list[Path]:
    """Add ``entries`` to the catalog at ``catalog_root`` as new files, all or none.

    The new files are checked together with the existing catalog by the rules of
    ``kb validate`` (each file alone, then one id per entry, one entry per work, references
    that resolve); then each is written through a temporary file and a rename. Raises
    :class:`kb.errors.CatalogInvalid` listing every error, or :class:`KbError` (E506) when a
    file already exists; either way nothing is written. With ``dry_run`` everything is
    checked and nothing is written. Returns the paths (to be) written, in input order.
    """
    from kb.catalog import Catalog
    from kb.ingest.catalog_update import FileChange, apply_changes, check_changes

    catalog = Catalog.load(catalog_root, strict=False)
    new: Sequence[Entry] = list(entries)
    changes = [FileChange(entry_file(catalog.root, e), entry_yaml(e), new=True) for e in new]
    if dry_run:
        check_changes(catalog, changes)
    else:
        apply_changes(catalog, changes)
    return [change.path for change in changes]
