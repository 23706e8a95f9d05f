"""The shared preprocessing step: tokens, stopwords, NPMI phrases, dictionary and bag-of-words,
cached on disk under a key of the corpus and the settings.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.preprocess.core import (
        FORMAT_VERSION,
        Preprocessed,
        frame_text,
        preprocess,
        preprocessing_key,
        tokenize,
    )
    from secnews.analysis.preprocess.phrases import (
        PhraseTable,
        apply_phrases,
        count_bigrams,
        merge_counts,
        score_phrases,
    )
    from secnews.analysis.preprocess.settings import (
        PreprocessSettings,
    )
    from secnews.analysis.preprocess.stopwords import (
        ENGLISH_STOPWORDS,
        NEWS_STOP_TERMS_FILE,
        NEWS_STOPWORDS_FILE,
        load_stop_terms,
        load_stopwords,
        read_word_list,
    )
    from secnews.analysis.preprocess.tokens import (
        encode_batch,
        raw_tokens,
        token_filter,
        token_pattern,
    )

_NAMES: dict[str, str] = {
    "ENGLISH_STOPWORDS": "secnews.analysis.preprocess.stopwords",
    "FORMAT_VERSION": "secnews.analysis.preprocess.core",
    "NEWS_STOPWORDS_FILE": "secnews.analysis.preprocess.stopwords",
    "NEWS_STOP_TERMS_FILE": "secnews.analysis.preprocess.stopwords",
    "PhraseTable": "secnews.analysis.preprocess.phrases",
    "PreprocessSettings": "secnews.analysis.preprocess.settings",
    "Preprocessed": "secnews.analysis.preprocess.core",
    "apply_phrases": "secnews.analysis.preprocess.phrases",
    "count_bigrams": "secnews.analysis.preprocess.phrases",
    "encode_batch": "secnews.analysis.preprocess.tokens",
    "frame_text": "secnews.analysis.preprocess.core",
    "load_stop_terms": "secnews.analysis.preprocess.stopwords",
    "load_stopwords": "secnews.analysis.preprocess.stopwords",
    "merge_counts": "secnews.analysis.preprocess.phrases",
    "preprocess": "secnews.analysis.preprocess.core",
    "preprocessing_key": "secnews.analysis.preprocess.core",
    "raw_tokens": "secnews.analysis.preprocess.tokens",
    "read_word_list": "secnews.analysis.preprocess.stopwords",
    "score_phrases": "secnews.analysis.preprocess.phrases",
    "token_filter": "secnews.analysis.preprocess.tokens",
    "token_pattern": "secnews.analysis.preprocess.tokens",
    "tokenize": "secnews.analysis.preprocess.core",
}

__all__ = [
    "ENGLISH_STOPWORDS",
    "FORMAT_VERSION",
    "NEWS_STOPWORDS_FILE",
    "NEWS_STOP_TERMS_FILE",
    "PhraseTable",
    "PreprocessSettings",
    "Preprocessed",
    "apply_phrases",
    "count_bigrams",
    "encode_batch",
    "frame_text",
    "load_stop_terms",
    "load_stopwords",
    "merge_counts",
    "preprocess",
    "preprocessing_key",
    "raw_tokens",
    "read_word_list",
    "score_phrases",
    "token_filter",
    "token_pattern",
    "tokenize",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
