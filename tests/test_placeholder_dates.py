"""Dates that are not dates (issue 17, point 11): a year no datetime can hold is rejected as
implausible, not stored as null; the epoch and other placeholders are kept but flagged and
counted in the build summary."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus.clean.dates import is_placeholder, parse_date, stated_year


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("0000-01-01", 0),
        ("99999-01-01", 99999),
        ("99999-12-31T10:00:00Z", 99999),
        ("01.02.0000", 0),
        ("12/31/99999", 99999),
        ("2022-06-24", 2022),
        ("September 30, 2022", None),
        ("2022", None),
        (20220624, None),
    ],
)
def test_stated_year(raw: object, year: int | None) -> None:
    assert stated_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "placeholder"),
    [
        ("1970-01-01", True),
        ("1970-01-01T00:00:00Z", True),
        ("1969-12-31T19:00:00-05:00", True),  # the epoch seen in New York
        (0, False),  # not a date at all (parse_date gives None for 0)
        ("1900-01-01", True),
        ("1899-12-30", True),
        ("1970-01-02", False),
        ("2022-06-24", False),
    ],
)
def test_is_placeholder(raw: object, placeholder: bool) -> None:
    parsed = parse_date(raw)
    assert (parsed is not None and is_placeholder(parsed)) is placeholder


def test_is_placeholder_of_a_datetime() -> None:
    assert is_placeholder(datetime(1970, 1, 1, 3, 0, tzinfo=UTC))
    assert not is_placeholder(datetime(1970, 1, 2, 3, 0, tzinfo=UTC))


def test_a_build_rejects_impossible_years_and_flags_placeholders(
    tmp_path: Path, corpora_dir: Path
) -> None:
    path = corpora_dir / "kremlin-ukraine-press-2021-2022/kremlin_putin.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False).head(5)
    dates = ["0000-01-01", "99999-01-01", "1970-01-01T00:00:00Z", "2022-03-01", "1900-01-01"]
    table = tmp_path / "in.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["link", "headline", "date", "body"])
        for (_, row), date in zip(rows.iterrows(), dates, strict=True):
            writer.writerow([row["link"], row["headline"], date, row["body"]])
    settings = BuildSettings(language_id=False, relevance=False, dedupe=False)
    summary = build_corpus([Source(table)], tmp_path / "c", settings=settings, progress=False)
    (counts,) = summary.sources
    assert (counts.n_in, counts.kept, counts.rejected, counts.null_dates) == (5, 3, 2, 0)
    assert counts.placeholder_dates == 2
    assert summary.table().loc[0, "placeholder_dates"] == 2
    corpus = open_corpus(tmp_path / "c")
    reasons = list(corpus.rejects()["reason"])
    assert reasons == [
        "implausible date '0000-01-01' (year 0 outside 1800..2100)",
        "implausible date '99999-01-01' (year 99999 outside 1800..2100)",
    ]
    meta = [json.loads(m) for m in corpus.frame(["meta"])["meta"]]
    assert [m.get("placeholder_date", False) for m in meta] == [True, False, True]
    manifest = json.loads((tmp_path / "c/manifest.json").read_text("utf-8"))
    assert manifest["counts"][-1]["placeholder_dates"] == 2


def test_the_folder_loader_rejects_impossible_years_in_paths(
    tmp_path: Path, corpora_dir: Path
) -> None:
    from secnews.corpus.loaders.folder import FolderSettings, load_folder

    speech = corpora_dir / "ungdc-1946-2024/TXT/Session 01 - 1946/USA_01_1946.txt"
    for name in ("USA_0000-01-01.txt", "USA_1946-10-23.txt", "USA_99999-01-01.txt"):
        (tmp_path / name).write_bytes(speech.read_bytes())
    items = list(
        load_folder(
            tmp_path,
            pattern="{country}_{date}.txt",
            settings=FolderSettings(n_jobs=1, unwrap=False),
        )
    )
    reasons = [getattr(i, "reason", None) for i in items]
    assert reasons == [
        "implausible date (year 0 outside 1800..2100)",
        None,
        "implausible date (year 99999 outside 1800..2100)",
    ]
