"""The app's first page: what each demo shows, and whether it is ready."""

import streamlit as st

from demos.app.inputs import tiny_mode
from demos.app.links import site_base_url
from demos.app.routes import ROUTES
from demos.app.views import method_available

st.title("Diffusion models, runnable")
st.markdown(
    "Minimal PyTorch implementations of the methods in the "
    f"[diffusion knowledge base]({site_base_url()}), trained on small data (scikit-learn's "
    "8×8 digits, 2-D point sets) so each one trains in minutes on a laptop CPU and samples in "
    "seconds. A model trains the first time a page needs it — with a progress bar — and is "
    "cached, so later visits are instant. Every page reports, for what it just ran, the "
    "number of network evaluations (NFE), the wall time and a quality metric beside the same "
    "metric between two real samples."
)
if tiny_mode():
    st.caption("KB_DEMO_TINY is set: tiny models and short training, for tests.")

from demos.registry import METHODS  # noqa: E402  (after the text: torch takes a moment)

for route in ROUTES:
    with st.container(border=True):
        left, right = st.columns([1, 3])
        with left:
            st.page_link(route.script, label=route.title)
        with right:
            if method_available(route):
                st.markdown(METHODS[route.method].summary)
            else:
                st.markdown(":gray[Not available yet — the implementation is being written.]")
