"""The URLs of the seed notes, and the copy of them the tests read on a plain clone.

The catalog started from a learner's notes, kept in the project's shared folder beside the
repository (``../shared/seeds/*.txt``). A user's clone has no ``../shared``, so the URL list is
copied into ``tests/data/seeds/urls.txt``, with a header naming its source;
``tests/test_seed_coverage.py`` checks the catalog against the copy everywhere, and the copy
against the notes wherever they are (and always under ``CI=true``).

Re-copy after the notes change (writes through a temporary file and a rename):

    .venv/bin/python tests/seed_urls.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
COPY = REPO / "tests" / "data" / "seeds" / "urls.txt"
URL_RE = re.compile(r"https?://[^\s)\]>]+")


def urls_in_notes(folder: Path) -> list[str]:
    """Every distinct URL in the ``*.txt`` notes of ``folder``, sorted."""
    urls: set[str] = set()
    for note in sorted(folder.glob("*.txt")):
        urls.update(URL_RE.findall(note.read_text(encoding="utf-8")))
    return sorted(urls)


def read_copy(path: Path = COPY) -> list[str]:
    """The URLs of the copy: one per line; ``#`` lines (the source note) and blanks skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def copy_text(folder: Path, today: dt.date) -> str:
    """The text of the copy: a header naming the notes it came from, then the URLs."""
    notes = ", ".join(note.name for note in sorted(folder.glob("*.txt")))
    header = (
        "# Every URL of the seed notes, one per line, sorted: the list the catalog must cover.\n"
        f"# Copied on {today.isoformat()} from ../shared/seeds/, the learner's notes the catalog\n"
        "# started from, which a plain clone lacks. Re-copy with\n"
        "# `.venv/bin/python tests/seed_urls.py`; tests/test_seed_coverage.py checks this copy\n"
        "# against the notes under CI=true.\n"
        f"# Notes: {notes}\n")
    return header + "".join(url + "\n" for url in urls_in_notes(folder))


def write_copy(folder: Path = SEEDS, path: Path = COPY) -> int:
    """Re-copy the URLs of ``folder`` into ``path`` atomically; returns how many there are."""
    text = copy_text(folder, dt.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(read_copy(path))


if __name__ == "__main__":
    if not SEEDS.is_dir():
        sys.exit(f"{SEEDS}: no seed notes here; the shared folder must sit beside the repository")
    print(f"{COPY}: {write_copy()} URLs from {SEEDS}")
