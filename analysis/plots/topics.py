"""Figures for topic models. Each function takes DataFrames and returns a matplotlib ``Figure``
(nothing is saved, shown or closed here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["plot_outlet_heatmap", "plot_prevalence_over_time", "plot_selection"]

_SELECTION_PANELS = (
    ("c_npmi", "c_npmi (higher is better)"),
    ("c_v", "c_v (higher is better)"),
    ("u_mass", "u_mass (higher is better)"),
    ("perplexity", "held-out perplexity (lower is better)"),
    ("diversity", "topic diversity (top 25)"),
    ("stability", "seed stability (1 - JS, matched)"),
)


def plot_selection(table: pd.DataFrame, *, recommended_k: int | None = None) -> Figure:
    """Each selection measure against K: seeds as dots, their mean as a line.

    Parameters
    ----------
    table : pandas.DataFrame
        ``selection.csv`` columns (``k, seed, c_npmi, c_v, u_mass, perplexity, diversity, stability``).
    recommended_k : int, optional
        Marked with a vertical dashed line.
    """
    fig = Figure(figsize=(11, 6.5), layout="constrained")
    axes = fig.subplots(2, 3, sharex=True)
    for ax, (col, title) in zip(axes.ravel(), _SELECTION_PANELS, strict=True):
        data = table[["k", col]].dropna()
        ax.scatter(data["k"], data[col], s=14, color="0.55", label="seed")
        mean = data.groupby("k")[col].mean()
        ax.plot(mean.index, mean.to_numpy(), color="C0", marker="o", label="mean over seeds")
        if recommended_k is not None:
            ax.axvline(recommended_k, color="C3", linestyle="--", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("number of topics K")
    axes[0, 0].legend(fontsize=8)
    if recommended_k is not None:
        fig.suptitle(f"Model selection (recommended K = {recommended_k}, dashed)", fontsize=11)
    return fig


def plot_prevalence_over_time(
    prevalence: pd.DataFrame,
    *,
    labels: Mapping[int, str] | None = None,
    topics: Sequence[int] | None = None,
    events: Mapping[str, str] | None = None,
    ncols: int = 4,
) -> Figure:
    """Small multiples: one panel per topic, one line (with CI band) per outlet.

    Parameters
    ----------
    prevalence : pandas.DataFrame
        ``outlet, period, topic, prevalence, ci_low, ci_high`` (from ``prevalence(by=("outlet",
        "period"))``).
    labels : mapping, optional
        Topic -> label for the panel titles.
    topics : sequence of int, optional
        Topics to draw (default: all).
    events : mapping, optional
        Date string -> name, drawn as vertical lines (e.g. ``{"2022-02-24": "invasion"}``).
    ncols : int
        Panels per row.
    """
    chosen = sorted(prevalence["topic"].unique()) if topics is None else list(topics)
    nrows = max(1, int(np.ceil(len(chosen) / ncols)))
    fig = Figure(figsize=(3.2 * ncols, 2.4 * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
    outlets = sorted(prevalence["outlet"].dropna().unique()) if "outlet" in prevalence else [None]
    for ax, topic in zip(axes, chosen, strict=False):
        part = prevalence[prevalence["topic"] == topic]
        for i, outlet in enumerate(outlets):
            line = part if outlet is None else part[part["outlet"] == outlet]
            line = line.sort_values("period")
            color = f"C{i % 10}"
            ax.plot(line["period"], line["prevalence"], color=color, linewidth=1.4, label=outlet)
            ax.fill_between(
                line["period"],
                line["ci_low"],
                line["ci_high"],
                color=color,
                alpha=0.18,
                linewidth=0,
            )
        for date in events or {}:
            ax.axvline(pd.Timestamp(date), color="0.3", linestyle="--", linewidth=0.9)
        title = f"{topic}: {labels[topic]}" if labels and topic in labels else f"topic {topic}"
        ax.set_title(title, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.tick_params(axis="x", labelrotation=45)
        ax.grid(alpha=0.3)
    for ax in axes[len(chosen) :]:
        ax.set_visible(False)
    if outlets != [None]:
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(
            handles, names, loc="outside lower center", ncols=min(len(outlets), 4), fontsize=8
        )
    fig.suptitle("Topic prevalence over time (mean topic share, 95% bootstrap CI)", fontsize=10)
    return fig


def plot_outlet_heatmap(
    prevalence: pd.DataFrame, *, labels: Mapping[int, str] | None = None
) -> Figure:
    """Outlet x topic heatmap of mean topic shares (from ``prevalence(by=("outlet",))``)."""
    grid = prevalence.pivot_table(
        index="outlet", columns="topic", values="prevalence", aggfunc="first"
    )
    grid = grid.sort_index().reindex(sorted(grid.columns), axis=1)
    width = max(6.0, 0.45 * grid.shape[1] + 3.0)
    fig = Figure(
        figsize=(width, 1.0 + 0.5 * grid.shape[0] + (2.0 if labels else 0.4)), layout="constrained"
    )
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="viridis")
    ax.set_yticks(range(grid.shape[0]), [str(o) for o in grid.index], fontsize=8)
    names = [
        f"{t}: {labels[int(t)]}" if labels and int(t) in labels else str(t) for t in grid.columns
    ]
    ax.set_xticks(
        range(grid.shape[1]),
        names,
        rotation=75 if labels else 0,
        ha="right" if labels else "center",
        fontsize=7,
    )
    ax.set_xlabel("topic")
    fig.colorbar(image, ax=ax, label="mean topic share")
    ax.set_title("Topic prevalence by outlet", fontsize=10)
    return fig
