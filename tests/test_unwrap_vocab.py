"""Counting listed words (numpy) equals counting every word (Python), and the hyphenation
lookups of a text are every word the model reads while unwrapping it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secnews.corpus.clean.unwrap import HyphenationModel, count_words, hyphenation_lookups, unwrap
from secnews.corpus.clean.unwrap_vocab import ListedWordCounter, count_listed_words
from secnews.corpus.loaders.decode import decode_bytes


def reference(texts: list[str], words: set[str]) -> Counter[str]:
    """The definition: every word counted, then restricted to ``words``."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(count_words(text))
    return Counter({w: n for w, n in total.items() if w in words})


def test_hand_counted_words() -> None:
    texts = [
        "International law, (international) order; INTERNATIONAL.",
        "inter-national \u201cinternational\u201d co-operation\u00a0international",
        "",
    ]
    found = count_listed_words(texts, ["international", "inter-national", "order", "absent"])
    # 3 in the first text, 2 in the second (quoted, and after a no-break space)
    assert found == Counter({"international": 5, "inter-national": 1, "order": 1})
    assert found == reference(texts, {"international", "inter-national", "order", "absent"})


def test_edge_cases_match_the_definition() -> None:
    texts = [
        "\u0130stanbul ISTANBUL istanbul",  # dotted capital I lowers to two characters
        "\u039f\u0394\u039f\u03a3 \u03bf\u03b4\u03bf\u03c2 odos",  # final sigma
        "a\x1cb a\x1fb\tc\x0bd\x0ce\rf \u2003g\u3000h \x85i",  # str.split's white space
        "---  ... !!! \"'\" word-- --word (word) [word]. word's don't",
        "caf\u00e9 CAF\u00c9 cafe\u0301 na\u00efve",
        "\ud800lone surrogate\udfff word",
        "x" * 30 + " " + "y" * 9 + " yyyyyyyy yyyyyyyyyy",
    ]
    words = set()
    for text in texts:
        words |= set(count_words(text))
    words |= {"", "Word", "word ", "absent", "-word", "yyyyyyyyyx"}
    assert count_listed_words(texts, words) == reference(texts, words)


_ALPHABET = st.sampled_from(
    [*"abcdefgAB-'.,;()\"", " ", "\n", "\t", "\x1c", "\u00a0", "\u2014", "\u201c", "\u00e9"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(_ALPHABET, max_size=60), max_size=6),
    st.lists(st.text(st.sampled_from(list("abcAB-\u00e9")), min_size=1, max_size=6), max_size=8),
)
def test_random_texts_match_the_definition(texts: list[str], extra: list[str]) -> None:
    words = set(extra)
    for text in texts:
        words |= set(count_words(text))
    assert count_listed_words(texts, words) == reference(texts, words)


def test_no_words_and_no_texts() -> None:
    assert ListedWordCounter([]).count(["some text"]) == Counter()
    assert ListedWordCounter(["text"]).count([]) == Counter()


def test_long_inputs_are_counted_in_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    from secnews.corpus.clean import unwrap_vocab

    monkeypatch.setattr(unwrap_vocab, "_STEP_CHARS", 50)
    texts = [f"Word {i}, word; (WORD) words" for i in range(40)]
    assert count_listed_words(texts, {"word", "words"}) == Counter({"word": 120, "words": 40})


class _Spy(HyphenationModel):
    """A fitted model that records what it reads."""

    def __init__(self, model: HyphenationModel) -> None:
        super().__init__(min_count=model.min_count)
        self.add_counts(model.vocabulary_, n_documents=model.n_documents_)
        self.read: set[str] = set()

    def joiner(self, left: str, right: str) -> str:
        low = (left.lower(), right.lower())
        self.read |= {low[0] + low[1], f"{low[0]}-{low[1]}"}
        return super().joiner(left, right)


def test_lookups_by_hand() -> None:
    text = "The inter-\r\nnational order, Euro- \x00\nAtlantic, short-\n and long-\fterm; 12-\nx"
    assert hyphenation_lookups(text) == {
        "international",
        "inter-national",
        "euroatlantic",
        "euro-atlantic",
        "shortand",
        "short-and",
        "longterm",
        "long-term",
    }
    assert hyphenation_lookups("no hyphen at a line end - here\n") == set()
    assert hyphenation_lookups("") == set()


def test_lookups_cover_what_the_model_reads(corpora_dir: Path) -> None:
    """On real UN speeches: a model reads only looked-up words, so a model with just their
    counts unwraps every text exactly as the full model does."""
    folder = corpora_dir / "ungdc-1946-2024" / "TXT"
    paths = sorted(folder.glob("Session 5*/*.txt"))[::7]  # hard-wrapped, hyphenated
    texts = [decode_bytes(p.read_bytes())[0] for p in paths]
    full = HyphenationModel().fit(texts)
    spy = _Spy(full)
    lookups: set[str] = set()
    for text in texts:
        lookups |= hyphenation_lookups(text)
        unwrap(text, model=spy)
    assert spy.read and spy.read <= lookups
    restricted = HyphenationModel().add_counts(
        count_listed_words(texts, lookups), n_documents=len(texts)
    )
    assert restricted.vocabulary_ == {w: n for w, n in full.vocabulary_.items() if w in lookups}
    joined = [unwrap(t, model=full) for t in texts]
    assert [unwrap(t, model=restricted) for t in texts] == joined
    assert any("-\n" in t for t in texts)  # the sample does split words across lines


_LINES = st.lists(
    st.sampled_from(
        [*"aAZ.;:!?\"')]-( \t\u201d\u00bb\u2014\u00c9\u0416", "\n", "\n", "\x00\n", "\x01", "1"]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_LINES, st.one_of(st.none(), st.integers(0, 12)), st.booleans())
def test_marking_equals_the_loop(text: str, limit: int | None, indent: bool) -> None:
    from secnews.corpus.clean.unwrap import _mark_boundaries, _mark_boundaries_loop

    expected = _mark_boundaries_loop(text, limit=limit, indent=indent)
    assert _mark_boundaries(text, limit=limit, indent=indent) == expected


def test_marking_by_hand() -> None:
    from secnews.corpus.clean.unwrap import _mark_boundaries

    text = "A short one.\nA much longer line here.\n  Indented.\nB"
    assert _mark_boundaries(text, limit=20, indent=False) == (
        "A short one.\x00\nA much longer line here.\n  Indented.\x00\nB"
    )
    assert _mark_boundaries(text, limit=20, indent=True) == (
        "A short one.\x00\nA much longer line here.\x00\n  Indented.\x00\nB"
    )
    assert _mark_boundaries(text, limit=None, indent=False).count("\x00") == 3
