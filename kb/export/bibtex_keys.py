"""BibTeX citation keys that never change when other entries are added: ``ho2020denoising``.

A key is a function of its own entry only, so adding, removing or editing *other* entries
can never change it. That rules out the usual "the second ``ho2020denoising`` gets an ``a``":
which one is second depends on the rest of the catalog. Uniqueness comes from the entry ids
instead, which are unique, chosen once and never change (they are file names and URLs), and
already carry the clash suffix (``song-2020-denoising``, ``song-2020-denoising-b``):

* an entry whose id is its author-year-word slug, plus an optional clash suffix made of
  letters (``<family>-<year>-<word>[-<letters>]``, :func:`kb.text.entry_slug`), gets the
  slug's parts without hyphens: ``ho2020denoising``, ``song2020denoisingb``;
* any other entry (methods, systems, repos, ids chosen by hand) gets its id: ``ddpm``,
  ``stable-diffusion-3``.

An entry that came with a citation key (``citekey``, kept by ``kb import``) keeps it: a key,
once given, is pinned, and every ``\\cite{}`` of the writer's documents still resolves.

So a generated key is the id with its hyphens dropped or the id itself, and two keys can only
be equal if two ids differ in nothing but hyphens (``a-2020-bc`` and ``a-2020-b-c``) or a hand-made
id spells another entry's key. :func:`bibtex_keys` refuses such a pair (E410) rather than
renumber anything; renaming one of the two ids fixes it for good.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.errors import KbError
from kb.models import Entry
from kb.text import entry_slug

_CLASH_SUFFIX = re.compile(r"^-([a-z]+)$")


def bibtex_key(entry: Entry) -> str:
    """The citation key of one entry (see the module docstring)."""
    if entry.citekey:
        return entry.citekey
    if entry.authors:
        slug = entry_slug(entry.authors, entry.year, entry.title)
        if entry.id == slug:
            return slug.replace("-", "")
        suffix = _CLASH_SUFFIX.match(entry.id[len(slug):]) if entry.id.startswith(slug) else None
        if suffix:
            return slug.replace("-", "") + suffix.group(1)
    return entry.id


def bibtex_keys(entries: Iterable[Entry]) -> dict[str, str]:
    """Entry id → citation key for ``entries``; :class:`KbError` (E410) if two keys clash.

    BibTeX compares keys without regard to case, and so does this check.
    """
    keys: dict[str, str] = {}
    owner: dict[str, str] = {}
    for entry in entries:
        key = bibtex_key(entry)
        other = owner.get(key.lower())
        if other is not None and other != entry.id:
            raise KbError(f"entries '{other}' and '{entry.id}' would share the BibTeX key "
                          f"'{key}': rename one of the ids or citekeys", code="E410")
        owner[key.lower()] = entry.id
        keys[entry.id] = key
    return keys
