"""The duplicate step of a build: :func:`secnews.corpus.dedupe.find_duplicates` over the staged rows.

The texts are streamed from the staging Parquet file, one row group at a time, as the full text of
each document (title, lede and body joined by blank lines, :func:`~secnews.corpus.store.document_text`),
so no second copy of the corpus text is held in memory. Exact duplicates (equal after folding
case and white space) get ``kind = "exact"``, MinHash-LSH near duplicates ``kind = "near"``;
``dup_of`` names the earliest document of its group in stored row order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .store import document_text

__all__ = ["find_stage_duplicates", "iter_stage_texts"]


def iter_stage_texts(stage: Path) -> Iterator[str]:
    """Yield the full text of every row of a staged Parquet file, in row order."""
    with pq.ParquetFile(stage) as parquet:
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=["title", "lede", "text"])
            for row in table.to_pylist():
                yield document_text(row)


def find_stage_duplicates(
    stage: Path, doc_ids: list[str], *, settings: Any = None, progress: bool | None = None
) -> dict[str, tuple[str, str, float]]:
    """Find the duplicates among the staged documents.

    Parameters
    ----------
    stage
        The staging Parquet file (rows in stored order).
    doc_ids
        The ``doc_id`` of every staged row, in the same order.
    settings
        A :class:`secnews.corpus.dedupe.DedupeSettings` (``None``: its defaults).
    progress
        Show a progress bar (``None``: only on a terminal).

    Returns
    -------
    dict
        ``{doc_id: (dup_of, kind, similarity)}`` for every duplicate.
    """
    from .dedupe import DedupeSettings, find_duplicates

    found = find_duplicates(
        doc_ids,
        iter_stage_texts(stage),
        settings=settings if settings is not None else DedupeSettings(),
        progress=progress,
    )
    return {
        str(doc_id): (str(dup_of), str(kind), float(similarity))
        for doc_id, dup_of, kind, similarity in zip(
            found["doc_id"], found["dup_of"], found["kind"], found["similarity"], strict=True
        )
    }
