"""Pictures of samples: an image grid or a 2-D scatter plot, written as PNG with matplotlib.

Uses matplotlib's object API with the Agg canvas (no pyplot state), so it is safe in tests,
threads and the Streamlit app.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch


def image_grid(images: torch.Tensor, ncols: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile ``images (N, C, H, W)`` in [-1, 1] into one grey array in [0, 1].

    The grid is ``(rows·(H + pad) + pad, cols·(W + pad) + pad)``, white between the images.
    """
    x = ((images.detach().float().cpu().clamp(-1, 1) + 1) / 2).mean(dim=1)  # (N, H, W) grey
    n, h, w = x.shape
    cols = ncols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = np.ones((rows * (h + pad) + pad, cols * (w + pad) + pad), dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top : top + h, left : left + w] = x[i].numpy()
    return grid


def save_image_grid(
    images: torch.Tensor, path: str | Path, ncols: int | None = None, scale: int = 4
) -> Path:
    """Write ``images (N, C, H, W)`` in [-1, 1] as a grey PNG grid, each pixel ``scale``×."""
    from matplotlib.image import imsave

    grid = image_grid(images, ncols)
    grid = np.kron(grid, np.ones((scale, scale), dtype=np.float32))  # crisp nearest upscaling
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    imsave(path, grid, cmap="gray", vmin=0, vmax=1)
    return path


def save_scatter(
    points: torch.Tensor, path: str | Path, reference: torch.Tensor | None = None, title: str = ""
) -> Path:
    """Write 2-D ``points (N, 2)`` as a scatter plot PNG, over ``reference`` points in grey."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if reference is not None:
        ax.scatter(*reference.cpu().T, s=2, c="0.8", label="data")
    ax.scatter(*points.detach().float().cpu().T, s=2, c="tab:blue", label="samples")
    ax.set_aspect("equal")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_title(title, fontsize=9)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def save_samples(
    samples: torch.Tensor, path: str | Path, title: str = "", reference: torch.Tensor | None = None
) -> Path:
    """An image grid for ``(N, C, H, W)``, a scatter plot for ``(N, 2)``."""
    if samples.dim() == 4:
        return save_image_grid(samples, path)
    return save_scatter(samples, path, reference, title)
