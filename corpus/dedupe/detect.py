"""Exact and near-duplicate documents: normalized hashes, MinHash signatures and LSH.

Definitions (what the numbers mean)
-----------------------------------
*Exact key*. The text is case-folded (:meth:`str.casefold`), every run of ASCII white space
(space, tab, ``\\n``, ``\\r``, ``\\v``, ``\\f``) becomes one space, leading and trailing white
space is removed, and the UTF-8 bytes are hashed with BLAKE2b (128 bits):
:func:`exact_key`. Two documents are *exact* duplicates when their keys are equal. A text that is
empty after this folding has no key and is never a duplicate. (Unicode spaces are folded by
:func:`secnews.corpus.clean.normalize.normalize_text` before a document reaches this step.)

*Words and shingles*. A word is a maximal run of the case-folded text's UTF-8 bytes that are ASCII
letters, digits, ``_`` or any non-ASCII byte; everything else (white space, ASCII punctuation)
separates words. A shingle is ``shingle_size`` consecutive words; a document with at least one
word but fewer than ``shingle_size`` words has one shingle (all its words). Shingles are hashed to
64-bit integers (a position-independent polynomial hash of each word's bytes, a polynomial of the
word hashes, and the SplitMix64 finalizer) by vectorized numpy code: :func:`shingle_hashes`.
Near-duplicates are judged on the Jaccard similarity of these shingle *sets*.

*MinHash and LSH*. Each document's shingle set is summarized by ``num_perm`` 32-bit MinHash
values computed by rensa (Rust; ``RMinHash.digest_matrix_from_flat_token_hashes``, seeded by
``seed``); the fraction of equal values estimates the Jaccard similarity with standard deviation
``sqrt(J (1 - J) / num_perm)`` (0.035 at J = 0.8 with 128 values). Signatures are split into
``bands`` bands of ``rows`` values (chosen by :func:`lsh_bands` so that a pair at the threshold
becomes a candidate with high probability); two documents sharing a whole band are candidates.
Every candidate pair is *verified*: it counts only when its estimated Jaccard similarity is at
least ``threshold``. Only the kept copy of each exact-duplicate group takes part (its copies are
identical), and only documents with at least one word.

Accuracy (``benchmarks/bench_dedupe.py``): against the exact Jaccard similarity of the same
shingles, on the 1,796 Kremlin and Ukrainian presidential press releases plus an edited copy of
each, pairs put in one group at threshold 0.8 have recall 0.97 and precision 0.97; the misses
and false alarms lie within 0.05 of the threshold (the estimator's noise): recall is 0.996 for
pairs with exact similarity >= 0.85 and precision 0.996 against >= 0.75.

*Groups and the kept document*. Exact and verified near pairs are joined transitively
(union-find); in each group one document is kept: the first by ``order_key`` (for example the
publication time; missing values sort last), ties broken by input position (the first in input
order when no ``order_key`` is given). Every other member gets ``dup_of`` = the kept document's
id. Documents are never dropped here: the caller stores ``dup_of``.

Memory: texts are streamed in batches of about ``batch_chars`` characters; only the
``n x num_perm`` uint32 signature matrix and one 16-byte key per document are kept (about 5.6 MB
for the 10,952 UN speeches).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from secnews.corpus.dedupe.hashing import (
    SHINGLE_BASE,
    exact_key,
    minhash_signatures,
    mix64,
    shingle_hashes,
)

__all__ = [
    "DUPLICATE_COLUMNS",
    "DedupeSettings",
    "duplicates_from_signatures",
    "exact_key",
    "find_duplicates",
    "lsh_bands",
    "minhash_signatures",
    "shingle_hashes",
    "similar_pairs",
]

logger = logging.getLogger(__name__)

#: Columns of the table :func:`find_duplicates` returns.
DUPLICATE_COLUMNS: tuple[str, ...] = ("doc_id", "dup_of", "kind", "similarity")

_U64 = np.uint64
_MAX_BUCKET = 200  # larger LSH buckets are linked to their first member only


@dataclass(frozen=True, slots=True)
class DedupeSettings:
    """Settings of the duplicate step (written into the corpus manifest).

    Parameters
    ----------
    threshold
        Minimum estimated Jaccard similarity of the shingle sets for a near-duplicate (0 < t <= 1).
    num_perm
        Number of MinHash values per document.
    shingle_size
        Words per shingle.
    seed
        Seed of the MinHash permutations (the ``random_state`` of this step).
    exact_only
        Only exact duplicates (no shingles, no MinHash).
    batch_chars
        Characters hashed per vectorized batch (memory/speed trade-off; results do not depend on
        it except for documents longer than it, see :func:`minhash_signatures`).
    bands
        Number of LSH bands; ``None`` chooses it with :func:`lsh_bands`.
    """

    threshold: float = 0.8
    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1
    exact_only: bool = False
    batch_chars: int = 1 << 20
    bands: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.num_perm < 1 or self.shingle_size < 1 or self.batch_chars < 1:
            raise ValueError("num_perm, shingle_size and batch_chars must be positive")
        if self.bands is not None and not 1 <= self.bands <= self.num_perm:
            raise ValueError(f"bands must be in [1, num_perm], got {self.bands}")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict (with the resolved LSH bands and rows)."""
        out = asdict(self)
        out["bands"], out["rows"] = self.resolved_bands()
        out["method"] = "rensa RMinHash + banded LSH, verified by estimated Jaccard"
        if not self.exact_only:
            import rensa

            out["minhash_algorithm_version"] = int(rensa.RMinHash.ALGORITHM_VERSION)
        return out

    def resolved_bands(self) -> tuple[int, int]:
        """Return ``(bands, rows)`` used by the LSH index."""
        if self.bands is None:
            return lsh_bands(self.threshold, self.num_perm)
        return self.bands, self.num_perm // self.bands


def lsh_bands(threshold: float, num_perm: int, *, max_miss: float = 0.005) -> tuple[int, int]:
    """Choose LSH bands and rows for a Jaccard threshold.

    A pair with Jaccard similarity ``s`` becomes a candidate with probability
    ``1 - (1 - s**rows)**bands``. For each ``rows`` the most bands that fit (``num_perm //
    rows``) are used; the result is the largest ``rows`` (the fewest spurious candidates) whose
    miss probability at ``s = threshold`` is at most ``max_miss``. Candidates are verified
    afterwards, so a miss costs more than a spurious candidate. With 128 values: threshold 0.8 gives
    21 bands of 6 rows (a pair at 0.8 is missed with probability 0.0017, at 0.5 it is a candidate
    with probability 0.28).

    Parameters
    ----------
    threshold
        Jaccard threshold in (0, 1].
    num_perm
        Signature length.
    max_miss
        Largest acceptable probability of missing a pair exactly at the threshold.

    Returns
    -------
    tuple of int
        ``(bands, rows)``.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if (1.0 - threshold**rows) ** bands <= max_miss:
            best = (bands, rows)
    return best


class _UnionFind:
    """Disjoint sets whose root is always the member with the smallest priority."""

    def __init__(self, priority: np.ndarray) -> None:
        self.parent = np.arange(len(priority))
        self.priority = priority

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[item] != root:
            self.parent[item], item = root, int(self.parent[item])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.priority[rb] < self.priority[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra


def _priority(n: int, order_key: Sequence[Any] | None) -> np.ndarray:
    """Rank of each document for keeping: by ``order_key`` (missing last), then position."""
    if order_key is None:
        return np.arange(n)
    if len(order_key) != n:
        raise ValueError(f"order_key has {len(order_key)} values for {n} documents")
    ranks = pd.Series(list(order_key)).rank(method="first", na_option="bottom")
    return np.argsort(np.argsort(ranks.to_numpy(dtype=float), kind="stable"), kind="stable")


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> Iterator[np.ndarray]:
    """Yield one uint64 key per document and band (a hash of the band's values)."""
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
        key = np.full(len(signatures), _U64(band + 1), dtype=np.uint64)
        for column in range(rows):
            key = mix64(key * SHINGLE_BASE + block[:, column])
        yield key


def _candidate_pairs(
    signatures: np.ndarray, members: np.ndarray, priority: np.ndarray, bands: int, rows: int
) -> np.ndarray:
    """Return unique candidate pairs ``(i, j)``, ``i < j`` (row indexes) sharing an LSH band."""
    n = len(signatures)
    codes: list[np.ndarray] = []
    if len(members) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    for key in _band_keys(signatures[members], bands, rows):
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        change = np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1
        bounds = np.concatenate(([0], change, [len(order)]))
        for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if stop - start < 2:
                continue
            docs = members[order[start:stop]]
            docs = docs[np.argsort(priority[docs], kind="stable")]
            if len(docs) > _MAX_BUCKET:
                left, right = np.full(len(docs) - 1, docs[0]), docs[1:]
            else:
                left_idx, right_idx = np.triu_indices(len(docs), k=1)
                left, right = docs[left_idx], docs[right_idx]
            low, high = np.minimum(left, right), np.maximum(left, right)
            codes.append(low.astype(np.int64) * n + high)
    if not codes:
        return np.zeros((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(codes))
    return np.stack([unique // n, unique % n], axis=1)


def _estimated_jaccard(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    out = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), 65536):
        chunk = pairs[start : start + 65536]
        out[start : start + len(chunk)] = np.mean(
            signatures[chunk[:, 0]] == signatures[chunk[:, 1]], axis=1
        )
    return out


def similar_pairs(
    signatures: np.ndarray,
    *,
    threshold: float,
    bands: int,
    rows: int,
    members: np.ndarray | None = None,
    priority: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return the verified near-duplicate pairs of a signature matrix (banded LSH).

    Parameters
    ----------
    signatures
        ``(n, num_perm)`` MinHash matrix (:func:`minhash_signatures`).
    threshold
        Minimum estimated Jaccard similarity of a verified pair.
    bands, rows
        LSH banding (:func:`lsh_bands`); ``bands * rows <= num_perm``.
    members
        Row indexes taking part (default: all rows).
    priority
        Keep-order of the rows (default: row order); an LSH bucket with more than 200 members
        is linked to its first member by priority only (instead of all pairs).

    Returns
    -------
    pandas.DataFrame
        Columns ``left``, ``right`` (row indexes, ``left < right``) and ``similarity`` (estimated
        Jaccard), for the candidate pairs whose similarity is at least ``threshold``, sorted.
    """
    n = len(signatures)
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows exceed {signatures.shape[1]} values")
    members = np.arange(n) if members is None else np.asarray(members, dtype=np.int64)
    priority = np.arange(n) if priority is None else priority
    pairs = _candidate_pairs(signatures, members, priority, bands, rows)
    similarity = _estimated_jaccard(signatures, pairs)
    keep = similarity >= threshold
    logger.info(
        "LSH %d bands x %d rows: %d candidate pairs, %d verified",
        bands,
        rows,
        len(pairs),
        int(keep.sum()),
    )
    return pd.DataFrame(
        {"left": pairs[keep, 0], "right": pairs[keep, 1], "similarity": similarity[keep]}
    )


def find_duplicates(
    doc_ids: Sequence[str],
    texts: Iterable[str],
    *,
    settings: DedupeSettings = DedupeSettings(),
    order_key: Sequence[Any] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find exact and near-duplicate documents (see the module docstring for the rules).

    Parameters
    ----------
    doc_ids
        Document ids, in input order.
    texts
        The documents' full texts (title, lede and body), same order; streamed once.
    settings
        Thresholds, MinHash and LSH settings.
    order_key
        Optional values aligned with ``doc_ids`` deciding which member of a duplicate group is
        kept: the smallest (e.g. the earliest ``published``); missing values (None, NaN, NaT)
        sort last; ties go to the earlier input position.
    progress
        Show a tqdm bar (``None``: only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per duplicate (kept documents are not listed), indexed by input position (name
        ``position``), sorted by it, with columns ``doc_id``, ``dup_of`` (id of the kept document
        of its group), ``kind`` (``"exact"`` when its exact key equals the kept document's,
        otherwise ``"near"``) and ``similarity`` (1.0 for exact; for near, the estimated Jaccard
        similarity with the kept document, which may fall below the threshold when the group
        was joined through an intermediate document).
    """
    ids = list(doc_ids)
    signatures, keys, n_shingles = minhash_signatures(
        texts,
        n_docs=len(ids),
        num_perm=0 if settings.exact_only else settings.num_perm,
        shingle_size=settings.shingle_size,
        seed=settings.seed,
        batch_chars=settings.batch_chars,
        progress=progress,
    )
    return duplicates_from_signatures(
        ids, signatures, keys, n_shingles, settings=settings, order_key=order_key
    )


def duplicates_from_signatures(
    doc_ids: Sequence[str],
    signatures: np.ndarray,
    keys: Sequence[bytes | None],
    n_shingles: np.ndarray,
    *,
    settings: DedupeSettings = DedupeSettings(),
    order_key: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """:func:`find_duplicates` from signatures computed beforehand.

    Signatures and keys of a document do not depend on the other documents, so they may be
    computed batch by batch while a corpus is read (:func:`minhash_signatures` on each batch,
    with the settings' ``num_perm`` (0 when ``exact_only``), ``shingle_size``, ``seed`` and
    ``batch_chars``) and stacked: the result is the same as :func:`find_duplicates` on all texts.

    Parameters
    ----------
    doc_ids
        Document ids, in input order.
    signatures, keys, n_shingles
        The three results of :func:`minhash_signatures`, one row or value per document.
    settings, order_key
        As in :func:`find_duplicates`.

    Returns
    -------
    pandas.DataFrame
        As :func:`find_duplicates`.
    """
    ids = list(doc_ids)
    n = len(ids)
    keys = list(keys)
    if len(keys) != n or len(signatures) != n or len(n_shingles) != n:
        raise ValueError(f"signatures, keys and n_shingles must have one entry per doc_id ({n})")
    priority = _priority(n, order_key)
    sets = _UnionFind(priority)
    first_by_key: dict[bytes, int] = {}
    for doc in np.argsort(priority, kind="stable").tolist():
        key = keys[doc]
        if key is None:
            continue
        if key in first_by_key:
            sets.union(first_by_key[key], doc)
        else:
            first_by_key[key] = doc
    if not settings.exact_only:
        members = np.array(sorted(first_by_key.values()), dtype=np.int64)
        bands, rows = settings.resolved_bands()
        pairs = similar_pairs(
            signatures,
            threshold=settings.threshold,
            bands=bands,
            rows=rows,
            members=members[n_shingles[members] > 0],
            priority=priority,
        )
        for left, right in zip(pairs["left"].tolist(), pairs["right"].tolist(), strict=True):
            sets.union(left, right)
    return _duplicate_table(ids, keys, signatures, sets)


def _duplicate_table(
    ids: list[str], keys: list[bytes | None], signatures: np.ndarray, sets: _UnionFind
) -> pd.DataFrame:
    positions, dup_of, kinds, sims = [], [], [], []
    for doc in range(len(ids)):
        root = sets.find(doc)
        if root == doc:
            continue
        exact = keys[doc] is not None and keys[doc] == keys[root]
        positions.append(doc)
        dup_of.append(ids[root])
        kinds.append("exact" if exact else "near")
        sims.append(1.0 if exact else float(np.mean(signatures[doc] == signatures[root])))
    index = pd.Index(positions, dtype="int64", name="position")
    return pd.DataFrame(
        {
            "doc_id": pd.Series([ids[p] for p in positions], index=index, dtype="str"),
            "dup_of": pd.Series(dup_of, index=index, dtype="str"),
            "kind": pd.Series(kinds, index=index, dtype="str"),
            "similarity": pd.Series(sims, index=index, dtype="float64"),
        },
        index=index,
    )
