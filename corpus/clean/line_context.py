"""Second-stage features of the line classifier: the first stage's probabilities around a line.

:func:`context_features` gives, for every line the rules kept, in the spirit of jusText's
context-sensitive pass and of stacking:

* the line's first-stage logit and the probabilities of the kept lines next to it (windows of 2
  and 5 lines; removed lines skipped);
* the *segment* it belongs to: a run of kept lines of first-stage probability at least
  :data:`SEGMENT_HIGH`, allowing :data:`SEGMENT_GAP` lower lines inside, whose words (of its
  high lines) are compared with the page's best segment. A line below the cut belongs to the
  largest segment within :data:`SEGMENT_GAP` lines of it, if any. The article is usually the
  first big segment (at least :data:`SEGMENT_BIG` of the best); a later segment after a gap, with
  commenters' stamps (``Jacob said,``, ``at 3:45 pm``) since the article's end, is usually a
  comment section or a teaser list, however article-like its lines;
* the logit and the line's length times being in the first big segment, and the logit times being
  in a later one (a logistic regression cannot form these products itself).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from secnews.corpus.clean.line_features import FEATURES, _window_mean

__all__ = [
    "CONTEXT_FEATURES",
    "SEGMENT_BIG",
    "SEGMENT_GAP",
    "SEGMENT_HIGH",
    "context_features",
    "segment_features",
]

#: First-stage probability from which a kept line counts towards a segment.
SEGMENT_HIGH = 0.4
#: Lower kept lines allowed inside a segment (and around it, for the lines it claims).
SEGMENT_GAP = 3
#: A segment is big when its words are at least this share of the best segment's.
SEGMENT_BIG = 0.3

#: Names of the second-stage features, after :data:`~secnews.corpus.clean.line_features.FEATURES`.
CONTEXT_FEATURES: tuple[str, ...] = (
    "logit_p",
    "kept_prev_p",
    "kept_next_p",
    "kept_win2_p",
    "kept_win5_p",
    "segment_share_of_best",
    "in_first_big_segment",
    "in_later_segment",
    "log_gap_before_segment",
    "after_first_big_segment",
    "log_stamps_after_first_big",
    "first_big_x_logit",
    "later_x_logit",
    "first_big_x_log_words",
)
_SEGMENT_COLUMNS = 6


def segment_features(proba: np.ndarray, words: np.ndarray, stamps: np.ndarray) -> np.ndarray:
    """The segment columns of :data:`CONTEXT_FEATURES` for a page's kept lines.

    Parameters
    ----------
    proba
        First-stage probability of each kept line, in page order.
    words
        Words of each kept line.
    stamps
        1 where a kept line is a commenter's stamp (the ``comment_stamp`` feature).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(proba), 6)``: segment words / best segment's, in the first big segment, in
        a later segment, ``log1p`` of the lower lines between the segment and the one before it
        (or the page's first kept line), after the first big segment's last line, ``log1p`` of the
        stamps between that line and this one. Zeros for a page without a segment.
    """
    m = len(proba)
    out = np.zeros((m, _SEGMENT_COLUMNS))
    high = np.flatnonzero(np.asarray(proba) >= SEGMENT_HIGH)
    if len(high) == 0:
        return out
    cut = np.flatnonzero(np.diff(high) > SEGMENT_GAP + 1) + 1
    starts = high[np.concatenate([[0], cut])]
    ends = high[np.concatenate([cut - 1, [len(high) - 1]])]
    is_high = np.zeros(m)
    is_high[high] = 1.0
    total = np.concatenate([[0.0], np.cumsum(np.asarray(words, dtype=float) * is_high)])
    mass = total[ends + 1] - total[starts]
    best = float(mass.max())
    share = mass / best if best > 0 else np.zeros(len(mass))
    first_big = int(np.flatnonzero(mass >= SEGMENT_BIG * best)[0])
    owner = np.full(m, -1)
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        owner[a : b + 1] = j
    # a line outside every segment joins the largest within reach (the first on a tie)
    reach = np.full(m, -1)
    for j in np.argsort(-mass, kind="stable")[::-1]:
        lo, hi = max(0, int(starts[j]) - SEGMENT_GAP), int(ends[j]) + SEGMENT_GAP + 1
        reach[lo:hi] = j
    owner = np.where(owner >= 0, owner, reach)
    has = owner >= 0
    seg: np.ndarray = owner[has]
    previous_end = np.concatenate([[-1], ends[:-1]])
    out[has, 0] = share[seg]
    out[has, 1] = np.asarray(seg == first_big, dtype=float)
    out[has, 2] = np.asarray(seg > first_big, dtype=float)
    out[has, 3] = np.log1p(starts[seg] - previous_end[seg] - 1)
    end = int(ends[first_big])
    after = np.arange(m) > end
    out[:, 4] = after.astype(float)
    seen = np.concatenate([[0.0], np.cumsum(np.asarray(stamps, dtype=float))])
    out[after, 5] = np.log1p(seen[np.flatnonzero(after)] - seen[end + 1])
    return out


def context_features(
    proba: np.ndarray, removed: Sequence[bool] | np.ndarray, features: np.ndarray
) -> np.ndarray:
    """Second-stage features (:data:`CONTEXT_FEATURES`) of a page's lines; removed lines skipped.

    Parameters
    ----------
    proba
        The first stage's probability of every line.
    removed
        Whether the rules removed each line.
    features
        The page's :func:`~secnews.corpus.clean.line_features.line_features` (for the lines'
        words and commenters' stamps).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(proba), len(CONTEXT_FEATURES))``; zeros on removed lines.
    """
    n = len(proba)
    out = np.zeros((n, len(CONTEXT_FEATURES)))
    idx = np.flatnonzero(~np.asarray(removed, dtype=bool))
    if len(idx) == 0:
        return out
    p = np.clip(np.asarray(proba, dtype=float)[idx], 1e-4, 1 - 1e-4)
    out[idx, 0] = np.log(p / (1 - p))
    out[idx, 1] = np.concatenate([[0.0], p[:-1]])
    out[idx, 2] = np.concatenate([p[1:], [0.0]])
    out[idx, 3] = _window_mean(p, 2)
    out[idx, 4] = _window_mean(p, 5)
    log_words = features[idx, FEATURES.index("log_words")]
    stamps = features[idx, FEATURES.index("comment_stamp")]
    segments = segment_features(
        np.asarray(proba, dtype=float)[idx], np.rint(np.expm1(log_words)), stamps
    )
    out[idx, 5 : 5 + _SEGMENT_COLUMNS] = segments
    # the logit and length count differently inside the article's segment and after it
    out[idx, 5 + _SEGMENT_COLUMNS] = segments[:, 1] * out[idx, 0]
    out[idx, 6 + _SEGMENT_COLUMNS] = segments[:, 2] * out[idx, 0]
    out[idx, 7 + _SEGMENT_COLUMNS] = segments[:, 1] * log_words
    return out
