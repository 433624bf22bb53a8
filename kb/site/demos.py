"""Method pages ↔ demos: the demo's source file, read at build time, and its run link.

A method's ``demo`` name maps to ``demos/<name with - as _>.py`` (``score-sde`` →
``demos/score_sde.py``). The page embeds that file as it is when the site is built, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from kb.models import SLUG_RE

# Sampling steps the "Run the demo" link starts with (the demo app lets the reader change it).
DEFAULT_STEPS = {
    "ddpm": 1000, "ddim": 50, "ldm": 50, "distill": 4, "consistency": 2, "score-sde": 500,
    "flow-matching": 50,
}
FALLBACK_STEPS = 50


@dataclass(frozen=True)
class Demo:
    """One demo as a method page shows it."""

    name: str
    file: str  # repository-relative, e.g. "demos/ddim.py"
    code: str | None  # None while the file does not exist yet
    url: str
    command: str


def demo_file_name(name: str) -> str | None:
    """``score-sde`` → ``score_sde.py``; ``None`` for a name that is not a slug."""
    if not SLUG_RE.match(name):
        return None
    return name.replace("-", "_") + ".py"


def demo_url(base_url: str, name: str, steps: int | None = None) -> str:
    """``{base_url}/{name}?steps=N`` — the demo app's deep link."""
    steps = steps if steps is not None else DEFAULT_STEPS.get(name, FALLBACK_STEPS)
    return f"{base_url.rstrip('/')}/{quote(name)}?{urlencode({'steps': steps})}"


def find_demo(demos_dir: Path, name: str | None, base_url: str) -> Demo | None:
    """The demo called ``name``, with its code if the file exists; ``None`` if no valid name."""
    if not name:
        return None
    file_name = demo_file_name(name)
    if file_name is None:
        return None
    path = demos_dir / file_name
    code = path.read_text(encoding="utf-8") if path.is_file() else None
    return Demo(name=name, file=f"demos/{file_name}", code=code,
                url=demo_url(base_url, name), command=f"kb demo {name}")
