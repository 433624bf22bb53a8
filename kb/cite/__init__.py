"""Formatted citations of catalog entries: ``kb cite ID... --style apa``.

Entries become CSL-JSON items (:mod:`kb.export.csl`, the same mapping ``kb export csl-json``
uses) and citeproc-py renders them with the CSL styles vendored in ``kb/cite/styles`` (see its
README and LICENSE). :mod:`kb.cite.render` does the work.
"""
