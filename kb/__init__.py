"""diffusion-kb: a knowledge base of diffusion-model literature.

The data flows one way: ``catalog/*.yaml`` → :mod:`kb.load` (parse, positions) →
:mod:`kb.models` (validated entries) → :mod:`kb.catalog` (queries) → graph, site, exports.
"""

__version__ = "0.1.0"
