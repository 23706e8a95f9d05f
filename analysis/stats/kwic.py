"""KWIC concordances: every occurrence of a term or phrase with its left and right context.

Matching follows the rules of :mod:`secnews.analysis.lexicon` (the ones ``secnews trends``
counts with), through :func:`secnews.analysis.lexicon.python_pattern`: case-insensitive whole
words with Unicode word boundaries, where a hyphen or an apostrophe is a boundary, so ``"nato"``
matches "NATO", "NATO's", "NATO-led" and "pro-NATO"; a space in a phrase matches white space or
hyphens ("special military operation" matches "special-military-operation"); ``*`` is a
wildcard for word characters (``"sanction*"``); ``re:PATTERN`` is a regular expression. Words
hyphenated across a line break are joined before matching, as in trends, so KWIC hits and
trend counts agree. An ``_`` in the pattern (as produced by phrase detection) stands for a space.
Contexts are the original text around the match, ``window`` regex tokens
(:mod:`secnews.analysis.preprocess.tokens`) on each side, white space collapsed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Literal

import pandas as pd

from secnews.analysis.lexicon import REGEX_PREFIX, python_pattern
from secnews.analysis.preprocess.core import frame_text
from secnews.analysis.preprocess.tokens import token_pattern

__all__ = ["join_concordances", "kwic", "sort_concordance"]

_SPACE = re.compile(r"\s+")
#: A word hyphenated across a line break (as ``match_text_sql`` of trends joins it).
_LINE_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_])")


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.strip().lower().startswith(REGEX_PREFIX):
        return python_pattern(pattern)
    words = pattern.replace("_", " ").split()
    if not words:
        raise ValueError("the KWIC pattern is empty")
    return python_pattern(" ".join(words))


def _joined(text: str) -> tuple[str, list[int], list[int]]:
    """Text with line-break hyphens removed, and the breakpoints mapping positions back."""
    pieces, joined_at, shift_at = [], [0], [0]
    last, removed = 0, 0
    for m in _LINE_HYPHEN.finditer(text):
        pieces.append(text[last : m.start()])
        removed += m.end() - m.start()
        last = m.end()
        joined_at.append(m.start() - (removed - (m.end() - m.start())))
        shift_at.append(removed)
    pieces.append(text[last:])
    return "".join(pieces), joined_at, shift_at


def _original(pos: int, joined_at: list[int], shift_at: list[int], *, end: bool) -> int:
    """Map a position of the joined text back to the original text."""
    index = (bisect.bisect_left if end else bisect.bisect_right)(joined_at, pos) - 1
    return pos + shift_at[max(index, 0)]


def kwic(
    frame: pd.DataFrame,
    pattern: str,
    *,
    window: int = 8,
    sort: Literal["left", "right", "none"] = "none",
    max_hits: int | None = None,
) -> pd.DataFrame:
    """Concordance of ``pattern`` in the documents of ``frame``.

    Parameters
    ----------
    frame
        Documents with ``doc_id`` and ``text`` (``title``, ``lede``, ``outlet`` used when present).
    pattern
        A word, a phrase ("special military operation" or "special_military_operation"), a
        wildcard term (``sanction*``) or ``re:PATTERN``: the matching rules of
        :mod:`secnews.analysis.lexicon`, the same as ``secnews trends``.
    window
        Context tokens on each side (default 8).
    sort
        ``"left"``: by the words of the left context read from the match outwards (nearest word
        first); ``"right"``: by the words of the right context; punctuation and case are ignored;
        ties in document order. ``"none"``: document order.
    max_hits
        Keep only the first hits (in document order) when set.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, position, left, match, right, title, outlet`` (``position`` is the index of
        the first token of the document text that is not wholly left of the match).
    """
    if window < 0:
        raise ValueError("window must be >= 0")
    if sort not in ("left", "right", "none"):
        raise ValueError(f"sort must be left, right or none, got {sort!r}")
    regex = _compile(pattern)
    finditer = token_pattern(False).finditer
    texts = frame_text(frame)
    titles = frame["title"].tolist() if "title" in frame.columns else [None] * len(frame)
    outlets = frame["outlet"].tolist() if "outlet" in frame.columns else [None] * len(frame)
    rows = []
    for doc_id, text, title, outlet in zip(
        frame["doc_id"].tolist(), texts, titles, outlets, strict=True
    ):
        joined, joined_at, shift_at = _joined(text)
        spans = [m.span() for m in finditer(text)]
        starts = [s for s, _ in spans]
        ends = [e for _, e in spans]
        for m in regex.finditer(joined):
            if m.end() == m.start():
                continue  # an empty match of a regular expression
            start = _original(m.start(), joined_at, shift_at, end=False)
            end = _original(m.end(), joined_at, shift_at, end=True)
            n_left = bisect.bisect_right(ends, start)  # tokens wholly left of the match
            first_right = bisect.bisect_left(starts, end)  # first token wholly right of it
            left_start = starts[max(0, n_left - window)] if window and n_left else start
            right_end = (
                ends[min(len(spans), first_right + window) - 1]
                if window and first_right < len(spans)
                else end
            )
            rows.append(
                {
                    "doc_id": str(doc_id),
                    "position": n_left,
                    "left": _SPACE.sub(" ", text[min(left_start, start) : start]).strip(),
                    "match": _SPACE.sub(" ", text[start:end]),
                    "right": _SPACE.sub(" ", text[end : max(right_end, end)]).strip(),
                    "title": title if isinstance(title, str) else "",
                    "outlet": outlet if isinstance(outlet, str) else "",
                }
            )
            if max_hits is not None and len(rows) >= max_hits:
                break
        if max_hits is not None and len(rows) >= max_hits:
            break
    out = pd.DataFrame(
        rows, columns=["doc_id", "position", "left", "match", "right", "title", "outlet"]
    )
    return sort_concordance(out, sort)


def sort_concordance(
    concordance: pd.DataFrame, sort: Literal["left", "right", "none"]
) -> pd.DataFrame:
    """Sort a concordance in document order as :func:`kwic` does (``sort`` as there).

    The concordance of a corpus read in batches is that of :func:`kwic` when each batch's
    ``kwic(batch, ..., sort="none")`` is concatenated in order and then sorted here.
    """
    if sort not in ("left", "right", "none"):
        raise ValueError(f"sort must be left, right or none, got {sort!r}")
    out = concordance
    if sort != "none" and len(out):
        find_words = token_pattern(False).findall
        if sort == "left":  # nearest word first, punctuation ignored
            key = [" ".join(reversed(find_words(t.lower()))) for t in out["left"]]
        else:
            key = [" ".join(find_words(t.lower())) for t in out["right"]]
        out = out.assign(_key=key).sort_values(["_key", "doc_id", "position"], kind="mergesort")
        out = out.drop(columns="_key")
    return out.reset_index(drop=True)


def join_concordances(
    frames: Sequence[pd.DataFrame], sort: Literal["left", "right", "none"]
) -> pd.DataFrame:
    """The concordances of batches (or parts) of a corpus, in corpus order, as one sorted
    concordance (:func:`sort_concordance`): empty frames are left out, and the first is kept
    when all are empty, so that the columns stay.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"doc_id": ["d1"], "position": [3], "left": ["x"], "right": ["y"]})
    >>> join_concordances([a, a.iloc[:0], a], "none")["doc_id"].tolist()
    ['d1', 'd1']
    """
    if not frames:
        raise ValueError("no concordances to join")
    kept = [f for f in frames if len(f)] or list(frames[:1])
    return sort_concordance(pd.concat(kept, ignore_index=True), sort)
