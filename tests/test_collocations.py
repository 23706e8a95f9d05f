"""Collocation measures against hand computation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from secnews.analysis.stats.collocations import collocations
from secnews.analysis.stats.descriptive import document_tokens


def test_measures_by_hand() -> None:
    # pairs: (a,b) x3, (b,a) x1, (c,a) x1 -> N = 5; R1(a) = 3, C1(b) = 3, E11 = 9/5
    docs = [["a", "b", "a", "b"], ["c", "a", "b"]]
    table = collocations(docs, min_count=1).set_index("collocation")
    row = table.loc["a b"]
    assert (row["count"], row["count_w1"], row["count_w2"]) == (3, 3, 3)
    assert row["expected"] == pytest.approx(1.8)
    assert row["pmi"] == pytest.approx(math.log2(3 / 1.8))
    assert row["npmi"] == pytest.approx(math.log2(3 / 1.8) / -math.log2(3 / 5))
    assert row["t_score"] == pytest.approx((3 - 1.8) / math.sqrt(3))
    # O12 = O21 = 0, O22 = 2; E22 = 2 * 2 / 5
    assert row["g2"] == pytest.approx(2 * (3 * math.log(3 / 1.8) + 2 * math.log(2 / 0.8)))
    other = table.loc["c a"]  # O11 = 1, R1(c) = 1, C1(a) = 2, E11 = 0.4
    assert other["pmi"] == pytest.approx(math.log2(1 / 0.4))
    assert other["npmi"] == pytest.approx(math.log2(2.5) / -math.log2(1 / 5))
    assert table["g2"].is_monotonic_decreasing


def test_min_count_stopwords_and_empty() -> None:
    docs = [["the", "war", "the", "war"], ["war", "crimes", "war", "crimes"]]
    table = collocations(docs, min_count=2, stopwords={"the"})
    assert table["collocation"].tolist() == ["war crimes"]
    assert collocations([[], ["x"]]).empty


def test_press_collocations(press_frame: pd.DataFrame) -> None:
    tokens = document_tokens(press_frame.head(400))
    table = collocations(tokens, min_count=10, stopwords={"the", "of", "and", "to", "in", "a"})
    top = set(table.head(30)["collocation"])
    assert "vladimir putin" in top and "prime minister" in top
    assert (table["npmi"] <= 1 + 1e-12).all() and (table["count"] >= 10).all()


def test_g2_is_signed_and_repelling_pairs_sort_last() -> None:
    # pairs: (a,b) x1, (b,a) x1, (a,a) x2 ... built so that "a b" is repelled
    docs = [["a", "a", "a"], ["b", "b", "b"], ["a", "b"], ["c", "d"], ["c", "d"]]
    # N = 2 + 2 + 1 + 1 + 1 = 7; O11(a b) = 1, R1(a) = 3, C1(b) = 3, E11 = 9 / 7 > 1
    table = collocations(docs, min_count=1)
    row = table.set_index("collocation").loc["a b"]
    o = [1.0, 2.0, 2.0, 2.0]  # O11, O12, O21, O22
    e = [9 / 7, 12 / 7, 12 / 7, 16 / 7]
    unsigned = 2 * sum(oi * math.log(oi / ei) for oi, ei in zip(o, e, strict=True))
    assert row["pmi"] < 0
    assert row["g2"] == pytest.approx(-unsigned)
    assert table["collocation"].iloc[-1] == "a b"
    assert (table.loc[table["pmi"] > 0, "g2"] > 0).all()
    assert table["g2"].is_monotonic_decreasing
