"""How the demo pages show things: image grids, 2-D plots, animations, run reports, links.

Pictures are plain arrays or matplotlib figures made with the object API (no pyplot state, so
concurrent sessions cannot draw on each other's figures). Every run a page makes ends in
:func:`show_run` — its NFE, its wall time and its quality metric beside the same metric
between two real samples — and every page ends in :func:`show_links`.

Words come from the demo app's message tables in the page's language. Chinese in a figure
needs a CJK font (Debian: ``fonts-noto-cjk``), added after matplotlib's own as a fallback for
the glyphs it lacks; without one, figures keep English words (:func:`plot_language`) rather
than draw boxes.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import streamlit as st

from demos.app.i18n import DEFAULT_LANGUAGE, messages, say, site_path
from demos.app.inputs import IMAGE_SETS, TOY_SETS
from demos.app.links import method_links, site_base_url
from demos.app.routes import Route
from demos.app.state import language

DATA_GREY = "0.78"
SAMPLE_BLUE = "tab:blue"
PLOT_LIMIT = 3.0  # toy data live in about [-2.5, 2.5]²
# Fonts with Traditional Chinese glyphs, best first (the site's timeline plot tries the same:
# kb.graph.timeline_plot.CJK_FONTS)
CJK_FONTS = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Source Han Sans TC",
    "Noto Sans CJK JP",
    "PingFang TC",
    "Microsoft JhengHei",
)


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def dataset_labels(lang: str) -> dict[str, str]:
    """What the data selectbox shows for each dataset (its value, in the URL, stays)."""
    return {name: say(f"dataset.{name}", lang) for name in IMAGE_SETS + TOY_SETS}


def metric_label(name: str, lang: str) -> str:
    """A quality metric's name for the page (``classifier_fd`` → "classifier fd")."""
    if f"metric.{name}" not in messages(DEFAULT_LANGUAGE):  # a metric added since
        return name.replace("_", " ")
    return say(f"metric.{name}", lang)


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib finds here; once found, every figure gets it
    as the fallback after matplotlib's default font (whose Latin glyphs stay as they were)."""
    import matplotlib
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    font = next((family for family in CJK_FONTS if family in known), None)
    if font is not None:
        matplotlib.rcParams["font.family"] = [*matplotlib.rcParams["font.family"], font]
    return font


def plot_language(lang: str) -> str:
    """The language of the words inside figures: ``lang`` if the fonts can draw it, else
    English."""
    return lang if lang == DEFAULT_LANGUAGE or cjk_font() is not None else DEFAULT_LANGUAGE


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def grid_picture(images: Any, ncols: int | None = None, width: int = 360) -> np.ndarray:
    """``images (N, C, H, W)`` in [-1, 1] as one grey grid in [0, 1], upscaled by whole pixels
    (nearest) to about ``width`` pixels so 8×8 digits stay crisp."""
    from demos.figures import image_grid

    grid = image_grid(images, ncols)
    scale = max(1, width // grid.shape[1])
    return np.kron(grid, np.ones((scale, scale), dtype=np.float32))


def show_images(
    images: Any,
    caption: str | None = None,
    ncols: int | None = None,
    width: int = 360,
    where: Any = None,
) -> None:
    (where or st).image(
        grid_picture(images, ncols, width), caption=caption, clamp=True, output_format="PNG"
    )


def gif_bytes(
    frames: Sequence[np.ndarray], seconds_per_frame: float = 0.25, hold_last: int = 4
) -> bytes:
    """An animated GIF of grey ``frames`` in [0, 1] (the last one held a little longer)."""
    from PIL import Image

    pictures = [
        Image.fromarray((np.clip(f, 0, 1) * 255).astype(np.uint8), mode="L") for f in frames
    ]
    pictures += [pictures[-1]] * hold_last
    out = io.BytesIO()
    pictures[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=int(seconds_per_frame * 1000),
        loop=0,
    )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# 2-D plots
# ---------------------------------------------------------------------------------------------


def new_figure(ncols: int = 1, size: float = 3.2) -> tuple[Any, list[Any]]:
    """A matplotlib figure with ``ncols`` square axes, made without pyplot."""
    from matplotlib.figure import Figure

    cjk_font()  # before any text is made: a Text keeps the fonts of its making
    fig = Figure(figsize=(size * ncols, size), dpi=100, layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    for ax in axes:
        ax.set_aspect("equal")
        ax.set_xlim(-PLOT_LIMIT, PLOT_LIMIT)
        ax.set_ylim(-PLOT_LIMIT, PLOT_LIMIT)
        ax.tick_params(labelsize=7)
    return fig, axes


def show_figure(fig: Any, where: Any = None) -> None:
    """A matplotlib figure at its own size (width × dpi pixels), never stretched."""
    (where or st).pyplot(fig, width=int(fig.get_figwidth() * fig.dpi))


def scatter(
    ax: Any,
    points: Any,
    reference: Any = None,
    title: str = "",
    color: str = SAMPLE_BLUE,
    size: float = 2.0,
) -> None:
    """``points (N, 2)`` over ``reference (M, 2)`` data in grey."""
    if reference is not None:
        ax.scatter(*np.asarray(reference, dtype=np.float32).T, s=1.5, c=DATA_GREY, lw=0)
    ax.scatter(*np.asarray(points, dtype=np.float32).T, s=size, c=color, lw=0)
    ax.set_title(title, fontsize=9)


def show_points(points: Any, reference: Any = None, title: str = "", where: Any = None) -> None:
    fig, (ax,) = new_figure()
    scatter(ax, points, reference, title)
    show_figure(fig, where)


def show_samples(samples: Any, caption: str = "", reference: Any = None, where: Any = None) -> None:
    """Images ``(N, C, H, W)`` as a grid, 2-D points ``(N, 2)`` as a scatter over ``reference``."""
    if samples.dim() == 4:
        show_images(samples, caption, where=where)
    else:
        show_points(samples, reference, caption, where=where)


def show_point_strip(
    frames: Sequence[Any], titles: Sequence[str], reference: Any = None, where: Any = None
) -> None:
    """A row of scatter plots, e.g. the reverse process at a few times."""
    fig, axes = new_figure(len(frames), size=1.9)
    for ax, frame, title in zip(axes, frames, titles, strict=True):
        scatter(ax, frame, reference, title, size=1.0)
        ax.set_xticks([])
        ax.set_yticks([])
    show_figure(fig, where)


def plot_field(ax: Any, grid: Any, vectors: Any, title: str = "") -> None:
    """Arrows ``vectors (G, 2)`` at ``grid (G, 2)``, normalised for legibility, coloured by
    their length."""
    grid = np.asarray(grid, dtype=np.float32)
    vectors = np.asarray(vectors, dtype=np.float32)
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(length, 1e-8)
    ax.quiver(
        grid[:, 0],
        grid[:, 1],
        unit[:, 0],
        unit[:, 1],
        np.log1p(length[:, 0]),
        cmap="viridis",
        angles="xy",
        scale_units="xy",
        scale=3.5,
        width=0.004,
    )
    ax.set_title(title, fontsize=9)


def plot_paths(ax: Any, paths: Any, color: str = "tab:red", max_states: int | None = None) -> None:
    """Sample trajectories ``paths (S + 1, N, 2)``: lines from the noise (○) to the sample (●).

    ``max_states`` keeps that many states evenly spread along each path (both ends kept), so a
    noisy SDE path of hundreds of steps shows its course rather than its jitter.
    """
    paths = np.asarray(paths, dtype=np.float32)
    if max_states is not None and len(paths) > max_states:
        paths = paths[np.unique(np.linspace(0, len(paths) - 1, max_states).round().astype(int))]
    for i in range(paths.shape[1]):
        ax.plot(paths[:, i, 0], paths[:, i, 1], lw=0.7, c=color, alpha=0.7)
    ax.scatter(paths[0, :, 0], paths[0, :, 1], s=10, facecolors="none", edgecolors=color, lw=0.6)
    ax.scatter(paths[-1, :, 0], paths[-1, :, 1], s=10, c=color)


def show_loss_curve(curve: Sequence[Sequence[float]], where: Any = None) -> None:
    """The training loss ``[[step, mean loss], …]`` on a log scale."""
    from matplotlib.figure import Figure

    if not curve:
        (where or st).caption(say("plot.no_loss_curve", language()))
        return
    lang = plot_language(language())
    steps, losses = zip(*curve, strict=True)
    fig = Figure(figsize=(5, 2.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.plot(steps, losses, lw=1.2)
    ax.set_yscale("log")
    ax.set_xlabel(say("plot.optimiser_step", lang), fontsize=8)
    ax.set_ylabel(say("plot.loss", lang), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    show_figure(fig, where)


def show_quality_vs_nfe(
    series: dict[str, list[tuple[int, float]]],
    metric: str,
    baseline: float | None = None,
    where: Any = None,
) -> None:
    """One line per sampler: the headline metric against NFE (log scale), beside the
    data-vs-data baseline. ``series`` is keyed by the lines' labels, in the page's words."""
    from matplotlib.figure import Figure

    lang = plot_language(language())
    fig = Figure(figsize=(5, 2.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    for label, points in series.items():
        nfe, values = zip(*sorted(points), strict=True)
        ax.plot(nfe, values, marker="o", lw=1.2, label=label)
    if baseline is not None:
        ax.axhline(baseline, ls="--", c="0.5", lw=1, label=say("plot.data_vs_data", lang))
    ax.set_xscale("log", base=2)
    ax.set_xlabel(say("plot.nfe", lang), fontsize=8)
    ax.set_ylabel(metric_label(metric, lang), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    show_figure(fig, where)


# ---------------------------------------------------------------------------------------------
# Run reports and links
# ---------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    if value != value or math.isinf(value):
        return str(value)
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def show_run(
    nfe: int, seconds: float, report: Any = None, where: Any = None, note: str | None = None
) -> None:
    """NFE, wall time and the headline quality metric with its data-vs-data baseline."""
    lang = language()
    where = where or st
    cols = where.columns(3)
    cols[0].metric(say("run.nfe", lang), nfe, help=say("run.nfe_help", lang))
    cols[1].metric(
        say("run.wall_time", lang),
        say("run.seconds", lang, seconds=f"{seconds:.2f}"),
        help=say("run.wall_time_help", lang),
    )
    if report is not None:
        head = report.headline
        cols[2].metric(
            metric_label(head.name, lang),
            _number(head.value),
            say("run.data_vs_data", lang, value=_number(head.baseline)),
            delta_color="off",
            delta_arrow="off",
            help=say("run.help_higher" if head.higher_is_better else "run.help_lower", lang),
        )
        others = [
            say(
                "run.other_metric",
                lang,
                name=metric_label(m.name, lang),
                value=_number(m.value),
                baseline=_number(m.baseline),
            )
            for m in report.metrics[1:]
        ]
        if others or note:
            where.caption(" · ".join([*(others), *([note] if note else [])]))
    elif note:
        where.caption(note)


def show_runs_side_by_side(
    runs: Sequence[tuple[str, Any]], caption: str, reference: Any = None
) -> None:
    """Each ``(title, run)`` in a column of its own: its samples, then NFE, time and quality."""
    for column, (title, run) in zip(st.columns(len(runs)), runs, strict=True):
        with column:
            st.subheader(title)
            show_samples(run.samples, caption, reference)
            show_run(run.nfe, run.seconds, run.report)


def show_models(*models: tuple[str, Any], where: Any = None) -> None:
    """One line naming where each model shown comes from: shipped or trained here, steps, date.

    ``models`` are ``(label, trained)`` pairs; the label may be empty for a page's one model.
    """
    lang = language()
    parts = [
        say("model.labelled", lang, label=label, origin=model_origin(trained, lang))
        if label
        else model_origin(trained, lang)
        for label, trained in models
    ]
    key = "model.one" if len(parts) == 1 else "model.many"
    (where or st).caption(say(key, lang, models=" · ".join(parts)))


def model_origin(trained: Any, lang: str) -> str:
    """:func:`demos.pretrained.model_origin` in ``lang``: shipped or trained here, its steps,
    its date (and the training time, if trained here)."""
    from demos.pretrained import is_shipped

    steps, info = f"{trained.config.steps:,}", trained.info
    date = str(info.get("created", ""))[:10] or say("model.unknown_date", lang)
    if is_shipped(trained.directory):
        return say("model.shipped", lang, steps=steps, date=date)
    seconds = info.get("seconds")
    took = (
        say("model.took", lang, seconds=f"{float(seconds):.0f}")
        if isinstance(seconds, int | float)
        else ""
    )
    return say("model.trained_here", lang, steps=steps, date=date, took=took)


def show_links(route: Route) -> None:
    """The method's page on the knowledge-base site (in the page's language) and its papers."""
    lang = language()
    links = method_links(route.url_path, site_url=site_base_url() + site_path(lang))
    papers = " · ".join(
        f"[{p.citation}, *{p.title}*]({p.site_url})"
        + (f" ([arXiv]({p.arxiv_url}))" if p.arxiv_url else "")
        for p in links.papers
    )
    st.divider()
    st.markdown(
        say("links.read_more", lang, link=f"[{links.title}]({links.site_url})")
        + (f"  \n{say('links.papers', lang)} {papers}" if papers else "")
    )


def method_available(route: Route) -> bool:
    """Whether the demos registry has the method this page runs."""
    from demos.registry import METHODS

    return route.method in METHODS


def show_unavailable(route: Route) -> None:
    """The page of a method whose demo is not written yet: say so, link the theory, stop."""
    lang = language()
    st.info(
        say(
            "app.unavailable_page",
            lang,
            title=say(f"route.{route.url_path}", lang),
            method=route.method,
        ),
        icon="🚧",
    )
    show_links(route)
    st.stop()
