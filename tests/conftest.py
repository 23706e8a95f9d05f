"""Shared fixtures. Real corpora come from one setting, ``SECNEWS_DATA`` (default
``../shared/corpora``); when they are missing the tests fail loudly, they never skip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.paths import DATA_ENV, data_dir
from secnews.corpus.record import make_doc_id


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """The folder of real corpora; a missing folder is an error, not a skip."""
    path = data_dir()
    if not (path / "README.md").is_file():
        pytest.fail(
            f"real corpora not found at {path}: set {DATA_ENV} to the shared corpora folder",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def press_frame(corpora_dir: Path) -> pd.DataFrame:
    """The Kremlin and Ukrainian presidential press releases as a DataFrame of records.

    Columns: ``doc_id, outlet, published, title, lede, text, meta`` (one outlet per file:
    ``kremlin.ru`` and ``president.gov.ua``), sorted by outlet then input order.
    """
    return _press_frame(corpora_dir)


def _press_frame(corpora_dir: Path) -> pd.DataFrame:
    folder = corpora_dir / "kremlin-ukraine-press-2021-2022"
    frames = []
    for name, outlet in (
        ("kremlin_putin.csv", "kremlin.ru"),
        ("president_ua_zelenskyy.csv", "president.gov.ua"),
    ):
        raw = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        raw = raw[raw["body"].str.strip() != ""]
        frame = pd.DataFrame(
            {
                "outlet": outlet,
                "url": raw["link"],
                "title": [normalize_inline(t) for t in raw["headline"]],
                "lede": None,
                "text": [normalize_text(t) for t in raw["body"]],
                "published": pd.to_datetime(raw["date"], utc=True, errors="coerce"),
                "meta": "{}",
            }
        )
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.insert(
        0,
        "doc_id",
        [
            make_doc_id(outlet=o, url=u, text=t)
            for o, u, t in zip(out["outlet"], out["url"], out["text"], strict=True)
        ],
    )
    return out


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A ``distributed.LocalCluster`` of 2 worker processes with one thread each (the tests of
    steps on Dask), closed after the module."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as local:
        yield local
