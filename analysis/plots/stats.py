"""Figures of the corpus statistics. Each function takes DataFrames and returns a new matplotlib
``Figure`` (never saved or shown here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from secnews.analysis.plots._base import plain_text
from secnews.analysis.stats.descriptive import ZipfFit

__all__ = ["plot_frequencies", "plot_keyness", "plot_summary", "plot_zipf"]


def plot_zipf(table: pd.DataFrame, fit: ZipfFit | None = None, *, title: str = "") -> Figure:
    """Rank-frequency plot on log-log axes with the fitted Zipf line.

    Parameters
    ----------
    table
        :func:`~secnews.analysis.stats.descriptive.zipf_table` output (``rank, count``).
    fit
        A :class:`~secnews.analysis.stats.descriptive.ZipfFit` to draw (``constant * rank^-exponent``).
    """
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.add_subplot()
    # at most ~2,000 points, spaced evenly on the log scale (the tail has thousands of ties)
    n = len(table)
    if n > 2000:
        pick = np.unique(np.geomspace(1, n, 2000).astype(np.int64) - 1)
        shown = table.iloc[pick]
    else:
        shown = table
    ax.loglog(shown["rank"], shown["count"], ".", markersize=2, color="0.3", label="observed")
    if fit is not None:
        ranks = np.asarray(table["rank"], dtype=float)
        ax.loglog(
            ranks,
            fit.constant * ranks ** (-fit.exponent),
            "-",
            color="tab:red",
            label=f"Zipf fit ({fit.method}): s = {fit.exponent:.3f}",
        )
    ax.set_xlabel("rank")
    ax.set_ylabel("frequency")
    ax.set_title(title or "Rank-frequency (Zipf)", fontsize=9)
    ax.legend(frameon=False, fontsize=8)
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_keyness(
    table: pd.DataFrame, *, n: int = 15, labels: tuple[str, str] = ("target", "reference")
) -> Figure:
    """Log ratio with bootstrap intervals of the ``n`` most key terms in each direction.

    Parameters
    ----------
    table
        :func:`~secnews.analysis.stats.keyness.keyness` output (sorted by ``g2``).
    n
        Terms per direction.
    labels
        Names of the target and reference groups.
    """
    top = table[table["g2"] > 0].head(n)
    bottom = table[table["g2"] < 0].sort_values("g2").head(n)
    both = pd.concat([bottom.iloc[::-1], top.iloc[::-1]])
    fig = Figure(figsize=(7.0, max(3.0, 0.2 * len(both) + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(len(both))
    colors = ["tab:blue" if g > 0 else "tab:orange" for g in both["g2"]]
    ax.barh(y, both["log_ratio"], color=colors, alpha=0.8)
    if both["log_ratio_low"].notna().any():
        err = np.vstack(
            [both["log_ratio"] - both["log_ratio_low"], both["log_ratio_high"] - both["log_ratio"]]
        )
        ax.errorbar(
            both["log_ratio"], y, xerr=np.clip(err, 0, None), fmt="none", ecolor="0.2", lw=0.8
        )
    ax.set_yticks(y, [str(t).replace("_", " ") for t in both["term"]], fontsize=7.5)
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_xlabel(f"log2 ratio (> 0: more in {labels[0]}; < 0: more in {labels[1]})", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(
        f"Keyness: {labels[0]} vs {labels[1]}\n"
        f"top {n} by G² each way; bars: log ratio, lines: bootstrap CI",
        fontsize=9,
    )
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_summary(summary: pd.DataFrame, *, column: str = "tokens", title: str = "") -> Figure:
    """Bar chart of one column of :func:`~secnews.analysis.stats.descriptive.corpus_summary` per group
    (the ``all`` row left out)."""
    data = summary[summary["group"] != "all"].sort_values(
        [column, "group"], ascending=[False, True]
    )
    fig = Figure(figsize=(7.0, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(data))
    ax.bar(x, data[column], color="tab:blue", alpha=0.8)
    ax.set_xticks(x, data["group"].astype(str).tolist(), rotation=30, ha="right", fontsize=7.5)
    ax.set_ylabel(column, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(title or f"{column} by group", fontsize=9)
    plain_text(fig)
    fig.tight_layout()
    return fig


def plot_frequencies(frequencies: pd.DataFrame, *, n: int = 25, title: str = "") -> Figure:
    """Horizontal bars of the ``n`` most frequent terms (per 10,000 tokens) of
    :func:`~secnews.analysis.stats.descriptive.term_frequencies` output (one group)."""
    top = frequencies.sort_values(["count", "term"], ascending=[False, True]).head(n).iloc[::-1]
    fig = Figure(figsize=(6, max(3.0, 0.25 * len(top) + 1)))
    ax = fig.add_subplot()
    y = np.arange(len(top))
    ax.barh(y, top["per_10k"], color="tab:blue", alpha=0.8)
    ax.set_yticks(y, top["term"].astype(str).tolist(), fontsize=8)
    ax.set_xlabel("per 10,000 tokens")
    ax.set_title(title or f"Top {n} terms")
    plain_text(fig)
    fig.tight_layout()
    return fig
