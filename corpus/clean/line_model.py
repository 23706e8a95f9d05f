"""A learned line classifier for page-text dumps: article line or page furniture.

The rules of :mod:`secnews.corpus.clean.boilerplate` remove what is surely furniture (credits,
lexicon phrases, menus, short labels, site template). Many lines they keep are still furniture:
teasers, related links, comment text, footers. :class:`LineModel` scores each line the rules kept
from shallow features of the line and of its neighbourhood
(:mod:`secnews.corpus.clean.line_features`: length, punctuation and stop words of the line and
its neighbours, its place on the page, and furniture patterns such as a comment section's
heading and its commenters' stamps, bylines, captions, bullets and teasers).

The model is a logistic regression on standardized features, followed by a second logistic
regression that also sees the first stage's probabilities of the kept lines around each line and
of the segment of likely article lines each line belongs to (:func:`context_features` of
:mod:`secnews.corpus.clean.line_context`; trained on cross-validated first-stage probabilities,
like jusText's context-sensitive pass: a later segment after the article, with commenters'
stamps since its end, is a comment section). An optional sequence pass (:func:`smooth_sequence`, a two-state hidden
Markov model over the kept lines) can follow; training keeps it only when it helps in
cross-validation (weight 0: off). The model is stored as JSON (``corpus/data/line_model.json``:
version, feature names, means, scales, coefficients and intercepts of both stages, the sequence
pass, threshold, stop words, and how it was trained), loaded from the package, and evaluated with
numpy (no pickle, no download, deterministic). It is retrained from the development set with
``python -m benchmarks.bench_extract --train`` (see :mod:`secnews.corpus.clean.line_train`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from secnews.corpus.clean.line_context import CONTEXT_FEATURES, context_features
from secnews.corpus.clean.line_features import FEATURE_VERSION, FEATURES, line_features

__all__ = [
    "CONTEXT_FEATURES",
    "FEATURES",
    "MODEL_FILE",
    "LineModel",
    "context_features",
    "line_features",
    "load_line_model",
    "smooth_sequence",
]

#: File name of the packaged model in ``secnews/corpus/data``.
MODEL_FILE = "line_model.json"


def _logistic(
    z: np.ndarray,
    mean: Sequence[float],
    scale: Sequence[float],
    coef: Sequence[float],
    intercept: float,
) -> np.ndarray:
    logits = ((z - np.asarray(mean)) / np.asarray(scale)) @ np.asarray(coef) + intercept
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def smooth_sequence(
    proba: np.ndarray,
    *,
    transition: Sequence[float],
    start: float,
    prior: float,
    weight: float,
) -> np.ndarray:
    """Posterior probabilities of a two-state hidden Markov model over a page's judged lines.

    The hidden state of each line is *furniture* (0) or *article* (1); it follows a Markov chain
    (``transition``, ``start``) learned from the label sequences of the training pages, and the
    classifier's probability ``p`` gives the evidence of each line as the likelihood ratio
    ``(p / prior) / ((1 - p) / (1 - prior))`` raised to ``weight`` (a weight below 1 discounts
    evidence that the classifier's context features already share between neighbours). The
    forward-backward algorithm (rescaled at each step) gives each line's posterior of state 1.

    Parameters
    ----------
    proba
        The classifier's probabilities of the judged lines, in page order.
    transition
        ``(P(0→0), P(0→1), P(1→0), P(1→1))``.
    start
        Probability that the first judged line is article text.
    prior
        Share of article lines in the training data (the classifier's base rate).
    weight
        Exponent of the evidence; 0 returns ``proba`` unchanged.

    Returns
    -------
    numpy.ndarray
        The posterior per line.
    """
    p = np.clip(np.asarray(proba, dtype=float), 1e-6, 1 - 1e-6)
    if weight == 0 or len(p) == 0:
        return np.asarray(proba, dtype=float)
    emit = np.column_stack([((1 - p) / (1 - prior)) ** weight, (p / prior) ** weight])
    a = np.asarray(transition, dtype=float).reshape(2, 2)
    n = len(p)
    forward = np.zeros((n, 2))
    backward = np.ones((n, 2))
    state = np.array([1 - start, start]) * emit[0]
    forward[0] = state / state.sum()
    for i in range(1, n):
        state = (forward[i - 1] @ a) * emit[i]
        forward[i] = state / state.sum()
    for i in range(n - 2, -1, -1):
        state = a @ (emit[i + 1] * backward[i + 1])
        backward[i] = state / state.sum()
    posterior = forward * backward
    return np.asarray(posterior[:, 1] / posterior.sum(axis=1))


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
    sequence_transition: tuple[float, ...] = ()
    sequence_start: float = 0.5
    sequence_prior: float = 0.5
    sequence_weight: float = 0.0

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
        if len(self.sequence_transition) not in (0, 4) or (
            self.sequence_weight and len(self.sequence_transition) != 4
        ):
            raise ValueError("line model sequence transition must hold four probabilities")
        if not (0.0 < self.sequence_prior < 1.0 and 0.0 <= self.sequence_start <= 1.0):
            raise ValueError("line model sequence prior and start must be probabilities")
        if self.sequence_weight < 0:
            raise ValueError(f"sequence weight must be >= 0, got {self.sequence_weight}")

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probability that each line (row of :func:`line_features`) is article text."""
        return _logistic(features, self.mean, self.scale, self.coef, self.intercept)

    def score_page(self, texts: Sequence[str], removed: Sequence[bool]) -> np.ndarray:
        """Probabilities for the lines of one page (after the second stage, when there is one)."""
        features = line_features(texts, removed, stopwords=self.stopwords)
        proba = self.predict_proba(features)
        if self.context_coef:
            both = np.hstack([features, context_features(proba, removed, features)])
            proba = _logistic(
                both,
                self.context_mean,
                self.context_scale,
                self.context_coef,
                self.context_intercept,
            )
        return self.smooth(proba, removed)

    def smooth(self, proba: np.ndarray, removed: Sequence[bool]) -> np.ndarray:
        """The sequence pass (:func:`smooth_sequence`) over the lines not removed; removed lines
        keep their probability."""
        if not self.sequence_weight:
            return proba
        out = np.array(proba, dtype=float)
        idx = np.flatnonzero(~np.asarray(removed, dtype=bool))
        out[idx] = smooth_sequence(
            out[idx],
            transition=self.sequence_transition,
            start=self.sequence_start,
            prior=self.sequence_prior,
            weight=self.sequence_weight,
        )
        return out

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
            "sequence_transition": [round(v, 10) for v in self.sequence_transition],
            "sequence_start": round(self.sequence_start, 10),
            "sequence_prior": round(self.sequence_prior, 10),
            "sequence_weight": round(self.sequence_weight, 6),
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
            sequence_transition=tuple(float(v) for v in data.get("sequence_transition", ())),
            sequence_start=float(data.get("sequence_start", 0.5)),
            sequence_prior=float(data.get("sequence_prior", 0.5)),
            sequence_weight=float(data.get("sequence_weight", 0.0)),
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
