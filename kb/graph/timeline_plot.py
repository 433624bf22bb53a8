"""Draw a :class:`~kb.graph.timeline.Timeline` as stacked bars (PNG or SVG) for the site.

matplotlib runs headless (the Agg backend) and is imported only here. The SVG carries no date,
so the same catalog gives the same file.

The words on the plot are English unless a :class:`PlotText` says otherwise (the site passes
its language's). Text in the SVG is drawn as glyph outlines (``svg.fonttype = "path"``), so the
browser needs no font to show it — Chinese included; Chinese needs a CJK font at *build* time,
found with :func:`installed_font` (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KbError
from kb.graph.timeline import Timeline

PLOT_FORMATS = (".png", ".svg")
# Fonts with the Traditional Chinese glyphs, best first: Noto (Debian's fonts-noto-cjk, and
# Google's separate TC font), Adobe's name for the same design, then macOS and Windows fonts.
CJK_FONTS = ("Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "Noto Sans CJK JP",
             "PingFang TC", "Microsoft JhengHei")


@dataclass(frozen=True)
class PlotText:
    """The words on the plot, and the fonts to write them in.

    ``title`` None is "Catalog entries per year, by {by}"; ``names`` maps a group (a kind, a
    topic id) to its name in the legend (others as they are); ``fonts`` are font families
    tried before matplotlib's default (which has no Chinese glyphs)."""

    title: str | None = None
    year: str = "year"
    entries: str = "entries"
    names: Mapping[str, str] = field(default_factory=dict)
    fonts: Sequence[str] = ()


def installed_font(families: Sequence[str] = CJK_FONTS) -> str | None:
    """The first of ``families`` that matplotlib can find on this system, else None."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in families if family in known), None)


def timeline_figure_bytes(timeline: Timeline, fmt: str, by: str = "kind",
                          text: PlotText | None = None) -> bytes:
    """The plot as PNG or SVG bytes: one bar per year, stacked by kind (or by topic)."""
    import matplotlib

    matplotlib.use("Agg")
    text = text or PlotText()
    settings = {"svg.fonttype": "path",  # outlines: the browser needs no font for them
                "svg.hashsalt": "kb-timeline"}  # ids from a fixed salt: the same file each build
    if text.fonts:
        settings["font.family"] = [*text.fonts, "DejaVu Sans"]
    with matplotlib.rc_context(settings):
        return _figure_bytes(timeline, fmt, by, text)


def _figure_bytes(timeline: Timeline, fmt: str, by: str, text: PlotText) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    groups = timeline.by_kind if by == "kind" else timeline.by_topic
    figure = Figure(figsize=(max(6.0, 0.45 * len(timeline.years) + 2), 4.0), dpi=100)
    axes = figure.subplots()
    bottom = [0] * len(timeline.years)
    colours = matplotlib.colormaps["tab20"]
    for index, (name, counts) in enumerate(groups.items()):
        heights = [counts.get(year, 0) for year in timeline.years]
        axes.bar(timeline.years, heights, bottom=bottom, label=text.names.get(name, name),
                 color=colours(index % 20))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xlabel(text.year)
    axes.set_ylabel(text.entries)
    axes.set_title(text.title if text.title is not None else f"Catalog entries per year, by {by}")
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
