"""secnews.corpus: loaders, clean-up, duplicates and the stored, queryable corpus.

The names below are imported lazily (module ``__getattr__``), so ``import secnews.corpus`` does
no heavy work::

    from secnews.corpus import Source, build_corpus, open_corpus

    summary = build_corpus([Source(("press.csv",), format="table")], "corpus/")
    corpus = open_corpus("corpus/")          # also secnews.corpus.open
    frame = corpus.frame(["doc_id", "outlet", "published", "title", "text"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secnews.corpus.build.run import BuildSettings, BuildSummary, build_corpus
    from secnews.corpus.loaders.sources import Source
    from secnews.corpus.record import Article, Reject
    from secnews.corpus.store.read import Corpus, document_text, open_corpus

    open = open_corpus

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

_LAZY: dict[str, tuple[str, str]] = {
    "Article": ("secnews.corpus.record", "Article"),
    "Reject": ("secnews.corpus.record", "Reject"),
    "Corpus": ("secnews.corpus.store.read", "Corpus"),
    "open_corpus": ("secnews.corpus.store.read", "open_corpus"),
    "open": ("secnews.corpus.store.read", "open_corpus"),
    "document_text": ("secnews.corpus.store.read", "document_text"),
    "build_corpus": ("secnews.corpus.build.run", "build_corpus"),
    "BuildSettings": ("secnews.corpus.build.run", "BuildSettings"),
    "BuildSummary": ("secnews.corpus.build.run", "BuildSummary"),
    "Source": ("secnews.corpus.loaders.sources", "Source"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
