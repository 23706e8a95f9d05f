"""Text clean-up shared by every loader: Unicode and typography, dates and datelines, language
identification, unwrapping of hard-wrapped text, page-furniture rules and the relevance score.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.corpus.clean.boilerplate import (
        Block,
        CleanSettings,
        Lexicon,
        byline_author,
        fold,
        is_paragraph,
        is_sentence_like,
        is_site_name,
        line_reason,
        load_lexicon,
        repeated_lines,
        site_suffix,
        site_suffixes,
        word_count,
    )
    from secnews.corpus.clean.datelines import (
        Dateline,
        parse_dateline,
        strip_dateline,
    )
    from secnews.corpus.clean.dates import (
        DEFAULT_MAX_YEAR,
        DEFAULT_MIN_YEAR,
        is_partial_date,
        is_plausible,
        parse_date,
    )
    from secnews.corpus.clean.langid import (
        ENGLISH_MIN_SHARE,
        EXTENDED_LANGUAGES,
        FAST_LANGUAGES,
        LANGUAGES,
        MIN_LETTERS,
        detect_language,
        detect_languages,
        language_confidences,
    )
    from secnews.corpus.clean.normalize import (
        join_paragraphs,
        normalize_inline,
        normalize_text,
        paragraphs,
    )
    from secnews.corpus.clean.relevance import (
        Category,
        match_counts,
        parse_lexicon,
        relevance_scores,
        relevance_scores_arrow,
        term_pattern,
    )
    from secnews.corpus.clean.unwrap import (
        HyphenationModel,
        UnwrapSettings,
        count_words,
        hyphenation_lookups,
        unwrap,
    )
    from secnews.corpus.clean.unwrap_vocab import (
        ListedWordCounter,
        count_listed_words,
    )

_NAMES: dict[str, str] = {
    "Block": "secnews.corpus.clean.boilerplate",
    "Category": "secnews.corpus.clean.relevance",
    "CleanSettings": "secnews.corpus.clean.boilerplate",
    "DEFAULT_MAX_YEAR": "secnews.corpus.clean.dates",
    "DEFAULT_MIN_YEAR": "secnews.corpus.clean.dates",
    "Dateline": "secnews.corpus.clean.datelines",
    "ENGLISH_MIN_SHARE": "secnews.corpus.clean.langid",
    "EXTENDED_LANGUAGES": "secnews.corpus.clean.langid",
    "FAST_LANGUAGES": "secnews.corpus.clean.langid",
    "HyphenationModel": "secnews.corpus.clean.unwrap",
    "LANGUAGES": "secnews.corpus.clean.langid",
    "Lexicon": "secnews.corpus.clean.boilerplate",
    "ListedWordCounter": "secnews.corpus.clean.unwrap_vocab",
    "MIN_LETTERS": "secnews.corpus.clean.langid",
    "UnwrapSettings": "secnews.corpus.clean.unwrap",
    "byline_author": "secnews.corpus.clean.boilerplate",
    "count_listed_words": "secnews.corpus.clean.unwrap_vocab",
    "count_words": "secnews.corpus.clean.unwrap",
    "detect_language": "secnews.corpus.clean.langid",
    "detect_languages": "secnews.corpus.clean.langid",
    "fold": "secnews.corpus.clean.boilerplate",
    "hyphenation_lookups": "secnews.corpus.clean.unwrap",
    "is_paragraph": "secnews.corpus.clean.boilerplate",
    "is_partial_date": "secnews.corpus.clean.dates",
    "is_plausible": "secnews.corpus.clean.dates",
    "is_sentence_like": "secnews.corpus.clean.boilerplate",
    "is_site_name": "secnews.corpus.clean.boilerplate",
    "join_paragraphs": "secnews.corpus.clean.normalize",
    "language_confidences": "secnews.corpus.clean.langid",
    "line_reason": "secnews.corpus.clean.boilerplate",
    "load_lexicon": "secnews.corpus.clean.boilerplate",
    "match_counts": "secnews.corpus.clean.relevance",
    "normalize_inline": "secnews.corpus.clean.normalize",
    "normalize_text": "secnews.corpus.clean.normalize",
    "paragraphs": "secnews.corpus.clean.normalize",
    "parse_date": "secnews.corpus.clean.dates",
    "parse_dateline": "secnews.corpus.clean.datelines",
    "parse_lexicon": "secnews.corpus.clean.relevance",
    "relevance_scores": "secnews.corpus.clean.relevance",
    "relevance_scores_arrow": "secnews.corpus.clean.relevance",
    "repeated_lines": "secnews.corpus.clean.boilerplate",
    "site_suffix": "secnews.corpus.clean.boilerplate",
    "site_suffixes": "secnews.corpus.clean.boilerplate",
    "strip_dateline": "secnews.corpus.clean.datelines",
    "term_pattern": "secnews.corpus.clean.relevance",
    "unwrap": "secnews.corpus.clean.unwrap",
    "word_count": "secnews.corpus.clean.boilerplate",
}

__all__ = [
    "DEFAULT_MAX_YEAR",
    "DEFAULT_MIN_YEAR",
    "ENGLISH_MIN_SHARE",
    "EXTENDED_LANGUAGES",
    "FAST_LANGUAGES",
    "LANGUAGES",
    "MIN_LETTERS",
    "Block",
    "Category",
    "CleanSettings",
    "Dateline",
    "HyphenationModel",
    "Lexicon",
    "ListedWordCounter",
    "UnwrapSettings",
    "byline_author",
    "count_listed_words",
    "count_words",
    "detect_language",
    "detect_languages",
    "fold",
    "hyphenation_lookups",
    "is_paragraph",
    "is_partial_date",
    "is_plausible",
    "is_sentence_like",
    "is_site_name",
    "join_paragraphs",
    "language_confidences",
    "line_reason",
    "load_lexicon",
    "match_counts",
    "normalize_inline",
    "normalize_text",
    "paragraphs",
    "parse_date",
    "parse_dateline",
    "parse_lexicon",
    "relevance_scores",
    "relevance_scores_arrow",
    "repeated_lines",
    "site_suffix",
    "site_suffixes",
    "strip_dateline",
    "term_pattern",
    "unwrap",
    "word_count",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
