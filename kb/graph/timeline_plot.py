"""Draw a :class:`~kb.graph.timeline.Timeline` as stacked bars (PNG or SVG) for the site.

matplotlib runs headless (the Agg backend) and is imported only here. The SVG carries no date,
so the same catalog gives the same file.
"""

from __future__ import annotations

import io
from pathlib import Path

from kb.errors import KbError
from kb.graph.timeline import Timeline

PLOT_FORMATS = (".png", ".svg")


def timeline_figure_bytes(timeline: Timeline, fmt: str, by: str = "kind") -> bytes:
    """The plot as PNG or SVG bytes: one bar per year, stacked by kind (or by topic)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    groups = timeline.by_kind if by == "kind" else timeline.by_topic
    figure = Figure(figsize=(max(6.0, 0.45 * len(timeline.years) + 2), 4.0), dpi=100)
    axes = figure.subplots()
    bottom = [0] * len(timeline.years)
    colours = matplotlib.colormaps["tab20"]
    for index, (name, counts) in enumerate(groups.items()):
        heights = [counts.get(year, 0) for year in timeline.years]
        axes.bar(timeline.years, heights, bottom=bottom, label=name, color=colours(index % 20))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xlabel("year")
    axes.set_ylabel("entries")
    axes.set_title(f"Catalog entries per year, by {by}")
    if timeline.years:
        axes.set_xticks(timeline.years, [str(y) for y in timeline.years], rotation=90)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if groups:
        axes.legend(fontsize="small", ncols=2 if len(groups) > 8 else 1, frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    figure.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def plot_timeline(timeline: Timeline, path: str | Path, by: str = "kind") -> Path:
    """Write the plot to ``path`` (``.png`` or ``.svg``, by its suffix) atomically."""
    import os
    import tempfile

    path = Path(path)
    if path.suffix.lower() not in PLOT_FORMATS:
        raise KbError(f"cannot plot to '{path.name}': use a .png or .svg file", path=path,
                      code="E401")
    data = timeline_figure_bytes(timeline, path.suffix.lower().lstrip("."), by)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
