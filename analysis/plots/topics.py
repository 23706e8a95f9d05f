"""Figures for topic models. Each function takes DataFrames and returns a matplotlib ``Figure``
(nothing is saved, shown or closed here)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from secnews.analysis.plots._base import padded, plain_text

__all__ = ["plot_outlet_heatmap", "plot_prevalence_over_time", "plot_selection", "plot_topic_map"]


def _rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as named tuples (typed ``Any``: their fields are the columns)."""
    return list(frame.itertuples(index=False))


_SELECTION_PANELS = (
    ("quality", "topic quality, c_npmi x diversity (the rule)"),
    ("c_npmi", "c_npmi (higher is better)"),
    ("c_v", "c_v (higher is better)"),
    ("perplexity", "held-out perplexity (lower is better)"),
    ("diversity", "topic diversity (top 25)"),
    ("stability", "seed stability (1 - JS, matched)"),
)


def plot_selection(table: pd.DataFrame, *, recommended_k: int | None = None) -> Figure:
    """Each selection measure against K: seeds as dots, their mean as a line.

    Parameters
    ----------
    table : pandas.DataFrame
        ``selection.csv`` columns (``k, seed, quality, c_npmi, c_v, perplexity, diversity,
        stability``; u_mass is not drawn).
    recommended_k : int, optional
        Marked with a vertical dashed line.
    """
    fig = Figure(figsize=(7.0, 4.8), layout="constrained")
    axes = fig.subplots(2, 3, sharex=True)
    for ax, (col, title) in zip(axes.ravel(), _SELECTION_PANELS, strict=True):
        data = table[["k", col]].dropna()
        ax.scatter(data["k"], data[col], s=14, color="0.55", label="seed")
        mean = data.groupby("k")[col].mean()
        ax.plot(mean.index, mean.to_numpy(), color="C0", marker="o", label="mean over seeds")
        if recommended_k is not None:
            ax.axvline(recommended_k, color="C3", linestyle="--", linewidth=1)
        ax.set_title(title, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("number of topics K", fontsize=8)
        ax.set_xticks(sorted(table["k"].unique()))
    axes[0, 0].legend(fontsize=7)
    if recommended_k is not None:
        fig.suptitle(f"Model selection (recommended K = {recommended_k}, dashed)", fontsize=9)
    return plain_text(fig)


def _gapped(x: pd.Series, y: pd.Series, max_days: float) -> tuple[list, list]:
    """Points with a missing value between two more than ``max_days`` apart (no line across)."""
    xs: list = []
    ys: list = []
    previous = None
    for xv, yv in zip(pd.to_datetime(x), y, strict=True):
        if previous is not None and (xv - previous).days > max_days:
            xs.append(previous + (xv - previous) / 2)
            ys.append(np.nan)
        xs.append(xv)
        ys.append(yv)
        previous = xv
    return xs, ys


def plot_prevalence_over_time(
    prevalence: pd.DataFrame,
    *,
    labels: Mapping[int, str] | None = None,
    topics: Sequence[int] | None = None,
    events: Mapping[str, str] | None = None,
    ncols: int = 3,
    xlim: tuple[Any, Any] | None = None,
    min_docs: int = 0,
) -> Figure:
    """Small multiples on a shared scale: one panel per topic, one line per outlet.

    Lines break where an outlet has no document in a period (more than 45 days between points);
    an isolated period shows as a dot. Bands (95% bootstrap intervals) are drawn only for
    periods with at least ``min_docs`` documents.

    Parameters
    ----------
    prevalence : pandas.DataFrame
        ``outlet, period, topic, prevalence, ci_low, ci_high`` and optionally ``n_docs`` (from
        ``prevalence(by=("outlet", "period"))``).
    labels : mapping, optional
        Topic -> label for the panel titles.
    topics : sequence of int, optional
        Topics to draw (default: all).
    events : mapping, optional
        Date string -> name, drawn as dashed vertical lines (e.g. ``{"2022-02-24": "invasion"}``).
    ncols : int
        Panels per row.
    xlim : tuple, optional
        ``(start, end)`` of the time axis; periods outside are left out.
    min_docs : int
        Fewest documents of a period for its band to be drawn.
    """
    data = prevalence.copy()
    data["period"] = pd.to_datetime(data["period"])
    if xlim is not None:
        low, high = pd.Timestamp(xlim[0]), pd.Timestamp(xlim[1])
        data = data[(data["period"] >= low - pd.Timedelta(days=31)) & (data["period"] <= high)]
    chosen = sorted(data["topic"].unique()) if topics is None else list(topics)
    ncols = max(1, min(ncols, len(chosen) or 1))
    nrows = max(1, int(np.ceil(len(chosen) / ncols)))
    fig = Figure(figsize=(7.0, 1.9 * nrows + 1.2), layout="constrained")
    axes = np.atleast_1d(
        fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    ).ravel()
    outlets = sorted(data["outlet"].dropna().unique()) if "outlet" in data else [None]
    drawn: dict[str, Any] = {}
    for ax, topic in zip(axes, chosen, strict=False):
        part = data[data["topic"] == topic]
        for i, outlet in enumerate(outlets):
            line = part if outlet is None else part[part["outlet"] == outlet]
            line = line.sort_values("period")
            if line.empty:
                continue
            color = f"C{i % 10}"
            xs, ys = _gapped(line["period"], line["prevalence"], 45)
            (handle,) = ax.plot(
                xs, ys, color=color, linewidth=1.1, marker="o", markersize=2.2, label=str(outlet)
            )
            drawn.setdefault(str(outlet), handle)
            enough = (
                line["n_docs"].to_numpy() >= min_docs
                if "n_docs" in line and min_docs > 0
                else np.ones(len(line), dtype=bool)
            )
            bx, blow = _gapped(line["period"], line["ci_low"].where(enough), 45)
            _, bhigh = _gapped(line["period"], line["ci_high"].where(enough), 45)
            ax.fill_between(bx, blow, bhigh, color=color, alpha=0.15, linewidth=0)
        for date in events or {}:
            ax.axvline(pd.Timestamp(date), color="0.3", linestyle="--", linewidth=0.9)
        title = f"{topic}: {labels[topic]}" if labels and topic in labels else f"topic {topic}"
        ax.set_title("\n".join(textwrap.wrap(title, 34)[:2]), fontsize=7.5)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if xlim is not None:
            ax.set_xlim(*padded(xlim))
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    for ax in axes[: len(chosen)]:
        locator = AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    for ax in axes[len(chosen) :]:
        ax.set_visible(False)
    if outlets != [None] and drawn:
        fig.legend(
            list(drawn.values()), list(drawn), loc="outside lower center",
            ncols=min(len(drawn), 4), fontsize=7, frameon=False,
        )  # fmt: skip
    fig.supylabel("mean topic share", fontsize=8)
    return plain_text(fig)


def plot_outlet_heatmap(
    prevalence: pd.DataFrame, *, labels: Mapping[int, str] | None = None
) -> Figure:
    """Outlet x topic heatmap of mean topic shares (from ``prevalence(by=("outlet",))``); each cell
    prints the share in percent."""
    grid = prevalence.pivot_table(
        index="outlet", columns="topic", values="prevalence", aggfunc="first"
    )
    grid = grid.sort_index().reindex(sorted(grid.columns), axis=1)
    fig = Figure(
        figsize=(7.0, 1.2 + 0.38 * grid.shape[0] + (1.9 if labels else 0.4)), layout="constrained"
    )
    ax = fig.subplots()
    values = grid.to_numpy()
    image = ax.imshow(values, aspect="auto", cmap="viridis")
    ax.set_yticks(range(grid.shape[0]), [str(o) for o in grid.index], fontsize=7.5)
    names = [
        f"{t}: {labels[int(t)]}" if labels and int(t) in labels else str(t) for t in grid.columns
    ]
    ax.set_xticks(
        range(grid.shape[1]),
        names,
        rotation=35 if labels else 0,
        ha="right" if labels else "center",
        fontsize=7,
    )
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isfinite(values[i, j]):
                ax.text(
                    j, i, f"{100 * values[i, j]:.0f}", ha="center", va="center", fontsize=7,
                    color="black" if values[i, j] > middle else "white",
                )  # fmt: skip
    fig.colorbar(image, ax=ax, label="mean topic share", shrink=0.9)
    ax.set_title("Mean topic share by outlet (cells: percent)", fontsize=9)
    return plain_text(fig)


def plot_topic_map(points: pd.DataFrame, *, title: str = "") -> Figure:
    """Static topic map: topics at their scaled coordinates, circle area proportional to share.

    Parameters
    ----------
    points : pandas.DataFrame
        ``topic, x, y, share, label`` (e.g. :func:`secnews.analysis.report.views.topic_map_points`).
    title : str
        Figure title.
    """
    fig = Figure(figsize=(7.0, 5.6), layout="constrained")
    ax = fig.subplots()
    share = points["share"].to_numpy(dtype=float)
    sizes = (
        4000 * share / share.max()
        if len(share) and share.max() > 0
        else np.full(len(points), 300.0)
    )
    ax.scatter(points["x"], points["y"], s=sizes, alpha=0.35, color="C0", edgecolors="C0")
    for row in _rows(points):
        ax.annotate(
            f"{row.topic}: {row.label}\n{100 * row.share:.1f}%",
            (row.x, row.y), ha="center", va="center", fontsize=7.5,
        )  # fmt: skip
    pad_x = 0.25 * max(np.ptp(points["x"]), 0.1)
    pad_y = 0.2 * max(np.ptp(points["y"]), 0.1)
    ax.set_xlim(points["x"].min() - pad_x, points["x"].max() + pad_x)
    ax.set_ylim(points["y"].min() - pad_y, points["y"].max() + pad_y)
    ax.axhline(0, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(0, color="0.85", linewidth=0.6, zorder=0)
    ax.set_xlabel("dimension 1", fontsize=8)
    ax.set_ylabel("dimension 2", fontsize=8)
    ax.tick_params(labelsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    return plain_text(fig)
