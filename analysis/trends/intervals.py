"""Confidence intervals, outlet gaps and smoothing for term trends.

Which interval, when (every row of a trend table names its method in ``ci_method``)
-----------------------------------------------------------------------------------
- **Rate per 10,000 tokens** (``ci_low``, ``ci_high``): a **bootstrap over documents**
  (``"bootstrap"``). Words cluster in documents (one speech about terrorism says "terrorism"
  twenty times), so treating tokens as independent Poisson draws gives intervals that are far
  too narrow; resampling whole documents keeps that clustering. Within a cell (group x period)
  the documents are resampled with replacement ``n_boot`` times and the rate of each replicate is
  ``sum(count) / sum(tokens)`` (a ratio estimator); the same resampled documents serve every
  series of the cell. The interval is the BCa interval (bias-corrected and accelerated, Efron
  1987; the acceleration comes from the closed-form jackknife of the ratio), or the plain
  percentile interval with ``bootstrap_method="percentile"``. In simulations of an
  overdispersed (negative-binomial) document model the BCa interval covers the true rate about
  93-95% of the time with 30-100 documents per cell, where the exact Poisson interval covers
  about 90% (see ``tests/test_trends_stats.py``).
  The bootstrap is replaced by the **exact (Garwood) Poisson interval** for the count with the
  cell's tokens as exposure (``"poisson_exact"``) when the cell has fewer than
  ``min_docs_bootstrap`` documents (a bootstrap of one or a few documents is degenerate; the UN
  corpus by country has one speech per cell) or when the count is 0 (a percentile bootstrap of an
  observed zero is the point [0, 0], which cannot be right). The Poisson interval ignores
  clustering and is therefore too narrow when a term is concentrated in few documents: read it
  as a lower bound on the uncertainty.
- **Share of documents** (``doc_share_low``, ``doc_share_high``): the **exact Clopper-Pearson**
  binomial interval for ``docs_with_term`` out of ``docs`` (documents are the sampling units, so
  no clustering issue arises).
- **Gap between two outlets** (:func:`outlet_gap`): percentile bootstrap of the difference of
  rates, documents resampled independently within each outlet's cell (``"bootstrap"``). When a
  side cannot be bootstrapped (fewer than ``min_docs_bootstrap`` documents, or no occurrence),
  the interval is the Bonferroni combination (``"bonferroni"``) of the two sides' intervals at
  level ``1 - alpha/2`` each (bootstrap percentile or exact Poisson):
  ``[low_a - high_b, high_a - low_b]``, which covers with probability at least ``1 - alpha``.

Random numbers: every cell draws from ``numpy.random.default_rng([random_state, crc32(key)])``
where ``key`` names the cell (group and period), so a cell's interval does not depend on which
other cells or series were computed with it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from secnews.analysis.trends.counts import DocumentCounts, TrendSettings, aggregate_counts

__all__ = [
    "SmoothSettings",
    "bootstrap_rate_ci",
    "clopper_pearson",
    "outlet_gap",
    "poisson_rate_ci",
    "smooth_series",
    "trend_table",
]

#: Columns of the table written to ``trends.csv``.
TREND_COLUMNS: tuple[str, ...] = (
    "term",
    "outlet",
    "period",
    "count",
    "tokens",
    "docs",
    "rate_per_10k",
    "ci_low",
    "ci_high",
    "ci_method",
    "docs_with_term",
    "doc_share",
    "doc_share_low",
    "doc_share_high",
)


def poisson_rate_ci(
    count: np.ndarray | int, exposure: np.ndarray | float, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson rate ``count / exposure``.

    Parameters
    ----------
    count
        Observed counts (non-negative integers).
    exposure
        Exposure of each count (tokens); must be positive.
    level
        Confidence level.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds of the rate per unit of exposure. The lower bound is 0 when the
        count is 0.
    """
    k = np.asarray(count, dtype=float)
    e = np.asarray(exposure, dtype=float)
    alpha = 1 - level
    lower = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return lower / e, upper / e


def clopper_pearson(
    successes: np.ndarray | int, trials: np.ndarray | int, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Clopper-Pearson interval for a binomial proportion.

    Parameters
    ----------
    successes, trials
        Observed successes and trials (``trials`` > 0).
    level
        Confidence level.

    Returns
    -------
    tuple of numpy.ndarray
        Lower bound (0 when no success) and upper bound (1 when all succeed).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return lower, upper


def _replicate_weights(n_docs: int, *, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap weights: how often each document is drawn in each replicate (``n_boot x n``)."""
    return rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=n_boot).astype(float)


def _bca_levels(
    replicates: np.ndarray, estimate: np.ndarray, jackknife: np.ndarray, *, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Quantile levels of the BCa interval (Efron 1987), one pair per series (column)."""
    alpha = 1 - level
    valid = ~np.isnan(replicates)
    n_valid = valid.sum(axis=0)
    below = (replicates < estimate).sum(axis=0) + 0.5 * (replicates == estimate).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z0 = stats.norm.ppf(below / n_valid)
        centred = jackknife.mean(axis=0) - jackknife
        num = (centred**3).sum(axis=0)
        den = 6.0 * (centred**2).sum(axis=0) ** 1.5
        accel = np.where(den > 0, num / den, 0.0)
        levels = []
        for z_alpha in (stats.norm.ppf(alpha / 2), stats.norm.ppf(1 - alpha / 2)):
            shifted = z0 + z_alpha
            levels.append(stats.norm.cdf(z0 + shifted / (1 - accel * shifted)))
    low, high = levels
    # degenerate bias correction (every replicate on one side): the percentile levels
    bad = ~np.isfinite(z0) | ~np.isfinite(low) | ~np.isfinite(high)
    low = np.where(bad, alpha / 2, low)
    high = np.where(bad, 1 - alpha / 2, high)
    return low, high


def _column_quantiles(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """``numpy.nanquantile(values[:, j], levels[j])`` (linear method) for every column ``j``."""
    ordered = np.sort(values, axis=0)  # NaN sorts last
    n_valid = (~np.isnan(values)).sum(axis=0)
    position = np.clip(levels, 0, 1) * np.maximum(n_valid - 1, 0)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(n_valid - 1, 0))
    columns = np.arange(values.shape[1])
    lower, upper = ordered[below, columns], ordered[above, columns]
    out = lower + (position - below) * (upper - lower)
    return np.where(n_valid > 0, out, np.nan)


def bootstrap_rate_ci(
    counts: np.ndarray,
    tokens: np.ndarray,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    rng: np.random.Generator,
    method: str = "bca",
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap interval of ``sum(counts) / sum(tokens)``, resampling documents.

    Parameters
    ----------
    counts
        ``(n_docs,)`` or ``(n_docs, n_series)`` matches per document.
    tokens
        ``(n_docs,)`` tokens per document.
    n_boot
        Replicates.
    level
        Confidence level.
    rng
        Random generator (one draw of documents serves every series).
    method
        ``"bca"`` (bias-corrected and accelerated, the acceleration from the jackknife of the
        ratio; the default) or ``"percentile"``.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds of the rate per token, one per series (0-d arrays for a 1-D
        ``counts``).
    """
    if method not in {"bca", "percentile"}:
        raise ValueError(f"method must be 'bca' or 'percentile', got {method!r}")
    c = np.asarray(counts, dtype=float)
    one = c.ndim == 1
    if one:
        c = c[:, None]
    t = np.asarray(tokens, dtype=float)
    w = _replicate_weights(len(c), n_boot=n_boot, rng=rng)
    denominators = w @ t
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = (w @ c) / denominators[:, None]
    alpha = 1 - level
    if method == "percentile" or len(c) < 3:
        low, high = np.nanquantile(rates, [alpha / 2, 1 - alpha / 2], axis=0)
    else:
        estimate = c.sum(axis=0) / t.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            jackknife = (c.sum(axis=0) - c) / (t.sum() - t)[:, None]
        jackknife = np.where(np.isfinite(jackknife), jackknife, estimate)
        level_low, level_high = _bca_levels(rates, estimate, jackknife, level=level)
        low = _column_quantiles(rates, level_low)
        high = _column_quantiles(rates, level_high)
    return (low[0], high[0]) if one else (low, high)


def _cells(frame: pd.DataFrame) -> dict[tuple[str, pd.Timestamp], np.ndarray]:
    """Row positions of every (outlet, period) cell."""
    indices = frame.groupby(["outlet", "period"], sort=True, observed=True).indices
    out: dict[tuple[str, pd.Timestamp], np.ndarray] = {}
    for key, rows in indices.items():
        pair: tuple[Any, Any] = key  # type: ignore[assignment]
        out[(str(pair[0]), pd.Timestamp(pair[1]))] = np.asarray(rows)
    return out


def _cell_rng(random_state: int, *key: object) -> np.random.Generator:
    digest = zlib.crc32("\x1f".join(str(k) for k in key).encode("utf-8"))
    return np.random.default_rng([random_state, digest])


def trend_table(counts: DocumentCounts, *, settings: TrendSettings) -> pd.DataFrame:
    """Counts, rates and their intervals per series, group and period.

    Parameters
    ----------
    counts
        Output of :func:`secnews.analysis.trends.counts.document_counts`.
    settings
        ``ci_level``, ``n_boot``, ``min_docs_bootstrap`` and ``random_state`` are used.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TREND_COLUMNS`; ``rate_per_10k``, ``ci_low`` and ``ci_high`` are per
        10,000 tokens, the ``doc_share*`` columns are proportions. Raw counts are always kept.
    """
    table = aggregate_counts(counts)
    terms = list(counts.terms)
    n_cells = len(table) // len(terms) if terms else 0
    ci_low = np.full((len(terms), n_cells), np.nan)
    ci_high = np.full((len(terms), n_cells), np.nan)
    method = np.full((len(terms), n_cells), "poisson_exact", dtype=object)
    frame = counts.frame
    matrix = frame[terms].to_numpy(dtype=float)
    tokens = frame["tokens"].to_numpy(dtype=float)
    cells = _cells(frame)
    for index, (key, rows) in enumerate(sorted(cells.items())):
        if len(rows) < settings.min_docs_bootstrap or tokens[rows].sum() <= 0:
            continue
        rng = _cell_rng(settings.random_state, key[0], pd.Timestamp(key[1]).date().isoformat())
        low, high = bootstrap_rate_ci(
            matrix[rows],
            tokens[rows],
            n_boot=settings.n_boot,
            level=settings.ci_level,
            rng=rng,
            method=settings.bootstrap_method,
        )
        nonzero = matrix[rows].sum(axis=0) > 0
        ci_low[nonzero, index] = low[nonzero] * 1e4
        ci_high[nonzero, index] = high[nonzero] * 1e4
        method[nonzero, index] = "bootstrap"
    table["ci_low"] = ci_low.reshape(-1)
    table["ci_high"] = ci_high.reshape(-1)
    table["ci_method"] = pd.array(method.reshape(-1), dtype="str")
    exact = (table["ci_method"] == "poisson_exact") & (table["tokens"] > 0)
    low, high = poisson_rate_ci(
        table.loc[exact, "count"].to_numpy(),
        table.loc[exact, "tokens"].to_numpy(),
        level=settings.ci_level,
    )
    table.loc[exact, "ci_low"] = low * 1e4
    table.loc[exact, "ci_high"] = high * 1e4
    share_low, share_high = clopper_pearson(
        table["docs_with_term"].to_numpy(), table["docs"].to_numpy(), level=settings.ci_level
    )
    table["doc_share_low"] = share_low
    table["doc_share_high"] = share_high
    return table[list(TREND_COLUMNS)]


def _side(
    counts: np.ndarray, tokens: np.ndarray, *, settings: TrendSettings, key: tuple[str, str]
) -> tuple[np.ndarray | None, float, float]:
    """Replicate rates of one outlet's cell (None when it must use the exact interval), and its
    exact Poisson interval at level ``1 - alpha / 2`` (per 10k tokens)."""
    level = 1 - (1 - settings.ci_level) / 2
    low, high = poisson_rate_ci(int(counts.sum()), float(tokens.sum()), level=level)
    if len(counts) < settings.min_docs_bootstrap or counts.sum() == 0:
        return None, float(low) * 1e4, float(high) * 1e4
    rng = _cell_rng(settings.random_state, "gap", *key)
    w = _replicate_weights(len(counts), n_boot=settings.n_boot, rng=rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1e4 * (w @ counts) / (w @ tokens), float(low) * 1e4, float(high) * 1e4


def _gap_interval(
    side_a: tuple[np.ndarray | None, float, float],
    side_b: tuple[np.ndarray | None, float, float],
    *,
    level: float,
) -> tuple[float, float, str]:
    rep_a, low_a, high_a = side_a
    rep_b, low_b, high_b = side_b
    alpha = 1 - level
    if rep_a is not None and rep_b is not None:
        low, high = np.nanquantile(rep_a - rep_b, [alpha / 2, 1 - alpha / 2])
        return float(low), float(high), "bootstrap"
    # Bonferroni: each side at level 1 - alpha/2 (bootstrap percentile or exact Poisson)
    if rep_a is not None:
        low_a, high_a = (float(v) for v in np.nanquantile(rep_a, [alpha / 4, 1 - alpha / 4]))
    if rep_b is not None:
        low_b, high_b = (float(v) for v in np.nanquantile(rep_b, [alpha / 4, 1 - alpha / 4]))
    return low_a - high_b, high_a - low_b, "bonferroni"


def outlet_gap(
    counts: DocumentCounts,
    *,
    term: str,
    outlet_a: str,
    outlet_b: str,
    settings: TrendSettings,
) -> pd.DataFrame:
    """The gap between two outlets' rates of one series, per period, with a bootstrap interval.

    Parameters
    ----------
    counts
        Per-document counts (grouped by outlet).
    term
        The series.
    outlet_a, outlet_b
        The gap is ``rate(a) - rate(b)`` per 10,000 tokens.
    settings
        ``n_boot``, ``ci_level``, ``min_docs_bootstrap`` and ``random_state`` are used.

    Returns
    -------
    pandas.DataFrame
        ``term, outlet_a, outlet_b, period, rate_a, rate_b, gap, gap_low, gap_high, ci_method``
        for every period in which both outlets have documents with tokens.
    """
    if term not in counts.terms:
        raise KeyError(f"unknown series {term!r}; counted: {list(counts.terms)}")
    frame = counts.frame
    known = set(frame["outlet"].unique())
    for outlet in (outlet_a, outlet_b):
        if outlet not in known:
            raise KeyError(f"unknown outlet {outlet!r}; present: {sorted(known)}")
    cells = _cells(frame)
    periods = sorted(
        {p for (o, p) in cells if o == outlet_a} & {p for (o, p) in cells if o == outlet_b}
    )
    rows = []
    values = frame[term].to_numpy(dtype=float)
    tokens = frame["tokens"].to_numpy(dtype=float)
    for period in periods:
        index_a, index_b = cells[(outlet_a, period)], cells[(outlet_b, period)]
        if tokens[index_a].sum() <= 0 or tokens[index_b].sum() <= 0:
            continue
        label = pd.Timestamp(period).date().isoformat()
        side_a = _side(values[index_a], tokens[index_a], settings=settings, key=(outlet_a, label))
        side_b = _side(values[index_b], tokens[index_b], settings=settings, key=(outlet_b, label))
        rate_a = 1e4 * values[index_a].sum() / tokens[index_a].sum()
        rate_b = 1e4 * values[index_b].sum() / tokens[index_b].sum()
        low, high, how = _gap_interval(side_a, side_b, level=settings.ci_level)
        rows.append(
            (term, outlet_a, outlet_b, period, rate_a, rate_b, rate_a - rate_b, low, high, how)
        )
    columns = [
        "term",
        "outlet_a",
        "outlet_b",
        "period",
        "rate_a",
        "rate_b",
        "gap",
        "gap_low",
        "gap_high",
    ]
    out = pd.DataFrame(rows, columns=[*columns, "ci_method"])
    out["period"] = pd.to_datetime(out["period"])
    return out


@dataclass(frozen=True, slots=True)
class SmoothSettings:
    """How the smoothed line is computed (it is drawn beside the raw series, never instead).

    Attributes
    ----------
    method
        ``"lowess"`` (statsmodels, on the period's ordinal day) or ``"rolling"`` (centered
        rolling mean over ``window`` periods, partial windows at the ends).
    frac
        LOWESS span (share of the points used for each local fit).
    window
        Rolling window in periods.
    """

    method: str = "lowess"
    frac: float = 0.3
    window: int = 5

    def __post_init__(self) -> None:
        if self.method not in {"lowess", "rolling"}:
            raise ValueError(f"method must be 'lowess' or 'rolling', got {self.method!r}")
        if not 0 < self.frac <= 1:
            raise ValueError("frac must be in (0, 1]")
        if self.window < 1:
            raise ValueError("window must be at least 1")


def smooth_series(table: pd.DataFrame, *, settings: SmoothSettings | None = None) -> pd.DataFrame:
    """Smooth each (term, outlet) rate series.

    Parameters
    ----------
    table
        A trend table (``term, outlet, period, rate_per_10k``).
    settings
        Smoothing settings (default :class:`SmoothSettings`).

    Returns
    -------
    pandas.DataFrame
        ``term, outlet, period, rate_per_10k, rate_smooth``: the raw rate is kept next to the
        smoothed one. Periods with an undefined rate are left out.
    """
    settings = settings or SmoothSettings()
    parts = []
    data = table.loc[table["rate_per_10k"].notna(), ["term", "outlet", "period", "rate_per_10k"]]
    for _, series in data.groupby(["term", "outlet"], sort=False):
        series = series.sort_values("period")
        y = series["rate_per_10k"].to_numpy(dtype=float)
        if settings.method == "rolling":
            smooth = (
                pd.Series(y).rolling(settings.window, center=True, min_periods=1).mean().to_numpy()
            )
        elif len(y) < 3:
            smooth = y.copy()
        else:
            from statsmodels.nonparametric.smoothers_lowess import lowess

            x = (series["period"] - pd.Timestamp("1900-01-01")).dt.days.to_numpy(dtype=float)
            smooth = lowess(y, x, frac=settings.frac, it=0, return_sorted=False)
        parts.append(series.assign(rate_smooth=smooth))
    columns = ["term", "outlet", "period", "rate_per_10k", "rate_smooth"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
