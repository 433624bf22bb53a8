"""The learned score field of a 2-D score model as a picture: arrows s_θ(x, t) on a grid.

At large t the field points straight at the origin (the prior's score, −x/σ²); as t → 0 it bends
towards the data, and its arrows grow where the density is thin. One panel per time, each over
the data in grey. Same drawing style as :mod:`demos.figures` (matplotlib's object API with the
Agg canvas, no pyplot state).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from demos.sde import SDE, score


@torch.no_grad()
def score_grid(
    net: nn.Module, sde: SDE, t: float, extent: float = 3.0, points: int = 21
) -> tuple[torch.Tensor, torch.Tensor]:
    """Grid points ``(P², 2)`` over [−extent, extent]² and the score s_θ there ``(P², 2)``."""
    axis = torch.linspace(-extent, extent, points)
    xs, ys = torch.meshgrid(axis, axis, indexing="xy")
    grid = torch.stack([xs.flatten(), ys.flatten()], dim=1)  # (P², 2)
    device = next(net.parameters()).device
    values = score(net, sde, grid.to(device), torch.full((len(grid),), t, device=device))
    return grid, values.cpu()


def save_score_field(
    net: nn.Module,
    sde: SDE,
    path: str | Path,
    times: tuple[float, ...] = (0.02, 0.1, 0.3, 0.8),
    reference: torch.Tensor | None = None,
    extent: float = 3.0,
) -> Path:
    """Write one quiver panel per time t: arrows s_θ(x, t) scaled by the noise std s(t)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3 * len(times), 3.2), dpi=100)
    FigureCanvasAgg(fig)
    for i, t in enumerate(times):
        ax = fig.add_subplot(1, len(times), i + 1)
        grid, values = score_grid(net, sde, t, extent)
        std = sde.marginal(torch.tensor([t]))[1].item()
        arrows = values * std  # s·s_θ = −ε_θ: comparable lengths at every t
        if reference is not None:
            ax.scatter(*reference.cpu().T, s=1, c="0.8")
        ax.quiver(*grid.T, *arrows.T, angles="xy", color="tab:blue", width=0.004)
        ax.set_xlim(-extent, extent)
        ax.set_ylim(-extent, extent)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"t = {t:g}", fontsize=9)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
