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
    dataset_labels,
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
    st.sidebar.header(say("route.ldm", lang))
    dataset = controls.select(
        Choice("dataset", IMAGE_SETS, "digits32"),
        say("control.data", lang),
        help=say("page.ldm.data_help", lang),
        labels=dataset_labels(lang),
    )
    train_steps = controls.number(
        train_steps_bound("ldm", dataset),
        say("control.training_steps", lang),
        help=say("page.ldm.train_help", lang),
    )
    config = app_train_config("ldm", dataset, train_steps)
    T = config.diffusion_steps
    steps = controls.slider(
        STEPS.with_range(high=T, default=min(50, T)), say("page.ldm.steps", lang)
    )
    guidance = controls.slider(
        GUIDANCE,
        say("page.ldm.guidance", lang),
        step=0.5,
        help=say("page.ldm.guidance_help", lang),
    )
    digit = controls.select(
        Choice("digit", ("all", *map(str, range(10))), "all"),
        say("page.ldm.digit", lang),
        labels={"all": say("page.ldm.all_digits", lang)},
    )
    n = controls.slider(
        samples_bound(dataset, 2 * steps),
        say("control.samples", lang),
        help=say("page.ldm.samples_help", lang),
    )
    seed = controls.number(SEED, say("control.seed", lang))
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
    st.header(say("page.ldm.autoencoder", lang))
    st.markdown(say("page.ldm.autoencoder_text", lang))

    def autoencode():
        x = real_samples(dataset, 8, seed)
        with torch.no_grad():
            mean, _ = ldm.autoencoder.encode(x)
            return x, mean, ldm.autoencoder.decode(mean)

    key = {"model": model_stamp(trained), "seed": seed}
    x, z, again = remembered("ldm_autoencode", key, autoencode)
    left, right = st.columns([1, 2])
    show_images(
        torch.cat([x, again]),
        say("page.ldm.reconstructed", lang),
        ncols=8,
        width=320,
        where=left,
    )
    show_images(
        channels_as_images(z),
        say(
            "page.ldm.their_latents", lang, c=latent_shape[0], h=latent_shape[1], w=latent_shape[2]
        ),
        ncols=latent_shape[0],
        width=200,
        where=right,
    )
    pixels = image_shape[-1] * image_shape[-2]
    numbers = latent_shape[0] * latent_shape[1] * latent_shape[2]
    st.caption(
        say(
            "page.ldm.compression",
            lang,
            height=image_shape[-2],
            width=image_shape[-1],
            c=latent_shape[0],
            h=latent_shape[1],
            w=latent_shape[2],
            ratio=(image_shape[-1] // latent_shape[-1]) ** 2,
            pixels=pixels,
            numbers=numbers,
            rmse=f"{(again - x).pow(2).mean().sqrt():.3f}",
        )
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ldm.sampling", lang))
    st.markdown(say("page.ldm.sampling_text", lang))
    labels = None if digit == "all" else torch.full((n,), int(digit))
    options = SampleOptions(
        num_samples=n, steps=steps, eta=0.0, seed=seed, labels=labels, guidance_scale=guidance
    )
    with st.spinner(say("run.spinner", lang, n=n, steps=steps)):
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
        say("page.ldm.first_latents", lang),
        ncols=latent_shape[0],
        width=200,
        where=left,
    )
    show_images(
        run.samples,
        say("page.ldm.decoded_all", lang, n=n)
        if labels is None
        else say("page.ldm.decoded_class", lang, n=n, digit=digit),
        where=right,
    )
    show_run(
        run.nfe,
        run.seconds,
        run.report,
        note=None if labels is None else say("page.ldm.one_class", lang),
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ldm.guidance_effect", lang))
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
        notes.append(say("page.ldm.confidence", lang, w=f"{w:g}", confidence=f"{confidence:.2f}"))
    show_images(
        torch.cat(rows),
        say("page.ldm.rows", lang, digit=shown_digit, notes=" · ".join(notes)),
        ncols=8,
        width=400,
    )
    st.caption(say("page.ldm.confidence_text", lang))

show_links(route)
