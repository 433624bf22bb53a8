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
    method_available,
    new_figure,
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
    st.sidebar.header("DDIM")
    dataset = controls.select(ANY_DATASET, "Data")
    train_steps = controls.number(
        train_steps_bound("ddim", dataset),
        "Training steps",
        help="Which DDPM model to sample (trained once, cached).",
    )
    config = app_train_config("ddim", dataset, train_steps)
    T = config.diffusion_steps
    steps = controls.slider(STEPS.with_range(high=T, default=min(20, T)), "Steps S (= NFE)")
    eta = controls.slider(ETA, "η", step=0.1, help="0: deterministic DDIM; 1: DDPM-like.")
    n = controls.slider(
        samples_bound(dataset, 2 * steps),
        "Samples",
        help="Two samplers run, so the limit counts 2·S calls per sample.",
    )
    seed = controls.number(SEED, "Seed")
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.ddim import ddim_encode, ddim_sample, interpolate_latents, timesteps
    from demos.sample import SampleOptions, denoiser_for, initial_noise

    trained = trained_model(config, retrain=retrain)
    show_models(("DDPM ε-model", trained))
    taus = timesteps(steps, T)
    image = dataset in IMAGE_SETS

    # -----------------------------------------------------------------------------------------
    st.header("1 · DDIM against DDPM at the same NFE")
    tau_text = (
        ", ".join(map(str, taus)) if len(taus) <= 4 else f"{taus[0]}, {taus[1]}, …, {taus[-1]}"
    )
    st.markdown(
        rf"Both walk the same $\tau$ = ({tau_text}), S = {steps}, with eq. 12; "
        r"$\eta = 1$ gives $\sigma_t^2 = \tilde\beta_t$, DDPM's ancestral sampler on "
        r"that sub-sequence — the comparison of the DDIM paper's Table 1."
    )
    left, right = st.columns(2)
    for column, value, title in (
        (left, eta, f"DDIM, η = {eta:g}"),
        (right, 1.0, "DDPM (η = 1), same steps"),
    ):
        with column:
            st.subheader(title)
            with st.spinner(f"{title}: {n} samples × {steps} steps …"):
                run = sample_run(
                    trained, "ddim", SampleOptions(num_samples=n, steps=steps, eta=value, seed=seed)
                )
            if image:
                show_images(run.samples, f"{n} samples")
            else:
                fig, (ax,) = new_figure()
                scatter(ax, run.samples, real_samples(dataset, 2000, seed), title)
                show_figure(fig)
            show_run(run.nfe, run.seconds, run.report)
    if eta == 1:
        st.caption("With η = 1 both columns are the same sampler.")

    # -----------------------------------------------------------------------------------------
    st.header("2 · Inversion: data → noise → data")
    st.markdown(
        r"With $\eta = 0$ the update is an ODE step, so it runs forwards too (§5.4): "
        r"encode $x_0$ into $x_T$, decode back. S steps each way."
    )
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
            "rows: data x_0 · its latent x_T (scaled) · decoded again",
            ncols=k,
            width=560,
        )
    else:
        fig, axes = new_figure(3)
        scatter(axes[0], x0, None, "data x_0")
        scatter(axes[1], latents, None, "latents x_T", color="tab:purple")
        scatter(axes[2], again, x0, "decoded again")
        show_figure(fig)
    st.caption(
        f"NFE {2 * steps} (S to encode, S to decode) · reconstruction RMSE {error:.3f} "
        f"· latents: mean {latents.mean():.2f}, std {latents.std():.2f} (N(0, I) has "
        "0 and 1)"
    )

    # -----------------------------------------------------------------------------------------
    st.header("3 · Interpolating between two noises")
    st.markdown(
        r"Spherical interpolation (slerp, §5.3) from $x_T^{(a)}$ to $x_T^{(b)}$, each "
        r"point decoded with $\eta = 0$: the samples morph smoothly."
    )
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
            f"{frames} slerp steps from seed {seed} to seed {seed + 1}",
            ncols=frames,
            width=560,
        )
    else:
        fig, (ax,) = new_figure()
        scatter(ax, decoded[-1], real_samples(dataset, 2000, seed), size=0.1)
        plot_paths(ax, decoded)
        ax.set_title("16 interpolations (○ seed a → ● seed b)", fontsize=9)
        show_figure(fig)
    st.caption(f"NFE {steps} per frame, {frames} frames.")

show_links(route)
