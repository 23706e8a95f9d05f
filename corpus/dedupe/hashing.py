"""Hashing for duplicate detection: exact keys, shingle hashes and MinHash signatures.

The definitions are in :mod:`secnews.corpus.dedupe.detect`. Everything here is vectorized with numpy over
batches of texts (no Python object per word); MinHash values come from rensa (Rust).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from tqdm.auto import tqdm

__all__ = ["SHINGLE_BASE", "exact_key", "minhash_signatures", "mix64", "shingle_hashes"]

_U64 = np.uint64
_WORD_BASE = _U64(0x9E3779B97F4A7C15)  # odd, so invertible modulo 2**64
_WORD_BASE_INV = _U64(pow(0x9E3779B97F4A7C15, -1, 2**64))
#: Multiplier of the polynomial that combines word hashes into a shingle hash.
SHINGLE_BASE = _U64(0xD6E8FEB86659FD93)
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_ASCII_SPACE = re.compile(r"[ \t\n\r\x0b\x0c]+")
EMPTY_DIGEST = np.uint32(0xFFFFFFFF)
_KEY_CHUNK = 1 << 18


def exact_key(text: str) -> bytes | None:
    """Return the exact-duplicate key of a text (see the module docstring), ``None`` if empty.

    Parameters
    ----------
    text
        The document's full text.

    Returns
    -------
    bytes or None
        16-byte BLAKE2b digest of the case- and white-space-folded UTF-8 text.
    """
    digest = hashlib.blake2b(digest_size=16)
    started = pending_space = False
    # chunks bound the memory of very long texts (case folding is per character)
    for start in range(0, len(text), _KEY_CHUNK):
        folded = _ASCII_SPACE.sub(" ", text[start : start + _KEY_CHUNK].casefold())
        if folded.startswith(" "):
            folded, pending_space = folded[1:], True
        if not folded:
            continue
        ends_in_space = folded.endswith(" ")
        if ends_in_space:
            folded = folded[:-1]
        if pending_space and started:
            digest.update(b" ")
        digest.update(folded.encode("utf-8"))
        started, pending_space = True, ends_in_space
    return digest.digest() if started else None


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer (vectorized, wraps modulo 2**64)."""
    values = values ^ (values >> _U64(30))
    values = values * _MIX1
    values = values ^ (values >> _U64(27))
    values = values * _MIX2
    return values ^ (values >> _U64(31))


def _byte_tables() -> tuple[np.ndarray, np.ndarray]:
    word = np.zeros(256, dtype=bool)
    word[
        np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", np.uint8)
    ] = True
    word[128:] = True
    space = np.zeros(256, dtype=bool)
    space[np.frombuffer(b" \t\n\r\x0b\x0c", np.uint8)] = True
    return word, space


def _fold(text: str) -> bytes:
    """Case-folded UTF-8 bytes (ASCII texts take the fast ``bytes.lower`` route)."""
    if text.isascii():
        return text.encode("ascii").lower()
    return text.casefold().encode("utf-8")


class _Hasher:
    """Vectorized word and shingle hashing of a batch of texts (keeps powers tables)."""

    def __init__(self, shingle_size: int) -> None:
        self.shingle_size = shingle_size
        self.word_bytes, self.space_bytes = _byte_tables()
        self.pow_inv = np.ones(0, dtype=np.uint64)
        self.pow_base = np.ones(0, dtype=np.uint64)

    def _powers(self, n: int) -> None:
        if n <= len(self.pow_inv):
            return
        size = max(n, 2 * len(self.pow_inv))
        for name, base in (("pow_inv", _WORD_BASE_INV), ("pow_base", _WORD_BASE)):
            table = np.full(size, base, dtype=np.uint64)
            table[0] = 1
            setattr(self, name, np.cumprod(table))

    def batch(
        self, texts: Sequence[str], *, keys: bool, shingles: bool = True
    ) -> tuple[np.ndarray, np.ndarray, list[bytes | None]]:
        """Return flat shingle hashes, row offsets (``len(texts) + 1``) and exact keys."""
        encoded = [_fold(text) for text in texts]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=starts[1:])  # one separator byte after each text
        data = np.frombuffer(b" ".join(encoded) + b" ", dtype=np.uint8)
        exact = self._exact_keys(data, starts, lengths) if keys else []
        if not shingles:
            return np.zeros(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.uint64), exact
        word_hash, word_doc = self._word_hashes(data, starts)
        flat, offsets = self._shingles(word_hash, word_doc, len(encoded))
        return flat, offsets, exact

    def _exact_keys(
        self, data: np.ndarray, starts: np.ndarray, lengths: np.ndarray
    ) -> list[bytes | None]:
        space = self.space_bytes[data]
        keep = ~space
        keep[1:] |= ~space[:-1]  # the first white-space byte of each run stays (as one space)
        keep[0] = True
        folded = np.where(space, np.uint8(32), data)[keep].tobytes()
        # kept bytes before each position: rank of the position among the kept ones
        kept = np.flatnonzero(keep)
        begin = np.searchsorted(kept, starts[:-1]).tolist()
        end = np.searchsorted(kept, starts[:-1] + lengths).tolist()
        out: list[bytes | None] = []
        for a, b in zip(begin, end, strict=True):
            piece = folded[a:b].strip(b" ")
            out.append(hashlib.blake2b(piece, digest_size=16).digest() if piece else None)
        return out

    def _word_hashes(self, data: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(data)
        self._powers(n)
        is_word = self.word_bytes[data].view(np.int8)
        edges = np.diff(is_word, prepend=np.int8(0), append=np.int8(0))
        begin = np.flatnonzero(edges == 1)
        end = np.flatnonzero(edges == -1)
        # prefix[i] = sum_{t < i} (byte_t + 1) * base**-t, so a word's bytes hash independently
        # of where the word stands: (prefix[end] - prefix[begin]) * base**begin
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((data.astype(np.uint64) + _U64(1)) * self.pow_inv[:n], out=prefix[1:])
        word_hash = mix64((prefix[end] - prefix[begin]) * self.pow_base[begin])
        word_doc = np.searchsorted(starts, begin, side="right") - 1
        return word_hash, word_doc

    def _shingles(
        self, word_hash: np.ndarray, word_doc: np.ndarray, n_docs: int
    ) -> tuple[np.ndarray, np.ndarray]:
        k = self.shingle_size
        m = len(word_hash) - k + 1
        if m > 0:
            shingle = word_hash[:m].copy()
            for j in range(1, k):
                shingle = shingle * SHINGLE_BASE + word_hash[j : j + m]
            valid = word_doc[:m] == word_doc[k - 1 :]
            flat = mix64(shingle[valid])
            counts = np.bincount(word_doc[:m][valid], minlength=n_docs)
        else:
            flat = np.zeros(0, dtype=np.uint64)
            counts = np.zeros(n_docs, dtype=np.int64)
        words = np.bincount(word_doc, minlength=n_docs)
        short = np.flatnonzero((words > 0) & (words < k))
        if len(short):  # documents with 1..k-1 words: one shingle of all their words
            first = np.searchsorted(word_doc, short)
            extra = []
            for doc, start in zip(short.tolist(), first.tolist(), strict=True):
                value = word_hash[start : start + 1].copy()
                for j in range(1, int(words[doc])):
                    value = value * SHINGLE_BASE + word_hash[start + j : start + j + 1]
                extra.append(mix64(value)[0])
            before = np.zeros(n_docs + 1, dtype=np.int64)
            np.cumsum(counts, out=before[1:])
            flat = np.insert(flat, before[short], np.array(extra, dtype=np.uint64))
            counts[short] = 1
        offsets = np.zeros(n_docs + 1, dtype=np.uint64)
        np.cumsum(counts, out=offsets[1:])
        return flat, offsets


_HASHERS = threading.local()


def _hasher(shingle_size: int) -> _Hasher:
    """A :class:`_Hasher` kept per thread and shingle size, so that its tables of powers are
    computed once, not for every batch."""
    cache: dict[int, _Hasher] | None = getattr(_HASHERS, "cache", None)
    if cache is None:
        cache = _HASHERS.cache = {}
    hasher = cache.get(shingle_size)
    if hasher is None:
        hasher = cache[shingle_size] = _Hasher(shingle_size)
    return hasher


def shingle_hashes(texts: Sequence[str], *, shingle_size: int = 5) -> list[np.ndarray]:
    """Return the 64-bit shingle hashes of each text (unique, sorted).

    The same hashing as :func:`find_duplicates` (see the module docstring); meant for checks and
    for the exact-Jaccard reference, not for large corpora.

    Parameters
    ----------
    texts
        Documents.
    shingle_size
        Words per shingle.

    Returns
    -------
    list of numpy.ndarray
        One sorted ``uint64`` array of distinct shingle hashes per text.
    """
    if not texts:
        return []
    flat, offsets, _ = _Hasher(shingle_size).batch(texts, keys=False)
    bounds = offsets.astype(np.int64)
    return [np.unique(flat[a:b]) for a, b in itertools.pairwise(bounds)]


def _split_long(text: str, limit: int) -> list[str]:
    """Cut a text longer than ``limit`` characters at white space into pieces of <= ``limit``."""
    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = max(text.rfind(" ", start, start + limit), text.rfind("\n", start, start + limit))
        if cut <= start:
            cut = start + limit
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _pieces(
    texts: Iterable[str], limit: int
) -> Iterator[tuple[list[str], list[int], dict[int, bytes | None]]]:
    """Yield batches of (pieces, document index of each piece, keys of split documents).

    The dict of keys of split documents grows over the whole stream (split documents are rare).
    """
    pieces: list[str] = []
    owners: list[int] = []
    split_keys: dict[int, bytes | None] = {}
    size = 0
    for doc, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {doc} is {type(text).__name__}, not str")
        parts = [text] if len(text) <= limit else _split_long(text, limit)
        if len(parts) > 1:
            split_keys[doc] = exact_key(text)
        for part in parts:
            pieces.append(part)
            owners.append(doc)
            size += len(part)
            if size >= limit:
                yield pieces, owners, split_keys
                pieces, owners, size = [], [], 0
    if pieces:
        yield pieces, owners, split_keys


def minhash_signatures(
    texts: Iterable[str],
    *,
    n_docs: int,
    num_perm: int = 128,
    shingle_size: int = 5,
    seed: int = 1,
    batch_chars: int = 1 << 20,
    progress: bool | None = None,
) -> tuple[np.ndarray, list[bytes | None], np.ndarray]:
    """Stream texts once; return MinHash signatures, exact keys and shingle counts.

    Documents longer than ``batch_chars`` are hashed in pieces of at most ``batch_chars``
    characters, cut at the last space or line break (a hard cut inside a piece without one), and
    the pieces' signatures are merged (element-wise minimum, which is exact for MinHash); the
    ``shingle_size - 1`` shingles that would span each cut are not counted. Their exact key is
    computed from the whole text.

    Parameters
    ----------
    texts
        The documents' full texts, consumed once.
    n_docs
        Number of texts (for the signature matrix and the progress bar).
    num_perm
        MinHash values per document; 0 computes only the exact keys.
    shingle_size
        Words per shingle.
    seed
        Seed of the MinHash permutations.
    batch_chars
        Characters hashed per vectorized batch.
    progress
        Show a tqdm bar (``None``: only on a terminal).

    Returns
    -------
    signatures : numpy.ndarray
        ``(n_docs, num_perm)`` ``uint32``; an all-``0xFFFFFFFF`` row for a text without words
        (``(n_docs, 0)`` when ``num_perm`` is 0).
    keys : list of bytes or None
        Exact keys (:func:`exact_key`).
    n_shingles : numpy.ndarray
        Number of shingles hashed per document (with repeats; zeros when ``num_perm`` is 0).
    """
    import rensa  # Rust MinHash; imported here to keep the import of this module light

    width = num_perm
    signatures = np.full((n_docs, width), EMPTY_DIGEST, dtype=np.uint32)
    keys: list[bytes | None] = [None] * n_docs
    n_shingles = np.zeros(n_docs, dtype=np.int64)
    hasher = _hasher(shingle_size)
    seen = 0
    disable = None if progress is None else not progress
    with tqdm(total=n_docs, unit="doc", desc="duplicates", disable=disable) as bar:
        for pieces, owners, split_keys in _pieces(texts, batch_chars):
            owner = np.asarray(owners, dtype=np.int64)
            if owner[-1] >= n_docs:
                raise ValueError(f"more texts than doc_ids ({n_docs})")
            flat, offsets, piece_keys = hasher.batch(pieces, keys=True, shingles=width > 0)
            for doc, key in zip(owners, piece_keys, strict=True):
                keys[doc] = split_keys.get(doc, key)
            if width:
                np.add.at(n_shingles, owner, np.diff(offsets).astype(np.int64))
                matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
                    flat, offsets, width, seed
                )
                rows = np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(pieces), width)
                np.minimum.at(signatures, owner, rows)
            bar.update(owner[-1] + 1 - seen)
            seen = int(owner[-1]) + 1
    if seen != n_docs:
        raise ValueError(f"got {seen} texts for {n_docs} doc_ids")
    return signatures, keys, n_shingles
