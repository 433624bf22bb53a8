"""The demo app's pages: one per method, addressed by the catalog's method id.

A page's URL path is the id of the method in ``catalog/methods/`` (``/ddim``,
``/progressive-distillation``), so the site's method page ``{site}/methods/<id>/`` and the demo
page ``{app}/<id>`` share a name. A page may also answer to **aliases** — the short names the
demos registry and ``kb demo`` use (``distill`` → ``progressive-distillation``).

This module imports neither streamlit nor torch: the ``kb`` CLI reads it to resolve
``kb demo METHOD`` before it starts anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
APP_FILE = APP_DIR / "app.py"


@dataclass(frozen=True)
class Route:
    """One page of the app."""

    url_path: str  # the catalog method id, and the page's URL path
    title: str
    script: str  # the page's file, relative to demos/app/
    method: str  # the name in demos.registry.METHODS that the page runs
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name ``kb demo NAME`` accepts for this page."""
        return (self.url_path, *self.aliases)


ROUTES: tuple[Route, ...] = (
    Route("ddpm", "DDPM", "method_pages/ddpm.py", "ddpm"),
    Route("ddim", "DDIM", "method_pages/ddim.py", "ddim"),
    Route("ldm", "Latent diffusion", "method_pages/ldm.py", "ldm"),
    Route(
        "progressive-distillation",
        "Progressive distillation",
        "method_pages/distillation.py",
        "distill",
        aliases=("distill", "distillation"),
    ),
    Route(
        "consistency-models",
        "Consistency models",
        "method_pages/consistency.py",
        "consistency",
        aliases=("consistency",),
    ),
    Route(
        "score-sde",
        "Score SDE",
        "method_pages/score_sde.py",
        "score-sde",
        aliases=("sde",),
    ),
    Route(
        "flow-matching",
        "Flow matching",
        "method_pages/flow_matching.py",
        "flow-matching",
        aliases=("flow",),
    ),
)
OVERVIEW_SCRIPT = "method_pages/overview.py"


def find_route(name: str) -> Route | None:
    """The page whose URL path or alias is ``name`` (case-insensitive), else None."""
    wanted = name.strip().strip("/").lower()
    return next((route for route in ROUTES if wanted in route.names), None)


def route_names() -> list[str]:
    """All names that open a page, URL paths first."""
    return [route.url_path for route in ROUTES] + [a for route in ROUTES for a in route.aliases]
