"""Consistency models (Song et al. 2023): one network call from noise to data, or a few.

Query parameters: ``steps`` (1–8), ``dataset``, ``n``, ``seed``, ``train_steps``.
"""

import streamlit as st

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
from demos.app.runs import real_samples, sample_run, teacher_ddim_run
from demos.app.state import PageControls, page_errors, retrain_button, trained_model
from demos.app.views import (
    method_available,
    show_links,
    show_models,
    show_quality_vs_nfe,
    show_runs_side_by_side,
    show_unavailable,
)

route = find_route("consistency-models")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.consistency-models.title", lang))
st.caption(say("page.consistency-models.caption", lang))
if not method_available(route):
    show_unavailable(route)

CURVE_STEPS = (1, 2, 4, 8)

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header("Consistency models")
    dataset = controls.select(ANY_DATASET, "Data")
    train_steps = controls.number(
        train_steps_bound("consistency", dataset),
        "Training steps",
        help="Of consistency distillation (the teacher trains first).",
    )
    steps = controls.slider(
        Bounded("steps", 1, max(CURVE_STEPS), 2),
        "Multistep: steps (= NFE)",
        help="Algorithm 1: denoise in one call, add noise back at a smaller level, denoise again.",
    )
    n = controls.slider(samples_bound(dataset, 2 * max(CURVE_STEPS)), "Samples")
    seed = controls.number(SEED, "Seed")
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.sample import SampleOptions
    from demos.teacher import ddpm_teacher_of

    model = trained_model(app_train_config("consistency", dataset, train_steps), retrain=retrain)
    teacher = trained_model(ddpm_teacher_of(model.config))  # trained first, so cached
    show_models(("consistency model", model), ("teacher", teacher))
    reference = None if dataset in IMAGE_SETS else real_samples(dataset, 2000, seed)

    def consistency_run(k: int):
        return sample_run(model, "consistency", SampleOptions(num_samples=n, steps=k, seed=seed))

    def teacher_run(k: int):
        return teacher_ddim_run(teacher, n, k, seed)

    # -----------------------------------------------------------------------------------------
    st.header("1 · One step, or a few")
    st.markdown(
        r"One step: $x = f_\theta(T z, T)$. Multistep (Algorithm 1): "
        r"$x \leftarrow f_\theta\big(x + \sqrt{\tau^2 - \epsilon^2}\,z',\ \tau\big)$ for "
        r"decreasing $\tau$, trading NFE for quality. The teacher it was distilled from "
        r"(a DDPM model sampled by DDIM) needs many more steps."
    )
    show_runs_side_by_side(
        [
            ("Consistency model, 1 step", consistency_run(1)),
            (f"Consistency model, {steps} steps", consistency_run(steps)),
            (f"Teacher DDIM, {steps} steps", teacher_run(steps)),
        ],
        f"{n} samples",
        reference,
    )

    # -----------------------------------------------------------------------------------------
    st.header("2 · Quality against NFE")
    lines: dict[str, list[tuple[int, float]]] = {"consistency model": [], "teacher (DDIM)": []}
    rows, baseline, metric = [], None, ""
    for k in CURVE_STEPS:
        by_model, by_teacher = consistency_run(k), teacher_run(k)
        head_m, head_t = by_model.report.headline, by_teacher.report.headline
        baseline, metric = head_m.baseline, head_m.name
        lines["consistency model"].append((by_model.nfe, head_m.value))
        lines["teacher (DDIM)"].append((by_teacher.nfe, head_t.value))
        rows.append(
            {
                "NFE": k,
                f"consistency {metric}": round(head_m.value, 4),
                f"teacher {metric}": round(head_t.value, 4),
                "consistency time (s)": round(by_model.seconds, 3),
            }
        )
    left, right = st.columns([3, 2])
    with left:
        show_quality_vs_nfe(lines, metric, baseline)
    right.dataframe(rows, hide_index=True)
    right.caption(f"{metric.replace('_', ' ')}: lower is better; data vs data {baseline:.4g}.")

show_links(route)
