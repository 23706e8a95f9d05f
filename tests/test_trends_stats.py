"""Intervals, gaps and smoothing of term trends: hand values, references and coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from secnews.analysis.lexicon import parse_terms
from secnews.analysis.trends.counts import DocumentCounts, TrendSettings, document_counts
from secnews.analysis.trends.intervals import (
    SmoothSettings,
    bootstrap_rate_ci,
    clopper_pearson,
    outlet_gap,
    poisson_rate_ci,
    smooth_series,
    trend_table,
)


def test_exact_poisson_interval_hand_values() -> None:
    low, high = poisson_rate_ci(np.array([0, 10]), np.array([1.0, 2.0]))
    # Garwood: k=0 -> [0, 3.68888]; k=10 -> [4.79539, 18.39036] (then divided by the exposure)
    assert low[0] == 0 and high[0] == pytest.approx(3.688879, abs=1e-5)
    assert low[1] == pytest.approx(4.795389 / 2, abs=1e-5)
    assert high[1] == pytest.approx(18.390356 / 2, abs=1e-5)


def test_clopper_pearson_matches_statsmodels() -> None:
    from statsmodels.stats.proportion import proportion_confint

    k = np.array([0, 3, 10, 7])
    n = np.array([10, 20, 10, 50])
    low, high = clopper_pearson(k, n, level=0.9)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.1, method="beta")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)
    assert low[0] == 0 and high[2] == 1 and high[0] == pytest.approx(1 - 0.05 ** (1 / 10))


def _simulated_counts(
    seed: int, *, n_series: int, n_docs: int, mu: float, shape: float | None
) -> DocumentCounts:
    """Documents of ``n_series`` periods: tokens ~ U{200..1999}; per-document rate ~ Gamma (mean
    ``mu``, shape ``shape``: a negative-binomial model) or exactly ``mu`` (Poisson) when
    ``shape`` is None; count ~ Poisson(rate * tokens)."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(200, 2000, size=(n_series, n_docs))
    rate = rng.gamma(shape, mu / shape, size=tokens.shape) if shape else np.full(tokens.shape, mu)
    counts = rng.poisson(rate * tokens)
    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i:06d}" for i in range(n_series * n_docs)],
            "outlet": "sim",
            "period": np.repeat(pd.date_range("2000-01-01", periods=n_series, freq="D"), n_docs),
            "tokens": tokens.reshape(-1),
            "x": counts.reshape(-1),
        }
    )
    return DocumentCounts(frame=frame, terms=("x",))


def test_bootstrap_intervals_cover_the_true_rate_about_95_percent() -> None:
    mu = 5e-4
    counts = _simulated_counts(20240224, n_series=400, n_docs=80, mu=mu, shape=2.0)
    table = trend_table(counts, settings=TrendSettings(freq="D", random_state=11))
    assert set(table["ci_method"]) == {"bootstrap"}
    covered = (table["ci_low"] <= mu * 1e4) & (table["ci_high"] >= mu * 1e4)
    assert 0.92 <= covered.mean() <= 0.98
    # the token-level Poisson interval ignores clustering in documents and covers less
    low, high = poisson_rate_ci(table["count"].to_numpy(), table["tokens"].to_numpy())
    poisson_covered = (low * 1e4 <= mu * 1e4) & (high * 1e4 >= mu * 1e4)
    assert poisson_covered.mean() < covered.mean() - 0.02


def test_exact_poisson_intervals_of_small_cells_cover_at_least_95_percent() -> None:
    mu = 2e-3
    counts = _simulated_counts(7, n_series=400, n_docs=5, mu=mu, shape=None)
    table = trend_table(counts, settings=TrendSettings(freq="D", random_state=3))
    assert set(table["ci_method"]) == {"poisson_exact"}
    covered = (table["ci_low"] <= mu * 1e4) & (table["ci_high"] >= mu * 1e4)
    assert 0.95 <= covered.mean() <= 0.995


def test_bca_interval_agrees_with_scipy_reference() -> None:
    rng = np.random.default_rng(5)
    tokens = rng.integers(300, 3000, size=60).astype(float)
    counts = rng.poisson(rng.gamma(1.5, 4e-3 / 1.5, size=60) * tokens).astype(float)

    def ratio(c: np.ndarray, t: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.sum(c, axis=axis) / np.sum(t, axis=axis)

    for method, ref_method in (("bca", "BCa"), ("percentile", "percentile")):
        low, high = bootstrap_rate_ci(
            counts, tokens, n_boot=20000, rng=np.random.default_rng(1), method=method
        )
        ref = stats.bootstrap(
            (counts, tokens),
            ratio,
            paired=True,
            vectorized=True,
            n_resamples=20000,
            method=ref_method,
            random_state=np.random.default_rng(2),
        ).confidence_interval
        assert float(low) == pytest.approx(ref.low, rel=0.03)
        assert float(high) == pytest.approx(ref.high, rel=0.03)


def test_bootstrap_is_seeded_and_per_cell() -> None:
    counts = _simulated_counts(3, n_series=5, n_docs=40, mu=1e-3, shape=1.0)
    settings = TrendSettings(freq="D", random_state=4)
    first = trend_table(counts, settings=settings)
    again = trend_table(counts, settings=settings)
    pd.testing.assert_frame_equal(first, again)
    other = trend_table(counts, settings=TrendSettings(freq="D", random_state=5))
    assert not np.allclose(first["ci_low"], other["ci_low"])
    # a cell's interval does not depend on the other cells computed with it
    subset = DocumentCounts(
        frame=counts.frame[counts.frame["period"] == "2000-01-03"], terms=("x",)
    )
    alone = trend_table(subset, settings=settings)
    row = first[first["period"] == "2000-01-03"]
    assert alone["ci_low"].iloc[0] == row["ci_low"].iloc[0]
    assert alone["ci_high"].iloc[0] == row["ci_high"].iloc[0]


def test_trend_table_uses_exact_intervals_for_small_cells_and_zero_counts() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "outlet": ["x", "x", "y"],
            "published": pd.to_datetime(["2022-01-03", "2022-01-04", "2022-01-05"], utc=True),
            "title": ["", "", ""],
            "text": ["war war peace", "war and more words here", "peace only"],
        }
    )
    counts = document_counts(frame, parse_terms("war"), settings=TrendSettings(freq="W"))
    table = trend_table(counts, settings=TrendSettings(freq="W")).set_index("outlet")
    x = table.loc["x"]
    assert (x["count"], x["tokens"], x["docs"], x["docs_with_term"]) == (3, 8, 2, 2)
    assert x["ci_method"] == "poisson_exact"
    assert x["ci_low"] == pytest.approx(1e4 * stats.chi2.ppf(0.025, 6) / 2 / 8)
    assert x["ci_high"] == pytest.approx(1e4 * stats.chi2.ppf(0.975, 8) / 2 / 8)
    assert (x["doc_share_low"], x["doc_share_high"]) == pytest.approx((0.025 ** (1 / 2), 1.0))
    y = table.loc["y"]
    assert y["count"] == 0 and y["ci_low"] == 0
    assert y["ci_high"] == pytest.approx(1e4 * 3.688879 / 2, rel=1e-5)


def test_outlet_gap_by_hand_and_reference() -> None:
    a = _simulated_counts(1, n_series=3, n_docs=40, mu=2e-3, shape=2.0).frame
    b = _simulated_counts(2, n_series=3, n_docs=40, mu=1e-3, shape=2.0).frame
    b = b.assign(outlet="other", doc_id="b" + b["doc_id"])
    counts = DocumentCounts(frame=pd.concat([a, b], ignore_index=True), terms=("x",))
    settings = TrendSettings(freq="D", random_state=9, n_boot=4000)
    gap = outlet_gap(counts, term="x", outlet_a="sim", outlet_b="other", settings=settings)
    assert len(gap) == 3 and set(gap["ci_method"]) == {"bootstrap"}
    for row in gap.itertuples():
        pa = a[a["period"] == row.period]
        pb = b[b["period"] == row.period]
        rate_a = 1e4 * pa["x"].sum() / pa["tokens"].sum()
        rate_b = 1e4 * pb["x"].sum() / pb["tokens"].sum()
        assert row.rate_a == pytest.approx(rate_a) and row.rate_b == pytest.approx(rate_b)
        assert row.gap == pytest.approx(rate_a - rate_b)
        assert row.gap_low < row.gap < row.gap_high
        # reference: independent percentile bootstraps of the two outlets
        rng = np.random.default_rng(0)
        ia = rng.integers(0, len(pa), size=(4000, len(pa)))
        ib = rng.integers(0, len(pb), size=(4000, len(pb)))
        ref = 1e4 * (
            pa["x"].to_numpy()[ia].sum(1) / pa["tokens"].to_numpy()[ia].sum(1)
            - pb["x"].to_numpy()[ib].sum(1) / pb["tokens"].to_numpy()[ib].sum(1)
        )
        ref_low, ref_high = np.quantile(ref, [0.025, 0.975])
        width = ref_high - ref_low
        assert abs(row.gap_low - ref_low) < 0.08 * width
        assert abs(row.gap_high - ref_high) < 0.08 * width
    with pytest.raises(KeyError, match="unknown outlet"):
        outlet_gap(counts, term="x", outlet_a="sim", outlet_b="nope", settings=settings)
    with pytest.raises(KeyError, match="unknown series"):
        outlet_gap(counts, term="y", outlet_a="sim", outlet_b="other", settings=settings)


def test_smoothing_keeps_the_raw_series() -> None:
    periods = pd.date_range("2020-01-01", periods=7, freq="YS")
    table = pd.DataFrame(
        {
            "term": "t",
            "outlet": "o",
            "period": periods,
            "rate_per_10k": [1.0, 3.0, 2.0, 6.0, 4.0, np.nan, 5.0],
        }
    )
    rolled = smooth_series(table, settings=SmoothSettings(method="rolling", window=3))
    assert rolled["rate_per_10k"].tolist() == [1.0, 3.0, 2.0, 6.0, 4.0, 5.0]
    assert rolled["rate_smooth"].tolist() == pytest.approx([2.0, 2.0, 11 / 3, 4.0, 5.0, 4.5])
    line = table.assign(rate_per_10k=np.arange(7, dtype=float) * 2 + 1)
    smooth = smooth_series(line, settings=SmoothSettings(method="lowess", frac=0.6))
    np.testing.assert_allclose(smooth["rate_smooth"], smooth["rate_per_10k"], rtol=1e-3)
    with pytest.raises(ValueError, match="method"):
        SmoothSettings(method="spline")


def test_outlet_gap_of_small_or_empty_cells_is_a_bonferroni_combination() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "b1"],
            "outlet": ["a", "a", "b"],
            "period": pd.to_datetime(["2022-01-03"] * 3),
            "tokens": [400, 600, 500],
            "x": [3, 1, 0],
        }
    )
    counts = DocumentCounts(frame=frame, terms=("x",))
    gap = outlet_gap(counts, term="x", outlet_a="a", outlet_b="b", settings=TrendSettings(freq="W"))
    row = gap.iloc[0]
    assert row["ci_method"] == "bonferroni"
    assert row["gap"] == pytest.approx(1e4 * 4 / 1000)
    # each side at 97.5%: exact Poisson for 4 in 1000 tokens and 0 in 500 tokens
    low_a = stats.chi2.ppf(0.0125, 8) / 2 / 1000 * 1e4
    high_a = stats.chi2.ppf(0.9875, 10) / 2 / 1000 * 1e4
    high_b = stats.chi2.ppf(0.9875, 2) / 2 / 500 * 1e4
    assert row["gap_low"] == pytest.approx(low_a - high_b)
    assert row["gap_high"] == pytest.approx(high_a - 0.0)
