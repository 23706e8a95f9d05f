"""Corpus summary, MATTR, frequencies, Zipf fits and figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from matplotlib.figure import Figure

from secnews.analysis.plots.stats import plot_frequencies, plot_keyness, plot_summary, plot_zipf
from secnews.analysis.stats.descriptive import (
    corpus_summary,
    document_tokens,
    fit_zipf,
    mattr,
    period_labels,
    source_counts,
    term_frequencies,
    zipf_table,
)


def _mattr_brute(tokens: list[str], window: int) -> float:
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    values = [len(set(tokens[i : i + window])) / window for i in range(len(tokens) - window + 1)]
    return sum(values) / len(values)


def test_mattr_by_hand() -> None:
    # windows of 3: [a b a] 2/3, [b a c] 1, [a c b] 1, [c b a] 1
    assert mattr(["a", "b", "a", "c", "b", "a"], window=3) == pytest.approx((2 / 3 + 3) / 4)
    assert mattr(["a", "a", "a", "a"], window=2) == pytest.approx(0.5)
    assert mattr(["a", "b"], window=5) == pytest.approx(1.0)  # shorter than the window: TTR
    assert math.isnan(mattr([], window=5))
    rng = np.random.default_rng(3)
    tokens = [f"w{i}" for i in rng.zipf(1.5, size=3000) % 400]
    for window in (1, 7, 50, 500):
        assert mattr(tokens, window=window) == pytest.approx(
            _mattr_brute(tokens, window), rel=1e-12
        )


def test_zipf_fits_on_known_exponents() -> None:
    ranks = np.arange(1, 2001)
    exact = 1e6 * ranks**-1.2
    ols = fit_zipf(exact, method="ols")
    assert ols.exponent == pytest.approx(1.2, rel=1e-9) and ols.r_squared == pytest.approx(1.0)
    assert ols.constant == pytest.approx(1e6, rel=1e-6)
    # a sample of 400,000 tokens from a Zipf law with s = 1.1 over 5,000 types
    rng = np.random.default_rng(42)
    probs = np.arange(1, 5001) ** -1.1
    sample = rng.choice(5000, size=400_000, p=probs / probs.sum())
    counts = np.bincount(sample)
    mle = fit_zipf(counts, method="mle")
    assert mle.exponent == pytest.approx(1.1, abs=0.02)
    with pytest.raises(ValueError):
        fit_zipf([5], method="mle")


def test_period_labels() -> None:
    frame = pd.DataFrame(
        {
            "published": pd.to_datetime(
                pd.Series(["2022-02-24T03:00:00Z", None, "2021-11-30T23:59:00Z"]), utc=True
            ),
            "meta": ["{}", '{"year": 1991}', "{}"],
        }
    )
    assert period_labels(frame, "month").tolist() == ["2022-02", "unknown", "2021-11"]
    assert period_labels(frame, "quarter").tolist() == ["2022Q1", "unknown", "2021Q4"]
    assert period_labels(frame, "year").tolist() == ["2022", "1991", "2021"]


def test_summary_on_press(press_frame: pd.DataFrame) -> None:
    tokens = document_tokens(press_frame)
    summary = corpus_summary(press_frame, tokens=tokens).set_index("group")
    assert summary.loc["kremlin.ru", "documents"] == 816
    assert summary.loc["president.gov.ua", "documents"] == 980
    assert summary.loc["all", "tokens"] == sum(len(t) for t in tokens)
    assert (
        summary.loc["all", "tokens"]
        == summary.loc["kremlin.ru", "tokens"] + summary.loc["president.gov.ua", "tokens"]
    )
    kyiv = [
        t for t, o in zip(tokens, press_frame["outlet"], strict=True) if o == "president.gov.ua"
    ]
    assert summary.loc["president.gov.ua", "median_tokens"] == np.median([len(t) for t in kyiv])
    stream = [w for t in kyiv for w in t]
    assert summary.loc["president.gov.ua", "types"] == len(set(stream))
    assert summary.loc["president.gov.ua", "mattr"] == pytest.approx(mattr(stream, window=500))
    by_period = corpus_summary(press_frame, by="period", period="quarter", tokens=tokens)
    assert by_period["documents"].iloc[:-1].sum() == len(press_frame)
    assert set(by_period["group"]) >= {"2021Q4", "2022Q1", "2022Q2", "all"}
    fig = plot_summary(summary.reset_index())
    bars = {
        t.get_text(): p.get_height()
        for t, p in zip(fig.axes[0].get_xticklabels(), fig.axes[0].patches, strict=True)
    }
    assert "all" not in bars
    assert bars["president.gov.ua"] == summary.loc["president.gov.ua", "tokens"]


def test_source_counts_from_manifest() -> None:
    manifest = {"counts": [{"source": "a.csv", "in": 5, "kept": 3, "duplicates": 1, "rejected": 1}]}
    table = source_counts(manifest)
    assert table.to_dict("records") == manifest["counts"]


def test_term_frequencies_by_hand() -> None:
    matrix = sp.csr_matrix(np.array([[2, 0, 1], [1, 1, 0], [0, 3, 0]]))
    table = term_frequencies(matrix, ["nato", "war", "kyiv"])
    assert table.to_dict("list") == {
        "term": ["war", "nato", "kyiv"],
        "count": [4, 3, 1],
        "docs": [2, 2, 1],
        "per_10k": pytest.approx([4 / 8 * 1e4, 3 / 8 * 1e4, 1 / 8 * 1e4]),
        "doc_share": pytest.approx([2 / 3, 2 / 3, 1 / 3]),
        "rank": [1, 2, 3],
    }
    grouped = term_frequencies(matrix, ["nato", "war", "kyiv"], groups=["x", "x", "y"])
    assert grouped[grouped["group"] == "y"][["term", "count"]].values.tolist() == [["war", 3]]
    ztable = zipf_table(table)
    assert ztable["rank"].tolist() == [1, 2, 3]
    fit = fit_zipf(ztable["count"], method="ols")
    zipf_fig = plot_zipf(ztable, fit)
    observed, fitted = zipf_fig.axes[0].get_lines()
    assert observed.get_ydata().tolist() == [4, 3, 1]
    assert fitted.get_ydata() == pytest.approx(
        fit.constant * np.array([1.0, 2.0, 3.0]) ** -fit.exponent
    )
    assert f"s = {fit.exponent:.3f}" in fitted.get_label()
    bars = plot_frequencies(table, n=2).axes[0].patches
    assert [b.get_width() for b in bars] == pytest.approx([3 / 8 * 1e4, 4 / 8 * 1e4])


def test_plot_keyness_returns_figure() -> None:
    table = pd.DataFrame(
        {
            "term": ["a", "b", "c"],
            "g2": [10.0, 2.0, -5.0],
            "log_ratio": [2.0, 0.5, -1.0],
            "log_ratio_low": [1.5, 0.1, -1.4],
            "log_ratio_high": [2.5, 0.9, -0.6],
        }
    )
    fig = plot_keyness(table, n=2, labels=("kremlin.ru", "president.gov.ua"))
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["c", "b", "a"]


def test_mattr_full_window_when_stream_is_exactly_one_window() -> None:
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["x", "y"], "outlet": ["o", "o"]})
    exact = corpus_summary(frame, tokens=[["a", "b", "c"], ["a", "d"]], window=5, by="all")
    assert exact["mattr_full_window"].tolist() == [True]
    assert exact["mattr"].iloc[0] == pytest.approx(4 / 5)
    short = corpus_summary(frame, tokens=[["a", "b", "c"], ["a", "d"]], window=6, by="all")
    assert short["mattr_full_window"].tolist() == [False]


def test_period_labels_tolerates_bad_meta() -> None:
    frame = pd.DataFrame(
        {
            "published": pd.Series([None, None, None, None], dtype="datetime64[ns, UTC]"),
            "meta": ["{not json", '{"year": 1991}', "[1, 2]", '{"year": "n/a"}'],
        }
    )
    assert period_labels(frame, "year").tolist() == ["unknown", "1991", "unknown", "unknown"]
