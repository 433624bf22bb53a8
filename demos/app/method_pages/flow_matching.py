"""Flow matching and rectified flow (Lipman et al. 2022; Liu et al. 2022) on 2-D points.

Query parameters: ``dataset``, ``model`` (flow or reflow), ``solver`` (euler or heun),
``steps``, ``t`` (time of the field), ``n``, ``seed``, ``train_steps``.
"""

import streamlit as st
import torch

from demos.app.i18n import page_language, say
from demos.app.inputs import (
    SEED,
    STEPS,
    TOY_DATASET,
    Bounded,
    Choice,
    app_train_config,
    samples_bound,
    train_steps_bound,
)
from demos.app.routes import find_route
from demos.app.runs import real_samples, sample_paths, sample_run
from demos.app.state import PageControls, page_errors, retrain_button, trained_model
from demos.app.views import (
    method_available,
    new_figure,
    plot_field,
    plot_paths,
    scatter,
    show_figure,
    show_links,
    show_models,
    show_quality_vs_nfe,
    show_run,
    show_unavailable,
)

route = find_route("flow-matching")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.flow-matching.title", lang))
st.caption(say("page.flow-matching.caption", lang))
if not method_available(route):
    show_unavailable(route)

MODELS = {
    "flow": ("flow-matching", "flow matching (1-rectified flow)"),
    "reflow": ("reflow", "rectified flow after one reflow"),
}
SOLVERS = {
    "euler": ("flow-matching", "Euler (1 NFE per step)"),
    "heun": ("flow-matching-heun", "Heun (2 NFE per step)"),
}
PATHS_SHOWN = 48
CURVE_STEPS = (1, 2, 4, 8)


def straightness(paths: torch.Tensor) -> float:
    """Mean ‖x_1 − x_0‖ / path length over paths ``(S + 1, N, 2)``: 1 for straight lines."""
    length = (paths[1:] - paths[:-1]).norm(dim=-1).sum(dim=0)
    chord = (paths[-1] - paths[0]).norm(dim=-1)
    return (chord / length.clamp(min=1e-8)).mean().item()


with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header("Flow matching")
    dataset = controls.select(TOY_DATASET, "Data", help="2-D points, so the field can be drawn.")
    model_name = controls.select(
        Choice("model", tuple(MODELS), "flow"), "Model", labels={k: v[1] for k, v in MODELS.items()}
    )
    solver = controls.select(
        Choice("solver", tuple(SOLVERS), "euler"),
        "Solver",
        labels={k: v[1] for k, v in SOLVERS.items()},
    )
    train_steps = controls.number(train_steps_bound("flow-matching", dataset), "Training steps")
    steps = controls.slider(STEPS.with_range(high=200, default=20), "Steps")
    t = controls.slider(
        Bounded("t", 0.0, 1.0, 0.5, integer=False),
        "Time t of the field",
        step=0.05,
        help="0: noise, 1: data.",
    )
    n = controls.slider(samples_bound(dataset, 2 * steps, default=1000), "Samples")
    seed = controls.number(SEED, "Seed")
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.flow_matching import interpolate, velocity
    from demos.sample import SampleOptions

    flow = trained_model(
        app_train_config("flow-matching", dataset, train_steps),
        retrain=retrain and model_name == "flow",
    )
    reflow = trained_model(
        app_train_config("reflow", dataset, train_steps), retrain=retrain and model_name == "reflow"
    )
    trained = flow if model_name == "flow" else reflow
    show_models(("flow", flow), ("reflow", reflow))
    sampler = SOLVERS[solver][0]
    data = real_samples(dataset, 2000, seed)

    # -----------------------------------------------------------------------------------------
    st.header("1 · The learned velocity")
    st.markdown(
        r"Training pairs noise $x_0$ with data $x_1$ and regresses the straight-line "
        r"velocity: $\lVert v_\theta(x_t, t) - (x_1 - x_0)\rVert^2$ with "
        r"$x_t = (1 - t)\,x_0 + t\,x_1$ (conditional flow matching, eq. 9)."
    )
    axis = torch.linspace(-3, 3, 21)
    xs, ys = torch.meshgrid(axis, axis, indexing="xy")
    grid = torch.stack([xs.flatten(), ys.flatten()], dim=1)  # (441, 2)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        field = velocity(trained.net, grid, t)
        x_t = interpolate(
            torch.randn(data.shape, generator=generator), data, torch.full((len(data),), t)
        )
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, x_t, None, "", color="0.75", size=1.5)
    plot_field(ax, grid, field, f"v_θ(x, t = {t:g}) over x_t (grey)")
    left, right = st.columns(2)
    show_figure(fig, left)

    with right:
        shown = SampleOptions(num_samples=PATHS_SHOWN, steps=steps, seed=seed + 1)
        _, paths, _ = sample_paths(trained, sampler, shown)
        fig, (ax,) = new_figure(size=4.2)
        scatter(ax, paths[-1], data, "")
        plot_paths(ax, paths)
        ax.set_title(f"{PATHS_SHOWN} paths (○ noise → ● sample)", fontsize=9)
        show_figure(fig)
        st.caption(
            f"{MODELS[model_name][1]}, {SOLVERS[solver][1]}, {steps} steps · "
            f"straightness {straightness(paths):.3f} (chord / path length; 1 = straight)"
        )

    # -----------------------------------------------------------------------------------------
    st.header("2 · Samples")
    with st.spinner(f"{n} samples × {steps} steps …"):
        run = sample_run(trained, sampler, SampleOptions(num_samples=n, steps=steps, seed=seed))
    left, right = st.columns(2)
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, run.samples, data, f"{n} samples over the data (grey)")
    show_figure(fig, left)
    with right:
        show_run(run.nfe, run.seconds, run.report)

    # -----------------------------------------------------------------------------------------
    st.header("3 · Straighter paths, fewer steps")
    st.markdown(
        "Reflow trains a second flow on the (noise, sample) pairs of the first, whose "
        "paths then cross less; a straight path is followed exactly by one Euler step."
    )
    lines: dict[str, list[tuple[int, float]]] = {}
    baseline, metric = None, ""
    for label, model in (("flow matching", flow), ("rectified (reflow)", reflow)):
        lines[label] = []
        for k in CURVE_STEPS:
            few = sample_run(
                model, "flow-matching", SampleOptions(num_samples=n, steps=k, seed=seed)
            )
            baseline, metric = few.report.headline.baseline, few.report.headline.name
            lines[label].append((few.nfe, few.report.headline.value))
    left, _ = st.columns([3, 2])
    with left:
        show_quality_vs_nfe(lines, metric, baseline)
    st.caption(f"Euler steps; {metric.replace('_', ' ')}, lower is better.")

show_links(route)
