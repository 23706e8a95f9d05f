"""The statistics step's running words counted part by part (as Dask workers count them) and
added in part order give the state and tables of one stream, exactly: MATTR windows that cross
parts included."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.preprocess.settings import PreprocessSettings
from secnews.analysis.stats.descriptive import corpus_summary, document_tokens, mattr
from secnews.analysis.stats.partwords import _PartCounter, mattr_piece
from secnews.analysis.stats.streamed import RunningWords, StreamedMattr


def _state(stream: StreamedMattr) -> tuple[object, ...]:
    return (
        stream.length,
        stream._sum,
        stream._codes.tolist(),
        stream._last.tolist(),
        stream._tail.tolist(),
    )


@pytest.mark.parametrize("window", [1, 2, 5, 40])
def test_pieces_give_the_state_of_one_stream(window: int) -> None:
    rng = np.random.default_rng(window)
    codes = rng.zipf(1.6, size=3000) % 300  # many repeats, a long tail of rare codes
    cuts = [0, 1, 2, 9, 9, 50, 51, 400, 1200, 2990, 3000]  # empty, tiny and long pieces
    whole = StreamedMattr(window)
    whole.add(codes)
    joined = StreamedMattr(window)
    for start, stop in itertools.pairwise(cuts):
        piece_codes = codes[start:stop]
        local, local_codes = np.unique(piece_codes, return_inverse=True)  # codes local to a part
        joined.add_piece(mattr_piece(local_codes, window), local.astype(np.int64))
    assert _state(joined) == _state(whole)
    assert joined.value() == whole.value() == mattr(codes.tolist(), window=window)


def test_a_piece_across_a_window_needs_the_carried_state() -> None:
    """By hand: window 3 over ``a b | a c``. The second part alone counts ``a`` as new at its
    position 0 (1 window); after ``a b`` its last ``a`` is 2 positions back: 2 windows."""
    stream = StreamedMattr(3)
    stream.add_piece(mattr_piece([0, 1], 3), np.array([0, 1]))
    stream.add_piece(mattr_piece([0, 1], 3), np.array([0, 2]))  # a c
    # windows (a b a) (b a c): 2 + 3 types; MATTR = 5 / 2 / 3
    assert stream.value() == 5 / 2 / 3 == mattr(["a", "b", "a", "c"], window=3)


def test_window_larger_than_a_piece_is_refused() -> None:
    with pytest.raises(ValueError, match="window 4, not 3"):
        StreamedMattr(3).add_piece(mattr_piece([1, 2], 4), np.arange(3))


@pytest.fixture(scope="module")
def sample(press_frame: pd.DataFrame) -> pd.DataFrame:
    return press_frame.iloc[::5].reset_index(drop=True)


def test_parts_added_in_order_equal_the_batches(sample: pd.DataFrame) -> None:
    """Real press releases cut into parts of uneven size, each counted alone with its own codes:
    summary (MATTR, mean, median), Zipf counts and collocations equal a batch-by-batch count,
    float for float, and the vocabulary gets the same codes."""
    tokens = document_tokens(sample)
    outlets = sample["outlet"].tolist()
    # interleave the outlets so that every part holds documents of both groups
    order = [
        i for pair in zip(range(0, 200), range(len(tokens) - 1, 0, -1), strict=False) for i in pair
    ]
    tokens = [tokens[i] for i in order[: len(tokens)]]
    outlets = [outlets[i] for i in order[: len(outlets)]]
    local = RunningWords(window=150)
    for start in range(0, len(tokens), 100):
        local.add(tokens[start : start + 100], outlets[start : start + 100])
    joined = RunningWords(window=150)
    cuts = [0, 3, 4, 90, 91, 200, len(tokens)]
    for start, stop in itertools.pairwise(cuts):
        counter = _PartCounter(window=150)
        for at in range(start, stop, 37):
            end = min(at + 37, stop)
            counter.add(tokens[at:end], outlets[at:end])
        joined.add_part(counter.part([], []))
    assert joined.vocabulary == local.vocabulary
    pd.testing.assert_frame_equal(joined.summary(), local.summary(), check_exact=True)
    frame = pd.DataFrame({"outlet": outlets, "text": ["x"] * len(outlets)})
    expected = corpus_summary(frame, by="outlet", window=150, tokens=tokens)
    pd.testing.assert_frame_equal(joined.summary(), expected, check_exact=True)
    pd.testing.assert_frame_equal(joined.word_counts(), local.word_counts(), check_exact=True)
    stop, _ = PreprocessSettings().stopword_set()
    pd.testing.assert_frame_equal(
        joined.collocations(min_count=3, stopwords=stop),
        local.collocations(min_count=3, stopwords=stop),
        check_exact=True,
    )
    assert len(joined.collocations(min_count=3, stopwords=stop)) > 50


def test_a_piece_streamed_in_chunks_equals_the_piece_of_the_whole() -> None:
    from secnews.analysis.stats.partwords import PieceStream

    codes = np.random.default_rng(3).integers(0, 40, size=500)
    stream = PieceStream(25)
    for start in range(0, len(codes), 3):  # chunks shorter than the head and the tail
        stream.add(codes[start : start + 3])
    got, want = stream.piece(), mattr_piece(codes, 25)
    for name in ("codes", "last", "head_codes", "head_first", "tail_codes", "tail_prev"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), name
    assert (got.length, got.total, len(got.tail_codes), len(got.head_codes)) == (
        want.length,
        want.total,
        25,
        len(set(codes[:24].tolist())),
    )
