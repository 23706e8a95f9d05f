"""The duplicate step of a build: :func:`secnews.corpus.dedupe.detect.find_duplicates` over its rows.

:class:`BatchSignatures` hashes the full text of each document (title, lede and body joined by
blank lines, :func:`~secnews.corpus.store.read.document_text`) batch by batch while the build reads
its sources, and resolves the groups at the end, so no second copy of the corpus text is held
in memory. Exact duplicates (equal after folding case and white space) get
``kind = "exact"``, MinHash-LSH near duplicates ``kind = "near"``; ``dup_of`` names the earliest
document of its group in stored row order."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

__all__ = ["BatchSignatures", "hash_batch", "resolve_chains"]


def _as_found(found: Any) -> dict[str, tuple[str, str, float]]:
    return {
        str(doc_id): (str(dup_of), str(kind), float(similarity))
        for doc_id, dup_of, kind, similarity in zip(
            found["doc_id"], found["dup_of"], found["kind"], found["similarity"], strict=True
        )
    }


def hash_batch(
    texts: list[str], settings: Any
) -> tuple[np.ndarray, list[bytes | None], np.ndarray]:
    """:func:`~secnews.corpus.dedupe.hashing.minhash_signatures` of one batch of full texts with
    the build's :class:`~secnews.corpus.dedupe.detect.DedupeSettings` (run in a helper thread or
    process, or in the folder loader's workers): signatures, exact keys, shingle counts."""
    from secnews.corpus.dedupe.hashing import minhash_signatures

    return minhash_signatures(
        texts,
        n_docs=len(texts),
        num_perm=0 if settings.exact_only else settings.num_perm,
        shingle_size=settings.shingle_size,
        seed=settings.seed,
        batch_chars=settings.batch_chars,
        progress=False,
    )


class BatchSignatures:
    """Exact keys and MinHash signatures of a build's documents, computed batch by batch while
    the sources are read (the texts are at hand then), so the duplicate step needs no second
    pass over the staged texts. A document's signature does not depend on the other documents:
    :meth:`duplicates` gives the same answer as :func:`secnews.corpus.dedupe.detect.find_duplicates` over
    all the texts at once.

    :meth:`submit` hashes in the background, at most ``ahead`` batches behind: in a thread at
    first, and in a helper process (forked where possible: it runs only numpy and rensa) once
    ``process_after`` characters were submitted, so that a large corpus's hashing runs on
    another core than the build's own work instead of competing for the GIL.

    Parameters
    ----------
    settings
        A :class:`secnews.corpus.dedupe.detect.DedupeSettings` (``None``: its defaults).
    ahead
        Batches that may be waiting or hashed at the same time.
    process_after
        Characters submitted before the helper process is started (``None``: never).
    """

    def __init__(
        self, settings: Any = None, *, ahead: int = 2, process_after: int | None = 50_000_000
    ) -> None:
        self.settings = settings
        self.ahead = ahead
        self.process_after = process_after
        self._signatures: list[np.ndarray] = []
        self._keys: list[bytes | None] = []
        self._shingles: list[np.ndarray] = []
        self._threads: ThreadPoolExecutor | None = None
        self._process: Any = None
        self._pending: deque[Future[Any]] = deque()
        self._chars = 0

    def _resolved(self) -> Any:
        from secnews.corpus.dedupe.detect import DedupeSettings

        return self.settings if self.settings is not None else DedupeSettings()

    def _collect(self, result: tuple[np.ndarray, list[bytes | None], np.ndarray]) -> None:
        signatures, keys, n_shingles = result
        self._signatures.append(signatures)
        self._keys.extend(keys)
        self._shingles.append(n_shingles)

    def _executor(self) -> Any:
        if self.process_after is not None and self._chars >= self.process_after:
            if self._process is None:
                from secnews.corpus.workers import process_pool

                self._process = process_pool(1, None)
            return self._process
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnews-dedupe")
        return self._threads

    def warm_up(self) -> None:
        """Import the hashing code (numpy, rensa) before the first batch needs it."""
        hash_batch(["warm up"], self._resolved())

    def add(self, texts: Sequence[str]) -> None:
        """Hash the full texts of the next documents (in stored order), now."""
        if texts:
            self._collect(hash_batch(list(texts), self._resolved()))

    def add_hashed(
        self, signatures: np.ndarray, keys: list[bytes | None], n_shingles: np.ndarray
    ) -> None:
        """Add the :func:`hash_batch` results of the next documents, computed elsewhere (the
        folder loader's workers); the order with :meth:`submit` is kept."""
        done: Future[Any] = Future()
        done.set_result((signatures, keys, n_shingles))
        self._pending.append(done)
        while len(self._pending) > self.ahead:
            self._collect(self._pending.popleft().result())

    def submit(self, texts: Sequence[str]) -> None:
        """Like :meth:`add`, in the background; the order is kept."""
        if not texts:
            return
        executor = self._executor()
        self._chars += sum(map(len, texts))
        self._pending.append(executor.submit(hash_batch, list(texts), self._resolved()))
        while len(self._pending) > self.ahead:
            self._collect(self._pending.popleft().result())

    def wait(self) -> None:
        """Finish the batches submitted so far (errors are raised here) and stop the helpers."""
        try:
            while self._pending:
                self._collect(self._pending.popleft().result())
        finally:
            self._pending.clear()
            for executor in (self._threads, self._process):
                if executor is not None:
                    executor.shutdown(wait=True, cancel_futures=True)
            self._threads = self._process = None

    def keys(self) -> list[bytes | None]:
        """The exact-duplicate keys (:func:`~secnews.corpus.dedupe.hashing.exact_key`) of the
        documents added so far, in order (waits for the pending batches)."""
        self.wait()
        return list(self._keys)

    def duplicates(self, doc_ids: list[str]) -> dict[str, tuple[str, str, float]]:
        """``{doc_id: (dup_of, kind, similarity)}`` for every duplicate among the documents
        added so far (``doc_ids`` in the same order)."""
        from secnews.corpus.dedupe.detect import duplicates_from_signatures

        self.wait()
        settings = self._resolved()
        width = 0 if settings.exact_only else settings.num_perm
        signatures = (
            np.concatenate(self._signatures)
            if self._signatures
            else np.zeros((0, width), dtype=np.uint32)
        )
        shingles = np.concatenate(self._shingles) if self._shingles else np.zeros(0, dtype=np.int64)
        found = duplicates_from_signatures(
            doc_ids, signatures, self._keys, shingles, settings=settings
        )
        return _as_found(found)


def resolve_chains(dup_of: dict[str, str]) -> dict[str, str]:
    """Point every duplicate at the first document of its chain (never at another duplicate).

    Parameters
    ----------
    dup_of
        ``{doc_id: dup_of}``, where ``dup_of`` may itself be a duplicate.

    Returns
    -------
    dict
        The same keys, each pointing at a document that is not in ``dup_of`` (or at the last
        document reached before a cycle).
    """
    out = {}
    for doc_id, target in dup_of.items():
        seen = {doc_id}
        while target in dup_of and target not in seen:
            seen.add(target)
            target = dup_of[target]
        out[doc_id] = target
    return out
