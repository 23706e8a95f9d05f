"""Checking near-duplicate detection against exact Jaccard similarity.

The reference is brute force: every pair of documents, the exact Jaccard similarity of the same
shingle sets that :mod:`secnews.corpus.dedupe.detect` hashes (one sparse matrix product). It holds all
shingle sets in memory, so it is meant for corpora of a few thousand documents (the press
corpora: 1,796 documents in about a second), not for the UN corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from secnews.corpus.dedupe.hashing import shingle_hashes

__all__ = ["compare_pairs", "edited_copies", "exact_jaccard_pairs", "group_pairs"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def exact_jaccard_pairs(
    texts: Sequence[str], *, shingle_size: int = 5, min_jaccard: float = 0.5
) -> pd.DataFrame:
    """Return every pair of texts whose exact shingle-set Jaccard similarity reaches a floor.

    Parameters
    ----------
    texts
        Documents (all held in memory).
    shingle_size
        Words per shingle (as in :class:`~secnews.corpus.dedupe.detect.DedupeSettings`).
    min_jaccard
        Smallest similarity reported (> 0).

    Returns
    -------
    pandas.DataFrame
        Columns ``left``, ``right`` (positions, ``left < right``), ``jaccard`` (exact),
        sorted by ``left`` then ``right``.
    """
    from scipy import sparse

    if min_jaccard <= 0:
        raise ValueError("min_jaccard must be positive (all pairs would be listed)")
    sets = shingle_hashes(texts, shingle_size=shingle_size)
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    flat = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    _, column = np.unique(flat, return_inverse=True)
    indptr = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    matrix = sparse.csr_matrix(
        (np.ones(len(flat), dtype=np.float64), column.ravel(), indptr),
        shape=(len(sets), int(column.max()) + 1 if len(flat) else 0),
    )
    overlap = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    left, right = overlap.row.astype(np.int64), overlap.col.astype(np.int64)
    inter = np.rint(overlap.data).astype(np.int64)
    jaccard = inter / (sizes[left] + sizes[right] - inter)
    keep = jaccard >= min_jaccard
    out = pd.DataFrame({"left": left[keep], "right": right[keep], "jaccard": jaccard[keep]})
    return out.sort_values(["left", "right"], ignore_index=True)


def group_pairs(groups: pd.Series) -> set[tuple[int, int]]:
    """Return all pairs of positions that share a group label.

    Parameters
    ----------
    groups
        Group label (e.g. the kept document's position) indexed by position.

    Returns
    -------
    set of tuple
        ``(left, right)`` with ``left < right``.
    """
    out: set[tuple[int, int]] = set()
    for _, members in groups.groupby(groups, sort=True):
        ids = sorted(int(i) for i in members.index)
        out.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    return out


def compare_pairs(
    found: set[tuple[int, int]], reference: pd.DataFrame, *, threshold: float
) -> dict[str, float]:
    """Recall and precision of found pairs against exact Jaccard similarity.

    Parameters
    ----------
    found
        Pairs ``(left, right)``, ``left < right``, reported as duplicates.
    reference
        :func:`exact_jaccard_pairs` output whose floor is at most ``threshold``.
    threshold
        Pairs with exact Jaccard >= threshold are the true duplicates.

    Returns
    -------
    dict
        ``n_true``, ``n_found``, ``n_hit`` (found and true), ``recall`` (``n_hit / n_true``, 1.0
        when there is nothing to find) and ``precision`` (``n_hit / n_found``, 1.0 when nothing
        was found).
    """
    true_pairs = reference[reference["jaccard"] >= threshold]
    truth = set(zip(true_pairs["left"].tolist(), true_pairs["right"].tolist(), strict=True))
    hit = len(truth & found)
    return {
        "n_true": float(len(truth)),
        "n_found": float(len(found)),
        "n_hit": float(hit),
        "recall": hit / len(truth) if truth else 1.0,
        "precision": hit / len(found) if found else 1.0,
    }


def edited_copies(
    texts: Sequence[str], *, max_edit: float = 0.3, random_state: int = 0
) -> list[str]:
    """Return one edited copy of each text, for recall checks on realistic near-duplicates.

    Each copy deletes a random share of the text's sentences and replaces another share by
    sentences of the next text (so the edits are real sentences, as when a press release is
    re-issued with a changed paragraph); the share is drawn uniformly from ``[0, max_edit]`` per
    text, which spreads the copies' Jaccard similarity around usual thresholds.

    Parameters
    ----------
    texts
        Real documents.
    max_edit
        Largest share of sentences deleted (and, separately, replaced).
    random_state
        Seed.

    Returns
    -------
    list of str
        The edited copies, in the order of ``texts``.
    """
    rng = np.random.default_rng(random_state)
    sentences = [_SENTENCE_END.split(t) for t in texts]
    out = []
    for i, parts in enumerate(sentences):
        donor = sentences[(i + 1) % len(sentences)]
        share = rng.uniform(0.0, max_edit)
        n_edit = round(share * len(parts))
        edited = list(parts)
        for _ in range(n_edit):
            if len(edited) > 1:
                del edited[int(rng.integers(len(edited)))]
        for _ in range(n_edit):
            edited[int(rng.integers(len(edited)))] = donor[int(rng.integers(len(donor)))]
        out.append(" ".join(edited))
    return out
