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
    method_available,
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
    st.sidebar.header("Progressive distillation")
    dataset = controls.select(ANY_DATASET, "Data")
    train_steps = controls.number(
        train_steps_bound("distill", dataset), "Training steps per halving"
    )
    steps = int(
        controls.select(
            Choice("steps", STUDENT_STEPS, "4"),
            "Student steps (= NFE)",
            help="Each student halves its teacher's steps.",
        )
    )
    n = controls.slider(samples_bound(dataset, 2 * 32), "Samples")
    seed = controls.number(SEED, "Seed")
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
    show_models((f"{steps}-step student", student), ("teacher", teacher))
    reference = None if dataset in IMAGE_SETS else real_samples(dataset, 2000, seed)

    def teacher_run(k: int):
        return teacher_ddim_run(teacher, n, k, seed)

    def student_run(k: int):
        model = student if k == steps else trained_model(student_config(k))
        return sample_run(model, "distill", SampleOptions(num_samples=n, steps=k, seed=seed))

    # -----------------------------------------------------------------------------------------
    st.header(f"1 · Teacher and student at {steps} step{'s' * (steps > 1)}")
    st.markdown(
        r"The teacher is a DDPM model ($v$-prediction, cosine schedule) sampled by "
        rf"DDIM ($\eta = 0$); its {first_teacher_steps}-step sampler is what the "
        r"students distil. With few steps DDIM blurs; the student was trained for "
        r"exactly those steps."
    )
    show_runs_side_by_side(
        [
            (f"Teacher, {first_teacher_steps} steps", teacher_run(first_teacher_steps)),
            (f"Teacher, {steps} steps", teacher_run(steps)),
            (f"Student, {steps} steps", student_run(steps)),
        ],
        f"{n} samples",
        reference,
    )

    # -----------------------------------------------------------------------------------------
    st.header("2 · Down the ladder")
    ladder = [k for k in LADDER if k >= steps]
    rows, teacher_line, student_line = [], [], []
    baseline, metric = None, ""
    for k in ladder:
        by_teacher, by_student = teacher_run(k), student_run(k)
        head_t, head_s = by_teacher.report.headline, by_student.report.headline
        baseline, metric = head_t.baseline, head_t.name
        teacher_line.append((k, head_t.value))
        student_line.append((k, head_s.value))
        rows.append(
            {
                "steps (NFE)": k,
                f"teacher {metric}": round(head_t.value, 4),
                f"student {metric}": round(head_s.value, 4),
                "student time (s)": round(by_student.seconds, 3),
            }
        )
    left, right = st.columns([3, 2])
    with left:
        show_quality_vs_nfe(
            {"teacher (DDIM)": teacher_line, "student": student_line}, metric, baseline
        )
    right.dataframe(rows, hide_index=True)
    right.caption(
        f"{metric.replace('_', ' ')}: lower is better; data vs data "
        f"{baseline:.4g}. Pick fewer student steps in the sidebar to go further down "
        "(each halving trains once, then is cached)."
    )

show_links(route)
