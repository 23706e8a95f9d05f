"""Collocations: adjacent word pairs scored by PMI, NPMI, t-score and log-likelihood.

Counts (Evert 2005's contingency table of a pair ``(w1, w2)``): ``N`` is the number of adjacent
token pairs inside documents, ``O11`` the number of pairs ``(w1, w2)``, ``R1`` the number of pairs
starting with ``w1``, ``C1`` the number ending with ``w2``, ``E11 = R1 C1 / N``. Then

- ``pmi = log2(O11 / E11)``;
- ``npmi = pmi / -log2(O11 / N)`` (Bouma 2009; 1 for pairs that only occur together);
- ``t_score = (O11 - E11) / sqrt(O11)``;
- ``g2 = sign(O11 - E11) * 2 Σ O_ij ln(O_ij / E_ij)`` over the 2x2 table (terms with
  ``O_ij = 0`` count 0): the log-likelihood ratio signed like quanteda's keyness, positive for
  attracting pairs (``O11 > E11``, ``pmi > 0``), negative for repelling ones (``O11 < E11``), so
  sorting by ``g2`` descending lists the strongest attractions first and repelling pairs last.

Pairs are counted on the tokens given (e.g. :func:`secnews.analysis.stats.descriptive.document_tokens`,
all running words); pairs with a stopword are not reported but count in ``N``, ``R1`` and ``C1``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

import numpy as np
import pandas as pd

from secnews.analysis.stats.keyness import g2_from_margins

__all__ = ["COLUMNS", "collocations", "score_pairs"]

#: Columns of a collocation table.
COLUMNS = [
    "collocation",
    "w1",
    "w2",
    "count",
    "count_w1",
    "count_w2",
    "expected",
    "pmi",
    "npmi",
    "t_score",
    "g2",
]


def collocations(
    documents: Iterable[Sequence[str]],
    *,
    min_count: int = 5,
    stopwords: Collection[str] = (),
    sort_by: str = "g2",
) -> pd.DataFrame:
    """Score the adjacent word pairs of tokenized documents.

    Parameters
    ----------
    documents
        Token lists, one per document (pairs never cross documents).
    min_count
        Minimum pair count ``O11`` (default 5).
    stopwords
        Pairs containing one of these words are not reported.
    sort_by
        Column to sort by, descending (default ``g2``), ties by ``collocation``.

    Returns
    -------
    pandas.DataFrame
        ``collocation, w1, w2, count, count_w1, count_w2, expected, pmi, npmi, t_score, g2``.
    """
    pairs: Counter[tuple[str, str]] = Counter()
    for tokens in documents:
        pairs.update(itertools.pairwise(tokens))
    n = sum(pairs.values())
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for (w1, w2), count in pairs.items():
        first[w1] += count
        second[w2] += count
    stop = set(stopwords)
    chosen = [
        (w1, w2, count)
        for (w1, w2), count in pairs.items()
        if count >= min_count and w1 not in stop and w2 not in stop
    ]
    return score_pairs(
        [c[0] for c in chosen],
        [c[1] for c in chosen],
        np.array([c[2] for c in chosen], dtype=float),
        np.array([first[c[0]] for c in chosen], dtype=float),
        np.array([second[c[1]] for c in chosen], dtype=float),
        n,
        sort_by=sort_by,
    )


def score_pairs(
    w1s: Sequence[str],
    w2s: Sequence[str],
    o11: np.ndarray,
    r1: np.ndarray,
    c1: np.ndarray,
    n: int,
    *,
    sort_by: str = "g2",
) -> pd.DataFrame:
    """The collocation table of chosen pairs from their counts (see the module docstring).

    Parameters
    ----------
    w1s, w2s
        First and second word of each pair.
    o11, r1, c1
        The pair's count, the count of pairs starting with ``w1`` and ending with ``w2``.
    n
        All adjacent pairs.
    sort_by
        Column to sort by, descending, ties by ``collocation``.
    """
    if n == 0 or not len(w1s):
        return pd.DataFrame(columns=COLUMNS)
    e11 = r1 * c1 / n
    pmi = np.log2(o11 / e11)
    npmi = pmi / -np.log2(o11 / n)
    g2 = g2_from_margins(o11, r1, c1, n)
    g2 = np.where(o11 < e11, -g2, g2)  # signed like keyness: repelling pairs are negative
    out = pd.DataFrame(
        {
            "collocation": [f"{a} {b}" for a, b in zip(w1s, w2s, strict=True)],
            "w1": w1s,
            "w2": w2s,
            "count": o11.astype(np.int64),
            "count_w1": r1.astype(np.int64),
            "count_w2": c1.astype(np.int64),
            "expected": e11,
            "pmi": pmi,
            "npmi": npmi,
            "t_score": (o11 - e11) / np.sqrt(o11),
            "g2": g2,
        }
    )
    if sort_by not in out.columns:
        raise ValueError(f"sort_by must be one of {COLUMNS}")
    out = out.sort_values([sort_by, "collocation"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)
