"""Change some top-level fields of a hand-written entry file, keep the rest byte for byte.

``kb refresh`` and ``kb cites fetch`` change a few fields of files people edit by hand. Writing
the whole entry again would reflow every field and drop comments; instead the file is cut into
top-level blocks (a ``key:`` line at column 0 and the lines that continue it), the changed
fields' blocks are taken from the writer's rendering of the new entry, and every other line
stays as it was. Comment lines just above a key stay with that key.

:func:`patch_fields` returns None for a layout it does not recognise (a ``---`` marker, a
key that is not plain); the caller then writes the whole entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]|$)")


@dataclass
class Block:
    """One top-level field: the comment lines above it, then its own lines."""

    key: str
    lines: list[str]
    comments: list[str] = field(default_factory=list)


def _is_gap(line: str) -> bool:
    """A blank line or a comment at column 0: it belongs to whatever follows."""
    stripped = line.strip()
    return not stripped or (line.startswith("#"))


def split_blocks(text: str) -> tuple[list[str], list[Block], list[str]] | None:
    """``(header, blocks, trailer)`` of a one-document YAML mapping, or None.

    The header is everything before the first key (the schema modeline); the trailer is blank
    and comment lines after the last field's content.
    """
    header: list[str] = []
    blocks: list[Block] = []
    gap: list[str] = []
    for line in text.splitlines(keepends=True):
        match = KEY_LINE.match(line)
        if match:
            blocks.append(Block(match["key"], [line], gap))
            gap = []
        elif _is_gap(line):
            gap.append(line)
        elif line[0] in " \t-" and blocks:  # indented, or a list item at column 0
            blocks[-1].lines += gap + [line]
            gap = []
        else:
            return None  # "---", "? key", a flow mapping …: not ours to cut
        if not blocks:
            header, gap = header + gap, []
    return header, blocks, gap


def _ends_with_newline(lines: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        lines = [*lines[:-1], lines[-1] + "\n"]
    return lines


def patch_fields(original: str, rendered: str, fields: Iterable[str],
                 order: Iterable[str]) -> str | None:
    """``original`` with the blocks of ``fields`` replaced by (or added from, or removed as in)
    ``rendered``. New fields go after the nearest field before them in ``order``."""
    cut_original, cut_rendered = split_blocks(original), split_blocks(rendered)
    if cut_original is None or cut_rendered is None:
        return None
    header, blocks, trailer = cut_original
    new_blocks = {b.key: b for b in cut_rendered[1]}
    order = list(order)
    for name in fields:
        present = [b for b in blocks if b.key == name]
        if len(present) > 1:
            return None
        if name not in new_blocks:
            blocks = [b for b in blocks if b.key != name]
        elif present:
            present[0].lines = _ends_with_newline(new_blocks[name].lines)
        else:
            blocks.insert(_insert_at(blocks, name, order),
                          Block(name, _ends_with_newline(new_blocks[name].lines)))
    if blocks:
        blocks[-1].lines = _ends_with_newline(blocks[-1].lines)
    body = [line for b in blocks for line in b.comments + b.lines]
    return "".join(header + body + trailer)


def _insert_at(blocks: list[Block], name: str, order: list[str]) -> int:
    rank = {key: i for i, key in enumerate(order)}
    mine = rank.get(name, len(order))
    position = 0
    for index, block in enumerate(blocks):
        if rank.get(block.key, -1) < mine:
            position = index + 1
    return position
