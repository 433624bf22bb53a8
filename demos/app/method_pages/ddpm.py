"""DDPM (Ho, Jain & Abbeel 2020): the forward process, training, the reverse process.

Query parameters: ``dataset``, ``t`` (forward-process step), ``digit``, ``n`` (samples of the
reverse process), ``seed``, ``train_steps``.
"""

import streamlit as st
import torch

from demos.app.i18n import page_language, say
from demos.app.inputs import (
    ANY_DATASET,
    IMAGE_SETS,
    SEED,
    Bounded,
    app_train_config,
    samples_bound,
    train_steps_bound,
)
from demos.app.routes import find_route
from demos.app.runs import real_samples, sample_run, training_data
from demos.app.state import PageControls, page_errors, retrain_button, trained_model
from demos.app.views import (
    dataset_labels,
    gif_bytes,
    grid_picture,
    method_available,
    plot_language,
    show_images,
    show_links,
    show_loss_curve,
    show_models,
    show_point_strip,
    show_points,
    show_run,
    show_unavailable,
)

# eq. 4 and Algorithm 2 of the paper (LaTeX braces stay here, out of the message tables)
FORWARD = (
    r"$x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon$, "
    r"$\epsilon \sim \mathcal N(0, I)$"
)
REVERSE = (
    r"$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\big(x_t - \frac{\beta_t}"
    r"{\sqrt{1-\bar\alpha_t}}\epsilon_\theta(x_t, t)\big) + \sigma_t z$"
)

route = find_route("ddpm")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.ddpm.title", lang))
st.caption(say("page.ddpm.caption", lang))
if not method_available(route):
    show_unavailable(route)

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header(say("route.ddpm", lang))
    dataset = controls.select(
        ANY_DATASET,
        say("control.data", lang),
        help=say("control.data_help_any", lang),
        labels=dataset_labels(lang),
    )
    train_steps = controls.number(
        train_steps_bound("ddpm", dataset), say("control.training_steps", lang)
    )
    config = app_train_config("ddpm", dataset, train_steps)
    T = config.diffusion_steps
    t = controls.slider(Bounded("t", 0, T - 1, T // 4), say("page.ddpm.t", lang))
    digit = (
        controls.slider(Bounded("digit", 0, 9, 3), say("page.ddpm.digit", lang))
        if dataset in IMAGE_SETS
        else None
    )
    n = controls.slider(
        samples_bound(dataset, T, 8 if dataset in IMAGE_SETS else 1000),
        say("page.ddpm.samples", lang),
        help=say("page.ddpm.samples_help", lang, T=T),
    )
    seed = controls.number(SEED, say("control.seed", lang))
    retrain = retrain_button(route.url_path)
    controls.show_notices()
    requested = st.query_params.get("steps")
    if requested is not None and requested != str(T):
        st.info(say("page.ddpm.steps_ignored", lang, T=T, requested=requested), icon="ℹ️")

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddpm.forward", lang))
    st.markdown(say("page.ddpm.forward_text", lang, formula=FORWARD))
    from demos.ddpm import q_sample

    schedule = config.noise_schedule()
    alpha_bar = float(schedule.alphas_cumprod[t])
    noise_gen = torch.Generator().manual_seed(seed)
    if dataset in IMAGE_SETS:
        data = training_data(dataset)
        x0 = data.x[data.y == digit][:8]  # (8, 1, H, W)
        noise = torch.randn(x0.shape, generator=noise_gen)
        left, right = st.columns(2)
        show_images(
            q_sample(x0, t, noise, schedule),
            say("page.ddpm.eight_digits", lang, digit=digit, t=t),
            ncols=8,
            width=440,
            where=left,
        )
        times = [round(i * (T - 1) / 9) for i in range(10)]
        strip = torch.cat([q_sample(x0[:1], s, noise[:1], schedule) for s in times])
        show_images(
            strip,
            say("page.ddpm.one_of_them", lang, times=", ".join(map(str, times))),
            ncols=10,
            width=440,
            where=right,
        )
    else:
        x0 = real_samples(dataset, 2000, seed)
        noise = torch.randn(x0.shape, generator=noise_gen)
        left, right = st.columns(2)
        x_t = q_sample(x0, t, noise, schedule)
        show_points(x_t, x0, say("page.ddpm.x_t", plot_language(lang), t=t), where=left)
        with right:
            times = [0, T // 10, T // 4, T // 2, T - 1]
            show_point_strip(
                [q_sample(x0, s, noise, schedule) for s in times], [f"t = {s}" for s in times]
            )
    st.caption(
        say(
            "page.ddpm.alpha_bar",
            lang,
            alpha_bar=f"{alpha_bar:.4f}",
            signal=f"{alpha_bar**0.5:.3f}",
            noise=f"{(1 - alpha_bar) ** 0.5:.3f}",
            schedule=config.schedule,
            T=T,
        )
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddpm.training", lang))
    st.markdown(say("page.ddpm.training_text", lang))
    trained = trained_model(config, retrain=retrain)
    info = trained.info
    show_loss_curve(info.get("loss_curve", []))
    device = say("page.ddpm.device", lang, device=info["device"]) if "device" in info else ""
    st.caption(
        say(
            "page.ddpm.trained",
            lang,
            steps=config.steps,
            batch=config.batch_size,
            seconds=info.get("seconds", "?"),
            device=device,
            loss=f"{info.get('final_loss', float('nan')):.4f}",
            directory=trained.directory,
        )
    )
    show_models(("", trained))

    # -----------------------------------------------------------------------------------------
    st.header(say("page.ddpm.reverse", lang))
    st.markdown(say("page.ddpm.reverse_text", lang, formula=REVERSE))
    from demos.sample import SampleOptions

    with st.spinner(say("page.ddpm.sampling", lang, n=n, T=T)):
        run = sample_run(
            trained,
            "ddpm",
            SampleOptions(num_samples=n, seed=seed),
            frames=10,
            frame_label=lambda k, s: f"t = {s - k}",
        )
    labels = [label for label, _ in run.frames]
    if dataset in IMAGE_SETS:
        strip = torch.cat([x[:1] for _, x in run.frames])
        show_images(
            strip, say("page.ddpm.chain", lang, labels=", ".join(labels)), ncols=10, width=640
        )
        left, right = st.columns(2)
        show_images(run.samples, say("page.ddpm.samples_x0", lang, n=n), where=left)
        right.image(
            gif_bytes([grid_picture(x, width=300) for _, x in run.frames]),
            caption=say("page.ddpm.animation", lang),
        )
    else:
        show_point_strip(
            [x for _, x in run.frames[::2]] + [run.samples],
            labels[::2] + ["x_0"],
            reference=real_samples(dataset, 2000, seed),
        )
    show_run(run.nfe, run.seconds, run.report)

show_links(route)
