"""The diffusion demos in the browser: ``streamlit run demos/app/app.py`` (or ``kb demo``).

One page per method, at the URL path of the method's id in the catalog (``/ddim``,
``/progressive-distillation`` …, see :mod:`demos.app.routes`), plus an overview at ``/``.
Query parameters set a page's controls, so a link such as ``/ddim?steps=20&eta=0`` opens a
ready-made experiment; the site's "Run the demo" buttons are such links. ``?lang=zh-TW`` shows
the app's own text in Traditional Chinese (:mod:`demos.app.i18n`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `streamlit run demos/app/app.py` puts only demos/app/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from demos.app.i18n import page_language, say, unknown_language  # noqa: E402
from demos.app.routes import APP_DIR, OVERVIEW_SCRIPT, ROUTES  # noqa: E402

lang = page_language(st.query_params, st.session_state)
# no Material icons anywhere: as a page's favicon they load from a CDN; the app stays offline
st.set_page_config(page_title=say("app.title", lang), page_icon="🌫️", layout="wide")
if unknown_language(st.query_params):
    st.sidebar.caption(say("app.unknown_language", lang, lang=unknown_language(st.query_params)))
# pages show their errors as messages (demos.app.state.page_errors); should one slip through,
# the visitor sees that something failed, not a traceback
st.set_option("client.showErrorDetails", "none")

overview = st.Page(
    APP_DIR / OVERVIEW_SCRIPT,
    title=say("app.overview", lang),
    url_path="overview",
    default=True,
)
method_pages = []
for route in ROUTES:
    title = say(f"route.{route.url_path}", lang)
    method_pages.append(st.Page(APP_DIR / route.script, title=title, url_path=route.url_path))
    # the short names (/distill) open the same page without a second menu entry
    method_pages += [
        st.Page(APP_DIR / route.script, title=title, url_path=alias, visibility="hidden")
        for alias in route.aliases
    ]

st.navigation({say("app.nav_demos", lang): [overview],
               say("app.nav_methods", lang): method_pages}).run()
