"""The duplicate step of a build: :func:`secnews.corpus.dedupe.find_duplicates` over the staged rows.

The texts are streamed from the staging Parquet file, one row group at a time, as the full text of
each document (title, lede and body joined by blank lines, :func:`~secnews.corpus.store.document_text`),
so no second copy of the corpus text is held in memory. Exact duplicates (equal after folding
case and white space) get ``kind = "exact"``, MinHash-LSH near duplicates ``kind = "near"``;
``dup_of`` names the earliest document of its group in stored row order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from .store import document_text

__all__ = ["BatchSignatures", "find_stage_duplicates", "iter_stage_texts"]


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


def _as_found(found: Any) -> dict[str, tuple[str, str, float]]:
    return {
        str(doc_id): (str(dup_of), str(kind), float(similarity))
        for doc_id, dup_of, kind, similarity in zip(
            found["doc_id"], found["dup_of"], found["kind"], found["similarity"], strict=True
        )
    }


class BatchSignatures:
    """Exact keys and MinHash signatures of a build's documents, computed batch by batch while
    the sources are read (the texts are at hand then), so the duplicate step needs no second
    pass over the staged texts. A document's signature does not depend on the other documents:
    :meth:`duplicates` gives the same answer as :func:`find_stage_duplicates`.

    Parameters
    ----------
    settings
        A :class:`secnews.corpus.dedupe.DedupeSettings` (``None``: its defaults).
    """

    def __init__(self, settings: Any = None, *, ahead: int = 2) -> None:
        self.settings = settings
        self.ahead = ahead
        self._signatures: list[np.ndarray] = []
        self._keys: list[bytes | None] = []
        self._shingles: list[np.ndarray] = []
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[Any]] = deque()

    def submit(self, texts: Sequence[str]) -> None:
        """Like :meth:`add`, in a background thread (numpy and rensa release the GIL for most
        of the work), at most ``ahead`` batches behind; the order is kept."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnews-dedupe")
        self._pending.append(self._pool.submit(self.add, list(texts)))
        while len(self._pending) > self.ahead:
            self._pending.popleft().result()

    def wait(self) -> None:
        """Finish the batches submitted so far (errors are raised here) and stop the thread."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _resolved(self) -> Any:
        from .dedupe import DedupeSettings

        return self.settings if self.settings is not None else DedupeSettings()

    def add(self, texts: Sequence[str]) -> None:
        """Hash the full texts of the next documents (in stored order)."""
        if not texts:
            return
        from .dedupe_hash import minhash_signatures

        settings = self._resolved()
        signatures, keys, n_shingles = minhash_signatures(
            texts,
            n_docs=len(texts),
            num_perm=0 if settings.exact_only else settings.num_perm,
            shingle_size=settings.shingle_size,
            seed=settings.seed,
            batch_chars=settings.batch_chars,
            progress=False,
        )
        self._signatures.append(signatures)
        self._keys.extend(keys)
        self._shingles.append(n_shingles)

    def duplicates(self, doc_ids: list[str]) -> dict[str, tuple[str, str, float]]:
        """``{doc_id: (dup_of, kind, similarity)}`` for every duplicate among the documents
        added so far (``doc_ids`` in the same order)."""
        from .dedupe import duplicates_from_signatures

        self.wait()
        settings = self._resolved()
        width = 0 if settings.exact_only else settings.num_perm
        signatures = (
            np.concatenate(self._signatures)
            if self._signatures
            else np.zeros((0, width), dtype=np.uint32)
        )
        shingles = (
            np.concatenate(self._shingles) if self._shingles else np.zeros(0, dtype=np.int64)
        )
        found = duplicates_from_signatures(
            doc_ids, signatures, self._keys, shingles, settings=settings
        )
        return _as_found(found)
