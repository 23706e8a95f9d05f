"""The stats step's running words, counted in batches as integer codes, give the tables of the
whole-corpus token lists exactly."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from secnews.analysis.preprocess.settings import PreprocessSettings
from secnews.analysis.stats.collocations import collocations
from secnews.analysis.stats.descriptive import corpus_summary, document_tokens, mattr
from secnews.analysis.stats.streamed import RunningWords


@pytest.fixture(scope="module")
def sample(press_frame: pd.DataFrame) -> pd.DataFrame:
    return press_frame.iloc[::4].reset_index(drop=True)


def test_running_words_equal_the_whole_corpus_tables(sample: pd.DataFrame) -> None:
    tokens = document_tokens(sample)
    words = RunningWords()
    for start in range(0, len(sample), 97):  # batches that do not divide the corpus
        words.add(tokens[start : start + 97], sample["outlet"].iloc[start : start + 97].tolist())

    expected = corpus_summary(sample, by="outlet", window=200, tokens=tokens)
    pd.testing.assert_frame_equal(words.summary(window=200), expected)

    stop, _ = PreprocessSettings().stopword_set()
    pd.testing.assert_frame_equal(
        words.collocations(min_count=5, stopwords=stop),
        collocations(tokens, min_count=5, stopwords=stop),
    )

    counts = Counter(w for doc in tokens for w in doc)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    table = words.word_counts()
    assert list(table["term"]) == [w for w, _ in ranked]
    assert list(table["count"]) == [c for _, c in ranked]
    assert list(table["rank"]) == list(range(1, len(ranked) + 1))


def test_mattr_of_codes_equals_mattr_of_words() -> None:
    import numpy as np

    text = ["a", "b", "a", "c", "d", "a", "b", "e", "f", "a", "g", "b"] * 50
    codes = np.array([ord(w) for w in text], dtype=np.int32)
    assert mattr(codes, window=7) == mattr(text, window=7)
    assert mattr(codes[:5], window=7) == mattr(text[:5], window=7) == 4 / 5
