"""Counting a few chosen words in many texts, exactly as :func:`~secnews.corpus.clean.unwrap.count_words`.

The hyphenation model of a folder (:class:`~secnews.corpus.clean.unwrap.HyphenationModel`) only ever
looks up the joined and hyphenated forms of the words split across line breaks
(:func:`~secnews.corpus.clean.unwrap.hyphenation_lookups`): about 3,000 words for the 35M words of
the UN General Debate Corpus. :class:`ListedWordCounter` counts just those words, with numpy
over the UTF-8 bytes instead of one Python string per word, about 2.5 times faster than
counting every word.

The definition of a word is the one of :func:`~secnews.corpus.clean.unwrap.count_words` (a
white-space separated token of the lower-cased text, with the punctuation of
``_EDGE_PUNCTUATION`` stripped from both ends), and so is every count:

- tokens are cut at the ASCII white space of :meth:`str.split` (``\\t\\n\\x0b\\x0c\\r``,
  ``\\x1c``-``\\x1f`` and the space); a token with any non-ASCII byte (which may hold Unicode
  white space, non-ASCII letters or punctuation) is decoded and counted by the Python
  definition itself;
- the ASCII tokens are lower-cased byte-wise (the same as :meth:`str.lower` on ASCII) and
  stripped of the ASCII edge punctuation with vectorized steps; a cheap key of each stripped
  token (length and first eight bytes) is looked up in a bitmap of the listed words' keys, and
  every token that passes is compared with the listed words as a string, so the bitmap only
  saves work and never decides a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from secnews.corpus.clean.unwrap import _EDGE_PUNCTUATION

__all__ = ["ListedWordCounter", "count_listed_words"]

#: ASCII bytes on which :meth:`str.split` cuts (its non-ASCII white space is handled in Python).
_ASCII_SPACE = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
#: ``bytes.translate`` table: 0 for white space, 1 for every other byte.
_NOT_SPACE = bytes(0 if b in _ASCII_SPACE else 1 for b in range(256))
_IS_EDGE = np.zeros(256, dtype=bool)
_IS_EDGE[np.frombuffer(_EDGE_PUNCTUATION.encode("ascii", "ignore"), dtype=np.uint8)] = True
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BITS = 22
_SHIFT = np.uint64(64 - _BITS)
#: Characters counted per vectorized step (bounds the memory of the step's arrays).
_STEP_CHARS = 1 << 20


def _keys(view: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Key of each span: its first (up to) eight bytes mixed with its length."""
    first = view[starts] & _LOW_BYTES[np.minimum(lengths, 8)]
    return (first * _MULTIPLIER) ^ (lengths.astype(np.uint64) << np.uint64(56))


def _padded_view(data: bytes) -> np.ndarray:
    """``uint64`` little-endian view starting at every byte of ``data`` (8 bytes of padding)."""
    return np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))


class ListedWordCounter:
    """Count the occurrences of listed words in texts, as :func:`count_words` counts them.

    Parameters
    ----------
    words
        The words to count (as :func:`~secnews.corpus.clean.unwrap.count_words` gives them: lower
        case, edge punctuation stripped; other strings are never counted).

    Examples
    --------
    >>> ListedWordCounter(["international"]).count(["International law, (international)."])
    Counter({'international': 2})
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        encoded = [w.encode("utf-8", "surrogatepass") for w in self.words]
        self._bitmap = np.zeros(1 << _BITS, dtype=bool)
        self._min_bytes = min((len(e) for e in encoded if e), default=0)
        for word in encoded:
            if word:
                padded = word + b" " * 8
                key = _keys(_padded_view(padded), np.zeros(1, np.int64), np.array([len(word)]))
                self._bitmap[key >> _SHIFT] = True

    def count(self, texts: Iterable[str]) -> Counter[str]:
        """Return ``{word: occurrences}`` of the listed words in ``texts`` (words that do not
        occur are left out)."""
        found: Counter[str] = Counter()
        if not self.words:
            return found
        for step in _steps(texts, _STEP_CHARS):
            self._count_step(step, found)
        return found

    def _count_step(self, texts: list[str], found: Counter[str]) -> None:
        words = self.words
        data = b" ".join([t.encode("utf-8", "surrogatepass") for t in texts]).lower()
        padded = b" " + data + b" " * 8
        raw = np.frombuffer(padded, dtype=np.uint8)
        solid = np.frombuffer(padded.translate(_NOT_SPACE), dtype=np.bool_)
        bounds = np.flatnonzero(solid[1:] != solid[:-1]) + 1
        starts, ends = bounds[0::2], bounds[1::2]
        if not data.isascii():
            # tokens with a non-ASCII byte: decoded and counted by the definition itself
            marked = np.zeros(len(starts), dtype=bool)
            marked[np.searchsorted(starts, np.flatnonzero(raw >= 0x80), "right") - 1] = True
            wide = np.flatnonzero(marked)
            for a, b in zip(starts[wide].tolist(), ends[wide].tolist(), strict=True):
                for token in padded[a:b].decode("utf-8", "surrogatepass").lower().split():
                    word = token.strip(_EDGE_PUNCTUATION)
                    if word in words:
                        found[word] += 1
            ends[wide] = starts[wide]  # empty: left out below
        _strip_edges(raw, starts, ends)
        lengths = ends - starts
        keep = self._bitmap[_keys(_padded_view(padded), starts, lengths) >> _SHIFT]
        keep &= lengths >= max(self._min_bytes, 1)
        hits = np.flatnonzero(keep)
        spans = map(slice, starts[hits].tolist(), ends[hits].tolist())
        tokens: Counter[bytes] = Counter(map(padded.__getitem__, spans))
        for piece, n in tokens.items():
            listed = piece.decode("utf-8", "surrogatepass")
            if listed in words:
                found[listed] += n


def _strip_edges(raw: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
    """Move ``starts`` and ``ends`` (in place) past the edge punctuation of each token."""
    todo = np.flatnonzero(_IS_EDGE[raw[starts]])
    while len(todo):
        starts[todo] += 1
        todo = todo[starts[todo] < ends[todo]]
        todo = todo[_IS_EDGE[raw[starts[todo]]]]
    todo = np.flatnonzero(_IS_EDGE[raw[ends - 1]] & (ends > starts))
    while len(todo):
        ends[todo] -= 1
        todo = todo[ends[todo] > starts[todo]]
        todo = todo[_IS_EDGE[raw[ends[todo] - 1]]]


def _steps(texts: Iterable[str], max_chars: int) -> Iterator[list[str]]:
    step: list[str] = []
    size = 0
    for text in texts:
        step.append(text)
        size += len(text)
        if size >= max_chars:
            yield step
            step, size = [], 0
    if step:
        yield step


def count_listed_words(texts: Sequence[str], words: Iterable[str]) -> Counter[str]:
    """Occurrences of ``words`` in ``texts`` (see :class:`ListedWordCounter`).

    Parameters
    ----------
    texts
        Any texts.
    words
        The words to count.

    Returns
    -------
    collections.Counter
        Word -> occurrences, equal to the counts of :func:`~secnews.corpus.clean.unwrap.count_words`
        summed over ``texts`` and restricted to ``words``.
    """
    return ListedWordCounter(words).count(texts)
