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
    method_available,
    new_figure,
    plot_field,
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

# sampler → (registry method, what it is)
SAMPLERS = {
    "pc": ("score-sde", "VP SDE, predictor–corrector (Euler–Maruyama + 1 Langevin step)"),
    "ode": ("score-sde-ode", "VP SDE, probability-flow ODE (Heun)"),
    "langevin": ("ncsn", "VE SDE, NCSN's annealed Langevin dynamics"),
}
PATHS_SHOWN = 24

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header("Score SDE")
    dataset = controls.select(TOY_DATASET, "Data", help="2-D points, so the field can be drawn.")
    sampler = controls.select(
        Choice("sampler", tuple(SAMPLERS), "pc"),
        "Sampler",
        labels={k: v[1] for k, v in SAMPLERS.items()},
    )
    method = SAMPLERS[sampler][0]
    train_steps = controls.number(train_steps_bound(method, dataset), "Training steps")
    steps = controls.slider(
        STEPS.with_range(default=200),
        "Steps",
        help="pc: 2 NFE per step; ode: 2 (Heun); langevin: 1.",
    )
    t = controls.slider(
        Bounded("t", 0.01, 1.0, 0.1, integer=False), "Time t of the field", step=0.01
    )
    n = controls.slider(samples_bound(dataset, 2 * steps, default=1000), "Samples")
    seed = controls.number(SEED, "Seed")
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

    # -----------------------------------------------------------------------------------------
    st.header("1 · The learned score")
    st.markdown(
        r"$s_\theta(x, t) \approx \nabla_x \log p_t(x)$ points towards where noisy data "
        r"$x_t$ is dense: at large $t$ towards the origin (the prior), at small $t$ "
        r"towards the data. Trained by denoising score matching (eq. 7)."
    )
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
    plot_field(ax, grid, field, f"s_θ(x, t = {t:g}) over noisy data x_t (grey)")
    left, right = st.columns(2)
    show_figure(fig, left)

    # -----------------------------------------------------------------------------------------
    with right:
        st.markdown(f"**Sampling:** {SAMPLERS[sampler][1]}, from noise at t = 1 to t ≈ 0.")
        shown = SampleOptions(num_samples=PATHS_SHOWN, steps=steps, seed=seed + 1)
        net_times, paths, _ = sample_paths(trained, method, shown)
        with torch.no_grad():  # undo the net's input scaling c_in = 1/√(m² + s²) (VE only)
            m, s = sde.marginal(torch.tensor(net_times) / 1000)
            scale = torch.cat([(m**2 + s**2).sqrt(), torch.ones(1)])  # the samples: unscaled
        paths = paths * scale[:, None, None]
        fig, (ax,) = new_figure(size=4.2)
        scatter(ax, paths[-1], data, "")
        plot_paths(ax, paths, max_states=25)
        ax.set_title(f"{PATHS_SHOWN} paths, 25 states each (○ noise → ● sample)", fontsize=9)
        show_figure(fig)

    st.header("2 · Samples")
    options = SampleOptions(num_samples=n, steps=steps, seed=seed)
    with st.spinner(f"{n} samples × {steps} steps …"):
        run = sample_run(trained, method, options)
    left, right = st.columns(2)
    fig, (ax,) = new_figure(size=4.2)
    scatter(ax, run.samples, data, f"{n} samples over the data (grey)")
    show_figure(fig, left)
    with right:
        show_run(run.nfe, run.seconds, run.report)

show_links(route)
