"""Score SDE (Song et al. 2021) on 2-D points: the learned score field and sample paths.

Query parameters: ``dataset``, ``sampler`` (pc, ode or langevin), ``steps``, ``t`` (time of
the field), ``n``, ``seed``, ``train_steps``.
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
    new_figure,
    plot_field,
    plot_language,
    plot_paths,
    scatter,
    show_figure,
    show_links,
    show_models,
    show_run,
    show_unavailable,
)

route = find_route("score-sde")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.score-sde.title", lang))
st.caption(say("page.score-sde.caption", lang))
if not method_available(route):
    show_unavailable(route)

# sampler → (registry method, the message saying what it is)
SAMPLERS = {
    "pc": ("score-sde", "page.score-sde.sampler_pc"),
    "ode": ("score-sde-ode", "page.score-sde.sampler_ode"),
    "langevin": ("ncsn", "page.score-sde.sampler_langevin"),
}
PATHS_SHOWN = 24

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header(say("route.score-sde", lang))
    dataset = controls.select(
        TOY_DATASET,
        say("control.data", lang),
        help=say("control.data_help_points", lang),
        labels=dataset_labels(lang),
    )
    sampler = controls.select(
        Choice("sampler", tuple(SAMPLERS), "pc"),
        say("page.score-sde.sampler", lang),
        labels={k: say(v[1], lang) for k, v in SAMPLERS.items()},
    )
    method = SAMPLERS[sampler][0]
    train_steps = controls.number(
        train_steps_bound(method, dataset), say("control.training_steps", lang)
    )
    steps = controls.slider(
        STEPS.with_range(default=200),
        say("control.steps", lang),
        help=say("page.score-sde.steps_help", lang),
    )
    t = controls.slider(
        Bounded("t", 0.01, 1.0, 0.1, integer=False), say("control.field_time", lang), step=0.01
    )
    n = controls.slider(
        samples_bound(dataset, 2 * steps, default=1000), say("control.samples", lang)
    )
    seed = controls.number(SEED, say("control.seed", lang))
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.sample import SampleOptions
    from demos.score_sde import sde_of
    from demos.sde import score

    config = app_train_config(method, dataset, train_steps)
    trained = trained_model(config, retrain=retrain)
    show_models(("", trained))
    sde = sde_of(trained.config)
    data = real_samples(dataset, 2000, seed)
    in_plots = plot_language(lang)  # the words inside figures

    # -----------------------------------------------------------------------------------------
    st.header(say("page.score-sde.score", lang))
    st.markdown(say("page.score-sde.score_text", lang))
    axis = torch.linspace(-3, 3, 21)
    xs, ys = torch.meshgrid(axis, axis, indexing="xy")
    grid = torch.stack([xs.flatten(), ys.flatten()], dim=1)  # (441, 2)
    times = torch.full((len(grid),), t)
    with torch.no_grad():
        field = score(trained.net, sde, grid, times)
        mean, std = sde.marginal(torch.tensor([t]))
        noisy = mean * data + std * torch.randn(
            data.shape, generator=torch.Generator().manual_seed(seed)
        )
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, noisy, None, "", color="0.75", size=1.5)
    plot_field(ax, grid, field, say("page.score-sde.field", in_plots, t=f"{t:g}"))
    left, right = st.columns(2)
    show_figure(fig, left)

    # -----------------------------------------------------------------------------------------
    with right:
        st.markdown(say("page.score-sde.sampling", lang, sampler=say(SAMPLERS[sampler][1], lang)))
        shown = SampleOptions(num_samples=PATHS_SHOWN, steps=steps, seed=seed + 1)
        net_times, paths, _ = sample_paths(trained, method, shown)
        with torch.no_grad():  # undo the net's input scaling c_in = 1/√(m² + s²) (VE only)
            m, s = sde.marginal(torch.tensor(net_times) / 1000)
            scale = torch.cat([(m**2 + s**2).sqrt(), torch.ones(1)])  # the samples: unscaled
        paths = paths * scale[:, None, None]
        fig, (ax,) = new_figure(size=4.2)
        scatter(ax, paths[-1], data, "")
        plot_paths(ax, paths, max_states=25)
        ax.set_title(say("page.score-sde.paths", in_plots, paths=PATHS_SHOWN), fontsize=9)
        show_figure(fig)

    st.header(say("page.score-sde.samples", lang))
    options = SampleOptions(num_samples=n, steps=steps, seed=seed)
    with st.spinner(say("run.spinner", lang, n=n, steps=steps)):
        run = sample_run(trained, method, options)
    left, right = st.columns(2)
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, run.samples, data, say("page.score-sde.over_data", in_plots, n=n))
    show_figure(fig, left)
    with right:
        show_run(run.nfe, run.seconds, run.report)

show_links(route)
