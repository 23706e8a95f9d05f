"""Building a corpus: sources -> loaders -> checks -> language -> relevance -> duplicates -> store.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.build.config import (
        build_from_config,
        build_settings_from_config,
        source_fingerprints,
        sources_from_config,
    )
    from secnews.corpus.build.facts import (
        FACTS_KEY,
        DocumentFacts,
        DocumentFactsMaker,
        normalized_word_count,
        stack_hashes,
    )
    from secnews.corpus.build.run import (
        BuildError,
        build_corpus,
        check_sources,
    )
    from secnews.corpus.build.settings import (
        BuildSettings,
        versions,
    )
    from secnews.corpus.build.summary import (
        COUNT_COLUMNS,
        BuildSummary,
        SourceCounts,
    )
    from secnews.corpus.build.util import (
        RelativePaths,
        StagedTables,
        article_row,
        count_words,
        prefetch_batches,
        rows_to_table,
    )

_NAMES: dict[str, str] = {
    "BuildError": "secnews.corpus.build.run",
    "BuildSettings": "secnews.corpus.build.settings",
    "BuildSummary": "secnews.corpus.build.summary",
    "COUNT_COLUMNS": "secnews.corpus.build.summary",
    "DocumentFacts": "secnews.corpus.build.facts",
    "DocumentFactsMaker": "secnews.corpus.build.facts",
    "FACTS_KEY": "secnews.corpus.build.facts",
    "RelativePaths": "secnews.corpus.build.util",
    "SourceCounts": "secnews.corpus.build.summary",
    "StagedTables": "secnews.corpus.build.util",
    "article_row": "secnews.corpus.build.util",
    "build_corpus": "secnews.corpus.build.run",
    "build_from_config": "secnews.corpus.build.config",
    "build_settings_from_config": "secnews.corpus.build.config",
    "check_sources": "secnews.corpus.build.run",
    "count_words": "secnews.corpus.build.util",
    "normalized_word_count": "secnews.corpus.build.facts",
    "prefetch_batches": "secnews.corpus.build.util",
    "rows_to_table": "secnews.corpus.build.util",
    "source_fingerprints": "secnews.corpus.build.config",
    "sources_from_config": "secnews.corpus.build.config",
    "stack_hashes": "secnews.corpus.build.facts",
    "versions": "secnews.corpus.build.settings",
}

__all__ = [
    "COUNT_COLUMNS",
    "FACTS_KEY",
    "BuildError",
    "BuildSettings",
    "BuildSummary",
    "DocumentFacts",
    "DocumentFactsMaker",
    "RelativePaths",
    "SourceCounts",
    "StagedTables",
    "article_row",
    "build_corpus",
    "build_from_config",
    "build_settings_from_config",
    "check_sources",
    "count_words",
    "normalized_word_count",
    "prefetch_batches",
    "rows_to_table",
    "source_fingerprints",
    "sources_from_config",
    "stack_hashes",
    "versions",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
