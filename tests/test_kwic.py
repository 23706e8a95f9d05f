"""KWIC concordances."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from secnews.analysis.kwic import kwic


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
    assert nato["match"].tolist() == ["NATO"]  # "NATO-led" is one token
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
