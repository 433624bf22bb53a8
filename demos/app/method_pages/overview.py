"""The app's first page: what each demo shows, and whether it is ready."""

import streamlit as st

from demos.app.i18n import page_language, say, site_path
from demos.app.inputs import tiny_mode
from demos.app.links import site_base_url
from demos.app.routes import ROUTES
from demos.app.views import method_available

lang = page_language(st.query_params, st.session_state)
st.title(say("overview.title", lang))
st.markdown(say("overview.intro", lang, site_url=site_base_url() + site_path(lang)))
if tiny_mode():
    st.caption(say("overview.tiny", lang))

for route in ROUTES:
    with st.container(border=True):
        left, right = st.columns([1, 3])
        with left:
            st.page_link(route.script, label=say(f"route.{route.url_path}", lang))
        with right:
            if method_available(route):
                # demos/registry.py's summary, in the page's language
                st.markdown(say(f"method.{route.method}.summary", lang))
            else:
                st.markdown(f":gray[{say('overview.unavailable', lang)}]")
