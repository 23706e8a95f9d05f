"""Fast coherence: hand-computed values on toy corpora and equality with gensim's CoherenceModel
on real press releases."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from gensim.corpora import Dictionary
from gensim.matutils import corpus2csc
from gensim.models import CoherenceModel, LdaModel
from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

from secnews.analysis.topics.coherence import (
    EPSILON,
    CoherenceScorer,
    document_counts,
    encode_texts,
    encode_token_lists,
    score_topics,
    top_word_ids,
    window_counts,
)


def _doc_term(dictionary: Dictionary, texts: list[list[str]]) -> sp.csr_matrix:
    bow = [dictionary.doc2bow(t) for t in texts]
    return sp.csr_matrix(corpus2csc(bow, num_terms=len(dictionary), num_docs=len(bow)).T)


def test_npmi_by_hand_on_a_toy_corpus() -> None:
    # Every text is shorter than the window, so each text is one window (gensim's rule).
    texts = [["a", "b"], ["a", "c"], ["b", "c"], ["a", "b", "c"]]
    token2id = {"a": 0, "b": 1, "c": 2}
    counts = window_counts(encode_texts(texts, token2id), [0, 1, 2], window=10)
    assert counts.n_windows == 4
    assert counts.occurrences.tolist() == [3, 3, 3]
    assert counts.cooc[0, 1] == 2
    expected = math.log((0.5 + EPSILON) / (0.75 * 0.75)) / -math.log(0.5 + EPSILON)
    assert expected == pytest.approx(math.log(8 / 9) / math.log(2), abs=1e-9)
    got = score_topics([[0, 1]], counts, measure="c_npmi")
    assert got[0] == pytest.approx(expected, abs=1e-12)
    # UCI is the unnormalised numerator
    assert score_topics([[0, 1]], counts, measure="c_uci")[0] == pytest.approx(
        math.log(0.5 / 0.5625), abs=1e-9
    )


def test_umass_by_hand() -> None:
    texts = [["a", "b"], ["a"], ["a", "c"], ["b"]]
    d = Dictionary([["a", "b", "c"]])
    counts = document_counts(_doc_term(d, texts), [0, 1, 2])
    a, b = d.token2id["a"], d.token2id["b"]
    # s_one_pre: (w_1, w_0) = (b, a): log((D(a,b)/N + e) / (D(a)/N)) = log((1/4) / (3/4))
    value = score_topics([[a, b]], counts, measure="u_mass")[0]
    assert value == pytest.approx(math.log(1 / 3), abs=1e-9)


def test_sliding_window_reproduces_gensim_incremental_quirk() -> None:
    # gensim removes the token leaving the window even when the same word is still inside it:
    # in "x a y a z" with window 3, window 2 (y a z) does not count "a". The counts must match.
    texts = [
        ["x", "a", "y", "a", "z"],
        ["a", "a", "a", "a"],
        [],
        ["y"],
        ["z", "a", "x", "a", "y", "a"],
    ]
    d = Dictionary(texts)
    ids = list(d.token2id.values())
    acc = WordOccurrenceAccumulator(set(ids), d).accumulate(texts, 3)
    mine = window_counts(encode_texts(texts, d.token2id), ids, window=3)
    assert mine.n_windows == acc.num_docs
    for i in ids:
        assert mine.occurrences[mine.positions([i])[0]] == acc[i]
        for j in ids:
            if i != j:
                assert mine.cooc[mine.positions([i])[0], mine.positions([j])[0]] == acc[i, j]


@dataclass(frozen=True)
class PressSetup:
    texts: list[list[str]]
    dictionary: Dictionary
    bow: list[list[tuple[int, int]]]
    topics: list[np.ndarray]


@pytest.fixture(scope="module")
def press_setup(press_frame: pd.DataFrame) -> PressSetup:
    frame = press_frame.iloc[::6]
    texts = [
        re.findall(r"[a-z]{3,}", f"{t} {x}".lower())
        for t, x in zip(frame["title"], frame["text"], strict=True)
    ]
    dictionary = Dictionary(texts)
    dictionary.filter_extremes(no_below=3, no_above=0.5)
    bow = [dictionary.doc2bow(t) for t in texts]
    lda = LdaModel(bow, num_topics=6, id2word=dictionary, passes=2, random_state=3)
    return PressSetup(texts, dictionary, bow, top_word_ids(lda.get_topics(), 10))


@pytest.mark.parametrize("measure", ["c_npmi", "c_uci", "c_v", "u_mass"])
def test_equals_gensim_coherence_model_on_real_texts(press_setup: PressSetup, measure: str) -> None:
    s = press_setup
    scorer = CoherenceScorer(
        stream=encode_texts(s.texts, s.dictionary.token2id),
        doc_term=_doc_term(s.dictionary, s.texts),
    )
    mine = scorer.score(s.topics, measure=measure)
    ref = CoherenceModel(
        topics=[list(t) for t in s.topics],
        texts=s.texts,
        corpus=s.bow,
        dictionary=s.dictionary,
        coherence=measure,
        processes=1,
    ).get_coherence_per_topic()
    np.testing.assert_allclose(mine, np.asarray(ref), rtol=0, atol=1e-9)


def test_window_size_changes_counts_and_cache_extends(press_setup: PressSetup) -> None:
    s = press_setup
    stream = encode_texts(s.texts, s.dictionary.token2id)
    scorer = CoherenceScorer(stream=stream)
    first = scorer.score(s.topics[:2], measure="c_npmi")
    both = scorer.score(s.topics, measure="c_npmi")
    np.testing.assert_allclose(both[:2], first, atol=1e-12)
    narrow = CoherenceScorer(stream=stream, windows={"c_npmi": 4}).score(s.topics, measure="c_npmi")
    assert not np.allclose(narrow, both)


def test_bad_measure_and_missing_inputs() -> None:
    scorer = CoherenceScorer()
    with pytest.raises(ValueError, match="unknown coherence measure"):
        scorer.score([[0, 1]], measure="c_nope")
    with pytest.raises(ValueError, match="token stream"):
        scorer.score([[0, 1]], measure="c_npmi")
    with pytest.raises(ValueError, match="doc_term"):
        scorer.score([[0, 1]], measure="u_mass")


def test_arrow_encoding_equals_python_encoding() -> None:
    import pyarrow as pa

    texts = [["nato", "x", "war"], [], ["war", "war", "kyiv"], ["z"]]
    vocab = ["kyiv", "nato", "war"]
    column = pa.chunked_array([pa.array(texts[:2]), pa.array(texts[2:])])
    fast = encode_token_lists(column, vocab)
    slow = encode_texts(texts, {t: i for i, t in enumerate(vocab)})
    np.testing.assert_array_equal(fast.ids, slow.ids)
    np.testing.assert_array_equal(fast.offsets, slow.offsets)
    assert fast.ids.tolist() == [1, -1, 2, 2, 2, 0, -1]


def _brute_windows(text: list[int], window: int) -> list[set[int]]:
    n = len(text)
    if n <= window:
        return [set(text)]
    return [set(text[t : t + window]) for t in range(n - window + 1)]


def test_window_countings_against_hand_computed_windows() -> None:
    # "a b a c d", window 3: windows {a,b}, {a,b,c}, {a,c,d}.
    stream = encode_texts([list("abacd")], {c: i for i, c in enumerate("abcd")})
    gensim = window_counts(stream, [0, 1, 2, 3], window=3, counting="gensim")
    exact = window_counts(stream, [0, 1, 2, 3], window=3, counting="definition")
    assert gensim.n_windows == exact.n_windows == 3
    # gensim forgets "a" when its first copy leaves, although the second is still inside
    assert gensim.occurrences.tolist() == [1, 2, 2, 1]
    assert exact.occurrences.tolist() == [3, 2, 2, 1]
    assert exact.cooc.tolist() == [[3, 2, 2, 1], [2, 2, 1, 0], [2, 1, 2, 1], [1, 0, 1, 1]]
    with pytest.raises(ValueError, match="counting"):
        window_counts(stream, [0], window=3, counting="other")


def test_definition_counting_equals_brute_force() -> None:
    rng = np.random.default_rng(0)
    texts = [rng.integers(0, 6, size=n).tolist() for n in (0, 1, 4, 9, 30, 31)]
    stream = encode_texts([[str(t) for t in x] for x in texts], {str(i): i for i in range(6)})
    for window in (1, 3, 10):
        counts = window_counts(stream, range(6), window=window, counting="definition")
        sets = [s for x in texts for s in _brute_windows(x, window)]
        assert counts.n_windows == len(sets)
        for i in range(6):
            for j in range(6):
                assert counts.cooc[i, j] == sum(1 for s in sets if i in s and j in s)
    scorer = CoherenceScorer(stream=stream, counting="definition")
    assert scorer.score([np.array([0, 1, 2])], measure="c_npmi").shape == (1,)
