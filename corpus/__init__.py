"""secnews.corpus: loaders, clean-up, duplicates and the stored, queryable corpus.

The names below are imported lazily (module ``__getattr__``), so ``import secnews.corpus`` does
no heavy work::

    from secnews.corpus import Source, build_corpus, open_corpus

    summary = build_corpus([Source(("press.csv",), format="table")], "corpus/")
    corpus = open_corpus("corpus/")          # also secnews.corpus.open
    frame = corpus.frame(["doc_id", "outlet", "published", "title", "text"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.build.run import build_corpus
    from secnews.corpus.build.settings import BuildSettings
    from secnews.corpus.build.summary import BuildSummary
    from secnews.corpus.loaders.sources import Source
    from secnews.corpus.record import Article, Reject
    from secnews.corpus.store.read import Corpus, document_text, open_corpus

    open = open_corpus

_NAMES: dict[str, str] = {
    "Article": "secnews.corpus.record",
    "BuildSettings": "secnews.corpus.build.settings",
    "BuildSummary": "secnews.corpus.build.summary",
    "Corpus": "secnews.corpus.store.read",
    "Reject": "secnews.corpus.record",
    "Source": "secnews.corpus.loaders.sources",
    "build_corpus": "secnews.corpus.build.run",
    "document_text": "secnews.corpus.store.read",
    "open_corpus": "secnews.corpus.store.read",
}

__all__ = [
    "Article",
    "BuildSettings",
    "BuildSummary",
    "Corpus",
    "Reject",
    "Source",
    "build_corpus",
    "document_text",
    "open",
    "open_corpus",
]

_getattr, __dir__ = lazy_exports(__name__, _NAMES, globals())


def __getattr__(name: str) -> object:
    if name == "open":  # ``secnews.corpus.open`` is ``open_corpus``
        return _getattr("open_corpus")
    return _getattr(name)
