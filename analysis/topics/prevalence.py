"""Document-topic proportions as a DataFrame, and topic prevalence by outlet and period with
bootstrap confidence intervals over documents.

Prevalence of topic ``k`` in a group is the mean of the documents' topic shares ``theta_dk``
(each document weighs the same). The percentile bootstrap resamples the documents of each group
with replacement (multinomial weights, ``random_state``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "assign_period",
    "doc_topic_frame",
    "prevalence",
    "prevalence_shift",
    "topic_columns",
]


def topic_columns(k: int) -> list[str]:
    """Column names of the document-topic frame: ``topic_0 .. topic_{k-1}``."""
    return [f"topic_{i}" for i in range(k)]


def doc_topic_frame(doc_topic: np.ndarray, doc_ids: Sequence[str]) -> pd.DataFrame:
    """``doc_id`` plus one float64 column per topic, in the given document order."""
    theta = np.asarray(doc_topic, dtype=np.float64)
    if theta.shape[0] != len(doc_ids):
        raise ValueError(f"{theta.shape[0]} rows of topic shares for {len(doc_ids)} doc_ids")
    frame = pd.DataFrame(theta, columns=topic_columns(theta.shape[1]))
    frame.insert(0, "doc_id", pd.Series(list(doc_ids), dtype="string"))
    return frame


def _meta_year(meta: pd.Series) -> pd.Series:
    def year(value: object) -> float:
        if not isinstance(value, str) or not value:
            return np.nan
        try:
            got = json.loads(value).get("year")
        except (ValueError, AttributeError):
            return np.nan
        return float(got) if isinstance(got, int | float | str) and str(got).isdigit() else np.nan

    return meta.map(year)


def assign_period(frame: pd.DataFrame, *, freq: str = "M") -> pd.Series:
    """Start of each document's period (naive UTC timestamps; NaT when the date is unknown).

    ``published`` gives the period (``freq``: ``"W"``, ``"M"``, ``"Q"``, ``"Y"``); a document
    without ``published`` falls back to the year in ``meta`` (yearly period).
    """
    if "published" in frame.columns:
        published = pd.to_datetime(frame["published"], utc=True, errors="coerce")
    else:
        published = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    if not isinstance(published.dtype, pd.DatetimeTZDtype):
        published = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    naive = published.dt.tz_convert("UTC").dt.tz_localize(None)
    period = naive.dt.to_period(freq).dt.start_time
    if "meta" in frame.columns and period.isna().any():
        years = _meta_year(frame["meta"])
        fallback = pd.to_datetime(
            years.astype("Int64").astype("string") + "-01-01", errors="coerce"
        )
        period = period.where(period.notna(), fallback)
    return period.rename("period")


def _bootstrap_means(theta: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    n = theta.shape[0]
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot) / n
    return weights @ theta


def prevalence(
    doc_topics: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str] = ("outlet",),
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Mean topic share per group with percentile bootstrap CIs over documents.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        From :func:`doc_topic_frame`.
    documents : pandas.DataFrame
        ``doc_id`` plus the grouping columns (e.g. ``outlet``, ``period``).
    by : sequence of str
        Grouping columns; rows with a missing group value are left out.
    n_boot : int
        Bootstrap replicates (0: no intervals).
    ci : float
        Confidence level.
    random_state : int
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        ``*by, topic, prevalence, ci_low, ci_high, n_docs``, sorted by groups then topic.
    """
    by = list(by)
    topic_cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    merged = doc_topics.merge(
        documents[["doc_id", *by]], on="doc_id", how="inner", validate="one_to_one"
    )
    merged = merged.dropna(subset=by)
    rng = np.random.default_rng(random_state)
    alpha = (1.0 - ci) / 2.0
    records = []
    for key, group in merged.groupby(by, sort=True):
        theta = group[topic_cols].to_numpy(dtype=np.float64)
        mean = theta.mean(axis=0)
        if n_boot > 0:
            boots = _bootstrap_means(theta, n_boot, rng)
            low, high = np.quantile(boots, [alpha, 1.0 - alpha], axis=0)
        else:
            low = high = np.full(mean.shape, np.nan)
        keys = key if isinstance(key, tuple) else (key,)
        for t in range(len(topic_cols)):
            records.append((*keys, t, mean[t], low[t], high[t], theta.shape[0]))
    return pd.DataFrame.from_records(
        records, columns=[*by, "topic", "prevalence", "ci_low", "ci_high", "n_docs"]
    )


def prevalence_shift(
    doc_topics: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    date: str = "2022-02-24",
    by: Sequence[str] = ("outlet",),
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Prevalence before and after a date per group, and the change with a bootstrap CI.

    Documents published before ``date`` (UTC) form "before", the others "after"; documents
    without a date are left out. Before and after are resampled independently.

    Returns
    -------
    pandas.DataFrame
        ``*by, topic, before, after, change, ci_low, ci_high, n_before, n_after``.
    """
    by = list(by)
    cut = pd.Timestamp(date, tz="UTC")
    topic_cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    docs = documents[["doc_id", "published", *by]].copy()
    docs["published"] = pd.to_datetime(docs["published"], utc=True, errors="coerce")
    merged = doc_topics.merge(docs, on="doc_id", how="inner", validate="one_to_one").dropna(
        subset=["published", *by]
    )
    rng = np.random.default_rng(random_state)
    alpha = (1.0 - ci) / 2.0
    records = []
    for key, group in merged.groupby(by, sort=True):
        after_mask = (group["published"] >= cut).to_numpy()
        pre = group.loc[~after_mask, topic_cols].to_numpy(dtype=np.float64)
        post = group.loc[after_mask, topic_cols].to_numpy(dtype=np.float64)
        if pre.shape[0] == 0 or post.shape[0] == 0:
            continue
        diff = post.mean(axis=0) - pre.mean(axis=0)
        boots = _bootstrap_means(post, n_boot, rng) - _bootstrap_means(pre, n_boot, rng)
        low, high = np.quantile(boots, [alpha, 1.0 - alpha], axis=0)
        keys = key if isinstance(key, tuple) else (key,)
        for t in range(len(topic_cols)):
            records.append(
                (
                    *keys,
                    t,
                    pre[:, t].mean(),
                    post[:, t].mean(),
                    diff[t],
                    low[t],
                    high[t],
                    pre.shape[0],
                    post.shape[0],
                )
            )
    columns = [
        *by,
        "topic",
        "before",
        "after",
        "change",
        "ci_low",
        "ci_high",
        "n_before",
        "n_after",
    ]
    return pd.DataFrame.from_records(records, columns=columns)
