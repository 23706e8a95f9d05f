"""The running-word statistics of a corpus read in batches: summaries with MATTR, the Zipf table
and collocations from integer token codes, so that memory grows with the number of tokens (four
bytes each) rather than with Python strings and pairs of them.

:class:`RunningWords` takes the documents batch by batch (:meth:`RunningWords.add`) and gives the
same tables as :func:`~secnews.analysis.stats.descriptive.corpus_summary`,
:func:`~secnews.analysis.stats.collocations.collocations` and the Zipf counts computed on the
token lists of the whole corpus (a test checks that they are equal).

Examples
--------
>>> words = RunningWords()
>>> words.add([["nato", "said", "nato"], ["nato", "talks"]], ["a", "b"])
>>> words.summary(window=2)[["group", "documents", "tokens", "types"]]
  group  documents  tokens  types
0     a          1       3      2
1     b          1       2      2
2   all          2       5      3
>>> words.word_counts()
   rank   term  count
0     1   nato      3
1     2   said      1
2     3  talks      1
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from secnews.analysis.stats.collocations import score_pairs
from secnews.analysis.stats.descriptive import mattr

__all__ = ["RunningWords"]

_PAIR_BASE = np.int64(1) << 31


class RunningWords:
    """Token codes per document, in the order documents were added, with their group label."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.documents: list[np.ndarray] = []
        self.labels: list[str] = []
        self._pair_keys = np.zeros(0, dtype=np.int64)
        self._pair_counts = np.zeros(0, dtype=np.int64)

    def add(self, tokens: Sequence[Sequence[str]], labels: Sequence[str]) -> None:
        """Add a batch of documents (token lists) and their group labels."""
        vocabulary = self.vocabulary
        keys = []
        for words, label in zip(tokens, labels, strict=True):
            codes = np.fromiter(
                (vocabulary.setdefault(w, len(vocabulary)) for w in words),
                dtype=np.int32,
                count=len(words),
            )
            self.documents.append(codes)
            self.labels.append(str(label))
            if len(codes) > 1:
                keys.append(codes[:-1].astype(np.int64) * _PAIR_BASE + codes[1:])
        if keys:
            batch, counts = np.unique(np.concatenate(keys), return_counts=True)
            merged = np.concatenate([self._pair_keys, batch])
            weights = np.concatenate([self._pair_counts, counts])
            self._pair_keys, index = np.unique(merged, return_inverse=True)
            self._pair_counts = np.bincount(index, weights=weights).astype(np.int64)

    def _terms(self) -> np.ndarray:
        terms = np.empty(len(self.vocabulary), dtype=object)
        for word, code in self.vocabulary.items():
            terms[code] = word
        return terms

    def summary(self, *, window: int = 500) -> pd.DataFrame:
        """:func:`~secnews.analysis.stats.descriptive.corpus_summary` of the documents added
        (one row per group label, then ``all``)."""
        rows = []
        for group in [*sorted(set(self.labels)), None]:
            if group is None:
                members = self.documents
            else:
                members = [
                    d for d, g in zip(self.documents, self.labels, strict=True) if g == group
                ]
            lengths = np.array([len(d) for d in members], dtype=np.int64)
            stream = np.concatenate(members) if members else np.zeros(0, dtype=np.int32)
            rows.append(
                {
                    "group": "all" if group is None else group,
                    "documents": len(members),
                    "tokens": int(lengths.sum()),
                    "types": len(np.unique(stream)),
                    "mean_tokens": float(lengths.mean()) if len(lengths) else math.nan,
                    "median_tokens": float(np.median(lengths)) if len(lengths) else math.nan,
                    "mattr": mattr(stream, window=window),
                    "mattr_full_window": len(stream) >= window,
                }
            )
        return pd.DataFrame(rows)

    def word_counts(self) -> pd.DataFrame:
        """``rank, term, count`` of every running word, most frequent first (ties by term)."""
        counts = np.bincount(
            np.concatenate(self.documents) if self.documents else np.zeros(0, dtype=np.int32),
            minlength=len(self.vocabulary),
        )
        frame = pd.DataFrame({"term": self._terms(), "count": counts.astype(np.int64)})
        frame = frame[frame["count"] > 0].sort_values(
            ["count", "term"], ascending=[False, True], kind="mergesort"
        )
        frame.insert(0, "rank", np.arange(1, len(frame) + 1))
        return frame.reset_index(drop=True)

    def collocations(
        self, *, min_count: int = 5, stopwords: Collection[str] = (), sort_by: str = "g2"
    ) -> pd.DataFrame:
        """:func:`~secnews.analysis.stats.collocations.collocations` of the documents added."""
        keys, counts = self._pair_keys, self._pair_counts
        first = (keys // _PAIR_BASE).astype(np.int64)
        second = (keys % _PAIR_BASE).astype(np.int64)
        size = len(self.vocabulary)
        row_margin = np.bincount(first, weights=counts, minlength=size)
        column_margin = np.bincount(second, weights=counts, minlength=size)
        terms = self._terms()
        stopset = set(stopwords)
        stop = np.array([t in stopset for t in terms], dtype=bool)
        chosen = (counts >= min_count) & ~stop[first] & ~stop[second]
        return score_pairs(
            list(terms[first[chosen]]),
            list(terms[second[chosen]]),
            counts[chosen].astype(float),
            row_margin[first[chosen]],
            column_margin[second[chosen]],
            int(counts.sum()),
            sort_by=sort_by,
        )
