"""KWIC concordances."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from secnews.analysis.lexicon import parse_terms
from secnews.analysis.stats.kwic import kwic
from secnews.analysis.trends.counts import TrendSettings, document_counts

TERMS = ["nato", "special military operation", "sanction*", "terrorism", "cease-fire", "kyiv"]


def test_kwic_windows_and_phrases() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["d1", "d2"],
            "title": ["T1", "T2"],
            "outlet": ["x", "y"],
            "text": [
                "Moscow said the special  military\noperation in Ukraine goes on.",
                "NATO's special military operation? No: NATO-led forces.",
            ],
        }
    )
    table = kwic(frame, "special military operation", window=2)
    assert table[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["d1", "said the", "special military operation", "in Ukraine"],
        ["d2", "NATO's", "special military operation", "? No: NATO-led"],  # 's is a token
    ]
    assert table["title"].tolist() == ["T1", "T2"] and table["outlet"].tolist() == ["x", "y"]
    assert kwic(frame, "special_military_operation", window=2).equals(table)
    nato = kwic(frame, "nato", window=1)
    assert nato["match"].tolist() == ["NATO", "NATO"]  # a hyphen is a boundary, as in trends
    assert nato["right"].tolist() == ["'s", "-led forces"]  # 's is a token
    assert len(kwic(frame, "nato*", window=1)) == 2
    assert kwic(frame, "moscow", window=0)[["left", "right"]].values.tolist() == [["", ""]]
    with pytest.raises(ValueError):
        kwic(frame, "  ")


def test_kwic_sorting_on_press(press_frame: pd.DataFrame) -> None:
    table = kwic(press_frame, "special military operation", window=5, sort="left")
    assert len(table) > 50
    assert set(table["match"].str.lower()) == {"special military operation"}
    words = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:-[^\W_]+)*").findall
    keys = [" ".join(reversed(words(t.lower()))) for t in table["left"]]
    assert keys == sorted(keys)
    right = kwic(press_frame, "special military operation", window=5, sort="right")
    right_keys = [" ".join(words(t.lower())) for t in right["right"]]
    assert right_keys == sorted(right_keys)
    assert set(table["outlet"]) == {"kremlin.ru", "president.gov.ua"}
    assert len(kwic(press_frame, "sanction*", max_hits=7)) == 7


def _trend_counts(frame: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    specs = parse_terms(terms)
    counts = document_counts(frame, specs, settings=TrendSettings(freq="day"))
    return counts.frame.set_index("doc_id")[[s.name for s in specs]]


def test_kwic_counts_equal_trend_counts_on_the_reviewers_example() -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["d1"],
            "outlet": ["o"],
            "published": pd.to_datetime(["2022-02-24T12:00:00Z"], utc=True),
            "title": [""],
            "text": ["NATO-led forces, pro-NATO voices. NATO says. Special-military-operation."],
        }
    )
    assert len(kwic(frame, "nato")) == 3
    assert len(kwic(frame, "special military operation")) == 1
    counts = _trend_counts(frame, ["nato", "special military operation"])
    assert counts.loc["d1"].tolist() == [3, 1]


def test_kwic_hits_equal_trend_counts_on_press_releases(press_frame: pd.DataFrame) -> None:
    text = press_frame["text"]
    hyphenated = press_frame[text.str.contains(r"(?i)nato-|-nato")]  # 21 releases
    sample = press_frame[text.str.contains(r"(?i)nato|sanction|operation")]
    sample = pd.concat([hyphenated, sample.head(30), sample.tail(30)]).drop_duplicates("doc_id")
    counts = _trend_counts(sample, TERMS)
    total = 0
    for term in TERMS:
        hits = kwic(sample, term, window=3)["doc_id"].value_counts()
        column = counts.columns[TERMS.index(term)]
        per_doc = hits.reindex(counts.index, fill_value=0)
        assert per_doc.tolist() == counts[column].tolist(), term
        total += int(per_doc.sum())
    assert total > 100  # the comparison is not vacuous
    # the hyphenated forms are there: "NATO-" or "pro-NATO" hits exist in the sample
    nato = kwic(sample, "nato", window=1)
    assert (nato["right"].str.startswith("-") | nato["left"].str.endswith("-")).any()
