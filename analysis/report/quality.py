"""Data-quality notes a report states before its findings, computed from the corpus.

- :func:`shared_dates`: a date that a large share of one outlet's documents carry (a scrape date
  in the date column, say), which then poses as a publication date in every trend.
- :func:`described_ranges`: the dates of each dataset against the range the dataset's own
  description (the registry) gives.
- :func:`small_outlets`: outlets with too few documents to compare; reports flag or leave them
  out wherever outlets are compared.
- :func:`main_period`: the span the documents run without a long gap; isolated clusters of a few
  documents far from the rest are named and left off the time axes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MainPeriod",
    "described_ranges",
    "main_period",
    "parse_described_range",
    "quality_notes",
    "shared_dates",
    "small_outlets",
    "study_quality_notes",
]


def _rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as named tuples (typed ``Any``: their fields are the columns)."""
    return list(frame.itertuples(index=False))


def shared_dates(
    documents: pd.DataFrame, *, min_share: float = 0.5, min_docs: int = 10
) -> pd.DataFrame:
    """Outlets whose most common publication date is carried by at least ``min_share`` of their
    dated documents (outlets with fewer than ``min_docs`` dated documents are not judged).

    Parameters
    ----------
    documents
        One row per document: ``outlet`` and ``published`` (timestamps; missing allowed).

    Returns
    -------
    pandas.DataFrame
        ``outlet, date, docs, dated_docs, share``, sorted by outlet.
    """
    columns = ["outlet", "date", "docs", "dated_docs", "share"]
    dated = documents.dropna(subset=["published"])
    rows = []
    for outlet, group in dated.groupby("outlet", sort=True):
        days = pd.to_datetime(group["published"], utc=True).dt.strftime("%Y-%m-%d")
        if len(days) < min_docs:
            continue
        counts = days.value_counts().sort_index(kind="mergesort")
        date = str(counts.idxmax())
        share = counts.max() / len(days)
        if share >= min_share:
            rows.append((outlet, date, int(counts.max()), len(days), float(share)))
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class DescribedRange:
    """A dataset's date range as its description states it (inclusive, UTC days)."""

    first: pd.Timestamp
    last: pd.Timestamp


def parse_described_range(text: str) -> DescribedRange | None:
    """Read ``"2021-10-24 .. 2022-06-24"``, ``"2022"``, ``"2019 .. 2023"`` or ``"2024-12-26"``
    from the start of a registry ``dates`` text; ``None`` when it names no date."""
    match = re.match(
        r"\s*(\d{4}(?:-\d{2}-\d{2})?)(?:\s*(?:\.\.|–|-|to)\s*(\d{4}(?:-\d{2}-\d{2})?))?", text
    )
    if not match:
        return None
    low, high = match.group(1), match.group(2) or match.group(1)
    first = pd.Timestamp(low if len(low) > 4 else f"{low}-01-01")
    last = pd.Timestamp(high if len(high) > 4 else f"{high}-12-31")
    return DescribedRange(first=first, last=last)


def described_ranges(documents: pd.DataFrame, descriptions: Mapping[str, str]) -> pd.DataFrame:
    """Each dataset's dated documents against the range its description gives.

    Parameters
    ----------
    documents
        ``dataset`` and ``published`` per document.
    descriptions
        ``{dataset: dates text}`` (the registry's ``dates`` field).

    Returns
    -------
    pandas.DataFrame
        ``dataset, described, first, last, outside, dated_docs`` for datasets with a described
        range; ``outside`` counts documents dated outside it.
    """
    rows = []
    for dataset, group in documents.dropna(subset=["published"]).groupby("dataset", sort=True):
        text = descriptions.get(str(dataset))
        described = parse_described_range(text) if text else None
        if described is None:
            continue
        days = pd.to_datetime(group["published"], utc=True).dt.tz_localize(None).dt.normalize()
        outside = int(((days < described.first) | (days > described.last)).sum())
        rows.append((dataset, text, days.min(), days.max(), outside, len(days)))
    return pd.DataFrame(
        rows, columns=["dataset", "described", "first", "last", "outside", "dated_docs"]
    )


def small_outlets(documents_per_outlet: Mapping[str, int], *, min_docs: int) -> list[str]:
    """Outlets with fewer than ``min_docs`` documents, sorted."""
    return sorted(str(o) for o, n in documents_per_outlet.items() if int(n) < min_docs)


@dataclass(frozen=True)
class MainPeriod:
    """The span the documents run without a long gap.

    Attributes
    ----------
    start, end
        First and last day of the kept clusters.
    left_out
        ``outlet, first, last, docs`` of the documents outside the span.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    left_out: pd.DataFrame


def main_period(
    documents: pd.DataFrame, *, max_gap_days: int = 120, min_share: float = 0.05
) -> MainPeriod:
    """Split the dated documents where two consecutive dates are more than ``max_gap_days``
    apart and keep the clusters holding at least ``min_share`` of them (at least the largest).

    Parameters
    ----------
    documents
        ``outlet`` and ``published`` per document (undated ones are ignored).

    Returns
    -------
    MainPeriod
    """
    dated = documents.dropna(subset=["published"]).copy()
    if dated.empty:
        raise ValueError("no dated document")
    dated["day"] = pd.to_datetime(dated["published"], utc=True).dt.tz_localize(None).dt.normalize()
    dated = dated.sort_values("day", kind="mergesort")
    gaps = dated["day"].diff().dt.days.fillna(0).to_numpy()
    cluster = np.cumsum(gaps > max_gap_days)
    sizes = np.bincount(cluster)
    keep = sizes >= min_share * len(dated)
    keep[int(np.argmax(sizes))] = True
    kept = keep[cluster]
    inside = dated[kept]
    outside = dated[~kept]
    left_out = (
        outside.groupby("outlet", sort=True)["day"]
        .agg(first="min", last="max", docs="size")
        .reset_index()
    )
    return MainPeriod(start=inside["day"].min(), end=inside["day"].max(), left_out=left_out)


def quality_notes(
    *,
    shared: pd.DataFrame,
    ranges: pd.DataFrame,
    small: list[str],
    min_docs: int,
    period: MainPeriod | None,
    undated: Mapping[str, int],
    descriptions: Mapping[str, str] | None = None,
    outlet_datasets: Mapping[str, str] | None = None,
) -> list[str]:
    """The notes in words (plain text, one sentence or two each), from the tables above; notes
    that question the data come before notes that clear it."""
    notes: list[str] = []
    benign: list[str] = []
    for row in _rows(shared):
        dataset = (outlet_datasets or {}).get(str(row.outlet))
        described = parse_described_range((descriptions or {}).get(str(dataset), "") or "")
        stated = described is not None and described.first == described.last == pd.Timestamp(
            str(row.date)
        )
        what = (
            "the dataset's description gives this single date, so it is a real publication date"
            if stated
            else "it is most likely not a publication date (a scrape or update date, say): its "
            "documents sit in one period of every trend and head the lists of latest documents"
        )
        share = "All" if row.docs == row.dated_docs else f"{row.docs} of"
        note = (
            f"{share} {row.dated_docs} dated {row.outlet} documents carry the date {row.date} "
            f"({row.share:.0%}); {what}."
        )
        # the notes a reader must act on come first
        if stated:
            benign.append(note)
        else:
            notes.append(note)
    for row in _rows(ranges):
        if row.outside:
            notes.append(
                f"Dataset {row.dataset}: its description gives the dates “{row.described}”, but "
                f"{row.outside} of its {row.dated_docs} dated documents lie outside that range "
                f"(they run from {row.first:%Y-%m-%d} to {row.last:%Y-%m-%d})."
            )
    if small:
        notes.append(
            f"Outlets with fewer than {min_docs} documents are too small to compare: "
            f"{', '.join(small)}. Figures that compare outlets leave them out and tables mark "
            "them with †."
        )
    if period is not None and not period.left_out.empty:
        parts = [
            f"{row.docs} {row.outlet} document{'s' if row.docs != 1 else ''} "
            f"({row.first:%Y-%m-%d}"
            + (f" to {row.last:%Y-%m-%d})" if row.last != row.first else ")")
            for row in _rows(period.left_out)
        ]
        notes.append(
            f"The documents run from {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d} without a "
            f"long gap; {'; '.join(parts)} lie far outside this span and are left off the time "
            "axes of the figures (their values are in the tables and output files)."
        )
    missing = {o: n for o, n in undated.items() if n}
    if missing:
        notes.append(
            "Documents without a publication date (left out of every time series): "
            + ", ".join(f"{o} {n}" for o, n in sorted(missing.items()))
            + "."
        )
    return notes + benign


def study_quality_notes(
    documents: pd.DataFrame,
    descriptions: Mapping[str, str],
    *,
    min_docs: int,
    min_share: float = 0.5,
) -> tuple[list[str], pd.DataFrame, list[str]]:
    """Every note of a study's corpus at once.

    Parameters
    ----------
    documents
        ``outlet, dataset, published`` per document
        (:func:`secnews.analysis.report.views.document_dates`).
    descriptions
        ``{dataset folder: dates text}`` from the registry.
    min_docs
        Outlets with fewer documents are too small to compare.
    min_share
        Share of an outlet's documents on one date that is flagged.

    Returns
    -------
    tuple of (list of str, pandas.DataFrame, list of str)
        The notes, the :func:`shared_dates` table and the small outlets.
    """
    shared = shared_dates(documents, min_share=min_share, min_docs=10)
    sizes = {str(k): int(v) for k, v in documents["outlet"].value_counts().items()}
    small = small_outlets(sizes, min_docs=min_docs)
    notes = quality_notes(
        shared=shared,
        ranges=described_ranges(documents, descriptions),
        small=small,
        min_docs=min_docs,
        period=main_period(documents) if documents["published"].notna().any() else None,
        undated={
            str(k): int(v)
            for k, v in documents[documents["published"].isna()]["outlet"].value_counts().items()
        },
        descriptions=descriptions,
        outlet_datasets=dict(zip(documents["outlet"], documents["dataset"], strict=False)),
    )
    return notes, shared, small
