"""The whole catalog as one JSON document: entries, topics and every typed edge.

    {"entries": [{...}, ...],              # as in the YAML files, empty fields left out
     "topics": [{...}, ...],
     "edges": [{"source": "ldm", "target": "ddpm", "type": "builds_on"}, ...]}

Edge types and directions are those of :mod:`kb.graph.citation_graph`; ``in_topic`` edges
point at ``topic:<id>``. Everything is sorted, so the same catalog gives the same bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.graph import CitationGraph


def catalog_document(graph: CitationGraph) -> dict[str, list[dict]]:
    entries = [graph.entries[entry_id].as_dict() for entry_id in sorted(graph.entries)]
    topics = [graph.topics[topic_id].model_dump(mode="json", exclude_none=True)
              for topic_id in sorted(graph.topics)]
    edges = [{"source": s, "target": t, "type": kind}
             for s, t, kind in sorted(graph.graph.edges(keys=True))]
    return {"entries": entries, "topics": topics, "edges": edges}


def to_json(graph: CitationGraph) -> str:
    return json.dumps(catalog_document(graph), ensure_ascii=False, indent=2) + "\n"
