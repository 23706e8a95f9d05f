"""Fast topic coherence (u_mass, c_uci, c_npmi, c_v) that reproduces gensim's ``CoherenceModel``.

gensim computes co-occurrences in pure Python, window by window, for every call (61-85 s for
50 topics on the UN corpus). Here the corpus is encoded once into an integer token stream
(:func:`encode_texts`) and the counts for a set of words are computed with vectorised interval
arithmetic (:func:`window_counts`) or one sparse product (:func:`document_counts`);
:class:`CoherenceScorer` caches the counts across models (K values and seeds), so that scoring a
further model costs milliseconds.

Exact agreement with gensim (tested to 1e-9) needs its conventions, taken from
``gensim.topic_coherence``:

* sliding windows (``p_boolean_sliding_window``): a text shorter than the window is one window;
  a text of ``n >= w`` tokens gives ``n - w + 1`` windows; an empty text still counts as one
  (empty) window; the number of windows is the "number of documents" of the probabilities.
* gensim updates the set of words of a window incrementally: moving one step it *removes* the
  token that left the window (even if the same word still occurs inside the window) and then
  adds the token that entered. A word is therefore "in" window ``t`` when its last add event
  (step ``max(0, p - w + 1)`` for an occurrence at position ``p``) is not older than its last
  remove event (step ``q + 1`` for an occurrence at ``q``). This module reproduces that rule.
* ``EPSILON = 1e-12``; NPMI is ``log((p_ij + e) / (p_i p_j)) / -log(p_ij + e)``; UCI is the
  numerator alone; u_mass is ``log((p_ij + e) / p_j)`` over ``s_one_pre`` pairs (0 when the
  conditioning word never occurs); c_v is the mean cosine between the NPMI context vector of
  each top word and that of the whole top-word set (``s_one_set``, gamma 1).
* default windows: c_v 110, c_uci and c_npmi 10; u_mass uses documents (a bag-of-words).

gensim's incremental window set under-counts: in "a b a c d" with window 3, gensim drops "a"
from the window set when the first "a" leaves, although the second is still inside, so "a" is
in 1 window instead of 3. ``counting="definition"`` (:data:`COUNTINGS`) counts a word in every
window that holds at least one of its occurrences, as the measures are defined (Röder et al.
2015); ``counting="gensim"`` (the default, so that numbers compare with published ones, which
use gensim) reproduces gensim. Manifests record which counting a number used.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "COUNTINGS",
    "EPSILON",
    "MEASURES",
    "WINDOW_SIZES",
    "CoherenceScorer",
    "CooccurrenceCounts",
    "TokenStream",
    "document_counts",
    "encode_texts",
    "encode_token_lists",
    "score_topics",
    "top_word_ids",
    "window_counts",
]

logger = logging.getLogger(__name__)

EPSILON = 1e-12
WINDOW_SIZES: dict[str, int | None] = {"c_v": 110, "c_uci": 10, "c_npmi": 10, "u_mass": None}
MEASURES = tuple(WINDOW_SIZES)
#: Window countings: gensim's incremental window set, or the definition (see the module notes).
COUNTINGS = ("gensim", "definition")
_PAIR_CHUNK = 4_000_000


@dataclass(frozen=True)
class TokenStream:
    """A tokenised corpus as one integer array (term ids, ``-1`` for out-of-vocabulary tokens).

    Attributes
    ----------
    ids : numpy.ndarray
        int32 term ids of all documents, concatenated.
    offsets : numpy.ndarray
        int64 start of each document in ``ids``; length ``n_docs + 1``.
    n_terms : int
        Size of the vocabulary the ids refer to.
    """

    ids: np.ndarray
    offsets: np.ndarray
    n_terms: int

    @property
    def n_docs(self) -> int:
        """Number of documents."""
        return int(self.offsets.size - 1)


@dataclass(frozen=True)
class CooccurrenceCounts:
    """Occurrence and co-occurrence counts of a set of words in windows or documents.

    ``cooc[i, j]`` counts the windows (documents) holding both ``word_ids[i]`` and
    ``word_ids[j]``; its diagonal equals ``occurrences``.
    """

    word_ids: np.ndarray
    occurrences: np.ndarray
    cooc: np.ndarray
    n_windows: int
    window: int | None
    index: dict[int, int] = field(repr=False, compare=False, default_factory=dict)

    def positions(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Rows of ``cooc`` for the given term ids (KeyError when a term was not counted)."""
        lookup = self.index or {int(w): i for i, w in enumerate(self.word_ids)}
        return np.array([lookup[int(w)] for w in ids], dtype=np.int64)


def encode_texts(texts: Iterable[Sequence[str]], token2id: Mapping[str, int]) -> TokenStream:
    """Encode tokenised documents as a :class:`TokenStream` (tokens not in ``token2id`` -> -1).

    Parameters
    ----------
    texts : iterable of sequence of str
        Tokenised documents, in corpus order (the order does not change the counts).
    token2id : mapping
        Term -> id, e.g. ``gensim.corpora.Dictionary.token2id``.
    """
    lengths: list[int] = []
    chunks: list[np.ndarray] = []
    get = token2id.get
    for text in texts:
        arr = np.fromiter((get(t, -1) for t in text), dtype=np.int32, count=len(text))
        chunks.append(arr)
        lengths.append(arr.size)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=offsets[1:])
    ids = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    n_terms = (max(token2id.values()) + 1) if len(token2id) else 0
    return TokenStream(ids=ids, offsets=offsets, n_terms=int(n_terms))


def encode_token_lists(tokens: Any, vocabulary: Sequence[str]) -> TokenStream:
    """Encode a pyarrow ``list<string>`` column (one row per document) as a :class:`TokenStream`.

    Vectorised equivalent of :func:`encode_texts` (``pyarrow.compute.index_in``); term ``i`` of
    ``vocabulary`` gets id ``i``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    column = tokens.combine_chunks() if isinstance(tokens, pa.ChunkedArray) else tokens
    if column.offset != 0 or column.null_count:
        column = pa.array(column.to_pylist(), type=column.type)
    offsets = column.offsets.to_numpy().astype(np.int64)
    values = column.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    index = pc.index_in(values, value_set=pa.array(list(vocabulary), type=pa.string()))
    ids = index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    return TokenStream(ids=ids, offsets=offsets - offsets[0], n_terms=len(vocabulary))


def top_word_ids(topic_word: np.ndarray, topn: int) -> list[np.ndarray]:
    """Ids of the ``topn`` most probable terms of each topic, most probable first.

    Ties are broken by the lower term id (a stable sort), so the result is deterministic.
    """
    order = np.argsort(-np.asarray(topic_word), axis=1, kind="stable")[:, :topn]
    return [row.astype(np.int64) for row in order]


def _membership_intervals(
    stream: TokenStream, word_ids: np.ndarray, window: int, *, counting: str = "gensim"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Intervals of global window indices during which each word is in a window's word set
    (gensim's incremental set, or by definition: ``counting``).

    Returns ``(word, start, end, n_windows)`` with ``word`` the position in ``word_ids``.
    """
    lookup = np.full(max(stream.n_terms, int(word_ids.max(initial=-1)) + 1) + 1, -1, np.int64)
    lookup[word_ids] = np.arange(word_ids.size)
    lengths = np.diff(stream.offsets)
    n_win = np.maximum(lengths - window + 1, 1)
    win_offset = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(n_win, out=win_offset[1:])
    n_windows = int(win_offset[-1])

    pos_all = np.flatnonzero(lookup[stream.ids] >= 0) if stream.ids.size else np.zeros(0, int)
    word = lookup[stream.ids[pos_all]]
    doc = np.searchsorted(stream.offsets, pos_all, side="right") - 1
    p = pos_all - stream.offsets[doc]
    t_doc = n_win[doc]
    add_step = np.maximum(p - window + 1, 0)
    if counting == "definition":
        words, starts, ends = _union_intervals(
            doc, word, add_step, np.minimum(p, t_doc - 1) + 1, win_offset
        )
        return words, starts, ends, n_windows
    has_remove = p + 1 <= t_doc - 1
    ev_doc = np.concatenate([doc, doc[has_remove]])
    ev_word = np.concatenate([word, word[has_remove]])
    ev_step = np.concatenate([add_step, (p + 1)[has_remove]])
    ev_type = np.concatenate(
        [np.ones(word.size, np.int8), np.zeros(int(has_remove.sum()), np.int8)]
    )
    # Sort by (doc, word, step, type): removes before adds within a step, as gensim does.
    order = np.lexsort((ev_type, ev_step, ev_word, ev_doc))
    ev_doc, ev_word, ev_step, ev_type = (
        ev_doc[order],
        ev_word[order],
        ev_step[order],
        ev_type[order],
    )
    same_key = np.zeros(ev_doc.size, dtype=bool)
    same_key[1:] = (ev_doc[1:] == ev_doc[:-1]) & (ev_word[1:] == ev_word[:-1])
    end = np.empty(ev_doc.size, dtype=np.int64)
    end[:-1] = np.where(same_key[1:], ev_step[1:], n_win[ev_doc[:-1]])
    if ev_doc.size:
        end[-1] = n_win[ev_doc[-1]]
    on = (ev_type == 1) & (end > ev_step)
    base = win_offset[ev_doc[on]]
    return ev_word[on], base + ev_step[on], base + end[on], n_windows


def _union_intervals(
    doc: np.ndarray, word: np.ndarray, start: np.ndarray, end: np.ndarray, win_offset: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge the window intervals ``[start, end)`` of each (document, word): a word is in a
    window when any of its occurrences is. Returns ``(word, global start, global end)``."""
    if not doc.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((start, word, doc))
    doc, word, start, end = doc[order], word[order], start[order], end[order]
    new_key = np.ones(doc.size, dtype=bool)
    new_key[1:] = (doc[1:] != doc[:-1]) | (word[1:] != word[:-1])
    # Within a key the intervals come sorted by start and their ends never decrease, so an
    # interval opens a new run when it starts after the previous one's end.
    opens = new_key.copy()
    opens[1:] |= start[1:] > end[:-1]
    first = np.flatnonzero(opens)
    run_end = np.maximum.reduceat(end, first)
    base = win_offset[doc[first]]
    return word[first].astype(np.int64), base + start[first], base + run_end


def _pair_overlaps(
    word: np.ndarray, start: np.ndarray, end: np.ndarray, n_words: int
) -> np.ndarray:
    """Sum of overlap lengths of the intervals of every word pair (upper + lower, no diagonal)."""
    order = np.lexsort((end, start))
    word, start, end = word[order], start[order], end[order]
    hi = np.searchsorted(start, end, side="left")
    counts = np.maximum(hi - np.arange(start.size) - 1, 0)
    total = np.zeros(n_words * n_words, dtype=np.float64)
    csum = np.cumsum(counts)
    lo_i = 0
    while lo_i < start.size:
        # Take as many intervals as fit into one chunk of pairs.
        budget = (csum[lo_i - 1] if lo_i else 0) + _PAIR_CHUNK
        hi_i = max(int(np.searchsorted(csum, budget, side="right")), lo_i + 1)
        idx = np.arange(lo_i, hi_i)
        c = counts[idx]
        i = np.repeat(idx, c)
        first = np.repeat(np.cumsum(c) - c, c)
        j = i + 1 + (np.arange(i.size) - first)
        overlap = np.minimum(end[i], end[j]) - start[j]
        total += np.bincount(word[i] * n_words + word[j], weights=overlap, minlength=total.size)
        lo_i = hi_i
    mat = total.reshape(n_words, n_words)
    return mat + mat.T


def window_counts(
    stream: TokenStream,
    word_ids: Sequence[int] | np.ndarray,
    *,
    window: int,
    counting: str = "gensim",
) -> CooccurrenceCounts:
    """Boolean sliding-window counts for ``word_ids``.

    Parameters
    ----------
    stream : TokenStream
        The encoded texts.
    word_ids : sequence of int
        Term ids to count (unique).
    window : int
        Window size in tokens (gensim: 10 for c_npmi/c_uci, 110 for c_v).
    counting : {"gensim", "definition"}
        ``"gensim"``: exactly gensim's accumulator (a word leaves the window set when one of
        its copies leaves); ``"definition"``: a word is in every window holding one of its
        occurrences. The windows themselves (their number and extent) are the same.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if counting not in COUNTINGS:
        raise ValueError(f"counting must be one of {COUNTINGS}, got {counting!r}")
    ids = np.unique(np.asarray(word_ids, dtype=np.int64))
    word, start, end, n_windows = _membership_intervals(stream, ids, window, counting=counting)
    occ = np.bincount(word, weights=end - start, minlength=ids.size)
    cooc = _pair_overlaps(word, start, end, ids.size)
    np.fill_diagonal(cooc, occ)
    return CooccurrenceCounts(
        word_ids=ids,
        occurrences=occ.astype(np.int64),
        cooc=np.rint(cooc).astype(np.int64),
        n_windows=n_windows,
        window=window,
        index={int(w): i for i, w in enumerate(ids)},
    )


def document_counts(
    doc_term: sp.spmatrix | sp.sparray, word_ids: Sequence[int] | np.ndarray
) -> CooccurrenceCounts:
    """Boolean document counts (gensim's ``p_boolean_document``) from a docs x terms matrix."""
    ids = np.unique(np.asarray(word_ids, dtype=np.int64))
    sub = sp.csc_matrix(doc_term)[:, ids]
    sub.data = np.ones_like(sub.data, dtype=np.int64)
    sub.eliminate_zeros()
    cooc = np.asarray((sub.T @ sub).toarray(), dtype=np.int64)
    return CooccurrenceCounts(
        word_ids=ids,
        occurrences=np.diagonal(cooc).copy(),
        cooc=cooc,
        n_windows=int(doc_term.shape[0]),
        window=None,
        index={int(w): i for i, w in enumerate(ids)},
    )


def _npmi_matrix(counts: CooccurrenceCounts, pos: np.ndarray, *, normalize: bool) -> np.ndarray:
    n = float(counts.n_windows)
    p_ij = counts.cooc[np.ix_(pos, pos)] / n
    p_i = counts.occurrences[pos] / n
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log((p_ij + EPSILON) / np.outer(p_i, p_i))
        if normalize:
            ratio = ratio / -np.log(p_ij + EPSILON)
    return ratio


def _direct(
    topics: Sequence[np.ndarray], counts: CooccurrenceCounts, *, normalize: bool
) -> np.ndarray:
    out = np.empty(len(topics))
    for t, topic in enumerate(topics):
        pos = counts.positions(topic)
        mat = _npmi_matrix(counts, pos, normalize=normalize)
        mask = ~np.eye(pos.size, dtype=bool)
        out[t] = np.mean(mat[mask]) if mask.any() else np.nan
    return out


def _cv(topics: Sequence[np.ndarray], counts: CooccurrenceCounts) -> np.ndarray:
    out = np.empty(len(topics))
    for t, topic in enumerate(topics):
        pos = counts.positions(topic)
        mat = _npmi_matrix(counts, pos, normalize=True)
        whole = mat.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            sims = (mat @ whole) / (np.linalg.norm(mat, axis=1) * np.linalg.norm(whole))
        out[t] = np.mean(sims)
    return out


def _umass(topics: Sequence[np.ndarray], counts: CooccurrenceCounts) -> np.ndarray:
    n = float(counts.n_windows)
    out = np.empty(len(topics))
    for t, topic in enumerate(topics):
        pos = counts.positions(topic)
        vals = []
        for i in range(1, pos.size):
            for j in range(i):
                star = counts.occurrences[pos[j]]
                if star == 0:
                    vals.append(0.0)
                    continue
                co = counts.cooc[pos[i], pos[j]]
                vals.append(float(np.log((co / n + EPSILON) / (star / n))))
        out[t] = np.mean(vals) if vals else np.nan
    return out


def score_topics(
    topics: Sequence[Sequence[int] | np.ndarray], counts: CooccurrenceCounts, *, measure: str
) -> np.ndarray:
    """Coherence of each topic (term-id lists) from precomputed counts.

    Parameters
    ----------
    topics : sequence of sequence of int
        Top term ids per topic, most probable first (the order matters for u_mass only).
    counts : CooccurrenceCounts
        Window counts (c_v, c_uci, c_npmi) or document counts (u_mass) covering the topics' words.
    measure : {"c_npmi", "c_v", "c_uci", "u_mass"}
    """
    arrays = [np.asarray(t, dtype=np.int64) for t in topics]
    if measure == "c_npmi":
        return _direct(arrays, counts, normalize=True)
    if measure == "c_uci":
        return _direct(arrays, counts, normalize=False)
    if measure == "c_v":
        return _cv(arrays, counts)
    if measure == "u_mass":
        return _umass(arrays, counts)
    raise ValueError(f"unknown coherence measure {measure!r}; choose from {MEASURES}")


class CoherenceScorer:
    """Coherence of many topic models on one corpus, with the counts computed once and cached.

    Parameters
    ----------
    stream : TokenStream, optional
        Encoded texts, needed for the window-based measures (c_v, c_uci, c_npmi).
    doc_term : sparse matrix, optional
        Documents x terms counts, needed for u_mass.
    windows : mapping, optional
        Window size per measure; defaults to gensim's (:data:`WINDOW_SIZES`).
    counting : {"gensim", "definition"}
        How windows are counted (see :func:`window_counts`); gensim's by default.

    Notes
    -----
    Call :meth:`prepare` with the union of all top words of a model grid first, so that one
    count per window size serves all models; words missing later trigger a recount.
    """

    def __init__(
        self,
        *,
        stream: TokenStream | None = None,
        doc_term: sp.spmatrix | sp.sparray | None = None,
        windows: Mapping[str, int | None] | None = None,
        counting: str = "gensim",
    ) -> None:
        if counting not in COUNTINGS:
            raise ValueError(f"counting must be one of {COUNTINGS}, got {counting!r}")
        self.counting = counting
        self.stream = stream
        self.doc_term = doc_term
        self.windows = dict(WINDOW_SIZES if windows is None else {**WINDOW_SIZES, **windows})
        self._cache: dict[int | None, CooccurrenceCounts] = {}

    def prepare(self, word_ids: Iterable[int], measures: Sequence[str] = MEASURES) -> None:
        """Count the given words for every window size the measures need."""
        ids = np.unique(np.fromiter((int(w) for w in word_ids), dtype=np.int64))
        for window in sorted({self.windows[m] or 0 for m in measures}):
            self._counts(window or None, ids)

    def _counts(self, window: int | None, ids: np.ndarray) -> CooccurrenceCounts:
        cached = self._cache.get(window)
        if cached is not None and np.isin(ids, cached.word_ids).all():
            return cached
        if cached is not None:
            ids = np.union1d(ids, cached.word_ids)
        if window is None:
            if self.doc_term is None:
                raise ValueError("u_mass needs a doc_term matrix")
            counts = document_counts(self.doc_term, ids)
        else:
            if self.stream is None:
                raise ValueError("window-based coherence needs a token stream (texts)")
            counts = window_counts(self.stream, ids, window=window, counting=self.counting)
        logger.debug("counted %d words (window %s)", ids.size, window)
        self._cache[window] = counts
        return counts

    def score(self, topics: Sequence[Sequence[int] | np.ndarray], *, measure: str) -> np.ndarray:
        """Per-topic coherence (see :func:`score_topics`)."""
        if measure not in self.windows:
            raise ValueError(f"unknown coherence measure {measure!r}; choose from {MEASURES}")
        ids = np.unique(np.concatenate([np.asarray(t, dtype=np.int64) for t in topics]))
        counts = self._counts(self.windows[measure], ids)
        return score_topics(topics, counts, measure=measure)
