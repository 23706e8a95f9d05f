"""Change points (PELT) and Kleinberg bursts: synthetic streams with known answers, then the real
Kremlin/Kyiv press releases (weekly) and the UN General Debate corpus (yearly)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.lexicon import parse_terms
from secnews.analysis.trends.changepoints import (
    ChangepointSettings,
    detect_changepoints,
    kleinberg_bursts,
    pelt_changepoints,
    pelt_penalty,
    robust_sigma,
)
from secnews.analysis.trends.counts import TrendSettings, document_counts
from secnews.analysis.trends.intervals import trend_table
from secnews.corpus.loaders.folder import load_folder
from secnews.corpus.record import iter_articles

INVASION = pd.Timestamp("2022-02-24")


def test_kleinberg_finds_a_known_burst_in_a_synthetic_stream() -> None:
    rng = np.random.default_rng(2002)
    total = rng.integers(80, 120, size=60)
    p = np.full(60, 0.04)
    p[25:35] = 0.25
    relevant = rng.binomial(total, p)
    bursts = kleinberg_bursts(relevant, total, s=2.0, gamma=1.0)
    assert len(bursts) == 1
    first, last, weight = bursts[0]
    assert abs(first - 25) <= 1 and abs(last - 34) <= 1 and weight > 0


def test_kleinberg_by_brute_force_on_a_short_stream() -> None:
    """The Viterbi path must be the cheapest of all 2**n state sequences."""
    from itertools import product

    from scipy.special import gammaln

    relevant = np.array([1, 0, 6, 7, 1, 0, 5, 1])
    total = np.array([10, 10, 10, 10, 10, 10, 10, 10])
    s, gamma = 3.0, 0.5
    p0 = relevant.sum() / total.sum()
    probs = (p0, min(s * p0, 0.9999))

    def cost(states: tuple[int, ...]) -> float:
        value, previous = 0.0, 0
        for t, state in enumerate(states):
            p = probs[state]
            log_choose = gammaln(11) - gammaln(relevant[t] + 1) - gammaln(11 - relevant[t])
            value -= log_choose + relevant[t] * np.log(p) + (10 - relevant[t]) * np.log1p(-p)
            if state > previous:
                value += gamma * np.log(len(states))
            previous = state
        return value

    best = min(product((0, 1), repeat=8), key=cost)
    bursts = kleinberg_bursts(relevant, total, s=s, gamma=gamma)
    states = [0] * 8
    for first, last, _ in bursts:
        states[first : last + 1] = [1] * (last - first + 1)
    assert tuple(states) == best
    assert kleinberg_bursts(np.zeros(5), np.full(5, 10)) == []
    with pytest.raises(ValueError, match="relevant <= total"):
        kleinberg_bursts(np.array([3]), np.array([2]))


def test_pelt_penalty_rule_and_a_known_step() -> None:
    rng = np.random.default_rng(0)
    signal = np.concatenate([rng.normal(1.0, 0.2, 40), rng.normal(3.0, 0.2, 30)])
    diffs = np.diff(signal)
    sigma = 1.4826 * np.median(np.abs(diffs - np.median(diffs))) / np.sqrt(2)
    assert robust_sigma(signal) == pytest.approx(sigma)
    assert pelt_penalty(signal, c=2.0) == pytest.approx(2.0 * sigma**2 * np.log(70))
    assert pelt_changepoints(signal) == [40]
    assert pelt_changepoints(np.full(30, 2.0)) == []
    # zero-to-zero differences are left out, then the MAD of [5, 0 x 9] is 0: std / sqrt(2)
    zeros = np.concatenate([np.zeros(20), np.full(10, 5.0)])
    assert robust_sigma(zeros) == pytest.approx(np.std([5.0] + [0.0] * 9) / np.sqrt(2))
    assert robust_sigma(np.zeros(10)) == 0.0
    assert pelt_changepoints(zeros) == [20]


def test_detect_changepoints_table() -> None:
    periods = pd.date_range("2020-01-06", periods=30, freq="W-MON")
    rate = np.where(np.arange(30) < 18, 1.0, 9.0) + np.tile([0.1, -0.1, 0.05], 10)
    table = pd.DataFrame(
        {
            "term": "t",
            "outlet": "o",
            "period": periods,
            "tokens": 10000,
            "docs": 50,
            "docs_with_term": np.where(np.arange(30) < 18, 2, 30),
            "rate_per_10k": rate,
        }
    )
    found = detect_changepoints(table, settings=ChangepointSettings())
    pelt = found[found["method"] == "pelt"]
    assert pelt["date"].tolist() == [periods[18]]
    assert pelt["level_before"].iloc[0] == pytest.approx(rate[:18].mean())
    assert pelt["level_after"].iloc[0] == pytest.approx(rate[18:].mean())
    burst = found[found["method"] == "kleinberg"]
    assert burst["date"].tolist() == [periods[18]] and burst["end_date"].tolist() == [periods[29]]
    assert list(found.columns) == [
        "term", "outlet", "date", "method", "end_date", "level_before", "level_after", "weight",
    ]  # fmt: skip


@pytest.fixture(scope="module", params=["W", "D"])
def press_changes(
    request: pytest.FixtureRequest, press_frame: pd.DataFrame
) -> tuple[str, pd.DataFrame]:
    settings = TrendSettings(freq=request.param, by="outlet", n_boot=200)
    counts = document_counts(
        press_frame, parse_terms("special military operation,invasion,war"), settings=settings
    )
    return request.param, detect_changepoints(trend_table(counts, settings=settings))


def _near_invasion(
    changes: pd.DataFrame, term: str, outlet: str, method: str
) -> list[pd.Timestamp]:
    rows = changes[
        (changes["term"] == term) & (changes["outlet"] == outlet) & (changes["method"] == method)
    ]
    return [d for d in rows["date"] if abs((d - INVASION).days) <= 7]


def test_change_points_of_the_invasion_on_real_press_releases(
    press_changes: tuple[str, pd.DataFrame],
) -> None:
    # weekly series are labelled by their Monday: the week of 24 Feb 2022 starts on 21 Feb
    freq, changes = press_changes
    smo = _near_invasion(changes, "special military operation", "kremlin.ru", "pelt")
    assert smo, changes[changes["term"] == "special military operation"]
    if freq == "D":
        assert smo == [INVASION]
    kremlin = changes[
        (changes["term"] == "special military operation") & (changes["outlet"] == "kremlin.ru")
    ]
    first = kremlin[kremlin["method"] == "pelt"].iloc[0]
    assert first["level_before"] == 0 and first["level_after"] > 3
    assert _near_invasion(changes, "special military operation", "kremlin.ru", "kleinberg")
    kyiv = _near_invasion(changes, "invasion", "president.gov.ua", "pelt") + _near_invasion(
        changes, "war", "president.gov.ua", "pelt"
    )
    assert kyiv, changes[changes["outlet"] == "president.gov.ua"]
    assert _near_invasion(changes, "invasion", "president.gov.ua", "kleinberg")


UN_PATTERN = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"


def _un_frame(corpora_dir: Path) -> pd.DataFrame:
    """The UN General Debate speeches through the project's folder loader (metadata from the
    path, hard-wrapped lines unwrapped)."""
    articles = iter_articles(
        load_folder(corpora_dir / "ungdc-1946-2024", pattern=UN_PATTERN, outlet="ungdc")
    )
    return pd.DataFrame(
        [
            (
                a.doc_id,
                a.outlet,
                a.published,
                a.title or "",
                a.text,
                json.dumps(a.meta, sort_keys=True),
            )
            for a in articles
        ],
        columns=["doc_id", "outlet", "published", "title", "text", "meta"],
    )


@pytest.fixture(scope="module")
def un_yearly(corpora_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = TrendSettings(freq="Y", by=None, n_boot=300)
    counts = document_counts(
        _un_frame(corpora_dir), parse_terms("terrorism,cold war"), settings=settings
    )
    table = trend_table(counts, settings=settings)
    return table, detect_changepoints(table)


def test_un_yearly_terrorism_shifts_in_2001_2002(
    un_yearly: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    table, changes = un_yearly
    assert table["docs"].sum() > 10900 and table["period"].dt.year.min() == 1946
    terror = changes[(changes["term"] == "terrorism") & (changes["method"] == "pelt")]
    shift = terror[terror["date"].dt.year.isin([2001, 2002])]
    assert len(shift) == 1 and shift["level_after"].iloc[0] > 3 * shift["level_before"].iloc[0]
    bursts = changes[(changes["term"] == "terrorism") & (changes["method"] == "kleinberg")]
    assert any(d.year in (2001, 2002) for d in bursts["date"])
    terror_rows = table[table["term"] == "terrorism"]
    rates = terror_rows.set_index(terror_rows["period"].dt.year)["rate_per_10k"]
    assert rates[2001] > 3 * rates.loc[1990:2000].mean()


def test_un_yearly_cold_war_falls_after_1991(un_yearly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    table, changes = un_yearly
    cold = changes[(changes["term"] == "cold war") & (changes["method"] == "pelt")]
    falls = cold[(cold["date"].dt.year > 1991) & (cold["level_after"] < cold["level_before"])]
    assert len(falls) >= 1
    cold_rows = table[table["term"] == "cold war"]
    rates = cold_rows.set_index(cold_rows["period"].dt.year)
    late_low = rates.loc[2001:2024, "ci_high"].max()
    assert late_low < rates.loc[1990:1993, "ci_low"].min()
    # its last segment is far below the level of 1990-1995
    last = cold.iloc[-1]
    assert (
        last["date"].year > 1991
        and last["level_after"] < 0.3 * rates.loc[1990:1995, "rate_per_10k"].mean()
    )
