"""Unwrapping hard-wrapped text (PDF extractions) into paragraphs.

Text extracted from PDFs, like the UN General Debate Corpus, breaks lines at the width of the
printed column and sometimes splits a word across a line break with a hyphen. :func:`unwrap`
turns such text into paragraphs separated by one blank line, with the lines of a paragraph joined
by a space.

**Words split across a line break.** A line that ends in ``letters-`` followed by a line that
starts with letters is a *break*. Whether the hyphen belongs to the word is decided from the
corpus's own vocabulary, counted by :class:`HyphenationModel` over *unbroken* occurrences (lower-
cased) in every text it was fitted on:

- the break is joined without the hyphen (``inter-⏎national`` → ``international``) when the
  joined form occurs at least ``min_count`` times and more often than the hyphenated form;
- it keeps the hyphen (``Euro-⏎Atlantic`` → ``Euro-Atlantic``, ``Secretary-⏎General``) in every
  other case: when the hyphenated form is at least as frequent, when neither form is known well
  enough (most such breaks in the UN corpus are real compounds: ``crop-sowing``,
  ``rights-respecting``), and always when the second part starts with a capital letter (a word
  split by hyphenation does not continue with a capital) unless both parts are in capitals;
- a suspended hyphen before ``and``/``or``/``nor`` keeps its space (``short-⏎and long-term`` →
  ``short- and long-term``).

**Paragraphs.** A line break is a paragraph boundary when

1. a blank line (only white space) follows it; or
2. the line before it ends in terminal punctuation (``. ! ? : ;``, optionally followed by a closing
   quote or bracket), the next line starts with a capital letter, a digit, an opening quote or a
   dash, and either the line is *short* -- below ``short_line_ratio`` times the text's line width
   -- or the next line is indented while indented lines are rare in the text (below
   ``max_indented_share`` of the lines).

The line width is the ``width_quantile`` quantile of the lengths of the text's non-blank lines.
When it is above ``max_wrap_width`` characters, the text is not hard-wrapped (one paragraph per
line, as in the early UN sessions) and every line that ends in terminal punctuation before a
capitalised line ends a paragraph, whatever its length. Every other line break is a soft wrap and
becomes a space.

The rules are regular expressions over the whole text; Python code runs only at the hyphens
before a line break, never once per line or sentence (the paragraph ends of rule 2 are marked
by two substitutions with literal replacements), so unwrapping runs at about the speed of the
``re`` module (1.7 CPU seconds for the 199 MB of the UN corpus, measured on a shared machine).

:func:`hyphenation_lookups` lists the words a model may look up in a text, so that a folder's
model can be fitted on just those words (:mod:`secnews.corpus.loaders.folder_vocab`).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "HyphenationModel",
    "UnwrapSettings",
    "count_words",
    "hyphenation_lookups",
    "unwrap",
]

# Punctuation stripped from both ends of a white-space token before it is counted as a word.
_EDGE_PUNCTUATION = "\"'()[]{}<>.,;:!?*/\\|_~`^@#$%&+=\u2026\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a\u2014\u2013-"
_FOLD_EVERY = 256  # texts whose raw tokens are folded into words at once (bounds memory)
_BREAK = re.compile(r"-\n[ \t]*(?=[^\W\d_])")
_LEFT = re.compile(r"(?<!\w)[^\W\d_]+\Z")
_RIGHT = re.compile(r"[^\W\d_]+")
_SUSPENDED = frozenset({"and", "or", "nor"})
_BLANK_LINES = re.compile(r"\n\n+")
_UPPER = "A-Z0-9\u00c0-\u00de\u0391-\u03a9\u0400-\u042f"
_OPENING = "-\u2013\u2014\u2022\"'\u201c\u2018\u00ab(\\["
_CANDIDATE = re.compile(rf"[.!?:;][\"'\u201d\u2019\u00bb)\]]?\n(?=([ \t]*)[{_OPENING}]?[{_UPPER}])")
# The line breaks of _CANDIDATE, matched on the line break itself (fixed-width look-behinds for
# the punctuation), so that a literal replacement can mark them.
_CANDIDATE_BREAK = re.compile(
    rf"\n(?:(?<=[.!?:;]\n)|(?<=[.!?:;][\"'\u201d\u2019\u00bb)\]]\n))(?=[ \t]*[{_OPENING}]?[{_UPPER}])"
)
_INDENTED_LINE = re.compile(r"\n[ \t]+\S")
_MARKED = re.compile(r"\x00\n[ \t]*")
_SOFT = re.compile(r"\n[ \t]*")
# A hyphen before a line end once trailing white space and NUL are gone (see ``_prepare``).
_MAYBE_BREAK = re.compile(r"-[\s\x00]*[\n\r\x0b\x0c]")


def _fold(raw: Counter[str], into: Counter[str]) -> None:
    """Add raw white-space tokens to ``into`` as words (edge punctuation stripped)."""
    strip = _EDGE_PUNCTUATION
    for token, count in raw.items():
        word = token.strip(strip)
        if word:
            into[word] += count


def count_words(text: str) -> Counter[str]:
    """Count the words of one text the way :class:`HyphenationModel` does.

    A word is a white-space separated token, lower-cased, with punctuation (quotes, brackets,
    ``.,;:!?``, dashes, ...) stripped from both ends; inner hyphens and apostrophes stay
    (``inter-national``, ``don't``). Splitting on white space runs at C speed, and the stripping
    is done once per distinct token, not once per occurrence.

    Parameters
    ----------
    text
        Any text; a word broken across a line end counts as its two parts.

    Returns
    -------
    collections.Counter
        Word -> occurrences.
    """
    words: Counter[str] = Counter()
    _fold(Counter(text.lower().split()), words)
    return words


class HyphenationModel:
    """Decides, from a corpus's own vocabulary, whether a hyphen at a line end belongs to the word.

    Parameters
    ----------
    min_count
        How often the joined form must occur (unbroken, anywhere in the fitted texts) before a
        break is joined without its hyphen.

    Attributes
    ----------
    vocabulary_ : collections.Counter
        Word (see :func:`count_words`) -> occurrences in the fitted texts.
    n_documents_ : int
        Number of texts counted.

    Examples
    --------
    >>> model = HyphenationModel().fit(["international law", "the international order"])
    >>> unwrap("inter-\\nnational", model=model)
    'international'
    """

    def __init__(self, *, min_count: int = 2) -> None:
        self.min_count = min_count

    def fit(self, texts: Iterable[str]) -> HyphenationModel:
        """Count the words of ``texts`` (a stream is fine: one pass, one text at a time)."""
        self.vocabulary_: Counter[str] = Counter()
        self.n_documents_ = 0
        return self.partial_fit(texts)

    def partial_fit(self, texts: Iterable[str]) -> HyphenationModel:
        """Add the words of more texts to the counts."""
        if not hasattr(self, "vocabulary_"):
            self.vocabulary_ = Counter()
            self.n_documents_ = 0
        raw: Counter[str] = Counter()
        for number, text in enumerate(texts, start=1):
            raw.update(text.lower().split())
            self.n_documents_ += 1
            if number % _FOLD_EVERY == 0:
                _fold(raw, self.vocabulary_)
                raw = Counter()
        _fold(raw, self.vocabulary_)
        return self

    def add_counts(self, counts: Mapping[str, int], *, n_documents: int) -> HyphenationModel:
        """Add word counts made elsewhere (e.g. by :func:`count_words` in worker processes)."""
        if not hasattr(self, "vocabulary_"):
            self.vocabulary_ = Counter()
            self.n_documents_ = 0
        self.vocabulary_.update(counts)
        self.n_documents_ += n_documents
        return self

    def joiner(self, left: str, right: str) -> str:
        """Return what replaces ``-⏎`` between ``left`` and ``right``: ``""``, ``"-"`` or ``"- "``.

        Parameters
        ----------
        left, right
            The letters before the hyphen and after the line break.
        """
        if right.lower() in _SUSPENDED:
            return "- "
        if right[:1].isupper() and not (left.isupper() and right.isupper()):
            return "-"
        vocabulary = getattr(self, "vocabulary_", None)
        if not vocabulary:
            return "-"
        low_left, low_right = left.lower(), right.lower()
        joined = vocabulary.get(low_left + low_right, 0)
        hyphenated = vocabulary.get(f"{low_left}-{low_right}", 0)
        if joined >= self.min_count and joined > hyphenated:
            return ""
        return "-"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (settings and counts)."""
        return {
            "min_count": self.min_count,
            "n_documents": getattr(self, "n_documents_", 0),
            "vocabulary": dict(sorted(getattr(self, "vocabulary_", Counter()).items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HyphenationModel:
        """Rebuild a fitted model from :meth:`to_dict`."""
        model = cls(min_count=int(data["min_count"]))
        return model.add_counts(data["vocabulary"], n_documents=int(data["n_documents"]))


@dataclass(frozen=True)
class UnwrapSettings:
    """Paragraph rules of :func:`unwrap` (see the module docstring).

    Parameters
    ----------
    short_line_ratio
        A line ending in terminal punctuation that is shorter than this share of the line width
        ends its paragraph.
    width_quantile
        Quantile of the non-blank line lengths taken as the line width.
    max_wrap_width
        A text whose line width is above this is not hard-wrapped (one paragraph per line).
    max_indented_share
        Indentation marks a paragraph only when fewer lines than this share are indented.
    """

    short_line_ratio: float = 0.8
    width_quantile: float = 0.8
    max_wrap_width: int = 150
    max_indented_share: float = 0.3


def _rejoin(text: str, model: HyphenationModel | None) -> str:
    pieces: list[str] = []
    last = 0
    for match in _BREAK.finditer(text):
        start, end = match.span()
        if start == 0 or not text[start - 1].isalpha():
            continue
        right = _RIGHT.match(text, end)
        left = _LEFT.search(text, max(0, start - 64), start)
        if right is None:
            continue
        joiner = "-"
        if left is not None and model is not None:
            joiner = model.joiner(left.group(), right.group())
        pieces.append(text[last:start])
        pieces.append(joiner)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _line_width(lines: list[str], quantile: float) -> int:
    lengths = sorted(map(len, lines))
    first = bisect_left(lengths, 3)  # leave out blank and near-blank lines
    count = len(lengths) - first
    if count <= 0:
        return 0
    return lengths[first + min(count - 1, int(quantile * count))]


def _mark_boundaries(text: str, *, limit: int | None, indent: bool) -> str:
    """Put ``\\x00`` before each line break that ends a paragraph (rule 2 of the module doc).

    Two substitutions with literal replacements, run by the ``re`` module without a Python call
    per match: every candidate line break gets a mark (``\\x01``), then the marks of full lines
    (``limit`` characters or more before the mark, no line break among them) are removed,
    except before an indented line when ``indent``. Texts that hold ``\\x01`` themselves take
    :func:`_mark_boundaries_loop`, the reference (same result, tested)."""
    if "\x01" in text:
        return _mark_boundaries_loop(text, limit=limit, indent=indent)
    marked = _CANDIDATE_BREAK.sub("\x01\n", text)
    if limit is not None:
        marked = _full_line_mark(limit, indent).sub("", marked)
    return marked.replace("\x01", "\x00")


@functools.lru_cache(maxsize=1024)
def _full_line_mark(limit: int, indent: bool) -> re.Pattern[str]:
    """A mark after at least ``limit`` characters of its line (not before an indented line when
    ``indent``)."""
    after = r"(?!\n[ \t])" if indent else ""
    return re.compile(rf"\x01(?<=[^\n]{{{limit}}}\x01){after}")


def _mark_boundaries_loop(text: str, *, limit: int | None, indent: bool) -> str:
    """:func:`_mark_boundaries` with a Python step per candidate line break."""
    pieces: list[str] = []
    last = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end() - 1  # the line break
        short = limit is None or end - text.rfind("\n", 0, end) - 1 < limit
        if not short and not (indent and match.group(1)):
            continue  # a full line: the sentence just happens to end there
        pieces.append(text[last:end])
        pieces.append("\x00")
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _prepare(text: str) -> tuple[list[str], str]:
    """Line ends to ``\\n``, NUL removed, vertical tab and form feed to ``\\n``, every line
    stripped on the right: the lines and the text :func:`unwrap` works on."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for control in ("\x00", "\x0b", "\x0c"):
        if control in text:
            text = text.replace(control, "" if control == "\x00" else "\n")
    lines = list(map(str.rstrip, text.split("\n")))
    return lines, "\n".join(lines)


class _Lookups(HyphenationModel):
    """Records the words :meth:`HyphenationModel.joiner` could look up (never decides)."""

    def __init__(self) -> None:
        super().__init__()
        self.words: set[str] = set()

    def joiner(self, left: str, right: str) -> str:
        low_left, low_right = left.lower(), right.lower()
        self.words.add(low_left + low_right)
        self.words.add(f"{low_left}-{low_right}")
        return "-"


def hyphenation_lookups(text: str) -> set[str]:
    """The words a :class:`HyphenationModel` may look up when :func:`unwrap` unwraps ``text``.

    For every word split across a line break (``left-⏎right``), the joined form and the
    hyphenated form, lower-cased (also for breaks decided without the vocabulary, so the set is
    a superset). A model whose vocabulary holds the counts of just these words (for every text
    of a folder) unwraps the texts exactly as the model fitted on the full vocabulary does.

    Parameters
    ----------
    text
        Decoded text, as passed to :func:`unwrap`.

    Returns
    -------
    set of str
        The words (empty when the text has no hyphen at a line end).
    """
    if _MAYBE_BREAK.search(text) is None:  # cheap test: most texts need no line split
        return set()
    _lines, prepared = _prepare(text)
    if "-\n" not in prepared:
        return set()
    recorder = _Lookups()
    _rejoin(prepared, recorder)
    return recorder.words


def unwrap(
    text: str,
    *,
    model: HyphenationModel | None,
    settings: UnwrapSettings = UnwrapSettings(),
) -> str:
    """Join hard-wrapped lines into paragraphs and rejoin words split across line breaks.

    Parameters
    ----------
    text
        Decoded text with any line-end convention.
    model
        A fitted :class:`HyphenationModel`; ``None`` keeps every line-end hyphen.
    settings
        Paragraph rules.

    Returns
    -------
    str
        Paragraphs separated by one blank line (``\\n\\n``); lines inside a paragraph joined by a
        space. Other white space is left for :func:`~secnews.corpus.clean.normalize.normalize_text`.
    """
    lines, text = _prepare(text)
    width = _line_width(lines, settings.width_quantile)
    if "-\n" in text:
        text = _rejoin(text, model)
    text = _BLANK_LINES.sub("\x00\n", text)
    if width > settings.max_wrap_width:
        text = _mark_boundaries(text, limit=None, indent=False)
    else:
        n_indented = len(_INDENTED_LINE.findall(text))
        indent = n_indented < settings.max_indented_share * len(lines)
        limit = int(settings.short_line_ratio * width)
        text = _mark_boundaries(text, limit=limit, indent=indent)
    text = _MARKED.sub("\x00", text)
    text = _SOFT.sub(" ", text)
    return text.replace("\x00", "\n\n").strip()
