"""The corpus as a Dask DataFrame: one partition per part file, in row order.

Dask is optional (``pip install 'secnews[dask]'``) and imported only when
:func:`corpus_dask_frame` is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from secnews.corpus.store.read import STORE_COLUMNS, Corpus, open_corpus

__all__ = ["corpus_dask_frame"]


def corpus_dask_frame(
    corpus: Corpus | str | Path,
    columns: Sequence[str] | None = None,
    *,
    include_duplicates: bool = False,
) -> Any:
    """Return the stored rows as a lazy ``dask.dataframe.DataFrame``.

    Each part file (:attr:`~secnews.corpus.store.read.Corpus.parts`) is one partition, so the
    partitions follow the row order and have the bounded size of the parts; a corpus written
    before the parts is one partition. (Dask's optimizer may still fuse small partitions when a
    computation reads few columns; the row order stays.)

    Parameters
    ----------
    corpus
        A corpus handle or folder.
    columns
        Columns to read (default: all of :data:`~secnews.corpus.store.read.STORE_COLUMNS`).
    include_duplicates
        Keep rows whose ``dup_of`` is set (left out by default, as in
        :meth:`~secnews.corpus.store.read.Corpus.frame`).

    Returns
    -------
    dask.dataframe.DataFrame

    Raises
    ------
    ImportError
        When Dask is not installed.
    KeyError
        For a column the store does not have.
    """
    try:
        import dask.dataframe as dd
    except ImportError as exc:
        raise ImportError("corpus_dask_frame needs Dask: pip install 'secnews[dask]'") from exc
    handle = corpus if isinstance(corpus, Corpus) else open_corpus(corpus)
    names = list(STORE_COLUMNS if columns is None else columns)
    unknown = [c for c in names if c not in STORE_COLUMNS]
    if unknown:
        raise KeyError(f"unknown column(s) {unknown}; available: {list(STORE_COLUMNS)}")
    read = names if include_duplicates or "dup_of" in names else [*names, "dup_of"]
    frame = dd.read_parquet(
        [str(path) for path in handle.parts], columns=read, split_row_groups=False, index=False
    )
    if not include_duplicates:
        frame = frame[frame["dup_of"].isna()][names]
    return frame
