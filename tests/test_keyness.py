"""Keyness statistics against hand computation (quanteda's formulas) and on the press corpora."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.stats import chi2_contingency

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
from secnews.analysis.stats.keyness import (
    KeynessSettings,
    chi2_statistic,
    dp_dispersion,
    g2_from_margins,
    g2_statistic,
    keyness,
    keyness_groups,
    log_ratio,
)


def test_g2_and_chi2_by_hand_without_yates() -> None:
    # a=10 of 1000 target tokens, b=5 of 2000 reference tokens; expected cells 5, 10, 995, 1990
    # (none below 5), so quanteda's default applies no Yates correction.
    g2_hand = 2 * (
        10 * math.log(10 / 5)
        + 5 * math.log(5 / 10)
        + 990 * math.log(990 / 995)
        + 1995 * math.log(1995 / 1990)
    )
    assert g2_hand == pytest.approx(6.969191931932806, rel=1e-12)
    # quanteda adds 1e-9 inside each logarithm: an offset of about 2 N 1e-9
    g2_quanteda = 2 * sum(
        o * math.log(o / e + 1e-9)
        for o, e in zip((10, 5, 990, 1995), (5, 10, 995, 1990), strict=True)
    )
    assert g2_statistic([10], [5], 1000, 2000)[0] == pytest.approx(g2_quanteda, rel=1e-13)
    assert g2_statistic([10], [5], 1000, 2000)[0] == pytest.approx(
        g2_hand, abs=2 * 3000 * 1e-9 * 1.01
    )
    chi_hand = 3000 * (10 * 1995 - 5 * 990) ** 2 / (15 * 2985 * 1000 * 2000)
    assert chi2_statistic([10], [5], 1000, 2000)[0] == pytest.approx(chi_hand, rel=1e-12)
    # reference implementation: scipy's contingency test without correction
    table = np.array([[10, 990], [5, 1995]])
    assert g2_hand == pytest.approx(
        chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    )
    assert chi_hand == pytest.approx(chi2_contingency(table, correction=False)[0])


def test_sign_negative_when_more_frequent_in_reference() -> None:
    g2 = g2_statistic([5], [10], 2000, 1000)[0]
    assert g2 == pytest.approx(-6.969191931932806, abs=1e-5)
    assert chi2_statistic([5], [10], 2000, 1000)[0] < 0


def test_yates_rule_of_quanteda() -> None:
    # a=3, b=0, N_t=100, N_r=200: expected a = 1 < 5 and |ad - bc| = 600 >= N/2 = 150 -> delta 0.5
    chi_hand = 300 * (abs(3 * 200 - 0 * 97) - 150) ** 2 / (3 * 297 * 100 * 200)
    assert chi_hand == pytest.approx(3.409090909090909)
    assert chi2_statistic([3], [0], 100, 200)[0] == pytest.approx(chi_hand, rel=1e-12)
    assert chi2_statistic([3], [0], 100, 200, correction="none")[0] == pytest.approx(
        300 * 600**2 / (3 * 297 * 100 * 200)
    )
    # G2 with the cells moved by 0.5 towards independence: 2.5, 0.5, 97.5, 199.5
    e = [3 * 100 / 300, 3 * 200 / 300, 297 * 100 / 300, 297 * 200 / 300]
    cells = [2.5, 0.5, 97.5, 199.5]
    g2_hand = 2 * sum(o * math.log(o / x) for o, x in zip(cells, e, strict=True))
    assert g2_hand == pytest.approx(3.2293372812649213)
    g2_quanteda = 2 * sum(o * math.log(o / x + 1e-9) for o, x in zip(cells, e, strict=True))
    assert g2_statistic([3], [0], 100, 200)[0] == pytest.approx(g2_quanteda, rel=1e-13)
    assert g2_statistic([3], [0], 100, 200, correction="yates")[0] == pytest.approx(
        g2_quanteda, rel=1e-13
    )
    assert g2_quanteda == pytest.approx(g2_hand, abs=2 * 300 * 1e-9 * 1.01)
    table = np.array([[3, 97], [0, 200]])
    assert g2_hand == pytest.approx(
        chi2_contingency(table, correction=True, lambda_="log-likelihood")[0]
    )
    # with large expected counts the default applies no correction although |ad - bc| >= N/2
    assert g2_statistic([10], [5], 1000, 2000, correction="yates")[0] == pytest.approx(
        6.969191931932806, abs=1e-5
    )


def test_williams_correction_by_hand() -> None:
    a, b, c, d = 10, 5, 990, 1995
    n = a + b + c + d
    q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    g2 = g2_statistic([a], [b], 1000, 2000, correction="none")[0]
    assert g2_statistic([a], [b], 1000, 2000, correction="williams")[0] == pytest.approx(
        g2 / q, rel=1e-13
    )
    assert q == pytest.approx(1.03888986599665, rel=1e-12)


def test_log_ratio_with_zero_correction() -> None:
    assert log_ratio([20], [10], 1000, 2000)[0] == pytest.approx(
        math.log2((20 / 1000) / (10 / 2000))
    )
    assert log_ratio([0], [8], 1000, 1000)[0] == pytest.approx(math.log2(0.5 / 8))
    assert log_ratio([8], [0], 1000, 1000, zero_correction=0.1)[0] == pytest.approx(
        math.log2(8 / 0.1)
    )


def test_dp_dispersion_by_hand() -> None:
    # documents of 2 and 2 tokens; term x only in doc 0 (2 times), term y once in each
    matrix = sp.csr_matrix(np.array([[2, 0], [0, 2]]))
    assert dp_dispersion(matrix).tolist() == pytest.approx([0.5, 0.5])
    matrix = sp.csr_matrix(np.array([[1, 1], [1, 1]]))
    assert dp_dispersion(matrix).tolist() == pytest.approx([0.0, 0.0])
    # lengths 3 and 1: s = (.75, .25); term x counts (1, 1): v = (.5, .5) -> DP = .5 (|.5-.75| + |.5-.25|) = .25
    matrix = sp.csr_matrix(np.array([[1, 2], [1, 0]]))
    assert dp_dispersion(matrix)[0] == pytest.approx(0.25)


def _toy() -> tuple[sp.csr_matrix, list[str], np.ndarray]:
    # 6 documents, 3 terms; target = first 3 documents
    dense = np.array(
        [[5, 1, 2], [4, 0, 2], [6, 1, 1], [1, 3, 2], [0, 4, 2], [1, 5, 1]], dtype=np.int64
    )
    return (
        sp.csr_matrix(dense),
        ["alpha", "beta", "gamma"],
        np.array([1, 1, 1, 0, 0, 0], dtype=bool),
    )


def test_keyness_table_against_hand_values() -> None:
    matrix, terms, target = _toy()
    table = keyness(
        matrix, terms, target, settings=KeynessSettings(min_count=1, min_docs=1, n_boot=200)
    )
    assert list(table["term"]) == ["alpha", "gamma", "beta"]  # sorted by g2
    row = table.set_index("term").loc["alpha"]
    n_t, n_r = 22.0, 19.0
    assert (row["count_target"], row["count_reference"]) == (15, 2)
    assert (row["docs_target"], row["docs_reference"]) == (3, 2)
    assert row["g2"] == pytest.approx(g2_statistic([15], [2], n_t, n_r)[0])
    assert row["log_ratio"] == pytest.approx(math.log2((15 / n_t) / (2 / n_r)))
    assert row["log_ratio_low"] <= row["log_ratio"] <= row["log_ratio_high"]
    assert row["per_10k_target"] == pytest.approx(15 / n_t * 10_000)
    assert table.set_index("term").loc["beta", "g2"] < 0
    from scipy.stats import chi2, false_discovery_control

    p = chi2.sf(np.abs(table["g2"]), 1)
    assert table["p"].tolist() == pytest.approx(p.tolist())
    assert table["p_adj"].tolist() == pytest.approx(
        false_discovery_control(p, method="bh").tolist()
    )
    # one against the rest equals an explicit reference mask
    same = keyness(
        matrix,
        terms,
        target,
        ~target,
        settings=KeynessSettings(min_count=1, min_docs=1, n_boot=200),
    )
    pd.testing.assert_frame_equal(table, same)


def test_bootstrap_reproducible_and_seeded() -> None:
    matrix, terms, target = _toy()
    settings = KeynessSettings(min_count=1, min_docs=1, n_boot=300, random_state=7)
    one = keyness(matrix, terms, target, settings=settings)
    two = keyness(matrix, terms, target, settings=settings)
    pd.testing.assert_frame_equal(one, two)
    other = keyness(
        matrix,
        terms,
        target,
        settings=KeynessSettings(min_count=1, min_docs=1, n_boot=300, random_state=8),
    )
    assert not np.allclose(one["log_ratio_low"], other["log_ratio_low"])


def test_bootstrap_interval_covers_by_simulation() -> None:
    """Documents drawn from the same rates: the 95% interval of the log ratio covers 0 in most
    replications (a loose check that the interval is neither degenerate nor biased)."""
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(40):
        counts = rng.poisson([3.0, 20.0], size=(60, 2))
        table = keyness(
            sp.csr_matrix(counts),
            ["x", "y"],
            np.arange(60) < 30,
            settings=KeynessSettings(min_count=1, min_docs=1, n_boot=300, random_state=1),
        )
        row = table.set_index("term").loc["x"]
        covered += row["log_ratio_low"] <= 0 <= row["log_ratio_high"]
    assert covered >= 34


def test_filters() -> None:
    matrix, terms, target = _toy()
    assert list(
        keyness(
            matrix, terms, target, settings=KeynessSettings(min_count=13, min_docs=1, n_boot=0)
        )["term"]
    ) == ["alpha", "beta"]
    assert list(
        keyness(matrix, terms, target, settings=KeynessSettings(min_count=1, min_docs=6, n_boot=0))[
            "term"
        ]
    ) == ["gamma"]
    dp = dp_dispersion(matrix)
    limit = float(np.sort(dp)[1])
    kept = keyness(
        matrix,
        terms,
        target,
        settings=KeynessSettings(min_count=1, min_docs=1, max_dp=limit, n_boot=0),
    )
    assert len(kept) == 2 and kept["dp"].max() <= limit
    with pytest.raises(ValueError, match="overlap"):
        keyness(matrix, terms, target, target)
    with pytest.raises(ValueError, match="no document in group"):
        keyness_groups(matrix, terms, ["a"] * 6, "b")


def test_press_keyness_shows_each_sides_framing(
    press_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = preprocess(
        press_frame,
        settings=PreprocessSettings(no_below=1, no_above=1.0, keep_n=None),
        cache_dir=tmp_path_factory.mktemp("prep"),
    )
    table = keyness_groups(
        result.bow_matrix(),
        result.terms,
        press_frame["outlet"].tolist(),
        "kremlin.ru",
        "president.gov.ua",
        settings=KeynessSettings(n_boot=200),
    )
    kremlin = set(table.head(40)["term"])
    kyiv = set(table.sort_values("g2").head(40)["term"])
    assert {"donbass", "special_military_operation"} & kremlin
    assert {"war", "occupiers", "kyiv", "ukrainians"} <= kyiv
    assert (table["g2"].diff().dropna() <= 0).all()
    assert (table["log_ratio_low"] <= table["log_ratio"] + 1e-9).all()
    assert (table["log_ratio"] <= table["log_ratio_high"] + 1e-9).all()


def test_g2_from_margins_equals_scipy_and_a_hand_value() -> None:
    """The unsigned G² shared by collocations and co-occurrence: scipy's log-likelihood
    statistic without correction, and by hand for one table (empty cells included)."""
    tables = [(10, 20, 30, 940), (3, 0, 0, 97), (0, 5, 7, 88), (50, 50, 50, 50)]
    got = [g2_from_margins([a], [a + b], [a + c], a + b + c + d)[0] for a, b, c, d in tables]
    for (a, b, c, d), value in zip(tables, got, strict=True):
        expected = chi2_contingency(
            [[a, b], [c, d]], correction=False, lambda_="log-likelihood"
        ).statistic
        assert value == pytest.approx(expected, rel=1e-12)
    # (3, 0 / 0, 97): 2 (3 ln(3 * 100 / (3 * 3)) + 97 ln(97 * 100 / (97 * 97)))
    by_hand = 2 * (3 * math.log(100 / 3) + 97 * math.log(100 / 97))
    assert got[1] == pytest.approx(by_hand, rel=1e-12)
