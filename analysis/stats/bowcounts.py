"""Term and document frequencies reduced from the stored bag-of-words, read in row batches.

:func:`stored_term_frequencies` gives the table of
:func:`~secnews.analysis.stats.descriptive.term_frequencies` on a
:class:`~secnews.analysis.preprocess.core.Preprocessed` result without building its
documents x terms matrix: the ``doc, term, count`` rows of ``bow.parquet`` are read a batch at a
time and summed per (group, term) with exact integer sums, so that memory grows with the number
of distinct (group, term) pairs, not with the corpus (a test checks that the tables are equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from secnews.analysis.preprocess.core import Preprocessed

__all__ = ["stored_term_frequencies"]

IntArray = npt.NDArray[np.int64]

#: Rows of ``bow.parquet`` read at a time.
_BATCH_ROWS = 1 << 20
#: Partial (group, term) sums held before they are merged.
_MERGE_KEYS = 4_000_000


def _merge(parts: list[tuple[IntArray, IntArray, IntArray]]) -> tuple[IntArray, IntArray, IntArray]:
    """One sorted table of keys with the summed counts and document numbers of ``parts``."""
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([p[0] for p in parts])
    unique, index = np.unique(keys, return_inverse=True)
    counts = np.zeros(len(unique), dtype=np.int64)
    docs = np.zeros(len(unique), dtype=np.int64)
    np.add.at(counts, index, np.concatenate([p[1] for p in parts]))
    np.add.at(docs, index, np.concatenate([p[2] for p in parts]))
    return unique, counts, docs


def _group_sums(
    pre: Preprocessed, doc_group: IntArray, n_terms: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Keys ``group * n_terms + term`` (sorted), the term's count and documents in the group."""
    import pyarrow.parquet as pq

    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    with pq.ParquetFile(pre.folder / "bow.parquet") as parquet:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, columns=["doc", "term", "count"]):
            doc = batch.column(0).to_numpy().astype(np.int64)
            term = batch.column(1).to_numpy().astype(np.int64)
            count = batch.column(2).to_numpy().astype(np.int64)
            keys, index = np.unique(doc_group[doc] * n_terms + term, return_inverse=True)
            sums = np.zeros(len(keys), dtype=np.int64)
            np.add.at(sums, index, count)
            parts.append((keys, sums, np.bincount(index, minlength=len(keys)).astype(np.int64)))
            if sum(len(p[0]) for p in parts[1:]) > max(_MERGE_KEYS, len(parts[0][0])):
                parts = [_merge(parts)]  # amortized: the merged table at least doubles
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return _merge(parts)


def stored_term_frequencies(
    pre: Preprocessed, *, groups: Sequence[str] | None = None
) -> pd.DataFrame:
    """:func:`~secnews.analysis.stats.descriptive.term_frequencies` of ``pre.bow_matrix()``
    and ``pre.terms``, reduced from ``bow.parquet`` batch by batch.

    Parameters
    ----------
    pre
        A stored preprocessing result.
    groups
        Optional group label per document (in ``pre.doc_ids`` order); then one block per group.

    Returns
    -------
    pandas.DataFrame
        ``[group,] term, count, docs, per_10k, doc_share, rank`` as there.
    """
    terms = pre.terms
    n_docs = len(pre)
    labels = ["all"] * n_docs if groups is None else [str(g) for g in groups]
    if len(labels) != n_docs:
        raise ValueError("groups must give one label per document")
    names = sorted(set(labels))
    code = {name: i for i, name in enumerate(names)}
    doc_group = np.fromiter((code[label] for label in labels), dtype=np.int64, count=n_docs)
    members = np.bincount(doc_group, minlength=len(names))
    keys, counts, docs = _group_sums(pre, doc_group, len(terms))
    bounds = np.searchsorted(keys, np.arange(len(names) + 1, dtype=np.int64) * len(terms))
    frames = []
    for g, group in enumerate(names):
        chosen = slice(bounds[g], bounds[g + 1])
        count, present = counts[chosen], docs[chosen]
        total = count.sum()
        frame = pd.DataFrame(
            {
                "term": [terms[int(t)] for t in (keys[chosen] - g * len(terms)).tolist()],
                "count": count,
                "docs": present,
                "per_10k": count / total * 10_000 if total else np.zeros(len(count)),
                "doc_share": present / members[g],
            }
        )
        frame = frame.sort_values(["count", "term"], ascending=[False, True])
        frame["rank"] = np.arange(1, len(frame) + 1)
        if groups is not None:
            frame.insert(0, "group", group)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
