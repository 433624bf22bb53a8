"""Method pages ↔ demos: the demo's source file, read at build time, and its run link.

A method's ``demo`` is a method id (its URL path in the demo app); :data:`DEMO_FILES` says
which ``demos/`` file implements it, and any other name maps to ``demos/<name, - as _>.py``.
:data:`DEMO_COMPANIONS` names the files it builds on that belong to the same paper (the LDM's
autoencoder, the distillations' teacher, the score SDE's forward processes, reflow). The page
embeds these files as they are when the site is built, so the documentation cannot drift from
the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.models import SLUG_RE

DEMO_FILES = {
    "ddpm": "ddpm.py", "ddim": "ddim.py", "ldm": "ldm.py",
    "progressive-distillation": "distill.py", "consistency-models": "consistency.py",
    "score-sde": "score_sde.py", "flow-matching": "flow_matching.py",
}
DEMO_COMPANIONS = {
    "ldm": ("autoencoder.py",), "progressive-distillation": ("teacher.py",),
    "consistency-models": ("teacher.py",), "score-sde": ("sde.py", "ncsn.py"),
    "flow-matching": ("reflow.py",),
}
# Sampling steps the "Run the demo" link starts with: the demo pages' own defaults
# (demos/app/method_pages/*.py; DDPM always takes all T = 1000). The reader can change them there.
DEFAULT_STEPS = {
    "ddpm": 1000, "ddim": 20, "ldm": 50, "progressive-distillation": 4,
    "consistency-models": 2, "score-sde": 200, "flow-matching": 20,
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
    companions: tuple[tuple[str, str], ...] = ()  # (file, code) of the files it builds on


def demo_file_name(name: str) -> str | None:
    """``progressive-distillation`` → ``distill.py``, ``rectified-flow`` →
    ``rectified_flow.py``; ``None`` for a name that is not a slug."""
    if not SLUG_RE.match(name):
        return None
    return DEMO_FILES.get(name) or name.replace("-", "_") + ".py"


def demo_url(base_url: str, name: str, steps: int | None = None, lang: str = "en") -> str:
    """``{base_url}/{name}?steps=N``: the deep link of :func:`kb.launch.demo_page_url`; from a
    page of the site in another language than English, ``&lang=zh-TW`` too (the app's text)."""
    from kb.launch import demo_page_url

    steps = steps if steps is not None else DEFAULT_STEPS.get(name, FALLBACK_STEPS)
    params = {"steps": str(steps)}
    if lang != "en":
        params["lang"] = lang
    return demo_page_url(base_url, name, params)


def find_demo(demos_dir: Path, name: str | None, base_url: str,
              lang: str = "en") -> Demo | None:
    """The demo called ``name``, with its code if the file exists; ``None`` if no valid name.
    ``lang`` is the language of the page that links to it (see :func:`demo_url`)."""
    if not name:
        return None
    file_name = demo_file_name(name)
    if file_name is None:
        return None
    path = demos_dir / file_name
    code = path.read_text(encoding="utf-8") if path.is_file() else None
    companions = tuple((f"demos/{other}", (demos_dir / other).read_text(encoding="utf-8"))
                       for other in DEMO_COMPANIONS.get(name, ())
                       if (demos_dir / other).is_file())
    return Demo(name=name, file=f"demos/{file_name}", code=code,
                url=demo_url(base_url, name, lang=lang), command=f"kb demo {name}",
                companions=companions if code is not None else ())
