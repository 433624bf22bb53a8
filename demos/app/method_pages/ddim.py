"""DDIM (Song, Meng & Ermon 2020): fewer steps from the same DDPM model; inversion; slerp.

Query parameters: ``steps`` (S = NFE), ``eta``, ``dataset``, ``n``, ``seed``, ``train_steps``.
"""

import streamlit as st
import torch

from demos.app.i18n import page_language, say
from demos.app.inputs import (
    ANY_DATASET,
    ETA,
    IMAGE_SETS,
    SEED,
    STEPS,
    app_train_config,
    samples_bound,
    train_steps_bound,
)
from demos.app.routes import find_route
from demos.app.runs import real_samples, sample_run
from demos.app.state import (
    PageControls,
    model_stamp,
    page_errors,
    remembered,
    retrain_button,
    trained_model,
)
from demos.app.views import (
    dataset_labels,
    method_available,
    new_figure,
    plot_language,
    plot_paths,
    scatter,
    show_figure,
    show_images,
    show_links,
    show_models,
    show_run,
    show_unavailable,
)

route = find_route("ddim")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.ddim.title", lang))
st.caption(say("page.ddim.caption", lang))
if not method_available(route):
    show_unavailable(route)

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header(say("route.ddim", lang))
    dataset = controls.select(ANY_DATASET, say("control.data", lang), labels=dataset_labels(lang))
    train_steps = controls.number(
        train_steps_bound("ddim", dataset),
        say("control.training_steps", lang),
        help=say("page.ddim.train_help", lang),
    )
    config = app_train_config("ddim", dataset, train_steps)
    T = config.diffusion_steps
    steps = controls.slider(
        STEPS.with_range(high=T, default=min(20, T)), say("page.ddim.steps", lang)
    )
    eta = controls.slider(
        ETA, say("control.eta", lang), step=0.1, help=say("page.ddim.eta_help", lang)
    )
    n = controls.slider(
        samples_bound(dataset, 2 * steps),
        say("control.samples", lang),
        help=say("page.ddim.samples_help", lang),
    )
    seed = controls.number(SEED, say("control.seed", lang))
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.ddim import ddim_encode, ddim_sample, interpolate_latents, timesteps
    from demos.sample import SampleOptions, denoiser_for, initial_noise

    trained = trained_model(config, retrain=retrain)
    show_models((say("page.ddim.model", lang), trained))
    taus = timesteps(steps, T)
    image = dataset in IMAGE_SETS
    in_plots = plot_language(lang)  # the words inside figures

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddim.compare", lang))
    tau_text = (
        ", ".join(map(str, taus)) if len(taus) <= 4 else f"{taus[0]}, {taus[1]}, …, {taus[-1]}"
    )
    st.markdown(say("page.ddim.compare_text", lang, taus=tau_text, steps=steps))
    left, right = st.columns(2)
    for column, value, title_key in (
        (left, eta, "page.ddim.ddim_column"),
        (right, 1.0, "page.ddim.ddpm_column"),
    ):
        with column:
            title = say(title_key, lang, eta=f"{eta:g}")
            st.subheader(title)
            with st.spinner(say("run.spinner_titled", lang, title=title, n=n, steps=steps)):
                run = sample_run(
                    trained, "ddim", SampleOptions(num_samples=n, steps=steps, eta=value, seed=seed)
                )
            if image:
                show_images(run.samples, say("run.samples", lang, n=n))
            else:
                fig, (ax,) = new_figure()
                scatter(
                    ax,
                    run.samples,
                    real_samples(dataset, 2000, seed),
                    say(title_key, in_plots, eta=f"{eta:g}"),
                )
                show_figure(fig)
            show_run(run.nfe, run.seconds, run.report)
    if eta == 1:
        st.caption(say("page.ddim.same_sampler", lang))

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddim.inversion", lang))
    st.markdown(say("page.ddim.inversion_text", lang))
    model = denoiser_for(trained, SampleOptions())
    schedule = trained.schedule
    k = 8 if image else 500

    def invert():
        x0 = real_samples(dataset, k, seed)
        latents = ddim_encode(model, x0, schedule, steps, prediction_type=config.prediction_type)
        again = ddim_sample(
            model, latents, schedule, steps, eta=0.0, prediction_type=config.prediction_type
        )
        return x0, latents, again

    key = {"model": model_stamp(trained), "steps": steps, "seed": seed, "k": k}
    x0, latents, again = remembered("ddim_invert", key, invert)
    error = (again - x0).pow(2).mean().sqrt().item()
    if image:
        show_images(
            torch.cat([x0, latents.clamp(-3, 3) / 3, again]),
            say("page.ddim.inversion_rows", lang),
            ncols=k,
            width=560,
        )
    else:
        fig, axes = new_figure(3)
        scatter(axes[0], x0, None, say("page.ddim.data", in_plots))
        scatter(axes[1], latents, None, say("page.ddim.latents", in_plots), color="tab:purple")
        scatter(axes[2], again, x0, say("page.ddim.decoded", in_plots))
        show_figure(fig)
    st.caption(
        say(
            "page.ddim.inversion_caption",
            lang,
            nfe=2 * steps,
            rmse=f"{error:.3f}",
            mean=f"{latents.mean():.2f}",
            std=f"{latents.std():.2f}",
        )
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddim.interpolation", lang))
    st.markdown(say("page.ddim.interpolation_text", lang, start=r"$x_T^{(a)}$", end=r"$x_T^{(b)}$"))
    frames = 8

    def interpolate():
        pairs = 1 if image else 16
        a, _ = initial_noise(trained, SampleOptions(num_samples=pairs, seed=seed))
        b, _ = initial_noise(trained, SampleOptions(num_samples=pairs, seed=seed + 1))
        path = torch.stack([interpolate_latents(a[i], b[i], frames) for i in range(pairs)], 1)
        flat = path.reshape(frames * pairs, *a.shape[1:])  # (frames·pairs, …)
        decoded = ddim_sample(
            model, flat, schedule, steps, eta=0.0, prediction_type=config.prediction_type
        )
        return decoded.reshape(frames, pairs, *a.shape[1:])

    decoded = remembered("ddim_interpolate", key, interpolate)
    if image:
        show_images(
            decoded[:, 0],
            say("page.ddim.slerp_steps", lang, frames=frames, seed=seed, next_seed=seed + 1),
            ncols=frames,
            width=560,
        )
    else:
        fig, (ax,) = new_figure()
        scatter(ax, decoded[-1], real_samples(dataset, 2000, seed), size=0.1)
        plot_paths(ax, decoded)
        ax.set_title(say("page.ddim.interpolations", in_plots), fontsize=9)
        show_figure(fig)
    st.caption(say("page.ddim.per_frame", lang, steps=steps, frames=frames))

show_links(route)
