"""Latent diffusion (Rombach et al. 2022): an autoencoder, DDPM on its latents, guidance.

Query parameters: ``dataset``, ``steps``, ``guidance``, ``digit`` (all or 0–9), ``n``, ``seed``,
``train_steps``.
"""

import streamlit as st
import torch

from demos.app.i18n import page_language, say
from demos.app.inputs import (
    GUIDANCE,
    IMAGE_SETS,
    SEED,
    STEPS,
    Choice,
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
    show_images,
    show_links,
    show_models,
    show_run,
    show_unavailable,
)

route = find_route("ldm")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.ldm.title", lang))
st.caption(say("page.ldm.caption", lang))
if not method_available(route):
    show_unavailable(route)


def channels_as_images(latents: torch.Tensor) -> torch.Tensor:
    """``(B, c, h, w)`` latents as ``B·c`` grey images in [-1, 1] (each channel its own tile)."""
    scale = latents.abs().amax().clamp(min=1e-6)
    return (latents / scale).reshape(-1, 1, *latents.shape[-2:])


with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header("Latent diffusion")
    dataset = controls.select(
        Choice("dataset", IMAGE_SETS, "digits32"), "Data", help="Latent diffusion is for images."
    )
    train_steps = controls.number(
        train_steps_bound("ldm", dataset),
        "Training steps",
        help="Of the latent UNet (the autoencoder trains first).",
    )
    config = app_train_config("ldm", dataset, train_steps)
    T = config.diffusion_steps
    steps = controls.slider(STEPS.with_range(high=T, default=min(50, T)), "DDIM steps (= NFE)")
    guidance = controls.slider(
        GUIDANCE,
        "Guidance scale w",
        step=0.5,
        help="0: the plain conditional model; larger: clearer digits, less variety.",
    )
    digit = controls.select(Choice("digit", ("all", *map(str, range(10))), "all"), "Class")
    n = controls.slider(
        samples_bound(dataset, 2 * steps),
        "Samples",
        help="Guidance runs the net on 2 inputs per sample.",
    )
    seed = controls.number(SEED, "Seed")
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.ddim import ddim_sample
    from demos.guidance import conditional_denoiser, guided_denoiser
    from demos.sample import SampleOptions

    trained = trained_model(config, retrain=retrain)
    show_models(("", trained))
    ldm = trained.net
    latent_shape = tuple(config.latent_shape())
    image_shape = tuple(real_samples(dataset, 1).shape[1:])

    # -----------------------------------------------------------------------------------------
    st.header("1 · The autoencoder: pixels ↔ latent")
    st.markdown(
        r"$z = \mathcal E(x)$ keeps what matters of an image in far fewer numbers; "
        r"$\mathcal D(z) \approx x$. Its latents are rescaled to unit variance before "
        r"diffusion sees them (App. G)."
    )

    def autoencode():
        x = real_samples(dataset, 8, seed)
        with torch.no_grad():
            mean, _ = ldm.autoencoder.encode(x)
            return x, mean, ldm.autoencoder.decode(mean)

    key = {"model": model_stamp(trained), "seed": seed}
    x, z, again = remembered("ldm_autoencode", key, autoencode)
    left, right = st.columns([1, 2])
    show_images(
        torch.cat([x, again]), "images (top) and D(E(x)) (bottom)", ncols=8, width=320, where=left
    )
    show_images(
        channels_as_images(z),
        f"their latents: {latent_shape[0]} channels of "
        f"{latent_shape[1]}×{latent_shape[2]} per image (one row each)",
        ncols=latent_shape[0],
        width=200,
        where=right,
    )
    pixels = image_shape[-1] * image_shape[-2]
    numbers = latent_shape[0] * latent_shape[1] * latent_shape[2]
    st.caption(
        f"{image_shape[-2]}×{image_shape[-1]} pixels → {latent_shape[0]}×"
        f"{latent_shape[1]}×{latent_shape[2]} latent: each denoiser call sees "
        f"{(image_shape[-1] // latent_shape[-1]) ** 2}× fewer positions ({pixels} → "
        f"{numbers} numbers) · reconstruction RMSE "
        f"{(again - x).pow(2).mean().sqrt():.3f}"
    )

    # -----------------------------------------------------------------------------------------
    st.header("2 · Sampling in latent space")
    st.markdown(
        r"DDIM on $z$ with the guided noise estimate "
        r"$\tilde\epsilon = (1 + w)\,\epsilon_\theta(z_t, y) - w\,\epsilon_\theta(z_t, "
        r"\varnothing)$, then one decoder call: $x = \mathcal D(z_0)$."
    )
    labels = None if digit == "all" else torch.full((n,), int(digit))
    options = SampleOptions(
        num_samples=n, steps=steps, eta=0.0, seed=seed, labels=labels, guidance_scale=guidance
    )
    with st.spinner(f"{n} samples × {steps} steps …"):
        run = sample_run(trained, "ldm", options)

    def first_latents():  # the sampler's first 8 latents: same noise prefix, η = 0
        shown = torch.arange(8) % 10 if labels is None else labels[:8]
        z_T = torch.randn((8, *latent_shape), generator=torch.Generator().manual_seed(seed))
        model = (
            guided_denoiser(ldm.unet, shown, guidance, config.net.num_classes)
            if guidance
            else conditional_denoiser(ldm.unet, shown)
        )
        return ddim_sample(
            model, z_T, trained.schedule, steps, 0.0, prediction_type=config.prediction_type
        )

    key = {
        "model": model_stamp(trained),
        "steps": steps,
        "seed": seed,
        "w": guidance,
        "digit": digit,
    }
    z0 = remembered("ldm_latents", key, first_latents)
    left, right = st.columns([1, 2])
    show_images(
        channels_as_images(z0),
        "z_0 of the first 8 samples (a row each)",
        ncols=latent_shape[0],
        width=200,
        where=left,
    )
    show_images(
        run.samples,
        f"{n} decoded samples"
        + (" (classes 0–9 in turn)" if labels is None else f" of class {digit}"),
        where=right,
    )
    show_run(
        run.nfe,
        run.seconds,
        run.report,
        note=None if labels is None else "one class asked for: low class coverage is expected",
    )

    # -----------------------------------------------------------------------------------------
    st.header("3 · What the guidance scale does")
    shown_digit = 3 if digit == "all" else int(digit)
    rows, notes = [], []
    for w in (0.0, 1.0, 3.0, 7.0):
        row = sample_run(
            trained,
            "ldm",
            SampleOptions(
                num_samples=8,
                steps=steps,
                seed=seed,
                labels=torch.full((8,), shown_digit),
                guidance_scale=w,
            ),
        )
        rows.append(row.samples)
        confidence = (
            next((m.value for m in row.report.metrics if m.name == "confidence"), float("nan"))
            if row.report
            else float("nan")
        )
        notes.append(f"w = {w:g}: confidence {confidence:.2f}")
    show_images(
        torch.cat(rows), f"eight {shown_digit}s per row; " + " · ".join(notes), ncols=8, width=400
    )
    st.caption(
        "Confidence is the digit classifier's mean top probability: guidance makes the "
        "class clearer and the samples more alike."
    )

show_links(route)
