"""KWIC concordances: every occurrence of a term or phrase with its left and right context.

Matching works on the regex tokens of :mod:`secnews.analysis.preprocess_tokens` (hyphenated words
whole, case folded for the comparison), so ``"nato"`` matches "NATO" and "NATO's" but not
"NATO-led"; a pattern of several words (or with ``_`` as produced by phrase detection) matches the
words in sequence; a word ending in ``*`` matches by prefix (``"sanction*"``). Contexts are the
original text around the match, ``window`` tokens on each side, white space collapsed.
"""

from __future__ import annotations

import re
from typing import Literal

import pandas as pd

from .preprocess import frame_text
from .preprocess_tokens import token_pattern

__all__ = ["kwic"]

_SPACE = re.compile(r"\s+")


def _pattern_words(pattern: str) -> list[str]:
    words = pattern.replace("_", " ").lower().split()
    if not words:
        raise ValueError("the KWIC pattern is empty")
    return words


def _matches(token: str, word: str) -> bool:
    if word.endswith("*"):
        return token.startswith(word[:-1])
    return token == word


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
        A word, a phrase ("special military operation" or "special_military_operation"), words
        may end in ``*``.
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
        ``doc_id, position, left, match, right, title, outlet`` (``position`` is the token index
        of the match inside the document text).
    """
    if window < 0:
        raise ValueError("window must be >= 0")
    if sort not in ("left", "right", "none"):
        raise ValueError(f"sort must be left, right or none, got {sort!r}")
    words = _pattern_words(pattern)
    finditer = token_pattern(False).finditer
    texts = frame_text(frame)
    titles = frame["title"].tolist() if "title" in frame.columns else [None] * len(frame)
    outlets = frame["outlet"].tolist() if "outlet" in frame.columns else [None] * len(frame)
    rows = []
    k = len(words)
    for doc_id, text, title, outlet in zip(
        frame["doc_id"].tolist(), texts, titles, outlets, strict=True
    ):
        spans = [m.span() for m in finditer(text)]
        lowered = [text[s:e].lower() for s, e in spans]
        for i in range(len(spans) - k + 1):
            if not all(_matches(lowered[i + j], words[j]) for j in range(k)):
                continue
            start, end = spans[i][0], spans[i + k - 1][1]
            left_start = spans[max(0, i - window)][0] if window else start
            right_end = spans[min(len(spans) - 1, i + k - 1 + window)][1] if window else end
            rows.append(
                {
                    "doc_id": str(doc_id),
                    "position": i,
                    "left": _SPACE.sub(" ", text[left_start:start]).strip(),
                    "match": _SPACE.sub(" ", text[start:end]),
                    "right": _SPACE.sub(" ", text[end:right_end]).strip(),
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
    if sort != "none" and len(out):
        find_words = token_pattern(False).findall
        if sort == "left":  # nearest word first, punctuation ignored
            key = [" ".join(reversed(find_words(t.lower()))) for t in out["left"]]
        else:
            key = [" ".join(find_words(t.lower())) for t in out["right"]]
        out = out.assign(_key=key).sort_values(["_key", "doc_id", "position"], kind="mergesort")
        out = out.drop(columns="_key")
    return out.reset_index(drop=True)
