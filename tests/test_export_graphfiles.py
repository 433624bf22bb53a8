"""GraphML, GEXF and JSON exports read back with the same nodes, edges and attributes."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from kb.export.graphfiles import LIST_SEPARATOR, to_gexf, to_graphml
from kb.export.json_export import to_json


def expected_nodes(citation_graph) -> dict[str, dict]:
    """What a viewer should see for each node: lists as "a; b", no missing year."""
    nodes = {}
    for node, data in citation_graph.graph.nodes(data=True):
        flat = {"label": data["title"], "kind": data["kind"], "title": data["title"],
                "topics": LIST_SEPARATOR.join(data["topics"]),
                "tags": LIST_SEPARATOR.join(data["tags"])}
        if data["year"] is not None:
            flat["year"] = data["year"]
        nodes[node] = flat
    return nodes


@pytest.mark.parametrize("write, read, suffix", [
    (to_graphml, nx.read_graphml, ".graphml"),
    (to_gexf, nx.read_gexf, ".gexf"),
])
def test_reads_back_the_same_graph(citation_graph, tmp_path, write, read, suffix) -> None:
    path = tmp_path / f"catalog{suffix}"
    path.write_text(write(citation_graph), encoding="utf-8")
    back = read(path)
    assert back.is_directed() and back.is_multigraph()
    assert set(back.nodes) == set(citation_graph.graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(citation_graph.graph.edges(keys=True))
    for _source, _target, key, data in back.edges(keys=True, data=True):
        assert data["relation"] == key
    expected = expected_nodes(citation_graph)
    for node, data in back.nodes(data=True):
        assert data == expected[node], node


def test_list_attributes_are_strings(citation_graph) -> None:
    text = to_graphml(citation_graph)
    assert 'attr.name="topics" attr.type="string"' in text
    assert "foundations; sampling" in text


def test_json_has_entries_topics_and_edges(citation_graph) -> None:
    document = json.loads(to_json(citation_graph))
    assert [e["id"] for e in document["entries"]] == sorted(citation_graph.entries)
    assert {t["id"] for t in document["topics"]} == {"foundations", "sampling", "guidance"}
    edges = {(e["source"], e["target"], e["type"]) for e in document["edges"]}
    assert ("dog-2021-delta", "cat-2020-gamma", "builds_on") in edges
    assert ("owl-2023-survey", "mone", "reviews") in edges
    assert ("cat-2020-gamma", "topic:sampling", "in_topic") in edges
    assert len(edges) == 13 + 2 + 1 + 4 + 12
    cat = next(e for e in document["entries"] if e["id"] == "cat-2020-gamma")
    assert cat["date"] == "2020-06-19" and cat["cites"] == ["ant-2015-alpha", "bee-2019-beta"]
    assert to_json(citation_graph) == to_json(citation_graph)  # same bytes every time
