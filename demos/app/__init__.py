"""The Streamlit app over the demos: ``streamlit run demos/app/app.py`` (or ``kb demo``).

It sits on top of the method files and only calls them; nothing in ``demos/`` outside this
folder imports it or streamlit.

* :mod:`demos.app.app` — the entry point: one page per method, at the catalog's method id.
* :mod:`demos.app.routes` — which page answers to which URL path (no streamlit, no torch: the
  ``kb`` CLI reads it).
* :mod:`demos.app.inputs` — the controls' bounds and the work budget (plain Python).
* :mod:`demos.app.state` — controls tied to the query string, models trained in the
  background, errors as messages.
* :mod:`demos.app.runs` — the sampling runs a page shows, cached.
* :mod:`demos.app.views` — image grids, plots, run reports; :mod:`demos.app.links` — the
  links back to the site and the papers.
* ``demos/app/method_pages/`` — the pages, one per method, plus the overview. (Not ``pages/``:
  Streamlit treats a ``pages/`` folder beside the entry script as an old-style multipage app
  and shows its own menu on a fresh server's first run.)
"""
