"""The stored corpus: the layout of its part files, the Parquet schema, the read-only DuckDB
handle and the atomic writer.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.store.dataset import corpus_dask_frame
    from secnews.corpus.store.layout import (
        ARTICLES_DIR,
        ARTICLES_FILE,
        PART_BYTES,
        article_parts,
        read_parquet_sql,
    )
    from secnews.corpus.store.lock import (
        LockHolder,
        TargetLockedError,
        lock_path,
        remove_stale,
        target_lock,
    )
    from secnews.corpus.store.read import (
        ARTICLES_SCHEMA,
        MANIFEST_FILE,
        REJECTS_FILE,
        STORE_COLUMNS,
        Corpus,
        document_text,
        open_corpus,
    )
    from secnews.corpus.store.replace import (
        CORPUS_ENTRIES,
        CORPUS_FORMAT,
        corpus_format,
        replace_dir,
        replace_problem,
        staging_dir,
    )
    from secnews.corpus.store.write import (
        ArticleWriter,
        ContentHasher,
        RejectWriter,
        file_sha256,
        row_bytes,
        write_manifest,
        write_rejects,
    )

_NAMES: dict[str, str] = {
    "ARTICLES_DIR": "secnews.corpus.store.layout",
    "ARTICLES_FILE": "secnews.corpus.store.layout",
    "ARTICLES_SCHEMA": "secnews.corpus.store.read",
    "ArticleWriter": "secnews.corpus.store.write",
    "CORPUS_ENTRIES": "secnews.corpus.store.replace",
    "CORPUS_FORMAT": "secnews.corpus.store.replace",
    "ContentHasher": "secnews.corpus.store.write",
    "Corpus": "secnews.corpus.store.read",
    "LockHolder": "secnews.corpus.store.lock",
    "MANIFEST_FILE": "secnews.corpus.store.read",
    "PART_BYTES": "secnews.corpus.store.layout",
    "REJECTS_FILE": "secnews.corpus.store.read",
    "RejectWriter": "secnews.corpus.store.write",
    "STORE_COLUMNS": "secnews.corpus.store.read",
    "article_parts": "secnews.corpus.store.layout",
    "corpus_dask_frame": "secnews.corpus.store.dataset",
    "TargetLockedError": "secnews.corpus.store.lock",
    "corpus_format": "secnews.corpus.store.replace",
    "document_text": "secnews.corpus.store.read",
    "file_sha256": "secnews.corpus.store.write",
    "lock_path": "secnews.corpus.store.lock",
    "open_corpus": "secnews.corpus.store.read",
    "read_parquet_sql": "secnews.corpus.store.layout",
    "remove_stale": "secnews.corpus.store.lock",
    "replace_dir": "secnews.corpus.store.replace",
    "replace_problem": "secnews.corpus.store.replace",
    "row_bytes": "secnews.corpus.store.write",
    "staging_dir": "secnews.corpus.store.replace",
    "target_lock": "secnews.corpus.store.lock",
    "write_manifest": "secnews.corpus.store.write",
    "write_rejects": "secnews.corpus.store.write",
}

__all__ = [
    "ARTICLES_DIR",
    "ARTICLES_FILE",
    "ARTICLES_SCHEMA",
    "CORPUS_ENTRIES",
    "CORPUS_FORMAT",
    "MANIFEST_FILE",
    "PART_BYTES",
    "REJECTS_FILE",
    "STORE_COLUMNS",
    "ArticleWriter",
    "ContentHasher",
    "Corpus",
    "LockHolder",
    "RejectWriter",
    "TargetLockedError",
    "article_parts",
    "corpus_dask_frame",
    "corpus_format",
    "document_text",
    "file_sha256",
    "lock_path",
    "open_corpus",
    "read_parquet_sql",
    "remove_stale",
    "replace_dir",
    "replace_problem",
    "row_bytes",
    "staging_dir",
    "target_lock",
    "write_manifest",
    "write_rejects",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
