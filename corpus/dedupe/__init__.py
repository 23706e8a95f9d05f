"""Exact and near-duplicate documents: hashes, MinHash signatures, LSH, and the check against exact
Jaccard similarity.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.dedupe.batch import (
        BatchSignatures,
        hash_batch,
        resolve_chains,
    )
    from secnews.corpus.dedupe.detect import (
        DUPLICATE_COLUMNS,
        DedupeSettings,
        duplicates_from_signatures,
        find_duplicates,
        lsh_bands,
        similar_pairs,
    )
    from secnews.corpus.dedupe.evaluate import (
        compare_pairs,
        edited_copies,
        exact_jaccard_pairs,
        group_pairs,
    )
    from secnews.corpus.dedupe.hashing import (
        SHINGLE_BASE,
        exact_key,
        minhash_signatures,
        mix64,
        shingle_hashes,
    )

_NAMES: dict[str, str] = {
    "BatchSignatures": "secnews.corpus.dedupe.batch",
    "DUPLICATE_COLUMNS": "secnews.corpus.dedupe.detect",
    "DedupeSettings": "secnews.corpus.dedupe.detect",
    "SHINGLE_BASE": "secnews.corpus.dedupe.hashing",
    "compare_pairs": "secnews.corpus.dedupe.evaluate",
    "duplicates_from_signatures": "secnews.corpus.dedupe.detect",
    "edited_copies": "secnews.corpus.dedupe.evaluate",
    "exact_jaccard_pairs": "secnews.corpus.dedupe.evaluate",
    "exact_key": "secnews.corpus.dedupe.hashing",
    "find_duplicates": "secnews.corpus.dedupe.detect",
    "group_pairs": "secnews.corpus.dedupe.evaluate",
    "hash_batch": "secnews.corpus.dedupe.batch",
    "lsh_bands": "secnews.corpus.dedupe.detect",
    "minhash_signatures": "secnews.corpus.dedupe.hashing",
    "mix64": "secnews.corpus.dedupe.hashing",
    "resolve_chains": "secnews.corpus.dedupe.batch",
    "shingle_hashes": "secnews.corpus.dedupe.hashing",
    "similar_pairs": "secnews.corpus.dedupe.detect",
}

__all__ = [
    "DUPLICATE_COLUMNS",
    "SHINGLE_BASE",
    "BatchSignatures",
    "DedupeSettings",
    "compare_pairs",
    "duplicates_from_signatures",
    "edited_copies",
    "exact_jaccard_pairs",
    "exact_key",
    "find_duplicates",
    "group_pairs",
    "hash_batch",
    "lsh_bands",
    "minhash_signatures",
    "mix64",
    "resolve_chains",
    "shingle_hashes",
    "similar_pairs",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
