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
    dataset_labels,
    method_available,
    metric_label,
    new_figure,
    plot_field,
    plot_language,
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

# model / solver → (registry method, the message saying what it is)
MODELS = {
    "flow": ("flow-matching", "page.flow-matching.model_flow"),
    "reflow": ("reflow", "page.flow-matching.model_reflow"),
}
SOLVERS = {
    "euler": ("flow-matching", "page.flow-matching.solver_euler"),
    "heun": ("flow-matching-heun", "page.flow-matching.solver_heun"),
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
    st.sidebar.header(say("route.flow-matching", lang))
    dataset = controls.select(
        TOY_DATASET,
        say("control.data", lang),
        help=say("control.data_help_points", lang),
        labels=dataset_labels(lang),
    )
    model_name = controls.select(
        Choice("model", tuple(MODELS), "flow"),
        say("page.flow-matching.model", lang),
        labels={k: say(v[1], lang) for k, v in MODELS.items()},
    )
    solver = controls.select(
        Choice("solver", tuple(SOLVERS), "euler"),
        say("page.flow-matching.solver", lang),
        labels={k: say(v[1], lang) for k, v in SOLVERS.items()},
    )
    train_steps = controls.number(
        train_steps_bound("flow-matching", dataset), say("control.training_steps", lang)
    )
    steps = controls.slider(STEPS.with_range(high=200, default=20), say("control.steps", lang))
    t = controls.slider(
        Bounded("t", 0.0, 1.0, 0.5, integer=False),
        say("control.field_time", lang),
        step=0.05,
        help=say("page.flow-matching.field_time_help", lang),
    )
    n = controls.slider(
        samples_bound(dataset, 2 * steps, default=1000), say("control.samples", lang)
    )
    seed = controls.number(SEED, say("control.seed", lang))
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
    show_models(
        (say("page.flow-matching.flow", lang), flow),
        (say("page.flow-matching.reflow", lang), reflow),
    )
    sampler = SOLVERS[solver][0]
    data = real_samples(dataset, 2000, seed)
    in_plots = plot_language(lang)  # the words inside figures

    # -----------------------------------------------------------------------------------------
    st.header(say("page.flow-matching.velocity", lang))
    st.markdown(say("page.flow-matching.velocity_text", lang))
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
    plot_field(ax, grid, field, say("page.flow-matching.field", in_plots, t=f"{t:g}"))
    left, right = st.columns(2)
    show_figure(fig, left)

    with right:
        shown = SampleOptions(num_samples=PATHS_SHOWN, steps=steps, seed=seed + 1)
        _, paths, _ = sample_paths(trained, sampler, shown)
        fig, (ax,) = new_figure(size=4.2)
        scatter(ax, paths[-1], data, "")
        plot_paths(ax, paths)
        ax.set_title(say("page.flow-matching.paths", in_plots, paths=PATHS_SHOWN), fontsize=9)
        show_figure(fig)
        st.caption(
            say(
                "page.flow-matching.straightness",
                lang,
                model=say(MODELS[model_name][1], lang),
                solver=say(SOLVERS[solver][1], lang),
                steps=steps,
                straightness=f"{straightness(paths):.3f}",
            )
        )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.flow-matching.samples", lang))
    with st.spinner(say("run.spinner", lang, n=n, steps=steps)):
        run = sample_run(trained, sampler, SampleOptions(num_samples=n, steps=steps, seed=seed))
    left, right = st.columns(2)
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, run.samples, data, say("page.flow-matching.over_data", in_plots, n=n))
    show_figure(fig, left)
    with right:
        show_run(run.nfe, run.seconds, run.report)

    # -----------------------------------------------------------------------------------------
    st.header(say("page.flow-matching.straighter", lang))
    st.markdown(say("page.flow-matching.straighter_text", lang))
    lines: dict[str, list[tuple[int, float]]] = {}
    baseline, metric = None, ""
    for label, model in (
        (say("page.flow-matching.line_flow", in_plots), flow),
        (say("page.flow-matching.line_reflow", in_plots), reflow),
    ):
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
    st.caption(say("page.flow-matching.euler_caption", lang, metric=metric_label(metric, lang)))

show_links(route)
