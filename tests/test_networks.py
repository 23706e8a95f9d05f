"""Networks: centralities against networkx, communities, exports and figures."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from secnews.analysis.entities.networks import (
    CENTRALITY_COLUMNS,
    NetworkSettings,
    build_graph,
    centralities_by_group,
    centrality_table,
    communities,
    filter_edges,
    write_gexf,
    write_graphml,
)
from secnews.analysis.plots.entities import plot_ego_network, plot_network, plot_pair_heatmap


def _edges(pairs: list[tuple[str, str, int]], group: str = "all") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": [a for a, _, _ in pairs],
            "target": [b for _, b, _ in pairs],
            "window": "sentence",
            "count": [c for _, _, c in pairs],
            "pmi": 1.0,
            "npmi": [c / 10 for _, _, c in pairs],
            "llr": 2.0,
            "p_value": [0.01 if c > 1 else 0.5 for _, _, c in pairs],
            "p_adj": [0.03 if c > 1 else 0.9 for _, _, c in pairs],
            "jaccard": 0.1,
            "group": group,
        }
    )


# two triangles joined by a bridge c-d
TWO_CLIQUES = _edges(
    [
        ("a", "b", 5),
        ("a", "c", 4),
        ("b", "c", 3),
        ("c", "d", 1),
        ("d", "e", 6),
        ("d", "f", 2),
        ("e", "f", 5),
    ]
)
ENTITIES = pd.DataFrame(
    {
        "entity_id": list("abcdef"),
        "label": ["A", "B", "C", "D", "E", "F"],
        "type": ["country", "person", "organization", "country", "place", "media"],
        "count": [10, 9, 8, 7, 6, 5],
    }
)


def test_centralities_match_networkx() -> None:
    graph = build_graph(TWO_CLIQUES, ENTITIES)
    table = centrality_table(graph).set_index("entity_id")
    assert list(centrality_table(graph).columns) == list(CENTRALITY_COLUMNS)
    assert table.loc["c", "degree"] == 3 and table.loc["c", "strength"] == 8.0
    reference = nx.Graph()
    for s, t, c in TWO_CLIQUES[["source", "target", "count"]].values:
        reference.add_edge(s, t, weight=c, length=1 / c)
    between = nx.betweenness_centrality(reference, weight="length", normalized=True)
    eigen = nx.eigenvector_centrality(reference, weight="weight", max_iter=10_000, tol=1e-12)
    degree = nx.degree_centrality(reference)
    for node in "abcdef":
        assert table.loc[node, "betweenness"] == pytest.approx(between[node])
        assert table.loc[node, "eigenvector"] == pytest.approx(eigen[node], abs=1e-6)
        assert table.loc[node, "degree_centrality"] == pytest.approx(degree[node])
    # the bridge: c and d lie on every path between the triangles: (3 x 3 - 1 ... ) by hand:
    # c is between {a, b} and {d, e, f}: 6 pairs of 10 -> 0.6
    assert table.loc["c", "betweenness"] == pytest.approx(0.6)
    assert table.loc["c", "label"] == "C" and table.loc["c", "type"] == "organization"


@pytest.fixture(scope="module")
def zelenskyy_graph(corpora_dir: Path) -> nx.Graph:
    """The co-occurrence network of 300 of Zelenskyy's releases: hundreds of nodes, many ties."""
    from secnews.analysis.entities.cooccurrence import CooccurrenceSettings, cooccurrence
    from secnews.analysis.entities.extract import extract_entities

    frame = pd.read_csv(
        corpora_dir / "kremlin-ukraine-press-2021-2022" / "president_ua_zelenskyy.csv"
    ).head(300)
    docs = pd.DataFrame(
        {"doc_id": [f"z{i}" for i in range(len(frame))], "text": frame["body"].fillna("")}
    )
    found = extract_entities(docs, progress=False)
    settings = CooccurrenceSettings(window="sentence", n_permutations=0)
    edges = cooccurrence(found.mentions, found.documents, settings=settings).assign(group="all")
    return build_graph(edges)


def test_betweenness_matches_networkx_on_a_real_network(zelenskyy_graph: nx.Graph) -> None:
    graph = zelenskyy_graph
    assert graph.number_of_nodes() > 100
    table = centrality_table(graph).set_index("entity_id")
    reference = nx.Graph()
    for u, v, data in graph.edges(data=True):
        reference.add_edge(u, v, length=1.0 / data["weight"])
    between = nx.betweenness_centrality(reference, weight="length", normalized=True)
    got = table.loc[list(between), "betweenness"].to_numpy()
    assert np.abs(got - np.array(list(between.values()))).max() < 1e-9


def _dense_eigenvector(graph: nx.Graph, nodes: list[str]) -> np.ndarray:
    _, vectors = np.linalg.eigh(nx.to_numpy_array(graph, nodelist=nodes, weight="weight"))
    lead = np.abs(vectors[:, -1])
    return lead / np.linalg.norm(lead)


def test_sparse_eigenvector_equals_dense_on_a_real_network(zelenskyy_graph: nx.Graph) -> None:
    # ARPACK on a graph of hundreds of nodes: the dense eigh's numbers to machine precision
    from secnews.analysis.entities import networks

    graph = zelenskyy_graph
    nodes = sorted(graph.nodes)
    assert len(nodes) > networks._DENSE_EIGEN_NODES
    matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight")
    assert networks._sparse_lead(matrix) is not None  # the sparse path is the one tested
    got = networks._eigenvector(graph, nodes)
    assert np.abs(got - _dense_eigenvector(graph, nodes)).max() < 1e-12
    table = centrality_table(graph).set_index("entity_id")
    assert np.abs(table.loc[nodes, "eigenvector"].to_numpy() - got).max() == 0


def test_tied_leading_eigenvalue_takes_the_dense_solver() -> None:
    # two identical disjoint cliques of 40 nodes: the leading eigenvalue (39) is double, the
    # eigenvector not unique; the sparse solver declines and the dense choice is kept
    from secnews.analysis.entities import networks

    graph = nx.Graph()
    for side in "ab":
        names = [f"{side}{i:02d}" for i in range(40)]
        graph.add_edges_from(
            (u, v, {"weight": 1.0}) for i, u in enumerate(names) for v in names[i + 1 :]
        )
    nodes = sorted(graph.nodes)
    matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight")
    assert networks._sparse_lead(matrix) is None
    assert np.array_equal(networks._eigenvector(graph, nodes), _dense_eigenvector(graph, nodes))


def test_communities_are_the_two_triangles_and_deterministic() -> None:
    graph = build_graph(TWO_CLIQUES, ENTITIES)
    for method in ("louvain", "greedy"):
        found = communities(graph, settings=NetworkSettings(community_method=method))
        assert found == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
    first = centrality_table(build_graph(TWO_CLIQUES, ENTITIES))
    again = centrality_table(build_graph(TWO_CLIQUES, ENTITIES))
    pd.testing.assert_frame_equal(first, again)


def test_filters_and_weights() -> None:
    assert len(filter_edges(TWO_CLIQUES, NetworkSettings(max_p_value=0.05))) == 6


def test_max_p_value_filters_on_adjusted_p() -> None:
    # raw p-values pass 0.02 for six edges, the adjusted ones (0.03) do not
    assert len(filter_edges(TWO_CLIQUES, NetworkSettings(max_p_value=0.02))) == 0
    assert len(filter_edges(TWO_CLIQUES, NetworkSettings(max_p_value=0.03))) == 6
    with pytest.raises(ValueError, match="p_adj"):
        filter_edges(TWO_CLIQUES.drop(columns="p_adj"), NetworkSettings(max_p_value=0.05))
    assert len(filter_edges(TWO_CLIQUES, NetworkSettings(min_count=4))) == 4
    assert len(filter_edges(TWO_CLIQUES, NetworkSettings(min_npmi=0.5))) == 3
    graph = build_graph(TWO_CLIQUES, settings=NetworkSettings(weight="npmi"))
    assert graph["a"]["b"]["weight"] == pytest.approx(0.5)
    assert graph["a"]["b"]["count"] == 5
    with pytest.raises(ValueError, match="community_method"):
        NetworkSettings(community_method="leiden")


def test_centralities_by_group() -> None:
    edges = pd.concat([TWO_CLIQUES.assign(group="X"), _edges([("a", "b", 2)], group="Y")])
    table = centralities_by_group(edges, ENTITIES)
    assert table.groupby("group").size().to_dict() == {"X": 6, "Y": 2}


def test_exports_are_deterministic(tmp_path: Path) -> None:
    graph = build_graph(TWO_CLIQUES, ENTITIES)
    write_gexf(graph, tmp_path / "a.gexf")
    write_gexf(build_graph(TWO_CLIQUES, ENTITIES), tmp_path / "b.gexf")
    text = (tmp_path / "a.gexf").read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text
    assert (tmp_path / "a.gexf").read_bytes() == (tmp_path / "b.gexf").read_bytes()
    back = nx.read_gexf(tmp_path / "a.gexf")
    assert back.number_of_nodes() == 6 and back.number_of_edges() == 7
    write_graphml(graph, tmp_path / "a.graphml")
    again = nx.read_graphml(tmp_path / "a.graphml")
    assert again["a"]["b"]["count"] == 5
    assert again.nodes["a"]["label"] == "A"


def test_figures() -> None:
    fig = plot_network(TWO_CLIQUES, ENTITIES, top_n=4, seed=1)
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert texts == {"A", "B", "D", "E"}  # strengths e 11, a 9, d 9, then b 8 before c 8 (by id)
    ego = plot_ego_network(TWO_CLIQUES, ENTITIES, "d", top_n=2)
    assert {t.get_text() for t in ego.axes[0].texts} == {"D", "E", "F"}
    with pytest.raises(KeyError):
        plot_ego_network(TWO_CLIQUES, ENTITIES, "zz")
    heat = plot_pair_heatmap(TWO_CLIQUES, ENTITIES, top_n=4, measure="npmi")
    image = heat.axes[0].images[0].get_array()
    assert image.shape == (4, 4)
    assert np.ma.is_masked(image[0, 0])
    assert [t.get_text() for t in heat.axes[0].get_xticklabels()] == ["D", "E", "A", "B"]
