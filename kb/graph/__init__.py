"""The citation / lineage graph of the catalog and the questions ``kb graph`` asks it.

>>> from kb.catalog import Catalog
>>> from kb.graph import CitationGraph
>>> graph = CitationGraph.for_catalog(Catalog.load("catalog"))   # built once, then cached
>>> [r.id for r in graph.ancestors("rombach-2021-high", max_depth=2)]
>>> graph.path("sohl-dickstein-2015-deep", "rombach-2021-high")
>>> graph.related("ho-2020-denoising")[:5]
>>> graph.rank(recent_years=3)[:10]
"""

from kb.graph.citation_graph import (
    CITATION_EDGES,
    EDGE_TYPES,
    LINK_EDGES,
    RANK_EDGES,
    VERIFIABLE_EDGES,
    CitationGraph,
    entry_edges,
    topic_node,
)
from kb.graph.rank import Ranked
from kb.graph.related import Related, RelatedWeights
from kb.graph.stats import Coverage, Stats
from kb.graph.timeline import Timeline
from kb.graph.walk import Chain, Reached, Step

__all__ = [
    "CITATION_EDGES", "EDGE_TYPES", "LINK_EDGES", "RANK_EDGES", "Chain", "CitationGraph",
    "Coverage", "Ranked", "Reached", "Related", "RelatedWeights", "Stats", "Step", "Timeline",
    "VERIFIABLE_EDGES",
    "entry_edges", "topic_node",
]
