"""The running-word statistics of a corpus read in batches: summaries with MATTR, the Zipf table
and collocations from integer token codes, with memory bounded by a batch, the vocabulary and
the number of documents, never by the number of tokens.

:class:`RunningWords` takes the documents batch by batch (:meth:`RunningWords.add` for token
lists, :meth:`RunningWords.add_encoded` for the output of :func:`encode_summary_tokens`) and
keeps only integer counts: word counts, adjacent-pair counts, document lengths per group and one
:class:`StreamedMattr` per group. It gives the same tables as
:func:`~secnews.analysis.stats.descriptive.corpus_summary`,
:func:`~secnews.analysis.stats.collocations.collocations` and the Zipf counts computed on the
token lists of the whole corpus (tests check that they are equal, float for float).
:meth:`RunningWords.add_part` adds the counts of a corpus part made on its own (on a Dask
worker, :mod:`secnews.analysis.stats.partwords`) with the same result.

Examples
--------
>>> words = RunningWords(window=2)
>>> words.add([["nato", "said", "nato"], ["nato", "talks"]], ["a", "b"])
>>> words.summary()[["group", "documents", "tokens", "types"]]
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
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt
import pandas as pd

from secnews.analysis.stats.collocations import score_pairs

__all__ = [
    "MattrPiece",
    "PartWords",
    "RunningWords",
    "StreamedMattr",
    "encode_summary_tokens",
]

IntArray = npt.NDArray[np.int64]

_PAIR_BASE = np.int64(1) << 31
#: Pair keys held before the per-batch counts are merged into one sorted table.
_MERGE_PAIRS = 4_000_000


def encode_summary_tokens(texts: Sequence[str]) -> tuple[list[str], IntArray, IntArray]:
    """The running words of texts as batch-local codes.

    The tokens are those of :func:`~secnews.analysis.stats.descriptive.document_tokens`
    (:data:`~secnews.analysis.stats.descriptive.SUMMARY_SETTINGS`), with the token filter
    applied once per distinct token.

    Returns
    -------
    (types, codes, lengths)
        ``types[i]`` is the string of code ``i`` (in order of first occurrence), ``codes`` the
        codes of every document's tokens concatenated, ``lengths`` the tokens per document.
    """
    from secnews.analysis.preprocess.tokens import encode_batch, token_filter
    from secnews.analysis.stats.descriptive import SUMMARY_SETTINGS

    types, ids, lengths = encode_batch(texts, SUMMARY_SETTINGS)
    stopwords, _ = SUMMARY_SETTINGS.stopword_set()
    keep_fn = token_filter(SUMMARY_SETTINGS, stopwords)
    keep = np.fromiter(map(keep_fn, types), dtype=bool, count=len(types))
    codes = ids.astype(np.int64)
    if keep.all():
        return types, codes, lengths.astype(np.int64)
    doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    kept = keep[codes]
    new_code = np.cumsum(keep, dtype=np.int64) - 1
    kept_types = [t for t, k in zip(types, keep.tolist(), strict=True) if k]
    kept_lengths = np.bincount(doc_of[kept], minlength=len(lengths)).astype(np.int64)
    return kept_types, new_code[codes[kept]], kept_lengths


@dataclass(frozen=True)
class MattrPiece:
    """A stream of codes counted on its own, to be appended to a :class:`StreamedMattr`
    (:meth:`StreamedMattr.add_piece`): what
    :func:`~secnews.analysis.stats.partwords.mattr_piece` keeps of it.

    Attributes
    ----------
    window, length
        The MATTR window and the number of tokens.
    total
        The sum of ``min(i - prev, window)`` over the tokens, positions counted in the piece
        (``prev = -1`` for a type's first token in the piece).
    codes, last
        Every type of the piece (sorted) and its last position.
    head_codes, head_first
        The types first seen in the first ``window - 1`` positions and those positions.
    tail_codes, tail_prev
        The codes of the last ``window`` positions and their ``prev`` (``-1``: first here).
    """

    window: int
    length: int
    total: int
    codes: IntArray
    last: IntArray
    head_codes: IntArray
    head_first: IntArray
    tail_codes: IntArray
    tail_prev: IntArray


class StreamedMattr:
    """MATTR (:func:`~secnews.analysis.stats.descriptive.mattr`) of a stream of integer codes
    fed in chunks, equal to that of the whole stream, float for float.

    The sum over all windows of their number of types is the number of (window, position) pairs
    where a position holds the first occurrence of its type in the window: a token at position
    ``i`` whose type last occurred at ``prev`` (``-1`` if never) is first in ``min(i - prev,
    window)`` windows, counting windows that run past the end of the stream; the last
    ``window - 1`` positions are corrected once the stream's length is known. The state is the
    last position of every type seen and the last ``window`` positions' ``prev``.
    """

    def __init__(self, window: int = 500) -> None:
        if window < 1:
            raise ValueError("window must be >= 1")
        self.window = window
        self.length = 0
        self._sum = 0
        self._codes = np.zeros(0, dtype=np.int64)  # sorted types seen
        self._last = np.zeros(0, dtype=np.int64)  # their last position
        self._tail = np.zeros(0, dtype=np.int64)  # prev of the last `window` positions

    @property
    def types(self) -> int:
        """Number of distinct codes seen."""
        return len(self._codes)

    def add(self, codes: npt.ArrayLike) -> None:
        """Append a chunk of codes (integers in ``[0, 2**31)``) to the stream."""
        chunk = np.asarray(codes, dtype=np.int64)
        size = len(chunk)
        if size == 0:
            return
        if chunk.min() < 0 or chunk.max() >= _PAIR_BASE:
            raise ValueError("codes must lie in [0, 2**31)")
        positions = np.arange(self.length, self.length + size, dtype=np.int64)
        # the stable order of the codes, by one sort of unique keys (code, offset in the chunk)
        composite = np.sort(chunk * size + np.arange(size, dtype=np.int64))
        order = composite % size
        ordered = composite // size
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:] - 1, size - 1]
        run_codes = ordered[starts]
        prev_ordered = np.empty(size, dtype=np.int64)
        prev_ordered[1:] = positions[order[:-1]]
        prev_ordered[starts] = self._last_seen(run_codes)
        prev = np.empty(size, dtype=np.int64)
        prev[order] = prev_ordered
        self._sum += int(np.minimum(positions - prev, self.window).sum())
        self._merge_seen(run_codes, positions[order[ends]])
        self._tail = np.concatenate([self._tail, prev])[-self.window :]
        self.length += size

    def _last_seen(self, run_codes: IntArray) -> IntArray:
        """The last position of each code before this chunk (-1 for a new code)."""
        if not len(self._codes):
            return np.full(len(run_codes), -1, dtype=np.int64)
        index = np.minimum(np.searchsorted(self._codes, run_codes), len(self._codes) - 1)
        return np.where(self._codes[index] == run_codes, self._last[index], -1)

    def _merge_seen(self, run_codes: IntArray, run_last: IntArray) -> None:
        codes = np.concatenate([self._codes, run_codes])
        last = np.concatenate([self._last, run_last])
        order = np.argsort(codes, kind="stable")  # a code seen again: the chunk's entry is last
        codes, last = codes[order], last[order]
        final = np.r_[codes[1:] != codes[:-1], True]
        self._codes, self._last = codes[final], last[final]

    def add_piece(self, piece: MattrPiece, remap: IntArray) -> None:
        """Append a stream counted on its own (:func:`~secnews.analysis.stats.partwords.mattr_piece`, on a Dask worker) whose
        codes become ``remap[code]``: the state is then that of :meth:`add` on its codes.

        A token of the piece whose type did not occur earlier in the piece counted
        ``min(j + 1, window)`` windows there (``j`` its position in the piece); here it counts
        ``min(length + j - prev, window)`` with ``prev`` its type's last position so far. Both
        are ``window`` when ``j >= window - 1``, so only the piece's head is corrected; the
        ``prev`` of the piece's tail, and the last positions, are shifted the same way.
        """
        if piece.window != self.window:
            raise ValueError(f"the piece was counted with window {piece.window}, not {self.window}")
        if piece.length == 0:
            return
        offset, window = self.length, self.window
        head = remap[piece.head_codes]
        before = self._last_seen(head)
        true = np.minimum(offset + piece.head_first - before, window)
        local = np.minimum(piece.head_first + 1, window)
        self._sum += piece.total + int((true - local).sum())
        tail = remap[piece.tail_codes]
        new = piece.tail_prev < 0
        tail_prev = piece.tail_prev + offset
        if new.any():
            tail_prev[new] = self._last_seen(tail[new])
        self._tail = np.concatenate([self._tail, tail_prev])[-window:]
        self._merge_seen(remap[piece.codes], piece.last + offset)
        self.length += piece.length

    def value(self) -> float:
        """The MATTR of the stream so far (the plain TTR when it is shorter than the window;
        NaN when empty)."""
        n, window = self.length, self.window
        if n == 0:
            return math.nan
        if n <= window:
            return self.types / n
        n_windows = n - window + 1
        tail_positions = np.arange(n - len(self._tail), n, dtype=np.int64)
        late = tail_positions >= n_windows
        positions, prev = tail_positions[late], self._tail[late]
        low = np.maximum(prev + 1, positions - window + 1)
        counted = positions - low + 1
        allowed = np.maximum(n_windows - low, 0)
        total = self._sum - int((counted - allowed).sum())
        return float(np.float64(total) / n_windows / window)


@dataclass(frozen=True)
class PartWords:
    """The running-word counts of one corpus part, counted alone (codes local to the part, in
    order of first occurrence): what a Dask worker sends back for :meth:`RunningWords.add_part`.

    Attributes
    ----------
    doc_ids, labels
        The part's documents and their summary groups, in row order.
    types, counts
        The string and count of each code.
    pair_keys, pair_counts
        Adjacent pairs inside a document as ``first * 2**31 + second`` (sorted) and counts.
    all_lengths, all_piece
        Tokens per document and the MATTR piece of the whole part.
    lengths, pieces
        The same per group (the group's documents of the part, in row order).
    """

    doc_ids: list[str]
    labels: list[str]
    types: list[str]
    counts: IntArray
    pair_keys: IntArray
    pair_counts: IntArray
    all_lengths: IntArray
    all_piece: MattrPiece
    lengths: dict[str, IntArray]
    pieces: dict[str, MattrPiece]


class RunningWords:
    """Counts of the running words of documents added batch by batch, with a group label each.

    Parameters
    ----------
    window
        The MATTR window of :meth:`summary`.
    """

    def __init__(self, *, window: int = 500) -> None:
        self.window = window
        self.vocabulary: dict[str, int] = {}
        self._counts = np.zeros(0, dtype=np.int64)
        self._pair_parts: list[tuple[IntArray, IntArray]] = []
        self._lengths: dict[str, list[IntArray]] = {}
        self._mattr: dict[str, StreamedMattr] = {}
        self._all = StreamedMattr(window)
        self._all_lengths: list[IntArray] = []

    def add(self, tokens: Sequence[Sequence[str]], labels: Sequence[str]) -> None:
        """Add a batch of documents (token lists) and their group labels."""
        lookup: dict[str, int] = {}
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        codes = np.fromiter(
            (lookup.setdefault(w, len(lookup)) for w in chain.from_iterable(tokens)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        self.add_encoded(list(lookup), codes, lengths, labels)

    def add_encoded(
        self,
        types: Sequence[str],
        codes: npt.ArrayLike,
        lengths: npt.ArrayLike,
        labels: Sequence[str],
    ) -> None:
        """Add a batch of documents given as batch-local codes (:func:`encode_summary_tokens`):
        ``types`` the string of each code, ``codes`` all tokens concatenated, ``lengths`` the
        tokens per document, ``labels`` the group of each document."""
        local = np.asarray(codes, dtype=np.int64)
        sizes = np.asarray(lengths, dtype=np.int64)
        if len(sizes) != len(labels) or int(sizes.sum()) != len(local):
            raise ValueError("lengths must give one length per label and sum to the codes")
        ids = self._remap(types)[local] if len(local) else np.zeros(0, dtype=np.int64)
        counts = np.bincount(ids, minlength=len(self.vocabulary))
        self._counts = np.concatenate(
            [self._counts, np.zeros(len(counts) - len(self._counts), dtype=np.int64)]
        )
        self._counts += counts
        self._count_pairs(ids, sizes)
        self._add_streams(ids, sizes, [str(label) for label in labels])

    def _remap(self, types: Sequence[str]) -> IntArray:
        vocabulary = self.vocabulary
        out = np.fromiter(map(vocabulary.get, types, repeat(-1)), dtype=np.int64, count=len(types))
        for i in np.flatnonzero(out < 0).tolist():
            out[i] = vocabulary.setdefault(types[i], len(vocabulary))
        return out

    def _count_pairs(self, ids: IntArray, lengths: IntArray) -> None:
        if len(ids) < 2:
            return
        doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        inside = doc_of[1:] == doc_of[:-1]
        keys = ids[:-1][inside] * _PAIR_BASE + ids[1:][inside]
        if not len(keys):
            return
        self._add_pair_counts(*np.unique(keys, return_counts=True))

    def _add_pair_counts(self, keys: IntArray, counts: IntArray) -> None:
        """Add distinct pair keys (sorted) and their counts."""
        self._pair_parts.append((keys, counts.astype(np.int64)))
        pending = sum(len(k) for k, _ in self._pair_parts[1:])
        if pending > max(_MERGE_PAIRS, len(self._pair_parts[0][0])):  # amortized merges
            self._pair_parts = [self._pairs()]

    def _pairs(self) -> tuple[IntArray, IntArray]:
        """Every distinct pair key (sorted) and its count."""
        if not self._pair_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if len(self._pair_parts) == 1:
            return self._pair_parts[0]
        keys = np.concatenate([k for k, _ in self._pair_parts])
        counts = np.concatenate([c for _, c in self._pair_parts])
        unique, index = np.unique(keys, return_inverse=True)
        return unique, np.bincount(index, weights=counts).astype(np.int64)

    def add_part(self, part: PartWords) -> None:
        """Add the counts of a corpus part made on its own (:class:`PartWords`, by a Dask
        worker), after those of the parts before it: the state is then that of adding the
        part's documents themselves. The part's types get codes in their order of first
        occurrence, as :meth:`add_encoded` gives them."""
        remap = self._remap(part.types)
        self._counts = np.concatenate(
            [self._counts, np.zeros(len(self.vocabulary) - len(self._counts), dtype=np.int64)]
        )
        self._counts[remap] += part.counts
        if len(part.pair_keys):
            keys = (
                remap[part.pair_keys // _PAIR_BASE] * _PAIR_BASE
                + remap[part.pair_keys % _PAIR_BASE]
            )
            order = np.argsort(keys)
            self._add_pair_counts(keys[order], part.pair_counts[order])
        self._all.add_piece(part.all_piece, remap)
        self._all_lengths.append(part.all_lengths)
        for label, piece in part.pieces.items():
            if label not in self._mattr:
                self._mattr[label] = StreamedMattr(self.window)
                self._lengths[label] = []
            self._mattr[label].add_piece(piece, remap)
            self._lengths[label].append(part.lengths[label])

    def _add_streams(self, ids: IntArray, lengths: IntArray, labels: list[str]) -> None:
        self._all.add(ids)
        self._all_lengths.append(lengths)
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        start = 0
        while start < len(labels):  # runs of documents of one group, in corpus order
            stop = start + 1
            while stop < len(labels) and labels[stop] == labels[start]:
                stop += 1
            label = labels[start]
            if label not in self._mattr:
                self._mattr[label] = StreamedMattr(self.window)
                self._lengths[label] = []
            self._mattr[label].add(ids[bounds[start] : bounds[stop]])
            self._lengths[label].append(lengths[start:stop])
            start = stop

    def _terms(self) -> npt.NDArray[np.object_]:
        terms = np.empty(len(self.vocabulary), dtype=object)
        for word, code in self.vocabulary.items():
            terms[code] = word
        return terms

    def summary(self, *, window: int | None = None) -> pd.DataFrame:
        """:func:`~secnews.analysis.stats.descriptive.corpus_summary` of the documents added
        (one row per group label, then ``all``); ``window`` must be the MATTR window the
        counts were made with (the constructor's)."""
        if window is not None and window != self.window:
            raise ValueError(f"the MATTR was counted with window {self.window}, not {window}")
        rows = []
        for group in [*sorted(self._mattr), None]:
            stream = self._all if group is None else self._mattr[group]
            parts = self._all_lengths if group is None else self._lengths[group]
            lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            rows.append(
                {
                    "group": "all" if group is None else group,
                    "documents": len(lengths),
                    "tokens": int(lengths.sum()),
                    "types": stream.types,
                    "mean_tokens": float(lengths.mean()) if len(lengths) else math.nan,
                    "median_tokens": float(np.median(lengths)) if len(lengths) else math.nan,
                    "mattr": stream.value(),
                    "mattr_full_window": stream.length >= self.window,
                }
            )
        return pd.DataFrame(rows)

    def word_counts(self) -> pd.DataFrame:
        """``rank, term, count`` of every running word, most frequent first (ties by term)."""
        frame = pd.DataFrame({"term": self._terms(), "count": self._counts.astype(np.int64)})
        frame = frame[frame["count"] > 0].sort_values(
            ["count", "term"], ascending=[False, True], kind="mergesort"
        )
        frame.insert(0, "rank", np.arange(1, len(frame) + 1))
        return frame.reset_index(drop=True)

    def collocations(
        self, *, min_count: int = 5, stopwords: Collection[str] = (), sort_by: str = "g2"
    ) -> pd.DataFrame:
        """:func:`~secnews.analysis.stats.collocations.collocations` of the documents added."""
        keys, counts = self._pairs()
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
