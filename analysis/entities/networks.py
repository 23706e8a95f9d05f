"""Co-occurrence networks with networkx: centralities, communities, exports.

A network has one node per entity of an edge table and one undirected edge per pair, with the
edge attributes of :mod:`secnews.analysis.entities.cooccurrence` (``count``, ``pmi``, ``npmi``, ``llr``,
``p_value``, ``p_adj``, ``jaccard``) and ``weight`` = the column chosen in :class:`NetworkSettings`.

Centralities (:func:`centrality_table`):

- ``degree``: number of neighbours; ``strength``: sum of edge weights;
  ``degree_centrality``: degree / (n - 1) (networkx);
- ``betweenness``: normalized shortest-path betweenness where an edge's *length* is
  ``1 / weight`` (strong ties are short); unweighted when ``weight`` is not positive;
- ``eigenvector``: leading eigenvector of the weighted adjacency matrix (symmetric, computed
  with ``numpy.linalg.eigh``, or with ARPACK on large graphs when the leading eigenvalue is
  separated, to machine precision; deterministic), absolute values scaled to unit Euclidean norm as
  networkx does; on a disconnected graph it concentrates on the component with the largest
  eigenvalue (other components get ~0);
- ``community``: Louvain (``networkx.community.louvain_communities`` with ``seed``) or greedy
  modularity; communities are numbered 0, 1, ... by decreasing size, ties by their smallest
  entity id.

Exports are deterministic (nodes and edges sorted; the GEXF ``lastmodifieddate`` is removed) and
atomic.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CENTRALITY_COLUMNS",
    "NetworkSettings",
    "build_graph",
    "centralities_by_group",
    "centrality_table",
    "communities",
    "filter_edges",
    "write_gexf",
    "write_graphml",
]

#: Columns of :func:`centrality_table`.
CENTRALITY_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "label",
    "type",
    "degree",
    "strength",
    "degree_centrality",
    "betweenness",
    "eigenvector",
    "community",
)


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How edges become a network (written into the manifest).

    Parameters
    ----------
    weight
        Edge column used as weight (``count``, ``npmi``, ``pmi``, ``llr``, ``jaccard``).
    max_p_value
        Keep only edges whose Benjamini-Hochberg adjusted p-value ``p_adj`` is ``<=
        max_p_value`` (``None``: keep all). The raw ``p_value`` is not used: with many pairs
        tested, filtering on it would let through many chance edges.
    min_count
        Keep only edges with ``count >= min_count``.
    min_npmi
        Keep only edges with ``npmi >= min_npmi`` (``None``: keep all).
    community_method
        ``"louvain"`` or ``"greedy"`` (greedy modularity).
    resolution
        Modularity resolution of either method.
    random_state
        Seed of Louvain.
    """

    weight: str = "count"
    max_p_value: float | None = None
    min_count: int = 1
    min_npmi: float | None = None
    community_method: str = "louvain"
    resolution: float = 1.0
    random_state: int = 0

    def __post_init__(self) -> None:
        if self.community_method not in ("louvain", "greedy"):
            raise ValueError(
                f"community_method must be louvain or greedy, got {self.community_method!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return dataclasses.asdict(self)


def filter_edges(edges: pd.DataFrame, settings: NetworkSettings | None = None) -> pd.DataFrame:
    """Return the edges that pass the network filters of ``settings``.

    ``max_p_value`` is compared with the adjusted ``p_adj`` column (see
    :class:`NetworkSettings`); an edge table without it raises ``ValueError``.
    """
    settings = settings or NetworkSettings()
    keep = edges["count"] >= settings.min_count
    if settings.max_p_value is not None:
        if "p_adj" not in edges.columns:
            raise ValueError("max_p_value filters on p_adj, but the edge table has no p_adj column")
        keep &= edges["p_adj"] <= settings.max_p_value
    if settings.min_npmi is not None:
        keep &= edges["npmi"] >= settings.min_npmi
    return edges[keep]


def build_graph(
    edges: pd.DataFrame,
    entities: pd.DataFrame | None = None,
    *,
    settings: NetworkSettings | None = None,
) -> Any:
    """Build an undirected networkx graph from an edge table.

    Parameters
    ----------
    edges
        Edge table (``source, target, count, ...``); filtered with :func:`filter_edges`.
    entities
        Optional entity table (``entity_id, label, type, count``) for node attributes.
    settings
        Weight column and filters.

    Returns
    -------
    networkx.Graph
        Nodes (sorted) with ``label``, ``type``, ``count``; edges with the numeric edge columns and
        ``weight``.
    """
    import networkx as nx

    settings = settings or NetworkSettings()
    edges = filter_edges(edges, settings).sort_values(["source", "target"])
    graph = nx.Graph()
    info: Mapping[str, Mapping[str, Any]] = {}
    if entities is not None and len(entities):
        records = entities.set_index("entity_id")[["label", "type", "count"]].to_dict("index")
        info = {str(k): {str(a): b for a, b in v.items()} for k, v in records.items()}
    for node in sorted(set(edges["source"]) | set(edges["target"])):
        meta = info.get(node, {})
        graph.add_node(
            node,
            label=str(meta.get("label", node)),
            type=str(meta.get("type", "")),
            count=int(meta.get("count", 0) or 0),
        )
    numeric = [
        c for c in ("count", "pmi", "npmi", "llr", "p_value", "p_adj", "jaccard") if c in edges
    ]
    for row in edges.itertuples(index=False):
        data = {c: _plain(getattr(row, c)) for c in numeric}
        data["weight"] = _plain(getattr(row, settings.weight))
        graph.add_edge(row.source, row.target, **data)
    return graph


def _plain(value: Any) -> float | int:
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return value if np.isfinite(value) else 0.0


def communities(graph: Any, *, settings: NetworkSettings | None = None) -> dict[str, int]:
    """Return ``{entity_id: community}`` (see the module docstring for the numbering)."""
    import networkx as nx

    settings = settings or NetworkSettings()
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_edges() == 0:
        groups = [{n} for n in graph.nodes]
    elif settings.community_method == "louvain":
        groups = nx.community.louvain_communities(
            graph, weight="weight", resolution=settings.resolution, seed=settings.random_state
        )
    else:
        groups = nx.community.greedy_modularity_communities(
            graph, weight="weight", resolution=settings.resolution
        )
    ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    return {node: i for i, group in enumerate(ordered) for node in group}


#: Graphs with fewer nodes take the dense eigen-decomposition (ARPACK needs ``k < n``).
_DENSE_EIGEN_NODES = 64
#: Relative gap under which the two leading eigenvalues count as tied (the dense solver decides).
_EIGEN_GAP = 1e-8


def _eigenvector(graph: Any, nodes: list[str]) -> np.ndarray:
    """Leading eigenvector of the weighted adjacency matrix, absolute values, unit norm.

    Large graphs use ARPACK (:func:`scipy.sparse.linalg.eigsh`, the two largest eigenvalues to
    machine precision from a fixed start vector); the dense ``numpy.linalg.eigh`` is kept for
    small graphs and whenever the two leading eigenvalues are (nearly) tied, where the
    eigenvector is not unique and the dense solver's choice is the documented one.
    """
    import networkx as nx

    if not nodes:
        return np.zeros(0)
    if len(nodes) >= _DENSE_EIGEN_NODES:
        lead = _sparse_lead(nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight"))
        if lead is not None:
            return lead / np.linalg.norm(lead)
    matrix = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")
    if not matrix.any():
        return np.zeros(len(nodes))
    _, vectors = np.linalg.eigh(matrix)
    lead = np.abs(vectors[:, -1])
    return lead / np.linalg.norm(lead)


def _sparse_lead(matrix: Any) -> np.ndarray | None:
    """``|v|`` of the largest eigenvalue of a symmetric sparse matrix, or ``None`` when the
    matrix is zero or its two largest eigenvalues are too close to tell apart."""
    from scipy.sparse.linalg import eigsh

    matrix = matrix.astype(np.float64)
    if matrix.nnz == 0 or not np.any(matrix.data):
        return None
    values, vectors = eigsh(matrix, k=2, which="LA", tol=0, v0=np.ones(matrix.shape[0]))
    order = np.argsort(values)
    top, second = values[order[1]], values[order[0]]
    if top - second <= _EIGEN_GAP * max(abs(top), abs(second)):
        return None
    return np.abs(vectors[:, order[1]])


def _betweenness(graph: Any, nodes: list[str], *, weight: str | None) -> dict[str, float]:
    """Normalised betweenness as :func:`networkx.betweenness_centrality` defines it, computed by
    igraph's implementation of Brandes' algorithm in C (networkx's takes minutes on a corpus
    network of a few thousand nodes).

    igraph counts each unordered pair of an undirected graph once; networkx counts it twice and
    divides by ``(n - 1)(n - 2)``, so the igraph value is scaled by ``2 / ((n - 1)(n - 2))``.
    """
    import igraph

    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(graph.edges(data=True))
    g = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v, _ in edges], directed=False)
    weights = [float(data[weight]) for _, _, data in edges] if weight else None
    raw = g.betweenness(directed=False, weights=weights)
    scale = 2.0 / ((n - 1) * (n - 2))
    return {node: float(value) * scale for node, value in zip(nodes, raw, strict=True)}


def centrality_table(graph: Any, *, settings: NetworkSettings | None = None) -> pd.DataFrame:
    """Degree, strength, betweenness, eigenvector centrality and community of every node.

    Parameters
    ----------
    graph
        A graph from :func:`build_graph`.
    settings
        Community method and seed.

    Returns
    -------
    pandas.DataFrame
        :data:`CENTRALITY_COLUMNS`, sorted by ``strength`` (descending) then ``entity_id``.
    """
    import networkx as nx

    nodes = sorted(graph.nodes)
    if not nodes:
        return pd.DataFrame(columns=list(CENTRALITY_COLUMNS))
    weights = [d.get("weight", 0.0) for _, _, d in graph.edges(data=True)]
    positive = bool(weights) and min(weights) > 0
    if positive:
        for _, _, data in graph.edges(data=True):
            data["length"] = 1.0 / data["weight"]
    dc = nx.degree_centrality(graph) if len(nodes) > 1 else {}
    between = _betweenness(graph, nodes, weight="length" if positive else None)
    table = pd.DataFrame(
        {
            "entity_id": nodes,
            "label": [graph.nodes[n].get("label", n) for n in nodes],
            "type": [graph.nodes[n].get("type", "") for n in nodes],
            "degree": [graph.degree(n) for n in nodes],
            "strength": [float(graph.degree(n, weight="weight")) for n in nodes],
            "degree_centrality": [dc.get(n, 0.0) for n in nodes],
            "betweenness": [between[n] for n in nodes],
            "eigenvector": _eigenvector(graph, nodes),
        }
    )
    groups = communities(graph, settings=settings)
    table["community"] = [groups.get(n, -1) for n in nodes]
    for _, _, data in graph.edges(data=True):
        data.pop("length", None)
    table = table.sort_values(["strength", "entity_id"], ascending=[False, True], kind="stable")
    return table[list(CENTRALITY_COLUMNS)].reset_index(drop=True)


def centralities_by_group(
    edges: pd.DataFrame,
    entities: pd.DataFrame | None = None,
    *,
    settings: NetworkSettings | None = None,
) -> pd.DataFrame:
    """Build one network per value of the edge table's ``group`` column (outlet or period).

    Returns
    -------
    pandas.DataFrame
        :data:`CENTRALITY_COLUMNS` plus ``group``, groups in sorted order.
    """
    parts = []
    for group in sorted(edges["group"].unique().tolist()):
        table = centrality_table(
            build_graph(edges[edges["group"] == group], entities, settings=settings),
            settings=settings,
        )
        table["group"] = group
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=[*CENTRALITY_COLUMNS, "group"])
    return pd.concat(parts, ignore_index=True)


_GEXF_DATE = re.compile(r'\s*lastmodifieddate="[^"]*"')


def write_gexf(graph: Any, path: str | Path) -> Path:
    """Write a graph as GEXF 1.2 (Gephi), deterministically and atomically."""
    import networkx as nx

    from secnews.corpus.atomic import atomic_write_text

    text = "\n".join(nx.generate_gexf(graph, version="1.2draft")) + "\n"
    return atomic_write_text(path, _GEXF_DATE.sub("", text))


def write_graphml(graph: Any, path: str | Path) -> Path:
    """Write a graph as GraphML, deterministically and atomically."""
    import networkx as nx

    from secnews.corpus.atomic import atomic_write_text

    text = "\n".join(nx.generate_graphml(graph)) + "\n"
    return atomic_write_text(path, text)
