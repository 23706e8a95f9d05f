"""The stored corpus: the Parquet schema, the read-only DuckDB handle and the atomic writer.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.store.read import (
        ARTICLES_FILE,
        ARTICLES_SCHEMA,
        MANIFEST_FILE,
        REJECTS_FILE,
        STORE_COLUMNS,
        Corpus,
        document_text,
        open_corpus,
    )
    from secnews.corpus.store.write import (
        ArticleWriter,
        ContentHasher,
        RejectWriter,
        file_sha256,
        replace_dir,
        staging_dir,
        write_manifest,
        write_rejects,
    )

_NAMES: dict[str, str] = {
    "ARTICLES_FILE": "secnews.corpus.store.read",
    "ARTICLES_SCHEMA": "secnews.corpus.store.read",
    "ArticleWriter": "secnews.corpus.store.write",
    "ContentHasher": "secnews.corpus.store.write",
    "Corpus": "secnews.corpus.store.read",
    "MANIFEST_FILE": "secnews.corpus.store.read",
    "REJECTS_FILE": "secnews.corpus.store.read",
    "RejectWriter": "secnews.corpus.store.write",
    "STORE_COLUMNS": "secnews.corpus.store.read",
    "document_text": "secnews.corpus.store.read",
    "file_sha256": "secnews.corpus.store.write",
    "open_corpus": "secnews.corpus.store.read",
    "replace_dir": "secnews.corpus.store.write",
    "staging_dir": "secnews.corpus.store.write",
    "write_manifest": "secnews.corpus.store.write",
    "write_rejects": "secnews.corpus.store.write",
}

__all__ = [
    "ARTICLES_FILE",
    "ARTICLES_SCHEMA",
    "MANIFEST_FILE",
    "REJECTS_FILE",
    "STORE_COLUMNS",
    "ArticleWriter",
    "ContentHasher",
    "Corpus",
    "RejectWriter",
    "document_text",
    "file_sha256",
    "open_corpus",
    "replace_dir",
    "staging_dir",
    "write_manifest",
    "write_rejects",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
