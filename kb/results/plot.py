"""A metric against NFE, one labelled point per paper and setting, as SVG for the site.

The x axis is logarithmic (1 to 1,000 steps read evenly); points of one paper and setting
that differ only in NFE are joined by a line, labelled once at their fewest-NFE end. matplotlib
runs headless and is imported only here. Text stays text in the SVG (``svg.fonttype =
"none"``): the browser draws it in the page's fonts, Chinese included, and a screen reader or
a search can read it. Labels come from catalog data, so ``$`` is escaped before matplotlib
reads it as maths.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    """Points (nfe, value) of one paper and setting, and the label written beside them."""

    label: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class AxisText:
    x: str = "NFE (network evaluations per sample, log scale)"
    y: str = "FID (lower is better)"
    title: str = ""


def plain_text(text: str) -> str:
    """``text`` as matplotlib draws it literally: an even number of ``$`` would start
    mathtext (and an unbalanced one an error), so each is escaped."""
    return text.replace("$", r"\$")


def metric_against_nfe_svg(series: Sequence[Series], text: AxisText, *, log_y: bool = False,
                           salt: str = "kb-results") -> str:
    """The plot as an SVG document (text as text, ids from ``salt``: the same file each
    build for the same data)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kb.graph.timeline_plot import installed_font

    cjk = installed_font() if any(_is_cjk(c) for c in _words(series, text)) else None
    settings = {"svg.fonttype": "none", "svg.hashsalt": salt, "font.size": 8,
                "font.family": ["DejaVu Sans", *([cjk] if cjk else [])]}
    height = max(FIGURE_HEIGHT, LABEL_PITCH * (len(series) + 4))
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        # Without a CJK font the layout measures Chinese with a stand-in width; the browser
        # still draws the text in its own fonts, so the warning per glyph says nothing useful.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = plt.figure(figsize=(FIGURE_WIDTH, height), dpi=100)
        ax = fig.add_axes((0.08, 0.6 / height, PLOT_SHARE - 0.1, 1 - 1.0 / height))
        try:
            _draw(ax, series, text, log_y)
            _label_column(fig, ax, series)
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    return _embeddable(out.getvalue())


FIGURE_WIDTH = 9.0  # inches; the SVG scales to the page
FIGURE_HEIGHT = 4.6
LABEL_PITCH = 0.14  # inches between two labels of the label column
PLOT_SHARE = 0.5  # of the width; the labels take the rest
LABEL_CHARS = 80  # a longer label is cut (the table below the plot has the whole setting)


def _words(series: Sequence[Series], text: AxisText) -> str:
    return "".join([text.x, text.y, text.title, *(one.label for one in series)])


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _draw(ax, series: Sequence[Series], text: AxisText, log_y: bool) -> None:  # noqa: ANN001
    for index, one in enumerate(series):
        points = sorted(one.points)
        ax.plot([nfe for nfe, _ in points], [value for _, value in points],
                marker="osD^v<>ph*"[index // 10 % 10], markersize=4,
                linewidth=1 if len(points) > 1 else 0, color=f"C{index % 10}")
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    _plain_log_ticks(ax.xaxis)
    if log_y:
        _plain_log_ticks(ax.yaxis)
    ax.set_xlabel(plain_text(text.x))
    ax.set_ylabel(plain_text(text.y))
    if text.title:
        ax.set_title(plain_text(text.title))
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    ax.spines[["top", "right"]].set_visible(False)


def _plain_log_ticks(axis) -> None:  # noqa: ANN001
    """Tick labels of a log axis as plain numbers (``1000``, ``20``), labelled as matplotlib's
    default would label them. The default writes them as mathtext (``$10^{3}$``), whose
    parsing took more than a third of the plots' build time."""
    from matplotlib.ticker import LogFormatter

    axis.set_major_formatter(LogFormatter())
    axis.set_minor_formatter(LogFormatter(labelOnlyBase=False))


def _label_column(fig, ax, series: Sequence[Series]) -> None:  # noqa: ANN001
    """Every series' label in a column right of the plot, in the order of their points'
    heights, each joined to its fewest-NFE point by a thin line: no label covers another."""
    from matplotlib.lines import Line2D

    to_figure = ax.transData + fig.transFigure.inverted()
    anchors = []
    for index, one in enumerate(series):
        nfe, value = min(one.points)
        x, y = to_figure.transform((nfe, value))
        anchors.append((y, x, index))
    anchors.sort(reverse=True)
    top, bottom = 0.97, 0.03
    step = (top - bottom) / max(len(anchors) - 1, 1)
    column = PLOT_SHARE + 0.02
    for rank, (y0, x0, index) in enumerate(anchors):
        colour = f"C{index % 10}"
        y = top - rank * step if len(anchors) > 1 else 0.5
        fig.add_artist(Line2D([x0, column - 0.005], [y0, y], transform=fig.transFigure,
                              linewidth=0.4, color=colour, alpha=0.6))
        fig.text(column, y, plain_text(_shortened(series[index].label)), fontsize=6.5,
                 color=colour, va="center")


def _shortened(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _embeddable(svg: str) -> str:
    """The ``<svg>`` element alone (no XML declaration or DOCTYPE), scaling with its box."""
    start = svg.index("<svg")
    element = svg[start:]
    element = re.sub(r'\swidth="[^"]*"', ' width="100%"', element, count=1)
    return re.sub(r'\sheight="[^"]*"', "", element, count=1)
