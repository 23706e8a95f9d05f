"""Features of the line classifier of :mod:`secnews.corpus.clean.line_model`.

Shallow features of a line and of its neighbourhood, in the spirit of boilerpipe's and jusText's
(:data:`FEATURES`):

* the line: words, characters, sentence punctuation, stop-word share, capitalised-word share,
  digit and punctuation density, web addresses, bars and bullets, quotes;
* its place: relative position, the share of the page's paragraph words before and after it
  (before the article, inside it, after it), the distance to the nearest paragraph;
* its neighbours: words and sentence ends of the lines around it, the share of lines around it
  that the rules removed or that are paragraphs (windows of 2 and 5 lines);
* page furniture patterns: comment sections (a heading such as ``Leave a reply`` or
  ``12 Comments`` above the line, commenter stamps such as ``Jacob said,`` or ``at 3:45 pm``
  around it), bylines and dates, captions and photo credits, list bullets, teasers that end in
  ``...`` or ``Read more``, short title-case lines;
* the main block: the paragraph words of the run of paragraphs (among the kept lines) the line
  belongs to, as a share of the page's best run and of all its paragraph words; its length and
  stop-word share against the page's own (pages differ in scale: a recipe's lines are short).

The second stage's features (the first stage's probabilities around a line) are in
:mod:`secnews.corpus.clean.line_context`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

__all__ = ["FEATURES", "FEATURE_VERSION", "line_features"]

#: Version of the feature set; a model trained on another version is refused.
FEATURE_VERSION = 3

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)\]]*$")
_SENTENCE_MARK = re.compile(r"[.!?]['\"”’)\]]*(?:\s|$)")
_URL = re.compile(r"https?://|www\.|\.com\b|\.org\b|\.net\b|@\w")
_BARS = re.compile(r"[|•·»›«‹]|\s/\s|\s-\s.*\s-\s")
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
#: The heading of a comment section (a short line of its own).
_COMMENT_HEADING = re.compile(
    r"^(?:\d+\s+|one\s+)?(?:(?:reader|user|visitor)s?['’]?\s+)?"
    r"(?:comments?|responses?|repl(?:y|ies)|reactions?|thoughts?|trackbacks?|pingbacks?|"
    r"discussions?)(?:\s*\(\d+\))?(?:\s+(?:on|to|for)\b.*)?[:.!]?$"
    r"|^(?:leave|post|add|write|submit|view|show|read|see|hide|load)\s+(?:a|an|the|your|all)?\s*"
    r"(?:\d+\s+)?(?:new\s+)?(?:comments?|repl(?:y|ies)|responses?)\b.*$"
    r"|^(?:join|start) the (?:discussion|conversation)\b.*$"
    r"|^(?:have your say|speak your mind|what do you think\??|comments are closed\.?|"
    r"sort (?:comments )?by\b.*|comments? for this (?:entry|post|thread)\b.*)$",
    re.IGNORECASE,
)
#: A commenter's stamp: a time of day, "... ago", "X said,", "Reply", "Posted by X".
_COMMENT_STAMP = re.compile(
    r"\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\b\.?)"
    r"|\b\d+\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago\b"
    r"|\b(?:said|says|wrote|writes)\s*[:,]?\s*$"
    r"|^(?:reply|report(?: abuse| comment)?|flag|like|permalink|quote|reply to this)\b\W*$"
    r"|^(?:posted|submitted)\s+by\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
)
_BYLINE_DATE = re.compile(
    rf"^(?:by|written by|posted by|posted on|published|updated|from)\b|{_MONTH}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\b(?:photo|photograph|image|picture|caption|credit|getty|reuters|afp|ap photo|"
    r"shutterstock|illustration|courtesy|file photo|pictured|enlarge|gallery)\b"
    r"|^\(?(?:pictured|above|below|left|right|top|bottom)\b",
    re.IGNORECASE,
)
#: Other kept lines allowed between two paragraphs of one block (:func:`_blocks`).
_BLOCK_GAP = 2
_BULLET = re.compile(r"^(?:[*•·>+–-]|\d{1,2}[.)])\s")
_TEASER_END = re.compile(r"(?:\.\.\.|…|\[\.\.\.\]|\bread more|\bmore\s*»?|»|›)\s*$", re.IGNORECASE)

#: Names of the features, in column order.
FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "sentence_end",
    "sentence_marks_per_word",
    "stopword_share",
    "capitalised_share",
    "digit_share",
    "punct_share",
    "has_url",
    "has_bars",
    "starts_quote",
    "ends_colon",
    "is_paragraph",
    "position",
    "para_words_before",
    "para_words_after",
    "log_dist_paragraph",
    "prev_log_words",
    "next_log_words",
    "prev_sentence_end",
    "next_sentence_end",
    "prev_removed",
    "next_removed",
    "win2_log_words",
    "win5_log_words",
    "win2_removed",
    "win5_removed",
    "win2_paragraph",
    "win5_paragraph",
    "kept_position",
    "log_page_lines",
    "kept_prev_log_words",
    "kept_next_log_words",
    "kept_prev_paragraph",
    "kept_next_paragraph",
    "kept_win2_paragraph",
    "kept_win5_paragraph",
    "kept_win2_log_words",
    "kept_win5_log_words",
    "long_sentence",
    "stopwords_x_words",
    "repeated_in_page",
    "comment_heading",
    "after_comment_heading",
    "comment_stamp",
    "win5_comment_stamp",
    "log_stamps_before",
    "byline_or_date",
    "caption_like",
    "starts_bullet",
    "teaser_end",
    "short_title_case",
    "kept_win2_short",
    "block_share_of_best",
    "block_share_of_page",
    "rel_log_words",
    "rel_stopword_share",
)


def _window_mean(values: np.ndarray, half: int) -> np.ndarray:
    """Mean of ``values`` over the lines within ``half`` lines on either side (self excluded)."""
    n = len(values)
    padded = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(n)
    lo = np.clip(idx - half, 0, n)
    hi = np.clip(idx + half + 1, 0, n)
    total = padded[hi] - padded[lo] - values
    count = (hi - lo - 1).astype(float)
    return np.divide(total, count, out=np.zeros(n), where=count > 0)


def _distance_to(flags: np.ndarray) -> np.ndarray:
    """Lines to the nearest other line whose flag is set (``n`` when there is none)."""
    n = len(flags)
    where = np.flatnonzero(flags)
    idx = np.arange(n)
    # the nearest flagged line before and after each line (itself excluded)
    before = np.searchsorted(where, idx, side="left") - 1
    after = np.searchsorted(where, idx, side="right")
    out = np.full(n, float(n))
    has = before >= 0
    out[has] = idx[has] - where[before[has]]
    has = after < len(where)
    out[has] = np.minimum(out[has], where[after[has]] - idx[has])
    return out


def _kept_context(
    kept: np.ndarray, log_words: np.ndarray, paragraph: np.ndarray
) -> dict[str, np.ndarray]:
    """Context among the lines the rules kept only (removed lines in between are skipped)."""
    n = len(kept)
    idx = np.flatnonzero(kept)
    out = {
        name: np.zeros(n)
        for name in (
            "kept_prev_log_words",
            "kept_next_log_words",
            "kept_prev_paragraph",
            "kept_next_paragraph",
            "kept_win2_paragraph",
            "kept_win5_paragraph",
            "kept_win2_log_words",
            "kept_win5_log_words",
        )
    }
    if len(idx) == 0:
        return out
    w = log_words[idx]
    par = paragraph[idx]

    def shift(values: np.ndarray, by: int) -> np.ndarray:
        if by > 0:
            return np.concatenate([np.zeros(by), values[:-by]])[: len(values)]
        return np.concatenate([values[-by:], np.zeros(-by)])[: len(values)]

    out["kept_prev_log_words"][idx] = shift(w, 1)
    out["kept_next_log_words"][idx] = shift(w, -1)
    out["kept_prev_paragraph"][idx] = shift(par, 1)
    out["kept_next_paragraph"][idx] = shift(par, -1)
    out["kept_win2_paragraph"][idx] = _window_mean(par, 2)
    out["kept_win5_paragraph"][idx] = _window_mean(par, 5)
    out["kept_win2_log_words"][idx] = _window_mean(w, 2)
    out["kept_win5_log_words"][idx] = _window_mean(w, 5)
    return out


def _repeated_in_page(texts: Sequence[str]) -> np.ndarray:
    """1 for a line whose text (case folded) occurs more than once on the page."""
    keys = [" ".join(t.casefold().split()) for t in texts]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return np.array([float(counts[k] > 1) for k in keys])


def _furniture(
    texts: Sequence[str],
    words: np.ndarray,
    capitalised: np.ndarray,
    sentence_end: np.ndarray,
    gone: np.ndarray,
) -> dict[str, np.ndarray]:
    """The page-furniture pattern features (comment sections, bylines, captions, teasers)."""
    n = len(texts)
    short = words <= 12
    heading = np.array([bool(_COMMENT_HEADING.match(t.strip(" *#-|"))) for t in texts]) & short
    stamp = np.array([_COMMENT_STAMP.search(t) is not None for t in texts]) & (words <= 25)
    # a comment heading counts once the page's first sentence-like paragraph is above it
    first_para = (
        int(np.argmax(sentence_end * (words >= 8))) if (sentence_end * (words >= 8)).any() else n
    )
    open_at = next((i for i in np.flatnonzero(heading) if i > first_para), n)
    after = (np.arange(n) > open_at).astype(float)
    stamps_before = np.concatenate([[0.0], np.cumsum(stamp)[:-1]])
    short_title = (short & (capitalised >= 0.6) & (sentence_end == 0)).astype(float)
    kept = gone == 0
    kept_short = np.zeros(n)
    idx = np.flatnonzero(kept)
    if len(idx):
        kept_short[idx] = _window_mean(short_title[idx], 2)
    return {
        "comment_heading": heading.astype(float),
        "after_comment_heading": after,
        "comment_stamp": stamp.astype(float),
        "win5_comment_stamp": _window_mean(stamp.astype(float), 5),
        "log_stamps_before": np.log1p(stamps_before),
        "byline_or_date": np.array(
            [
                w <= 15 and _BYLINE_DATE.search(t) is not None
                for t, w in zip(texts, words, strict=True)
            ],
            dtype=float,
        ),
        "caption_like": np.array([_CAPTION.search(t) is not None for t in texts], dtype=float),
        "starts_bullet": np.array([_BULLET.match(t) is not None for t in texts], dtype=float),
        "teaser_end": np.array([_TEASER_END.search(t) is not None for t in texts], dtype=float),
        "short_title_case": short_title,
        "kept_win2_short": kept_short,
    }


def _blocks(
    words: np.ndarray, paragraph: np.ndarray, kept: np.ndarray, stopword_share: np.ndarray
) -> dict[str, np.ndarray]:
    """The main block and the page's own scale, among the lines the rules kept.

    A block is a run of paragraphs with at most :data:`_BLOCK_GAP` other kept lines between two
    of them; a line gets its block's paragraph words as a share of the best block's and of the
    page's (a line in a gap gets the larger of the blocks within reach). ``rel_*`` compare a
    line's length and stop-word share with the page's kept lines (median, paragraph mean).
    """
    n = len(words)
    out = {name: np.zeros(n) for name in ("block_share_of_best", "block_share_of_page")}
    out["rel_log_words"] = np.zeros(n)
    out["rel_stopword_share"] = np.zeros(n)
    idx = np.flatnonzero(kept)
    if len(idx) == 0:
        return out
    par = paragraph[idx] > 0
    block_words = words[idx] * par
    total = float(block_words.sum())
    where = np.flatnonzero(par)
    value = np.zeros(len(idx))
    if len(where):
        starts = np.concatenate([[0], np.flatnonzero(np.diff(where) > _BLOCK_GAP + 1) + 1])
        sums = np.add.reduceat(block_words[where], starts)
        ids = np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [len(where)]])))
        best = float(sums.max())
        value[where] = sums[ids]
        for k in np.flatnonzero(~par):
            prev = np.searchsorted(where, k) - 1
            candidates = [
                float(sums[ids[j]])
                for j in (prev, prev + 1)
                if 0 <= j < len(where) and abs(int(where[j]) - int(k)) <= _BLOCK_GAP
            ]
            value[k] = max(candidates, default=0.0)
        out["block_share_of_best"][idx] = value / best
        out["block_share_of_page"][idx] = value / total
    log_words = np.log1p(words[idx])
    out["rel_log_words"][idx] = log_words - float(np.median(log_words))
    if par.any():
        out["rel_stopword_share"][idx] = stopword_share[idx] - float(
            stopword_share[idx][par].mean()
        )
    return out


def line_features(
    texts: Sequence[str], removed: Sequence[bool], *, stopwords: frozenset[str]
) -> np.ndarray:
    """The feature matrix of the lines of one page (see :data:`FEATURES`).

    Parameters
    ----------
    texts
        The page's lines (blocks), in order.
    removed
        Whether the rules removed each line.
    stopwords
        Lower-case function words of the page's language.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), len(FEATURES))``, float64.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    words = np.zeros(n)
    chars = np.zeros(n)
    # the per-line text features, from sentence_end to is_paragraph in FEATURES' order
    first, last = FEATURES.index("sentence_end"), FEATURES.index("is_paragraph")
    columns: dict[str, np.ndarray] = {name: np.zeros(n) for name in FEATURES[first : last + 1]}
    for i, text in enumerate(texts):
        tokens = text.split()
        found = _WORD.findall(text)
        words[i] = len(tokens)
        chars[i] = len(text)
        end = _SENTENCE_END.search(text) is not None
        columns["sentence_end"][i] = float(end)
        columns["sentence_marks_per_word"][i] = len(_SENTENCE_MARK.findall(text)) / max(
            1, len(tokens)
        )
        if found:
            columns["stopword_share"][i] = sum(w.casefold() in stopwords for w in found) / len(
                found
            )
            columns["capitalised_share"][i] = sum(w[0].isupper() for w in found) / len(found)
        columns["digit_share"][i] = len(_DIGIT.findall(text)) / max(1, len(text))
        columns["punct_share"][i] = len(_PUNCT.findall(text)) / max(1, len(text))
        columns["has_url"][i] = float(_URL.search(text) is not None)
        columns["has_bars"][i] = float(_BARS.search(text) is not None)
        columns["starts_quote"][i] = float(text[:1] in "\"“'‘«")
        columns["ends_colon"][i] = float(text.rstrip().endswith(":"))
        columns["is_paragraph"][i] = float(len(tokens) >= 30 or (end and len(tokens) >= 8))
    gone = np.asarray(removed, dtype=float)
    log_words = np.log1p(words)
    paragraph = columns["is_paragraph"]
    para_words = words * paragraph
    total = para_words.sum()
    before = np.concatenate([[0.0], np.cumsum(para_words)[:-1]])
    if total > 0:
        share_before = before / total
        share_after = (total - before - para_words) / total
    else:
        share_before = np.zeros(n)
        share_after = np.zeros(n)
    kept = 1.0 - gone
    kept_rank = np.cumsum(kept) - kept
    out: dict[str, np.ndarray] = {
        "log_words": log_words,
        "log_chars": np.log1p(chars),
        **columns,
        "position": np.arange(n) / max(1, n - 1),
        "para_words_before": share_before,
        "para_words_after": share_after,
        "log_dist_paragraph": np.log1p(_distance_to(paragraph > 0)),
        "prev_log_words": np.concatenate([[0.0], log_words[:-1]]),
        "next_log_words": np.concatenate([log_words[1:], [0.0]]),
        "prev_sentence_end": np.concatenate([[0.0], columns["sentence_end"][:-1]]),
        "next_sentence_end": np.concatenate([columns["sentence_end"][1:], [0.0]]),
        "prev_removed": np.concatenate([[1.0], gone[:-1]]),
        "next_removed": np.concatenate([gone[1:], [1.0]]),
        "win2_log_words": _window_mean(log_words, 2),
        "win5_log_words": _window_mean(log_words, 5),
        "win2_removed": _window_mean(gone, 2),
        "win5_removed": _window_mean(gone, 5),
        "win2_paragraph": _window_mean(paragraph, 2),
        "win5_paragraph": _window_mean(paragraph, 5),
        "kept_position": kept_rank / max(1.0, kept.sum() - 1),
        "log_page_lines": np.full(n, math.log1p(n)),
        **_kept_context(kept > 0, log_words, paragraph),
        "long_sentence": ((words >= 40) & (columns["sentence_end"] > 0)).astype(float),
        "stopwords_x_words": columns["stopword_share"] * log_words,
        "repeated_in_page": _repeated_in_page(texts),
        **_furniture(texts, words, columns["capitalised_share"], columns["sentence_end"], gone),
        **_blocks(words, paragraph, kept > 0, columns["stopword_share"]),
    }
    return np.column_stack([out[name] for name in FEATURES])
