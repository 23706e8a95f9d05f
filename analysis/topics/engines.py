"""Comparison engines behind :class:`secnews.analysis.topics.model.TopicModel`: scikit-learn LDA and
NMF, and tomotopy (collapsed Gibbs sampling; optional dependency).

Each adapter only converts the docs x terms matrix into the engine's input and the engine's
output back into row-normalised topic-word and document-topic matrices.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from secnews.analysis.topics._base import TopicSettings

__all__ = ["SklearnLdaEngine", "SklearnNmfEngine", "TomotopyEngine"]

logger = logging.getLogger(__name__)


def _prior(value: str | float | None, k: int) -> float:
    """A numeric prior; named priors fall back to ``1/k`` (gensim's symmetric default)."""
    if value is None or isinstance(value, str):
        return 1.0 / k
    return float(value)


def _rows(matrix: np.ndarray) -> np.ndarray:
    from secnews.analysis.topics._base import normalize_rows

    return normalize_rows(matrix)


def _save_npy(native: Any, folder: Path, name: str) -> list[Path]:
    """sklearn models: the learned matrices as ``.npy`` (no pickle)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}_components.npy"
    np.save(path, np.asarray(native.components_))
    return [path]


class SklearnLdaEngine:
    """scikit-learn ``LatentDirichletAllocation`` (batch variational Bayes)."""

    name = "sklearn-lda"

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Fit; ``passes`` -> ``max_iter``, ``chunksize`` -> ``batch_size``."""
        from sklearn.decomposition import LatentDirichletAllocation

        native = LatentDirichletAllocation(
            n_components=settings.k,
            doc_topic_prior=_prior(settings.alpha, settings.k),
            topic_word_prior=_prior(settings.eta, settings.k),
            learning_method="batch",
            max_iter=settings.passes,
            max_doc_update_iter=settings.iterations,
            batch_size=settings.chunksize,
            random_state=settings.random_state,
            n_jobs=1,
        )
        doc_topic = native.fit_transform(bow)
        return native, _rows(native.components_), _rows(doc_topic)

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Document-topic proportions."""
        return _rows(native.transform(bow))

    def save(self, native: Any, folder: Path) -> list[Path]:
        """Learned components as ``.npy``."""
        return _save_npy(native, folder, "sklearn_lda")


class SklearnNmfEngine:
    """scikit-learn ``NMF`` on the count matrix (Kullback-Leibler loss, ``nndsvda`` init)."""

    name = "sklearn-nmf"

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Fit; ``passes`` x 20 -> ``max_iter``; topic and document weights are row-normalised."""
        from sklearn.decomposition import NMF

        native = NMF(
            n_components=settings.k,
            init="nndsvda",
            beta_loss="kullback-leibler",
            solver="mu",
            max_iter=max(settings.passes * 20, 50),
            random_state=settings.random_state,
        )
        weights = native.fit_transform(bow.astype(np.float64))
        return native, _rows(native.components_), _rows(weights)

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Row-normalised NMF weights of new documents."""
        return _rows(native.transform(bow.astype(np.float64)))

    def save(self, native: Any, folder: Path) -> list[Path]:
        """Learned components as ``.npy``."""
        return _save_npy(native, folder, "sklearn_nmf")


def _tomotopy_words(row: sp.csr_matrix, vocabulary: Sequence[str]) -> list[str]:
    idx = row.indices
    counts = row.data.astype(np.int64)
    return [vocabulary[i] for i, c in zip(idx, counts, strict=True) for _ in range(int(c))]


class TomotopyEngine:
    """tomotopy ``LDAModel`` (collapsed Gibbs sampling; alpha optimised every 10 iterations).

    Gibbs iterations = ``10 * passes``; ``workers=1`` keeps runs reproducible for a seed.
    """

    name = "tomotopy"

    def __init__(self) -> None:
        self._vocabulary: Sequence[str] = ()

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Fit with ``tp.LDAModel(k, alpha, eta, seed)`` and ``train(10 * passes)``."""
        import tomotopy as tp

        self._vocabulary = list(vocabulary)
        native = tp.LDAModel(
            k=settings.k,
            alpha=_prior(settings.alpha, settings.k),
            eta=_prior(settings.eta, settings.k) if settings.eta is not None else 0.01,
            seed=settings.random_state,
        )
        added = np.zeros(bow.shape[0], dtype=bool)
        for i in range(bow.shape[0]):
            words = _tomotopy_words(bow[i], vocabulary)
            if words:
                native.add_doc(words)
                added[i] = True
        native.train(10 * settings.passes, workers=max(settings.workers, 1))
        topic_word = self._topic_word(native, vocabulary)
        doc_topic = np.full((bow.shape[0], settings.k), 1.0 / settings.k)
        doc_topic[added] = np.array([d.get_topic_dist() for d in native.docs])
        return native, topic_word, _rows(doc_topic)

    @staticmethod
    def _topic_word(native: Any, vocabulary: Sequence[str]) -> np.ndarray:
        index = {w: i for i, w in enumerate(vocabulary)}
        cols = np.array([index[w] for w in native.used_vocabs], dtype=np.int64)
        out = np.zeros((native.k, len(vocabulary)))
        for t in range(native.k):
            out[t, cols] = native.get_topic_word_dist(t)
        return _rows(out)

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Gibbs inference on new documents (terms unknown to the model are dropped)."""
        known = set(native.used_vocabs)
        out = np.full((bow.shape[0], settings.k), 1.0 / settings.k)
        docs, rows = [], []
        vocabulary = self._vocabulary
        for i in range(bow.shape[0]):
            words = [w for w in _tomotopy_words(bow[i], vocabulary) if w in known]
            if words:
                docs.append(native.make_doc(words))
                rows.append(i)
        if docs:
            result, _ = native.infer(docs, workers=1)
            # tomotopy returns the topic distributions (or, in old versions, documents)
            out[rows] = np.array(
                [
                    d.get_topic_dist() if hasattr(d, "get_topic_dist") else np.asarray(d)
                    for d in result
                ]
            )
        return _rows(out)

    def save(self, native: Any, folder: Path) -> list[Path]:
        """tomotopy's own binary format."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "model.tomotopy.bin"
        native.save(str(path))
        return [path]
