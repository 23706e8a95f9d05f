"""Figures of entity networks: the network, one actor's ego network, a heatmap of pairs.

Every function takes DataFrames (an edge table from :mod:`secnews.analysis.entities.cooccurrence` and an
entity table from :func:`secnews.analysis.entities.extract.entity_table`) and returns a new
:class:`matplotlib.figure.Figure`; nothing is saved, shown or closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from secnews.analysis.plots._base import plain_text

__all__ = ["plot_ego_network", "plot_network", "plot_network_panels", "plot_pair_heatmap"]

_TYPE_COLORS = {
    "country": "#1f77b4",
    "organization": "#d62728",
    "media": "#9467bd",
    "person": "#2ca02c",
    "place": "#ff7f0e",
}


def _labels(entities: pd.DataFrame | None) -> dict[str, str]:
    if entities is None or entities.empty:
        return {}
    return dict(zip(entities["entity_id"], entities["label"], strict=True))


def _top_nodes(edges: pd.DataFrame, weight: str, top_n: int) -> list[str]:
    strength = (
        pd.concat(
            [
                edges[["source", weight]].rename(columns={"source": "node"}),
                edges[["target", weight]].rename(columns={"target": "node"}),
            ]
        )
        .groupby("node")[weight]
        .sum()
    )
    order = strength.reset_index().sort_values([weight, "node"], ascending=[False, True])
    return order["node"].head(top_n).tolist()


def _draw(
    ax: Any,
    edges: pd.DataFrame,
    entities: pd.DataFrame | None,
    *,
    weight: str,
    seed: int,
    highlight: str | None = None,
) -> None:
    import networkx as nx

    from secnews.analysis.entities.networks import NetworkSettings, build_graph

    graph = build_graph(edges, entities, settings=NetworkSettings(weight=weight))
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no edges", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    pos = nx.spring_layout(
        graph, weight="weight", seed=seed, k=1.5 / np.sqrt(graph.number_of_nodes())
    )
    widths = np.array([d["weight"] for _, _, d in graph.edges(data=True)], dtype=float)
    if widths.size and widths.max() > 0:
        widths = 0.5 + 4.5 * widths / widths.max()
    nx.draw_networkx_edges(graph, pos, ax=ax, width=list(widths), alpha=0.35, edge_color="#555555")
    strength = np.array([graph.degree(n, weight="weight") for n in graph.nodes], dtype=float)
    sizes = (
        80 + 1200 * strength / strength.max()
        if strength.max() > 0
        else np.full(len(strength), 200.0)
    )
    colors = [_TYPE_COLORS.get(graph.nodes[n].get("type", ""), "#7f7f7f") for n in graph.nodes]
    edgecolors = ["black" if n == highlight else "white" for n in graph.nodes]
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_size=list(sizes),
        node_color=colors,
        edgecolors=edgecolors,
        alpha=0.9,
    )
    names = _labels(entities)
    for node, (x, y) in pos.items():
        ax.text(
            x,
            y,
            names.get(node, node),
            fontsize=7,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
    handles = [
        ax.scatter([], [], color=c, label=t)
        for t, c in _TYPE_COLORS.items()
        if any(graph.nodes[n].get("type") == t for n in graph.nodes)
    ]
    if handles:
        ax.legend(
            handles=handles, loc="lower left", fontsize=7, frameon=False, title="actor type",
            title_fontsize=7,
        )  # fmt: skip
    ax.set_axis_off()


def plot_network(
    edges: pd.DataFrame,
    entities: pd.DataFrame | None = None,
    *,
    top_n: int = 40,
    weight: str = "count",
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """Draw the co-occurrence network of the ``top_n`` strongest entities.

    Parameters
    ----------
    edges
        Edge table (one window, one group).
    entities
        Entity table for labels and types (ids are shown otherwise).
    top_n
        Entities kept, by strength (sum of ``weight`` over their edges).
    weight
        Edge column for line width, node size and the spring layout.
    seed
        Seed of the spring layout.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    keep = set(_top_nodes(edges, weight, top_n)) if len(edges) else set()
    sub = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    fig = Figure(figsize=(7.0, 6.2))
    ax = fig.add_subplot()
    _draw(ax, sub, entities, weight=weight, seed=seed)
    ax.set_title(
        title or f"Co-occurrence network (top {len(keep)} entities, weight: {weight})", fontsize=9
    )
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_network_panels(
    edges: Mapping[str, pd.DataFrame],
    entities: pd.DataFrame | None = None,
    *,
    top_n: int = 25,
    weight: str = "count",
    seed: int = 0,
) -> Figure:
    """One network per group, stacked top to bottom in one figure (full width each).

    Parameters
    ----------
    edges
        ``{group name: edge table}`` in panel order.
    entities, top_n, weight, seed
        As in :func:`plot_network`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.0, 4.6 * max(1, len(edges))))
    axes = fig.subplots(max(1, len(edges)), 1, squeeze=False)[:, 0]
    for ax, (name, table) in zip(axes, edges.items(), strict=False):
        keep = set(_top_nodes(table, weight, top_n)) if len(table) else set()
        sub = table[table["source"].isin(keep) & table["target"].isin(keep)]
        _draw(ax, sub, entities, weight=weight, seed=seed)
        ax.set_title(f"{name}: the {len(keep)} most connected actors", fontsize=9)
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_ego_network(
    edges: pd.DataFrame,
    entities: pd.DataFrame | None,
    actor: str,
    *,
    top_n: int = 20,
    weight: str = "count",
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """Draw one actor, its ``top_n`` strongest neighbours and the ties among them.

    Parameters
    ----------
    edges
        Edge table (one window, one group).
    entities
        Entity table for labels and types.
    actor
        The entity id at the centre.
    top_n
        Neighbours kept, by the weight of their tie to ``actor``.
    weight
        Edge column used for ranking, widths and layout.
    seed
        Seed of the spring layout.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    KeyError
        When ``actor`` has no edge.
    """
    own = edges[(edges["source"] == actor) | (edges["target"] == actor)]
    if own.empty:
        raise KeyError(f"{actor!r} has no edge in this table")
    other = np.where(own["source"] == actor, own["target"], own["source"])
    ranked = (
        pd.DataFrame({"node": other, "w": own[weight].to_numpy()})
        .sort_values(["w", "node"], ascending=[False, True])
        .head(top_n)
    )
    keep = {actor, *ranked["node"]}
    sub = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    fig = Figure(figsize=(7.0, 6.0))
    ax = fig.add_subplot()
    _draw(ax, sub, entities, weight=weight, seed=seed, highlight=actor)
    label = _labels(entities).get(actor, actor)
    ax.set_title(
        title or f"Ego network of {label} (top {len(keep) - 1} neighbours by {weight})", fontsize=9
    )
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_pair_heatmap(
    edges: pd.DataFrame,
    entities: pd.DataFrame | None = None,
    *,
    top_n: int = 20,
    measure: str = "npmi",
    rank_by: str = "count",
    title: str | None = None,
) -> Figure:
    """Heatmap of ``measure`` among the entities of the strongest pairs.

    Parameters
    ----------
    edges
        Edge table (one window, one group).
    entities
        Entity table for labels.
    top_n
        Entities shown: those of the strongest pairs (by ``rank_by``), up to ``top_n``.
    measure
        Edge column coloured (``npmi``, ``pmi``, ``count``, ``llr``, ``jaccard``); cells also
        show the pair count.
    rank_by
        Edge column that ranks the pairs.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ranked = edges.sort_values([rank_by, "source", "target"], ascending=[False, True, True])
    nodes: list[str] = []
    for source, target in zip(ranked["source"], ranked["target"], strict=True):
        for node in (source, target):
            if node not in nodes and len(nodes) < top_n:
                nodes.append(node)
        if len(nodes) >= top_n:
            break
    index = {n: i for i, n in enumerate(nodes)}
    values = np.full((len(nodes), len(nodes)), np.nan)
    counts = np.zeros((len(nodes), len(nodes)), dtype=int)
    sub = edges[edges["source"].isin(index) & edges["target"].isin(index)]
    for s, t, v, c in zip(sub["source"], sub["target"], sub[measure], sub["count"], strict=True):
        i, j = index[s], index[t]
        values[i, j] = values[j, i] = v
        counts[i, j] = counts[j, i] = c
    fig = Figure(figsize=(7.0, 6.6))
    ax = fig.add_subplot()
    diverging = measure in ("pmi", "npmi")
    limit = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap="RdBu_r" if diverging else "viridis",
        vmin=-limit if diverging else None,
        vmax=limit if diverging else None,
    )
    names = _labels(entities)
    ticks = [names.get(n, n) for n in nodes]
    ax.set_xticks(range(len(nodes)), ticks, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(nodes)), ticks, fontsize=7)
    for i in range(len(nodes)):
        for j in range(len(nodes)):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7 if len(nodes) <= 16 else 6.5,
                )
    fig.colorbar(image, ax=ax, label=f"{measure} (colour)", shrink=0.8)
    ax.set_title(title or f"{measure} of the strongest pairs (numbers: pair counts)", fontsize=9)
    plain_text(fig)
    fig.tight_layout()
    return fig
