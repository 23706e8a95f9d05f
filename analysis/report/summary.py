"""The findings a report's summary states, computed from the stored results.

Each function takes the tables a step wrote and returns the rows the summary cites (a
DataFrame); :func:`finding_lines` words them, with references to the figures and tables that
show them. Nothing is hard-coded: a new model or corpus gives new sentences.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from secnews.analysis.report.tables import format_date, format_interval, format_number

__all__ = [
    "actors_sentence",
    "central_actors",
    "changepoint_sentence",
    "events_with_changepoints",
    "keyness_sentence",
    "shift_sentence",
    "strongest_keyness",
    "topic_shifts",
]


def _rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as named tuples (typed ``Any``: their fields are the columns)."""
    return list(frame.itertuples(index=False))


def strongest_keyness(keyness: pd.DataFrame, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` terms with the largest G² in favour of the target (``g2 > 0``) whose bootstrap
    interval of the log ratio excludes 0 (all with ``g2 > 0`` when there is no interval)."""
    rows = keyness[keyness["g2"] > 0]
    if {"log_ratio_low", "log_ratio_high"} <= set(rows.columns):
        clear = rows[(rows["log_ratio_low"] > 0) | rows["log_ratio_low"].isna()]
        rows = clear if not clear.empty else rows
    return rows.sort_values(["g2", "term"], ascending=[False, True]).head(n).reset_index(drop=True)


def topic_shifts(
    shift: pd.DataFrame, *, n: int = 3, exclude_outlets: Sequence[str] = ()
) -> pd.DataFrame:
    """The ``n`` largest changes in topic share (either sign) whose interval excludes 0."""
    rows = shift[~shift["outlet"].isin(list(exclude_outlets))].dropna(subset=["change"])
    clear = rows[(rows["ci_low"] > 0) | (rows["ci_high"] < 0)]
    order = clear.assign(size=clear["change"].abs()).sort_values(
        ["size", "outlet", "topic"], ascending=[False, True, True]
    )
    return order.head(n).drop(columns="size").reset_index(drop=True)


def events_with_changepoints(
    changepoints: pd.DataFrame,
    events: pd.DataFrame,
    *,
    within_days: int = 14,
    exclude_outlets: Sequence[str] = (),
) -> pd.DataFrame:
    """PELT change points at most ``within_days`` from an event.

    Returns
    -------
    pandas.DataFrame
        ``event, event_date, term, outlet, date, days, level_before, level_after`` (``days``:
        change point minus event), sorted by event date, term and outlet.
    """
    columns = [
        "event",
        "event_date",
        "term",
        "outlet",
        "date",
        "days",
        "level_before",
        "level_after",
    ]
    pelt = changepoints[
        (changepoints["method"] == "pelt") & ~changepoints["outlet"].isin(list(exclude_outlets))
    ]
    rows = []
    for event_date, label in zip(pd.to_datetime(events["date"]), events["label"], strict=True):
        dates = pd.to_datetime(pelt["date"])
        days = (dates - event_date).dt.days
        near = pelt[days.abs() <= within_days]
        for (_, row), gap in zip(near.iterrows(), days[days.abs() <= within_days], strict=True):
            rows.append(
                (
                    label,
                    event_date,
                    row["term"],
                    row["outlet"],
                    pd.Timestamp(row["date"]),
                    int(gap),
                    row["level_before"],
                    row["level_after"],
                )
            )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["event_date", "term", "outlet"], kind="mergesort").reset_index(
        drop=True
    )


def central_actors(
    centralities: pd.DataFrame,
    *,
    n: int = 3,
    measure: str = "eigenvector",
    exclude_outlets: Sequence[str] = (),
) -> pd.DataFrame:
    """The ``n`` most central actors (by ``measure``) of each group except ``all``.

    Returns
    -------
    pandas.DataFrame
        ``group, label, <measure>``, groups sorted.
    """
    rows = centralities[
        (centralities["group"] != "all") & ~centralities["group"].isin(list(exclude_outlets))
    ]
    rows = rows.sort_values(["group", measure, "label"], ascending=[True, False, True])
    return (
        rows.groupby("group", sort=True).head(n)[["group", "label", measure]].reset_index(drop=True)
    )


def _e(text: object) -> str:
    return html.escape(str(text))


def keyness_sentence(
    top: pd.DataFrame, *, target: str, reference: str, see: str = ""
) -> str | None:
    """HTML: the strongest key terms of ``target`` against ``reference``."""
    if top.empty:
        return None
    parts = [
        f"“{_e(str(r.term).replace('_', ' '))}” (log ratio {format_number(r.log_ratio, 1)}, "
        f"95% CI {format_interval(r.log_ratio_low, r.log_ratio_high, 1) or 'not computed'})"
        for r in top.itertuples()
    ]
    return (
        f"<b>{_e(target)}</b> uses {', '.join(parts)} far more often than <b>{_e(reference)}</b>"
        f" (a log ratio of 1 is twice as often){see}."
    )


def shift_sentence(
    shifts: pd.DataFrame, *, labels: Mapping[int, str], event_date: str, see: str = ""
) -> str | None:
    """HTML: the largest changes in topic share around ``event_date``."""
    if shifts.empty:
        return None
    parts = []
    for r in _rows(shifts):
        word = "rose" if r.change > 0 else "fell"
        label = str(labels.get(int(r.topic), f"topic {r.topic}")).replace("_", " ")
        parts.append(
            f"topic {int(r.topic)} “{_e(label)}” {word} in <b>{_e(r.outlet)}</b> from "
            f"{format_number(r.before * 100, 1)}% to {format_number(r.after * 100, 1)}% of its "
            f"words (change {format_number(r.change * 100, 1)} points, 95% CI "
            f"{format_interval(r.ci_low * 100, r.ci_high * 100, 1) or 'not computed'})"
        )
    return f"After {_e(event_date)}, " + "; ".join(parts) + f"{see}."


def changepoint_sentence(
    near: pd.DataFrame, *, within_days: int, see: str = "", max_pairs: int = 3
) -> str | None:
    """HTML: events with a change point in some term's rate close by (at most ``max_pairs``
    term-outlet pairs named per event)."""
    if near.empty:
        return (
            f"No change point (PELT) lies within {within_days} days of an event of the study{see}."
        )
    parts = []
    for (label, date), group in near.groupby(["event", "event_date"], sort=False):
        pairs = [
            f"“{_e(t)}” in {_e(o)}" for t, o in zip(group["term"], group["outlet"], strict=True)
        ]
        shown = ", ".join(pairs[:max_pairs])
        more = f" and {len(pairs) - max_pairs} more" if len(pairs) > max_pairs else ""
        parts.append(f"{_e(label)} ({format_date(date)}): {shown}{more}")
    return (
        f"{near.groupby(['event', 'event_date']).ngroups} events have a change point (PELT) in "
        f"some term's rate within {within_days} days: " + "; ".join(parts) + see + "."
    )


def actors_sentence(actors: pd.DataFrame, *, measure: str, see: str = "") -> str | None:
    """HTML: the most central actors of each outlet."""
    if actors.empty:
        return None
    parts = [
        f"<b>{_e(group)}</b>: {', '.join(_e(v) for v in rows['label'])}"
        for group, rows in actors.groupby("group", sort=True)
    ]
    return f"Most central actors ({measure} centrality) per outlet: " + "; ".join(parts) + see + "."
