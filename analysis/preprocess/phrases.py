"""Multiword phrases scored by NPMI, computed on integer token streams with numpy.

The scoring is gensim's ``npmi_scorer`` (Bouma 2009), used by ``gensim.models.Phrases`` with
``scoring="npmi"``::

    npmi(a, b) = ln(p_ab / (p_a * p_b)) / -ln(p_ab),   p_x = count_x / N

where ``N`` is the number of (kept) tokens. A bigram becomes a phrase when its count is at least
``min_count`` and its score is strictly above ``threshold`` (gensim's rule). Phrases are applied
greedily from left to right without overlap, as gensim's ``FrozenPhrases`` does, and a second pass
over the merged stream finds longer phrases ("special_military" + "operation").

Unlike a plain ``Phrases`` run on stopword-free sentences, a bigram is only counted when its two
tokens were adjacent in the text: a removed stopword, number or URL breaks adjacency, so "security
of the council" never yields "security_council". The stream carries that information in a boolean
``brk`` array (``True`` where a token does not continue the previous one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PhraseTable", "apply_phrases", "count_bigrams", "merge_counts", "score_phrases"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PhraseTable:
    """Phrases found in one pass: sorted pair keys (``left << 32 | right``) and their new ids."""

    keys: IntArray
    new_ids: IntArray
    counts: IntArray
    scores: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.keys)


def _pair_keys(ids: IntArray, brk: BoolArray) -> tuple[IntArray, IntArray]:
    """Return the positions ``j`` (second token) of adjacent pairs and their keys."""
    if len(ids) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pos = np.flatnonzero(~brk[1:]) + 1
    keys = (ids[pos - 1].astype(np.int64) << 32) | ids[pos].astype(np.int64)
    return pos, keys


def count_bigrams(
    ids: IntArray, brk: BoolArray, frequent: BoolArray | None = None
) -> tuple[IntArray, IntArray]:
    """Count adjacent pairs of a stream chunk.

    Parameters
    ----------
    ids, brk
        The stream chunk.
    frequent
        Optional mask over token ids: only pairs of two frequent tokens are counted (a pair can
        reach ``min_count`` only if both of its tokens do, so this loses no phrase).

    Returns
    -------
    (keys, counts)
        Sorted unique pair keys ``left << 32 | right`` and their counts.
    """
    pos, keys = _pair_keys(ids, brk)
    if frequent is not None and len(pos):
        keys = keys[frequent[ids[pos - 1]] & frequent[ids[pos]]]
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts.astype(np.int64)


def merge_counts(parts: list[tuple[IntArray, IntArray]]) -> tuple[IntArray, IntArray]:
    """Merge several ``(keys, counts)`` tables into one sorted table."""
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    keys = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    if len(keys) == 0:
        return keys.astype(np.int64), counts.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    counts = counts[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], np.add.reduceat(counts, starts).astype(np.int64)


def score_phrases(
    keys: IntArray,
    counts: IntArray,
    unigram_counts: IntArray,
    *,
    n_tokens: int,
    min_count: int,
    threshold: float,
    first_new_id: int,
) -> PhraseTable:
    """Select the bigrams whose NPMI is above ``threshold`` (gensim's ``npmi_scorer``).

    Parameters
    ----------
    keys, counts
        Bigram table from :func:`count_bigrams` / :func:`merge_counts`.
    unigram_counts
        Counts of every token id in the same stream.
    n_tokens
        ``N``, the number of tokens of the stream.
    min_count
        Minimum bigram count (``>=``).
    threshold
        NPMI threshold (strictly greater).
    first_new_id
        Id given to the first new phrase; the others follow in key order.

    Returns
    -------
    PhraseTable
    """
    mask = counts >= min_count
    keys, counts = keys[mask], counts[mask]
    left = (keys >> 32).astype(np.int64)
    right = (keys & 0xFFFFFFFF).astype(np.int64)
    n = float(max(n_tokens, 1))
    pab = counts / n
    pa = unigram_counts[left] / n
    pb = unigram_counts[right] / n
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.log(pab / (pa * pb)) / -np.log(pab)
    score = np.where(np.isfinite(score), score, -np.inf)
    keep = score > threshold
    chosen = keys[keep]
    return PhraseTable(
        keys=chosen,
        new_ids=np.arange(first_new_id, first_new_id + len(chosen), dtype=np.int64),
        counts=counts[keep],
        scores=score[keep],
    )


def apply_phrases(
    ids: IntArray, brk: BoolArray, table: PhraseTable, doc_index: IntArray
) -> tuple[IntArray, BoolArray, IntArray]:
    """Merge the phrases of ``table`` into a stream chunk, greedily from the left.

    Parameters
    ----------
    ids, brk
        Token ids and adjacency breaks of whole documents.
    table
        Phrases of one pass.
    doc_index
        Index of the document of every token (kept in step with the merged stream).

    Returns
    -------
    (ids, brk, doc_index)
        The merged stream.
    """
    if len(table) == 0 or len(ids) < 2:
        return ids, brk, doc_index
    pos, keys = _pair_keys(ids, brk)
    lefts = np.unique(table.keys >> 32)
    maybe = np.isin(ids[pos - 1], lefts, kind="table") if len(pos) else np.zeros(0, dtype=bool)
    pos, keys = pos[maybe], keys[maybe]
    if len(pos) == 0:
        return ids, brk, doc_index
    where = np.searchsorted(table.keys, keys)
    where = np.minimum(where, len(table.keys) - 1)
    hit = table.keys[where] == keys
    cand = pos[hit]
    if len(cand) == 0:
        return ids, brk, doc_index
    new_ids = table.new_ids[where[hit]]
    # Greedy non-overlapping choice: in a run of candidates at consecutive positions, take the
    # 1st, 3rd, ... (each merged pair consumes the token the next pair would start with).
    run_start = np.ones(len(cand), dtype=bool)
    run_start[1:] = cand[1:] != cand[:-1] + 1
    start_idx = np.maximum.accumulate(np.where(run_start, np.arange(len(cand)), 0))
    take = ((np.arange(len(cand)) - start_idx) % 2) == 0
    second = cand[take]
    out_ids = ids.copy()
    out_ids[second - 1] = new_ids[take]
    keep = np.ones(len(ids), dtype=bool)
    keep[second] = False
    return out_ids[keep], brk[keep], doc_index[keep]
