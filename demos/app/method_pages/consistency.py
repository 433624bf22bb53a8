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

route = find_route("consistency-models")
lang = page_language(st.query_params, st.session_state)
st.title(say("page.consistency-models.title", lang))
st.caption(say("page.consistency-models.caption", lang))
if not method_available(route):
    show_unavailable(route)

CURVE_STEPS = (1, 2, 4, 8)
# Algorithm 1's update (LaTeX braces stay here, out of the message tables)
MULTISTEP = r"$x \leftarrow f_\theta\big(x + \sqrt{\tau^2 - \epsilon^2}\,z',\ \tau\big)$"

with page_errors():
    controls = PageControls(route.url_path)
    st.sidebar.header(say("route.consistency-models", lang))
    dataset = controls.select(ANY_DATASET, say("control.data", lang), labels=dataset_labels(lang))
    train_steps = controls.number(
        train_steps_bound("consistency", dataset),
        say("control.training_steps", lang),
        help=say("page.consistency-models.train_help", lang),
    )
    steps = controls.slider(
        Bounded("steps", 1, max(CURVE_STEPS), 2),
        say("page.consistency-models.steps", lang),
        help=say("page.consistency-models.steps_help", lang),
    )
    n = controls.slider(samples_bound(dataset, 2 * max(CURVE_STEPS)), say("control.samples", lang))
    seed = controls.number(SEED, say("control.seed", lang))
    retrain = retrain_button(route.url_path)
    controls.show_notices()

    from demos.sample import SampleOptions
    from demos.teacher import ddpm_teacher_of

    model = trained_model(app_train_config("consistency", dataset, train_steps), retrain=retrain)
    teacher = trained_model(ddpm_teacher_of(model.config))  # trained first, so cached
    show_models(
        (say("page.consistency-models.model", lang), model), (say("model.teacher", lang), teacher)
    )
    reference = None if dataset in IMAGE_SETS else real_samples(dataset, 2000, seed)

    def consistency_run(k: int):
        return sample_run(model, "consistency", SampleOptions(num_samples=n, steps=k, seed=seed))

    def teacher_run(k: int):
        return teacher_ddim_run(teacher, n, k, seed)

    # -----------------------------------------------------------------------------------------
    st.header(say("page.consistency-models.steps_section", lang))
    st.markdown(say("page.consistency-models.steps_text", lang, update=MULTISTEP))
    show_runs_side_by_side(
        [
            (say("page.consistency-models.one_step", lang), consistency_run(1)),
            (say("page.consistency-models.many_steps", lang, steps=steps), consistency_run(steps)),
            (say("page.consistency-models.teacher", lang, steps=steps), teacher_run(steps)),
        ],
        say("run.samples", lang, n=n),
        reference,
    )

    # -----------------------------------------------------------------------------------------
    st.header(say("page.consistency-models.quality", lang))
    in_plots = plot_language(lang)
    model_line, teacher_line = (
        say("page.consistency-models.line_model", in_plots),
        say("page.consistency-models.line_teacher", in_plots),
    )
    lines: dict[str, list[tuple[int, float]]] = {model_line: [], teacher_line: []}
    rows, baseline, metric = [], None, ""
    for k in CURVE_STEPS:
        by_model, by_teacher = consistency_run(k), teacher_run(k)
        head_m, head_t = by_model.report.headline, by_teacher.report.headline
        baseline, metric = head_m.baseline, head_m.name
        lines[model_line].append((by_model.nfe, head_m.value))
        lines[teacher_line].append((by_teacher.nfe, head_t.value))
        name = metric_label(metric, lang)
        rows.append(
            {
                say("page.consistency-models.col_nfe", lang): k,
                say("page.consistency-models.col_model", lang, metric=name): round(head_m.value, 4),
                say("page.consistency-models.col_teacher", lang, metric=name): round(
                    head_t.value, 4
                ),
                say("page.consistency-models.col_time", lang): round(by_model.seconds, 3),
            }
        )
    left, right = st.columns([3, 2])
    with left:
        show_quality_vs_nfe(lines, metric, baseline)
    right.dataframe(rows, hide_index=True)
    right.caption(
        say("run.lower_better", lang, metric=metric_label(metric, lang), baseline=f"{baseline:.4g}")
    )

show_links(route)
