"""Progressive distillation (Salimans & Ho 2022): students at 16, 8, 4, 2, 1 steps.

Query parameters: ``steps`` (the student's: 1, 2, 4, 8 or 16), ``dataset``, ``n``, ``seed``,
``train_steps`` (optimiser steps per halving).
"""

import streamlit as st

from demos.app.i18n import page_language, say
from demos.app.inputs import (
    ANY_DATASET,
    IMAGE_SETS,
    SEED,
    Choice,
    app_train_config,
    samples_bound,
    train_steps_bound,
)
from demos.app.routes import find_route
from demos.app.runs import real_samples, sample_run, teacher_ddim_run
from demos.app.state import PageControls, page_errors, retrain_button, trained_model
from demos.app.views import (
    dataset_labels,
    method_available,
    metric_label,
    plot_language,
    show_links,
    show_models,
    show_quality_vs_nfe,
    show_runs_side_by_side,
    show_unavailable,
)
from demos.distill import TEACHER_SAMPLING_STEPS

route = find_route("progressive-distillation")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.progressive-distillation.title", lang))
st.caption(say("page.progressive-distillation.caption", lang))
if not method_available(route):
    show_unavailable(route)

# The students of an N-step teacher take N/2, N/4, …, 1 steps.
LADDER = [TEACHER_SAMPLING_STEPS // 2**i for i in range(1, TEACHER_SAMPLING_STEPS.bit_length())]
STUDENT_STEPS = tuple(str(k) for k in sorted(LADDER))

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header(say("route.progressive-distillation", lang))
    dataset = controls.select(ANY_DATASET, say("control.data", lang), labels=dataset_labels(lang))
    train_steps = controls.number(
        train_steps_bound("distill", dataset),
        say("page.progressive-distillation.train_steps", lang),
    )
    steps = int(
        controls.select(
            Choice("steps", STUDENT_STEPS, "4"),
            say("page.progressive-distillation.steps", lang),
            help=say("page.progressive-distillation.steps_help", lang),
        )
    )
    n = controls.slider(samples_bound(dataset, 2 * 32), say("control.samples", lang))
    seed = controls.number(SEED, say("control.seed", lang))
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.distill import teacher_of
    from demos.sample import SampleOptions

    def student_config(k: int):
        return app_train_config("distill", dataset, train_steps, student_steps=k)

    # training the S-step student trains the teacher and every student before it
    student = trained_model(student_config(steps), retrain=retrain)
    first_teacher_steps = student.config.options["teacher_sampling_steps"]
    teacher_config = student.config
    while teacher_config.method != "ddpm":
        teacher_config = teacher_of(teacher_config)
    teacher = trained_model(teacher_config)
    show_models(
        (say("page.progressive-distillation.student_model", lang, steps=steps), student),
        (say("model.teacher", lang), teacher),
    )
    reference = None if dataset in IMAGE_SETS else real_samples(dataset, 2000, seed)

    def teacher_run(k: int):
        return teacher_ddim_run(teacher, n, k, seed)

    def student_run(k: int):
        model = student if k == steps else trained_model(student_config(k))
        return sample_run(model, "distill", SampleOptions(num_samples=n, steps=k, seed=seed))

    # -----------------------------------------------------------------------------------------
    st.header(
        say("page.progressive-distillation.compare_one", lang)
        if steps == 1
        else say("page.progressive-distillation.compare_many", lang, steps=steps)
    )
    st.markdown(
        say("page.progressive-distillation.compare_text", lang, teacher_steps=first_teacher_steps)
    )
    show_runs_side_by_side(
        [
            (
                say("page.progressive-distillation.teacher", lang, steps=first_teacher_steps),
                teacher_run(first_teacher_steps),
            ),
            (say("page.progressive-distillation.teacher", lang, steps=steps), teacher_run(steps)),
            (say("page.progressive-distillation.student", lang, steps=steps), student_run(steps)),
        ],
        say("run.samples", lang, n=n),
        reference,
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.progressive-distillation.ladder", lang))
    ladder = [k for k in LADDER if k >= steps]
    rows, teacher_line, student_line = [], [], []
    baseline, metric = None, ""
    for k in ladder:
        by_teacher, by_student = teacher_run(k), student_run(k)
        head_t, head_s = by_teacher.report.headline, by_student.report.headline
        baseline, metric = head_t.baseline, head_t.name
        teacher_line.append((k, head_t.value))
        student_line.append((k, head_s.value))
        name = metric_label(metric, lang)
        rows.append(
            {
                say("page.progressive-distillation.col_steps", lang): k,
                say("page.progressive-distillation.col_teacher", lang, metric=name): round(
                    head_t.value, 4
                ),
                say("page.progressive-distillation.col_student", lang, metric=name): round(
                    head_s.value, 4
                ),
                say("page.progressive-distillation.col_time", lang): round(by_student.seconds, 3),
            }
        )
    left, right = st.columns([3, 2])
    with left:
        in_plots = plot_language(lang)
        show_quality_vs_nfe(
            {
                say("page.progressive-distillation.line_teacher", in_plots): teacher_line,
                say("page.progressive-distillation.line_student", in_plots): student_line,
            },
            metric,
            baseline,
        )
    right.dataframe(rows, hide_index=True)
    right.caption(
        say(
            "page.progressive-distillation.ladder_caption",
            lang,
            metric=metric_label(metric, lang),
            baseline=f"{baseline:.4g}",
        )
    )

show_links(route)
