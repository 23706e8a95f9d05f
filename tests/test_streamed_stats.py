"""The stats step's running words, counted in batches as integer codes, give the tables of the
whole-corpus token lists exactly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from secnews.analysis.preprocess.core import frame_text
from secnews.analysis.preprocess.settings import PreprocessSettings
from secnews.analysis.stats.collocations import collocations
from secnews.analysis.stats.descriptive import corpus_summary, document_tokens, mattr
from secnews.analysis.stats.streamed import RunningWords


@pytest.fixture(scope="module")
def sample(press_frame: pd.DataFrame) -> pd.DataFrame:
    return press_frame.iloc[::4].reset_index(drop=True)


def test_running_words_equal_the_whole_corpus_tables(sample: pd.DataFrame) -> None:
    tokens = document_tokens(sample)
    words = RunningWords(window=200)
    for start in range(0, len(sample), 97):  # batches that do not divide the corpus
        words.add(tokens[start : start + 97], sample["outlet"].iloc[start : start + 97].tolist())

    expected = corpus_summary(sample, by="outlet", window=200, tokens=tokens)
    pd.testing.assert_frame_equal(words.summary(), expected, check_exact=True)

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


def test_streamed_mattr_equals_mattr_of_the_whole_stream() -> None:
    import numpy as np

    from secnews.analysis.stats.streamed import StreamedMattr

    rng = np.random.default_rng(7)
    for trial in range(200):
        n, window = int(rng.integers(0, 2500)), int(rng.integers(1, 600))
        codes = rng.zipf(1.3, n) % 300 if trial % 2 else rng.integers(0, 50, n)
        stream = StreamedMattr(window)
        start = 0
        while start < n:  # chunks shorter and longer than the window, some empty
            size = int(rng.integers(0, 2 * window + 2))
            stream.add(codes[start : start + size])
            start += size
        expected = mattr(codes, window=window)
        assert stream.value() == expected or (n == 0 and np.isnan(stream.value()))
        assert stream.types == len(set(codes.tolist()))


def test_encoded_summary_tokens_are_the_document_tokens(sample: pd.DataFrame) -> None:
    from secnews.analysis.stats.streamed import encode_summary_tokens

    texts = [*frame_text(sample.iloc[:40]), "see https://example.org/x and www.nato.int 2022 ok"]
    types, codes, lengths = encode_summary_tokens(texts)
    expected = [*document_tokens(sample.iloc[:40]), ["see", "and", "2022", "ok"]]
    assert lengths.tolist() == [len(t) for t in expected]
    assert [types[c] for c in codes.tolist()] == [w for doc in expected for w in doc]


def test_concordance_of_batches_equals_that_of_the_frame(sample: pd.DataFrame) -> None:
    from secnews.analysis.stats.kwic import kwic, sort_concordance

    for sort in ("left", "right", "none"):
        hits = [kwic(sample.iloc[i : i + 50], "nato", sort="none") for i in range(0, 400, 50)]
        whole = kwic(sample.iloc[:400], "nato", sort=sort)
        assert len(whole) > 20
        pd.testing.assert_frame_equal(
            sort_concordance(pd.concat(hits, ignore_index=True), sort), whole, check_exact=True
        )


def test_stored_frequencies_equal_those_of_the_matrix(sample: pd.DataFrame, tmp_path: Path) -> None:
    from secnews.analysis.preprocess.core import preprocess
    from secnews.analysis.stats import bowcounts
    from secnews.analysis.stats.descriptive import term_frequencies
    from secnews.analysis.steps.stats import STATS_PREPROCESS

    pre = preprocess(sample, settings=STATS_PREPROCESS, cache_dir=tmp_path)
    matrix, terms = pre.bow_matrix(), pre.terms
    groups = [f"{o} {i % 3}" for i, o in enumerate(sample["outlet"])]
    original = bowcounts._BATCH_ROWS, bowcounts._MERGE_KEYS
    try:  # many batches, merged more than once
        bowcounts._BATCH_ROWS, bowcounts._MERGE_KEYS = 5000, 20000
        for labels in (None, groups):
            pd.testing.assert_frame_equal(
                bowcounts.stored_term_frequencies(pre, groups=labels),
                term_frequencies(matrix, terms, groups=labels),
                check_exact=True,
            )
    finally:
        bowcounts._BATCH_ROWS, bowcounts._MERGE_KEYS = original
