"""A learned line classifier for page-text dumps: article line or page furniture.

The rules of :mod:`secnews.corpus.clean.boilerplate` remove what is surely furniture (credits,
lexicon phrases, menus, short labels, site template). Many lines they keep are still furniture:
teasers, related links, comment text, footers. :class:`LineModel` scores each line the rules kept
from shallow features of the line and of its neighbourhood, in the spirit of boilerpipe's and
jusText's features (:data:`FEATURES`):

* the line: words, characters, sentence punctuation, stop-word share, capitalised-word share,
  digit and punctuation density, web addresses, bars and bullets, quotes;
* its place: relative position, the share of the page's paragraph words before and after it
  (before the article, inside it, after it), the distance to the nearest paragraph;
* its neighbours: words and sentence ends of the lines around it, the share of lines around it
  that the rules removed or that are paragraphs (windows of 2 and 5 lines).

The model is a logistic regression on standardized features, followed by a second logistic
regression that also sees the first stage's probabilities of the kept lines around each line
(:func:`context_features`; trained on cross-validated first-stage probabilities, like jusText's
context-sensitive pass). It is stored as JSON (``corpus/data/line_model.json``: version, feature
names, means, scales, coefficients and intercepts of both stages, threshold, stop words, and how
it was trained), loaded from the package, and evaluated with numpy (no pickle, no download,
deterministic). It is retrained from the development set with
``python -m benchmarks.bench_extract --train`` (see :mod:`secnews.corpus.clean.line_train`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CONTEXT_FEATURES",
    "FEATURES",
    "MODEL_FILE",
    "LineModel",
    "context_features",
    "line_features",
    "load_line_model",
]

#: File name of the packaged model in ``secnews/corpus/data``.
MODEL_FILE = "line_model.json"
#: Version of the feature set; a model trained on another version is refused.
FEATURE_VERSION = 1

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)\]]*$")
_SENTENCE_MARK = re.compile(r"[.!?]['\"”’)\]]*(?:\s|$)")
_URL = re.compile(r"https?://|www\.|\.com\b|\.org\b|\.net\b|@\w")
_BARS = re.compile(r"[|•·»›«‹]|\s/\s|\s-\s.*\s-\s")
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")

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
    out = np.full(n, float(n))
    if len(where) == 0:
        return out
    idx = np.arange(n)
    for i in range(n):
        d = np.abs(where - idx[i])
        d = d[d > 0]
        if len(d):
            out[i] = float(d.min())
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
    columns: dict[str, np.ndarray] = {
        name: np.zeros(n)
        for name in (
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
        )
    }
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
    }
    return np.column_stack([out[name] for name in FEATURES])


#: Names of the second-stage (neighbours' probabilities) features, after :data:`FEATURES`.
CONTEXT_FEATURES: tuple[str, ...] = (
    "logit_p",
    "kept_prev_p",
    "kept_next_p",
    "kept_win2_p",
    "kept_win5_p",
)


def context_features(proba: np.ndarray, removed: Sequence[bool] | np.ndarray) -> np.ndarray:
    """Second-stage features: a line's first-stage probability and those of the kept lines around
    it (removed lines skipped), in the spirit of jusText's context-sensitive pass.

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
    return out


def _logistic(
    z: np.ndarray,
    mean: Sequence[float],
    scale: Sequence[float],
    coef: Sequence[float],
    intercept: float,
) -> np.ndarray:
    logits = ((z - np.asarray(mean)) / np.asarray(scale)) @ np.asarray(coef) + intercept
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


@dataclass(frozen=True)
class LineModel:
    """A trained line classifier (logistic regression on standardized :data:`FEATURES`).

    Attributes
    ----------
    version
        Version string of this model (written by training; part of a build's settings).
    features
        Feature names, which must equal :data:`FEATURES`.
    mean, scale, coef
        Standardization and coefficients, one per feature.
    intercept
        The intercept.
    threshold
        A line is kept when its probability is at least this.
    stopwords
        The stop words of :func:`line_features`.
    trained
        How the model was trained (data, sizes, cross-validated figures).
    context_mean, context_scale, context_coef, context_intercept
        The second stage (empty: none): a logistic regression on :data:`FEATURES` followed by
        :data:`CONTEXT_FEATURES`, whose probability is then compared with ``threshold``.
    """

    version: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    stopwords: frozenset[str]
    trained: dict[str, Any]
    context_mean: tuple[float, ...] = ()
    context_scale: tuple[float, ...] = ()
    context_coef: tuple[float, ...] = ()
    context_intercept: float = 0.0

    def __post_init__(self) -> None:
        if tuple(self.features) != FEATURES:
            raise ValueError(
                "the line model was trained on other features; retrain it with "
                "`python -m benchmarks.bench_extract --train`"
            )
        k = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == k):
            raise ValueError("line model arrays do not match its features")
        k2 = k + len(CONTEXT_FEATURES)
        second = (len(self.context_mean), len(self.context_scale), len(self.context_coef))
        if second not in ((0, 0, 0), (k2, k2, k2)):
            raise ValueError("line model context arrays do not match its features")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {self.threshold}")

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probability that each line (row of :func:`line_features`) is article text."""
        return _logistic(features, self.mean, self.scale, self.coef, self.intercept)

    def score_page(self, texts: Sequence[str], removed: Sequence[bool]) -> np.ndarray:
        """Probabilities for the lines of one page (after the second stage, when there is one)."""
        features = line_features(texts, removed, stopwords=self.stopwords)
        first = self.predict_proba(features)
        if not self.context_coef:
            return first
        both = np.hstack([features, context_features(first, removed)])
        return _logistic(
            both, self.context_mean, self.context_scale, self.context_coef, self.context_intercept
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the file format)."""
        return {
            "format": "secnews-line-model/1",
            "feature_version": FEATURE_VERSION,
            "version": self.version,
            "features": list(self.features),
            "mean": [round(v, 10) for v in self.mean],
            "scale": [round(v, 10) for v in self.scale],
            "coef": [round(v, 10) for v in self.coef],
            "intercept": round(self.intercept, 10),
            "threshold": round(self.threshold, 6),
            "stopwords": sorted(self.stopwords),
            "context_mean": [round(v, 10) for v in self.context_mean],
            "context_scale": [round(v, 10) for v in self.context_scale],
            "context_coef": [round(v, 10) for v in self.context_coef],
            "context_intercept": round(self.context_intercept, 10),
            "trained": self.trained,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineModel:
        """Read the JSON form (see :meth:`to_dict`)."""
        if data.get("format") != "secnews-line-model/1":
            raise ValueError(f"not a secnews line model (format {data.get('format')!r})")
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError(
                f"line model of feature version {data.get('feature_version')}, expected "
                f"{FEATURE_VERSION}; retrain it with `python -m benchmarks.bench_extract --train`"
            )
        return cls(
            version=str(data["version"]),
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            stopwords=frozenset(data["stopwords"]),
            trained=dict(data.get("trained", {})),
            context_mean=tuple(float(v) for v in data.get("context_mean", ())),
            context_scale=tuple(float(v) for v in data.get("context_scale", ())),
            context_coef=tuple(float(v) for v in data.get("context_coef", ())),
            context_intercept=float(data.get("context_intercept", 0.0)),
        )


@functools.cache
def load_line_model(path: str | None = None) -> LineModel:
    """Load a line model: the packaged one (``path=None``) or a JSON file.

    Raises
    ------
    ValueError
        When the file is not a line model of the current feature version.
    """
    if path is None:
        text = resources.files("secnews.corpus").joinpath("data", MODEL_FILE).read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return LineModel.from_dict(json.loads(text))
