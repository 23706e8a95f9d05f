"""Prevalence by outlet and period: means by hand, bootstrap CIs, before/after shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.topics.prevalence import (
    assign_period,
    doc_topic_frame,
    prevalence,
    prevalence_shift,
)


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    theta = np.array([[0.8, 0.2], [0.6, 0.4], [0.1, 0.9], [0.3, 0.7], [0.5, 0.5]])
    frame = doc_topic_frame(theta, ["a", "b", "c", "d", "e"])
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "outlet": ["kremlin.ru", "kremlin.ru", "president.gov.ua", "president.gov.ua", None],
            "published": pd.to_datetime(
                ["2022-02-01", "2022-03-01", "2022-02-10", "2022-02-25", "2022-01-01"], utc=True
            ),
            "meta": ["{}"] * 5,
        }
    )
    return frame, docs


def test_doc_topic_frame_checks_length() -> None:
    with pytest.raises(ValueError, match="doc_ids"):
        doc_topic_frame(np.ones((2, 3)), ["a"])


def test_prevalence_means_and_cis() -> None:
    frame, docs = _data()
    table = prevalence(frame, docs, by=("outlet",), n_boot=500, random_state=1)
    assert table.columns.tolist() == [
        "outlet",
        "topic",
        "prevalence",
        "ci_low",
        "ci_high",
        "n_docs",
    ]
    k = table[(table["outlet"] == "kremlin.ru") & (table["topic"] == 0)].iloc[0]
    assert k["prevalence"] == pytest.approx(0.7)
    assert k["n_docs"] == 2
    # with two documents the bootstrap means are 0.6, 0.7 or 0.8
    assert 0.6 - 1e-12 <= k["ci_low"] <= k["prevalence"] <= k["ci_high"] <= 0.8 + 1e-12
    assert set(table["outlet"]) == {
        "kremlin.ru",
        "president.gov.ua",
    }  # the row without outlet is out
    again = prevalence(frame, docs, by=("outlet",), n_boot=500, random_state=1)
    pd.testing.assert_frame_equal(table, again)


def test_identical_documents_give_a_degenerate_interval() -> None:
    frame = doc_topic_frame(np.tile([[0.25, 0.75]], (6, 1)), list("abcdef"))
    docs = pd.DataFrame({"doc_id": list("abcdef"), "outlet": ["x"] * 6})
    table = prevalence(frame, docs, n_boot=200)
    np.testing.assert_allclose(table["ci_low"], table["prevalence"])
    np.testing.assert_allclose(table["ci_high"], table["prevalence"])


def test_periods_from_published_and_meta_year() -> None:
    docs = pd.DataFrame(
        {
            "published": pd.to_datetime(pd.Series(["2022-02-24T23:00:00Z", None]), utc=True),
            "meta": ["{}", '{"country": "RUS", "year": 2019}'],
        }
    )
    periods = assign_period(docs, freq="M")
    assert periods.tolist() == [pd.Timestamp("2022-02-01"), pd.Timestamp("2019-01-01")]


def test_shift_around_a_date() -> None:
    frame, docs = _data()
    shift = prevalence_shift(frame, docs, date="2022-02-24", n_boot=300, random_state=0)
    row = shift[(shift["outlet"] == "president.gov.ua") & (shift["topic"] == 1)].iloc[0]
    assert row["before"] == pytest.approx(0.9) and row["after"] == pytest.approx(0.7)
    assert row["change"] == pytest.approx(-0.2)
    assert row["n_before"] == 1 and row["n_after"] == 1
    assert row["ci_low"] == pytest.approx(-0.2) and row["ci_high"] == pytest.approx(-0.2)
