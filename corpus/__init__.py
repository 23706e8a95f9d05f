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
    from .build import BuildSettings, BuildSummary, build_corpus
    from .build_sources import Source
    from .record import Article, Reject
    from .store import Corpus, document_text, open_corpus

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
    "Article": (".record", "Article"),
    "Reject": (".record", "Reject"),
    "Corpus": (".store", "Corpus"),
    "open_corpus": (".store", "open_corpus"),
    "open": (".store", "open_corpus"),
    "document_text": (".store", "document_text"),
    "build_corpus": (".build", "build_corpus"),
    "BuildSettings": (".build", "BuildSettings"),
    "BuildSummary": (".build", "BuildSummary"),
    "Source": (".build_sources", "Source"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
