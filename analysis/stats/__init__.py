"""Corpus statistics on DataFrames and sparse matrices: summaries, MATTR, frequencies, Zipf,
keyness, collocations and KWIC.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.stats.bowcounts import (
        stored_term_frequencies,
    )
    from secnews.analysis.stats.collocations import (
        COLUMNS,
        collocations,
        score_pairs,
    )
    from secnews.analysis.stats.descriptive import (
        SUMMARY_SETTINGS,
        ZipfFit,
        corpus_summary,
        document_tokens,
        fit_zipf,
        group_labels,
        mattr,
        period_labels,
        source_counts,
        term_frequencies,
        zipf_table,
    )
    from secnews.analysis.stats.keyness import (
        KeynessSettings,
        chi2_statistic,
        dp_dispersion,
        g2_from_margins,
        g2_statistic,
        keyness,
        keyness_groups,
        log_ratio,
    )
    from secnews.analysis.stats.kwic import (
        kwic,
        sort_concordance,
    )
    from secnews.analysis.stats.streamed import (
        RunningWords,
        StreamedMattr,
        encode_summary_tokens,
    )

_NAMES: dict[str, str] = {
    "COLUMNS": "secnews.analysis.stats.collocations",
    "KeynessSettings": "secnews.analysis.stats.keyness",
    "RunningWords": "secnews.analysis.stats.streamed",
    "SUMMARY_SETTINGS": "secnews.analysis.stats.descriptive",
    "ZipfFit": "secnews.analysis.stats.descriptive",
    "chi2_statistic": "secnews.analysis.stats.keyness",
    "collocations": "secnews.analysis.stats.collocations",
    "corpus_summary": "secnews.analysis.stats.descriptive",
    "document_tokens": "secnews.analysis.stats.descriptive",
    "dp_dispersion": "secnews.analysis.stats.keyness",
    "fit_zipf": "secnews.analysis.stats.descriptive",
    "g2_from_margins": "secnews.analysis.stats.keyness",
    "g2_statistic": "secnews.analysis.stats.keyness",
    "group_labels": "secnews.analysis.stats.descriptive",
    "keyness": "secnews.analysis.stats.keyness",
    "keyness_groups": "secnews.analysis.stats.keyness",
    "kwic": "secnews.analysis.stats.kwic",
    "log_ratio": "secnews.analysis.stats.keyness",
    "mattr": "secnews.analysis.stats.descriptive",
    "period_labels": "secnews.analysis.stats.descriptive",
    "score_pairs": "secnews.analysis.stats.collocations",
    "source_counts": "secnews.analysis.stats.descriptive",
    "sort_concordance": "secnews.analysis.stats.kwic",
    "StreamedMattr": "secnews.analysis.stats.streamed",
    "encode_summary_tokens": "secnews.analysis.stats.streamed",
    "stored_term_frequencies": "secnews.analysis.stats.bowcounts",
    "term_frequencies": "secnews.analysis.stats.descriptive",
    "zipf_table": "secnews.analysis.stats.descriptive",
}

__all__ = [
    "COLUMNS",
    "SUMMARY_SETTINGS",
    "KeynessSettings",
    "RunningWords",
    "StreamedMattr",
    "ZipfFit",
    "chi2_statistic",
    "collocations",
    "corpus_summary",
    "document_tokens",
    "dp_dispersion",
    "encode_summary_tokens",
    "fit_zipf",
    "g2_from_margins",
    "g2_statistic",
    "group_labels",
    "keyness",
    "keyness_groups",
    "kwic",
    "log_ratio",
    "mattr",
    "period_labels",
    "score_pairs",
    "sort_concordance",
    "source_counts",
    "stored_term_frequencies",
    "term_frequencies",
    "zipf_table",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
