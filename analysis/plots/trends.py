"""Figures of term trends: small multiples per term with outlets overlaid, and outlet gaps.

What a trend panel shows, for each outlet (one colour each):

- the **raw** rate per 10,000 tokens of every period (markers joined by a thin line) and its
  confidence band (shaded);
- the **smoothed** rate, when given, as a separate thicker dashed line (it never replaces the raw
  series);
- **PELT change points** as triangles along the top of the panel, and **Kleinberg bursts** as
  bars along the bottom edge;
- **events** (``date, label``) as grey dotted vertical lines on every panel, numbered at the top;
  the numbers, dates and labels are listed under the figure.

The y axis of a panel ends at 1.3 times its largest rate, so the very wide intervals of periods
with one or two short documents may leave the panel (their values are in ``trends.csv``).

Plot functions return a :class:`matplotlib.figure.Figure` and never save or show it;
:func:`secnews.analysis.output.save_figure` writes them as deterministic PNG and SVG files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from secnews.analysis.plots._base import padded, plain_text

__all__ = ["plot_gap", "plot_trends", "read_events"]


def read_events(path: str | Path) -> pd.DataFrame:
    """Read an events CSV with the columns ``date`` and ``label``.

    Parameters
    ----------
    path
        UTF-8 CSV; ``date`` in ISO 8601 (``2022-02-24``); further columns are ignored.

    Returns
    -------
    pandas.DataFrame
        ``date`` (``datetime64``, midnight, no time zone) and ``label``, sorted by date.

    Raises
    ------
    ValueError
        If a column is missing or any row has an unparseable date or an empty label (every bad
        row is named, 1-based after the header).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in ("date", "label") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: events file lacks column(s) {missing}; need 'date,label'")
    dates = pd.to_datetime(frame["date"].str.strip(), errors="coerce", format="ISO8601")
    problems = [
        f"row {i + 1}: unparseable date {d!r}"
        for i, d in enumerate(frame["date"])
        if pd.isna(dates.iloc[i])
    ]
    problems += [
        f"row {i + 1}: empty label" for i, lab in enumerate(frame["label"]) if not lab.strip()
    ]
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    out = pd.DataFrame({"date": dates.dt.normalize(), "label": frame["label"].str.strip()})
    return out.sort_values(["date", "label"], kind="mergesort").reset_index(drop=True)


def _naive(values: pd.Series) -> pd.Series:
    values = pd.to_datetime(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _draw_events(
    ax: Any, events: pd.DataFrame | None, *, xlim: tuple[Any, Any] | None = None
) -> None:
    """Dotted vertical lines numbered 1, 2, ... above the panel (the numbers refer to the
    legend); numbers of events close together are staggered so they never overlap."""
    if events is None or events.empty:
        return
    dates = list(_naive(events["date"]))
    low, high = (pd.Timestamp(xlim[0]), pd.Timestamp(xlim[1])) if xlim else (None, None)
    span = (high - low).days if low is not None and high is not None else None
    previous: pd.Timestamp | None = None
    level = 0
    for number, date in enumerate(dates, start=1):
        if low is not None and high is not None and not (low <= date <= high):
            continue
        ax.axvline(date, color="0.45", linestyle=":", linewidth=1.0, zorder=1)
        # an event closer than 5% of the axis to the previous one gets its number one row higher
        close = previous is not None and span and abs((date - previous).days) < 0.05 * span
        level = (level + 1) % 3 if close else 0
        previous = date
        note = ax.annotate(
            str(number),
            xy=(date, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 1 + 7 * level),
            textcoords="offset points",
            va="bottom",
            ha="center",
            fontsize=7,
            color="0.3",
        )
        note.set_in_layout(False)


def _event_legend(fig: Figure, events: pd.DataFrame | None) -> None:
    if events is None or events.empty:
        return
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="0.45", linestyle=":") for _ in range(len(events))]
    labels = [
        f"{number}  {date:%Y-%m-%d}  {label}"
        for number, (date, label) in enumerate(
            zip(_naive(events["date"]), events["label"], strict=True), start=1
        )
    ]
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7, frameon=False)


def _format_axis(ax: Any, *, top: float | None, bottom: float | None = 0.0) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if bottom is not None or top is not None:
        ax.set_ylim(bottom=bottom, top=top)
    ax.tick_params(labelsize=7)
    ax.grid(True, linewidth=0.3, alpha=0.5)


def _top(table: pd.DataFrame, smooth: pd.DataFrame | None) -> float | None:
    """Upper y limit: 1.3 x the largest rate (intervals of tiny cells may leave the panel)."""
    values = [table["rate_per_10k"].max()]
    if smooth is not None and not smooth.empty:
        values.append(smooth["rate_smooth"].max())
    peak = float(np.nanmax(values)) if values else float("nan")
    return 1.3 * peak if np.isfinite(peak) and peak > 0 else None


def _with_gaps(x: pd.Series, y: Any, step_days: float) -> tuple[pd.Series, np.ndarray]:
    """Insert a missing value where consecutive periods are more than 1.5 steps apart, so a line
    is not drawn across a gap."""
    x = x.reset_index(drop=True)
    values = np.asarray(y, dtype=float)
    if len(x) < 2 or not np.isfinite(step_days):
        return x, values
    gaps = np.flatnonzero(x.diff().dt.days.to_numpy()[1:] > 1.5 * step_days) + 1
    if gaps.size == 0:
        return x, values
    xs = list(x)
    ys = list(values)
    for offset, index in enumerate(gaps):
        at = index + offset
        xs.insert(at, xs[at - 1] + (xs[at] - xs[at - 1]) / 2)
        ys.insert(at, np.nan)
    return pd.Series(xs), np.asarray(ys, dtype=float)


def _step_days(table: pd.DataFrame) -> float:
    steps = [
        d
        for _, part in table.groupby(["term", "outlet"], sort=False)
        for d in _naive(part["period"]).drop_duplicates().sort_values().diff().dt.days.dropna()
        if d > 0
    ]
    return float(min(steps)) if steps else float("nan")


def _panel(
    ax: Any,
    table: pd.DataFrame,
    *,
    colors: dict[str, object],
    smooth: pd.DataFrame | None,
    changepoints: pd.DataFrame | None,
    min_docs: int = 0,
    step_days: float = float("nan"),
) -> None:
    for outlet, series in table.groupby("outlet", sort=True):
        series = series.sort_values("period")
        x = _naive(series["period"])
        color = colors[str(outlet)]
        if "docs" in series and min_docs > 0:
            band = series["docs"].to_numpy() >= min_docs
        else:
            band = np.ones(len(series), dtype=bool)
        bx, low = _with_gaps(x, series["ci_low"].where(band), step_days)
        _, high = _with_gaps(x, series["ci_high"].where(band), step_days)
        ax.fill_between(bx, low, high, color=color, alpha=0.15, linewidth=0)
        lx, ly = _with_gaps(x, series["rate_per_10k"], step_days)
        ax.plot(
            lx,
            ly,
            color=color,
            linewidth=0.8,
            marker="o",
            markersize=2.5,
            label=str(outlet),
        )
        if smooth is not None:
            line = smooth[smooth["outlet"] == outlet].sort_values("period")
            if not line.empty:
                sx, sy = _with_gaps(_naive(line["period"]), line["rate_smooth"], step_days)
                ax.plot(sx, sy, color=color, linewidth=1.8, linestyle="--", alpha=0.9)
        if changepoints is not None and not changepoints.empty:
            points = changepoints[changepoints["outlet"] == outlet]
            pelt = points[points["method"] == "pelt"]
            ax.plot(
                _naive(pelt["date"]),
                np.full(len(pelt), 0.95),
                linestyle="none",
                marker="v",
                markersize=6,
                markeredgecolor="white",
                markeredgewidth=0.5,
                color=color,
                transform=ax.get_xaxis_transform(),
            )
            bursts = points[points["method"] == "kleinberg"]
            for start, end in zip(_naive(bursts["date"]), _naive(bursts["end_date"]), strict=True):
                ax.axvspan(start, end, ymin=0.0, ymax=0.03, color=color, alpha=0.8, linewidth=0)


def plot_trends(
    table: pd.DataFrame,
    *,
    terms: Sequence[str] | None = None,
    changepoints: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    smooth: pd.DataFrame | None = None,
    ncols: int = 2,
    title: str | None = None,
    xlim: tuple[Any, Any] | None = None,
    min_docs: int = 0,
) -> Figure:
    """Small multiples, one panel per term, outlets overlaid (see the module docstring).

    Parameters
    ----------
    table
        A trend table (``term, outlet, period, rate_per_10k, ci_low, ci_high``).
    terms
        Terms to draw, in panel order (default: all, in table order).
    changepoints
        Output of :func:`secnews.analysis.trends.changepoints.detect_changepoints`.
    events
        ``date, label`` (:func:`read_events`), drawn on every panel.
    smooth
        Output of :func:`secnews.analysis.trends.intervals.smooth_series`.
    ncols
        Panels per row.
    title
        Figure title.
    xlim
        ``(start, end)`` of the time axis (default: the data's range); rows outside are left out.
    min_docs
        Bands are drawn only for periods in which the outlet has at least this many documents.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if xlim is not None:
        low, high = pd.Timestamp(xlim[0]), pd.Timestamp(xlim[1])
        inside = _naive(table["period"]).between(low - pd.Timedelta(days=31), high)
        table = table[inside.to_numpy()]
        if smooth is not None:
            smooth = smooth[
                _naive(smooth["period"]).between(low - pd.Timedelta(days=31), high).to_numpy()
            ]
    step_days = _step_days(table) if len(table) else float("nan")
    names = list(terms) if terms is not None else list(dict.fromkeys(table["term"]))
    if not names:
        raise ValueError("no term to plot")
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig = Figure(figsize=(7.0, 1.75 * nrows + 1.5), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    outlets = sorted(table["outlet"].astype(str).unique())
    palette = colormaps["tab10"]
    colors: dict[str, object] = {o: palette(i % 10) for i, o in enumerate(outlets)}
    for index, term in enumerate(names):
        ax = axes[index // ncols][index % ncols]
        part = table[table["term"] == term]
        cps = changepoints[changepoints["term"] == term] if changepoints is not None else None
        sm = smooth[smooth["term"] == term] if smooth is not None else None
        _panel(
            ax, part, colors=colors, smooth=sm, changepoints=cps, min_docs=min_docs,
            step_days=step_days,
        )  # fmt: skip
        if xlim is not None:
            ax.set_xlim(*padded(xlim))
        _draw_events(ax, events, xlim=_axis_dates(ax))
        ax.set_title(term, fontsize=9, pad=23)
        if index % ncols == 0:
            ax.set_ylabel("per 10,000 tokens", fontsize=7)
        _format_axis(ax, top=_top(part, sm))
    for index in range(len(names), nrows * ncols):
        axes[index // ncols][index % ncols].set_visible(False)
    drawn: dict[str, Any] = {}
    for row in axes:
        for ax in row:
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                drawn.setdefault(label, handle)
    if drawn:
        fig.legend(
            list(drawn.values()), list(drawn), loc="outside upper center",
            ncols=min(len(drawn), 4), fontsize=7, frameon=False,
        )  # fmt: skip
    _event_legend(fig, events)
    if title:
        fig.suptitle(title, fontsize=10)
    return plain_text(fig)


def _axis_dates(ax: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    from matplotlib.dates import num2date

    low, high = ax.get_xlim()
    return (
        pd.Timestamp(num2date(low)).tz_localize(None),
        pd.Timestamp(num2date(high)).tz_localize(None),
    )


def plot_gap(gap: pd.DataFrame, *, events: pd.DataFrame | None = None) -> Figure:
    """The gap between two outlets' rates with its bootstrap band.

    Parameters
    ----------
    gap
        Output of :func:`secnews.analysis.trends.intervals.outlet_gap`.
    events
        ``date, label`` drawn as vertical lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if gap.empty:
        raise ValueError("the gap table is empty (no period in which both outlets have documents)")
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.subplots()
    x = _naive(gap["period"])
    ax.fill_between(x, gap["gap_low"], gap["gap_high"], color="C0", alpha=0.2, linewidth=0)
    ax.plot(x, gap["gap"], color="C0", marker="o", markersize=2.5, linewidth=0.9)
    ax.axhline(0, color="0.2", linewidth=0.8)
    _draw_events(ax, events)
    first = gap.iloc[0]
    ax.set_title(f"{first['term']}: {first['outlet_a']} minus {first['outlet_b']}", fontsize=10)
    ax.set_ylabel("difference per 10,000 tokens", fontsize=8)
    _format_axis(ax, top=None, bottom=None)
    _event_legend(fig, events)
    return plain_text(fig)
