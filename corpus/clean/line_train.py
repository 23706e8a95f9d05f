"""Training the line classifier of :mod:`secnews.corpus.clean.line_model` from pages with gold
article bodies (the development set ``pagetext-dev``).

* :func:`line_labels`: a line is article text when most of its words align with the gold body
  (the page's and the gold's token sequences aligned in order);
* :class:`LineClassifier`: a scikit-learn style estimator (standardization and a logistic
  regression; ``fit`` returns ``self``, learned state ends in ``_``) that chooses its own keep
  threshold from cross-validated probabilities grouped by site and exports a :class:`LineModel`;
* :func:`page_f1`: the page-averaged word precision, recall and F1 of keeping lines, the proxy
  used to pick the threshold (the benchmark scores whole pages with the set's own scorer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from secnews.corpus.clean.line_model import (
    FEATURES,
    LineModel,
    context_features,
    smooth_sequence,
)

__all__ = ["LineClassifier", "PageLines", "line_labels", "page_f1", "sequence_statistics"]

_TOKEN = re.compile(r"\w+")


def line_labels(texts: Sequence[str], gold: str, *, min_share: float = 0.5) -> np.ndarray:
    """Whether each line belongs to the gold article body, by aligning the page with the gold.

    The page's ``\\w+`` tokens (all lines in order) are aligned with the gold's by
    :class:`difflib.SequenceMatcher` (longest common blocks, recursively on either side; no
    junk heuristic); a line is article text when at least ``min_share`` of its tokens are
    aligned. Unlike looking each line up in the gold on its own, the alignment keeps the order:
    a menu word or a teaser headline that also occurs somewhere in the article is not taken for
    article text unless it sits where the gold has it.

    Parameters
    ----------
    texts
        The lines of a page.
    gold
        The gold body.
    min_share
        Share of a line's tokens that must be aligned.

    Returns
    -------
    numpy.ndarray
        0/1 per line (float); 0 for a line without tokens.
    """
    page: list[str] = []
    owner: list[int] = []
    for j, text in enumerate(texts):
        words = _TOKEN.findall(text)
        page += words
        owner += [j] * len(words)
    matcher = SequenceMatcher(None, page, _TOKEN.findall(gold), autojunk=False)
    aligned = np.zeros(len(page))
    for start, _, size in matcher.get_matching_blocks():
        aligned[start : start + size] = 1.0
    lines = np.asarray(owner, dtype=int)
    count = np.bincount(lines, minlength=len(texts))
    hits = np.bincount(lines, weights=aligned, minlength=len(texts))
    return ((count > 0) & (hits >= min_share * count)).astype(float)


@dataclass
class PageLines:
    """The judged lines of one page: features, labels, word counts, and its group (site)."""

    page: str
    group: str
    features: np.ndarray
    labels: np.ndarray
    words: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)


def page_f1(pages: Sequence[PageLines], keep: Sequence[np.ndarray]) -> tuple[float, float, float]:
    """Page-averaged word precision and recall of the kept lines, and F1 of the two means.

    Parameters
    ----------
    pages
        The pages.
    keep
        Boolean keep decision per judged line of each page.

    Returns
    -------
    tuple of float
        ``(precision, recall, f1)`` (precision over pages that keep something, recall over pages
        with article lines, as the development set's scorer averages).
    """
    precisions, recalls = [], []
    for page, kept in zip(pages, keep, strict=True):
        good = page.labels > 0.5
        tp = float(page.words[kept & good].sum())
        fp = float(page.words[kept & ~good].sum())
        fn = float(page.words[~kept & good].sum())
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = float(np.mean(precisions)) if precisions else 0.0
    r = float(np.mean(recalls)) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


def sequence_statistics(pages: Sequence[PageLines]) -> tuple[tuple[float, ...], float, float]:
    """The Markov chain of the labels of the pages' judged lines, with add-one smoothing.

    Returns
    -------
    tuple
        ``(transition, start, prior)``: ``(P(0→0), P(0→1), P(1→0), P(1→1))``, the probability
        that a page's first judged line is article text, and the share of article lines.
    """
    counts = np.ones((2, 2))
    first = np.ones(2)
    for page in pages:
        labels = (page.labels > 0.5).astype(int)
        if len(labels) == 0:
            continue
        first[labels[0]] += 1
        np.add.at(counts, (labels[:-1], labels[1:]), 1)
    transition = counts / counts.sum(axis=1, keepdims=True)
    all_labels = np.concatenate([p.labels for p in pages]) if pages else np.zeros(0)
    prior = float(np.clip(all_labels.mean() if len(all_labels) else 0.5, 0.01, 0.99))
    return tuple(float(v) for v in transition.ravel()), float(first[1] / first.sum()), prior


class LineClassifier:
    """Standardization + logistic regression on :data:`FEATURES`, with a chosen keep threshold.

    Parameters
    ----------
    Cs
        Candidate inverse regularization strengths of the logistic regressions; the one of best
        cross-validated :func:`page_f1` of the first stage is used (``C_``).
    class_weight
        Passed to :class:`sklearn.linear_model.LogisticRegression`.
    thresholds
        Candidate keep thresholds.
    n_splits
        Folds (grouped by site) of the cross-validation that picks the threshold.
    min_recall
        The threshold maximizes :func:`page_f1` among those whose recall is at least this.
    f1_tolerance
        Thresholds whose :func:`page_f1` is within this of the best count as equally good; the
        lowest of them is taken.
    context
        Add the second stage: a logistic regression on the features and the cross-validated
        first-stage probabilities of the neighbouring lines
        (:func:`~secnews.corpus.clean.line_model.context_features`).
    sequence_weights
        Candidate evidence weights of the sequence pass
        (:func:`~secnews.corpus.clean.line_model.smooth_sequence`; 0: none); the weight is chosen
        with the threshold on the cross-validated probabilities.
    """

    def __init__(
        self,
        *,
        Cs: Sequence[float] = (0.03, 0.1, 0.3, 1.0),
        class_weight: str | None = None,
        thresholds: Sequence[float] = tuple(np.round(np.arange(0.05, 0.9, 0.05), 2)),
        n_splits: int = 5,
        min_recall: float = 0.0,
        f1_tolerance: float = 0.005,
        context: bool = True,
        sequence_weights: Sequence[float] = (0.0,),
    ) -> None:
        self.Cs = Cs
        self.C_ = float(Cs[0])
        self.class_weight = class_weight
        self.thresholds = thresholds
        self.n_splits = n_splits
        self.min_recall = min_recall
        self.f1_tolerance = f1_tolerance
        self.context = context
        self.sequence_weights = sequence_weights

    def _fit_lr(
        self, pages: Sequence[PageLines], matrices: Sequence[np.ndarray] | None = None
    ) -> tuple[Any, Any]:
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        x = np.vstack(list(matrices) if matrices is not None else [p.features for p in pages])
        y = np.concatenate([p.labels for p in pages])
        scaler = StandardScaler().fit(x)
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        z = (x - scaler.mean_) / scale
        lr = LogisticRegression(
            C=self.C_, class_weight=self.class_weight, solver="newton-cholesky", max_iter=200
        )
        lr.fit(z, y)
        return (scaler.mean_, scale), lr

    def cross_val_proba(
        self, pages: Sequence[PageLines], matrices: Sequence[np.ndarray] | None = None
    ) -> list[np.ndarray]:
        """Out-of-fold probabilities per page, folds grouped by :attr:`PageLines.group`
        (``matrices``: other feature matrices than the pages' own, one per page)."""
        from sklearn.model_selection import GroupKFold

        x = list(matrices) if matrices is not None else [p.features for p in pages]
        groups = [p.group for p in pages]
        out: list[np.ndarray] = [np.zeros(0)] * len(pages)
        splits = GroupKFold(n_splits=self.n_splits).split(np.zeros(len(pages)), groups=groups)
        for train, test in splits:
            (mean, scale), lr = self._fit_lr([pages[i] for i in train], [x[i] for i in train])
            for i in test:
                out[i] = lr.predict_proba((x[i] - mean) / scale)[:, 1]
        return out

    @staticmethod
    def _with_context(pages: Sequence[PageLines], proba: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Features plus second-stage context (the judged lines are the page's kept lines)."""
        return [
            np.hstack([p.features, context_features(q, np.zeros(len(q), dtype=bool), p.features)])
            for p, q in zip(pages, proba, strict=True)
        ]

    def choose_threshold(
        self, pages: Sequence[PageLines], proba: Sequence[np.ndarray]
    ) -> tuple[float, dict[str, float]]:
        """The lowest threshold whose :func:`page_f1` is within :attr:`f1_tolerance` of the best
        (recall at least :attr:`min_recall`): F1 is flat near its top, and of thresholds that
        the data do not tell apart the one that keeps more of the article is taken."""
        scored = []
        for t in self.thresholds:
            p, r, f = page_f1(pages, [q >= t for q in proba])
            scored.append((float(t), {"precision": p, "recall": r, "f1": f}))
        allowed = [(t, m) for t, m in scored if m["recall"] >= self.min_recall]
        if not allowed:
            return min(scored, key=lambda item: item[0])
        best = max(m["f1"] for _, m in allowed)
        return min(
            ((t, m) for t, m in allowed if m["f1"] >= best - self.f1_tolerance),
            key=lambda item: item[0],
        )

    def _smooth(self, proba: np.ndarray, weight: float) -> np.ndarray:
        return smooth_sequence(
            proba,
            transition=self.sequence_transition_,
            start=self.sequence_start_,
            prior=self.sequence_prior_,
            weight=weight,
        )

    def fit(self, pages: Sequence[PageLines]) -> LineClassifier:
        """Pick the sequence weight and the threshold by grouped cross-validation, then fit on
        all pages."""
        chosen: tuple[float, float, list[np.ndarray]] | None = None
        for c in self.Cs:
            self.C_ = float(c)
            candidate = self.cross_val_proba(pages)
            f1 = self.choose_threshold(pages, candidate)[1]["f1"]
            if chosen is None or f1 > chosen[1] + 1e-9:
                chosen = (self.C_, f1, candidate)
        assert chosen is not None
        self.C_, _, proba = chosen
        self.context_mean_ = self.context_scale_ = self.context_coef_ = np.zeros(0)
        self.context_intercept_ = 0.0
        if self.context:
            matrices = self._with_context(pages, proba)
            (self.context_mean_, self.context_scale_), second = self._fit_lr(pages, matrices)
            self.context_coef_ = second.coef_[0]
            self.context_intercept_ = float(second.intercept_[0])
            proba = self.cross_val_proba(pages, matrices)
        self.sequence_transition_, self.sequence_start_, self.sequence_prior_ = sequence_statistics(
            pages
        )
        best: tuple[float, float, dict[str, float]] | None = None
        for weight in self.sequence_weights:
            smoothed = [self._smooth(q, weight) for q in proba]
            threshold, figures = self.choose_threshold(pages, smoothed)
            if best is None or figures["f1"] > best[2]["f1"] + 1e-9:
                best = (float(weight), threshold, figures)
        assert best is not None
        self.sequence_weight_, self.threshold_, self.cv_lines_ = best
        (self.mean_, self.scale_), lr = self._fit_lr(pages)
        self.coef_ = lr.coef_[0]
        self.intercept_ = float(lr.intercept_[0])
        return self

    def to_model(
        self, *, version: str, stopwords: frozenset[str], trained: dict[str, Any]
    ) -> LineModel:
        """The fitted classifier as a :class:`LineModel` (for JSON)."""
        return LineModel(
            version=version,
            features=FEATURES,
            mean=tuple(float(v) for v in self.mean_),
            scale=tuple(float(v) for v in self.scale_),
            coef=tuple(float(v) for v in self.coef_),
            intercept=self.intercept_,
            threshold=self.threshold_,
            stopwords=stopwords,
            trained=trained,
            context_mean=tuple(float(v) for v in self.context_mean_),
            context_scale=tuple(float(v) for v in self.context_scale_),
            context_coef=tuple(float(v) for v in self.context_coef_),
            context_intercept=self.context_intercept_,
            sequence_transition=self.sequence_transition_,
            sequence_start=self.sequence_start_,
            sequence_prior=self.sequence_prior_,
            sequence_weight=self.sequence_weight_,
        )
