"""Engines behind :class:`secnews.analysis.topics.model.TopicModel` besides gensim: tomotopy
(collapsed Gibbs sampling, the default), scikit-learn batch LDA and NMF on tf-idf.

Each adapter only converts the docs x terms matrix into the engine's input and the engine's
output back into row-normalised topic-word and document-topic matrices, and gives the
pseudo-counts (:meth:`topic_counts`) and document-topic prior (:meth:`alpha`) from which the model
is exported to gensim's ``LdaModel`` format.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from secnews.analysis.topics._base import TopicSettings

__all__ = [
    "SklearnLdaEngine",
    "SklearnNmfEngine",
    "TomotopyEngine",
    "train_until_converged",
]

logger = logging.getLogger(__name__)


def _prior(value: str | float | None, k: int) -> float:
    """A numeric prior; None and named priors are ``1/k`` (gensim's symmetric default)."""
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
        """Fit batch variational Bayes: ``max_iter`` = :meth:`TopicSettings.n_passes` (each
        iteration is one pass over all documents); the E-step keeps scikit-learn's defaults."""
        from sklearn.decomposition import LatentDirichletAllocation

        native = LatentDirichletAllocation(
            n_components=settings.k,
            doc_topic_prior=_prior(settings.prior("alpha"), settings.k),
            topic_word_prior=_prior(settings.prior("eta"), settings.k),
            learning_method="batch",
            max_iter=settings.n_passes(),
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

    @staticmethod
    def topic_counts(native: Any, doc_topic: np.ndarray, bow: sp.csr_matrix) -> np.ndarray:
        """Expected topic-word counts (``lambda - eta``)."""
        return np.maximum(np.asarray(native.components_) - native.topic_word_prior_, 0.0)

    @staticmethod
    def alpha(native: Any, k: int) -> np.ndarray:
        """The document-topic prior."""
        return np.full(k, float(native.doc_topic_prior_))


def _tfidf(bow: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """scikit-learn's ``TfidfTransformer`` (smooth idf, l2 rows) with a given idf."""
    from sklearn.preprocessing import normalize

    return normalize(sp.csr_matrix(bow, dtype=np.float64) @ sp.diags(idf), norm="l2")


class SklearnNmfEngine:
    """scikit-learn ``NMF`` on the tf-idf matrix (Frobenius loss, ``nndsvd`` init: its
    defaults, the usual setting for topics)."""

    name = "sklearn-nmf"

    def __init__(self) -> None:
        self._idf: np.ndarray | None = None

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Fit with ``max_iter = settings.nmf_max_iter``; topic and document weights are
        row-normalised."""
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        self._idf = TfidfTransformer().fit(bow).idf_
        native = NMF(
            n_components=settings.k,
            init="nndsvd",
            max_iter=settings.nmf_max_iter,
            random_state=settings.random_state,
        )
        weights = native.fit_transform(_tfidf(bow, self._idf))
        return native, _rows(native.components_), _rows(weights)

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Row-normalised NMF weights of new documents."""
        assert self._idf is not None
        return _rows(native.transform(_tfidf(bow, self._idf)))

    @staticmethod
    def topic_counts(native: Any, doc_topic: np.ndarray, bow: sp.csr_matrix) -> np.ndarray:
        """Pseudo-counts: each topic's word distribution times its share of the tokens."""
        lengths = np.asarray(bow.sum(axis=1)).ravel()
        return _rows(native.components_) * (doc_topic * lengths[:, None]).sum(axis=0)[:, None]

    @staticmethod
    def alpha(native: Any, k: int) -> np.ndarray:
        """``1/k`` (NMF has no prior)."""
        return np.full(k, 1.0 / k)

    def save(self, native: Any, folder: Path) -> list[Path]:
        """Learned components as ``.npy``."""
        return _save_npy(native, folder, "sklearn_nmf")


def _tomotopy_words(row: sp.csr_matrix, vocabulary: Sequence[str]) -> list[str]:
    idx = row.indices
    counts = row.data.astype(np.int64)
    return [vocabulary[i] for i, c in zip(idx, counts, strict=True) for _ in range(int(c))]


def _token_lists(bow: sp.csr_matrix, vocabulary: Sequence[str]) -> list[list[str]]:
    """Each document as tomotopy's list of words: every term repeated by its count, in the
    column order of the row (what :func:`_tomotopy_words` gives, built in one vectorised pass)."""
    counts = np.asarray(bow.data, dtype=np.int64)
    words = np.asarray(vocabulary, dtype=object)[np.repeat(bow.indices, counts)]
    cumulative = np.concatenate(([0], np.cumsum(counts)))
    starts, ends = cumulative[bow.indptr[:-1]], cumulative[bow.indptr[1:]]
    return [words[a:b].tolist() for a, b in zip(starts, ends, strict=True)]


def train_until_converged(native: Any, settings: TopicSettings) -> list[tuple[int, float]]:
    """Run Gibbs sweeps on a tomotopy model by the rule of ``settings``; return the trace
    ``[(sweeps done, log-likelihood per word), ...]`` at every check.

    The rule: sweeps are run in blocks of ``settings.gibbs_window``; after each block, training
    stops once the log-likelihood per word rose by less than ``settings.gibbs_tolerance`` (in
    nats) over the block, and in any case after ``settings.gibbs_iterations`` sweeps. With
    ``gibbs_tolerance=None`` exactly ``gibbs_iterations`` sweeps are run. Training in blocks
    gives the same sample as training in one call (tomotopy keeps its state between calls), so
    the rule only decides where to stop.
    """
    import tomotopy as tp

    threads = settings.gibbs_threads
    scheme = tp.ParallelScheme.PARTITION if threads > 1 else tp.ParallelScheme.NONE
    total = settings.gibbs_iterations
    block = total if settings.gibbs_tolerance is None else min(settings.gibbs_window, total)
    trace: list[tuple[int, float]] = []
    done = 0
    while done < total:
        step = min(block, total - done)
        with warnings.catch_warnings():
            # tomotopy warns for every workers != 1; PARTITION is reproducible (tested)
            warnings.filterwarnings("ignore", "The training result may differ", RuntimeWarning)
            native.train(step, workers=threads, parallel=scheme, show_progress=False)
        done += step
        trace.append((done, float(native.ll_per_word)))
        if rule_converged(trace, settings):
            break
    return trace


def rule_converged(trace: Sequence[tuple[int, float]], settings: TopicSettings) -> bool:
    """Whether the convergence rule stopped a chain, rather than the cap of
    ``gibbs_iterations`` sweeps (always False without a rule or with a single block)."""
    return (
        settings.gibbs_tolerance is not None
        and len(trace) > 1
        and trace[-1][1] - trace[-2][1] < settings.gibbs_tolerance
    )


class TomotopyEngine:
    """tomotopy ``LDAModel``: collapsed Gibbs sampling until the log-likelihood per word has
    converged (:func:`train_until_converged`: ``gibbs_tolerance`` per ``gibbs_window`` sweeps, at
    most ``gibbs_iterations``), an asymmetric alpha learned as tomotopy does by default (every 10
    iterations), ``gibbs_threads`` sampling threads (tomotopy's ``PARTITION`` scheme when more
    than one: reproducible for a seed and that number of threads).

    Attributes
    ----------
    trace_ : list of (int, float)
        After :meth:`fit`: sweeps done and log-likelihood per word at every check.
    """

    name = "tomotopy"

    def __init__(self) -> None:
        self._vocabulary: Sequence[str] = ()
        self.trace_: list[tuple[int, float]] = []

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Fit ``tp.LDAModel(k, alpha, eta, seed)`` and train it by
        :func:`train_until_converged`."""
        import tomotopy as tp

        self._vocabulary = list(vocabulary)
        native = tp.LDAModel(
            k=settings.k,
            alpha=_prior(settings.prior("alpha"), settings.k),
            eta=_prior(settings.prior("eta"), settings.k),
            seed=settings.random_state,
        )
        added = np.zeros(bow.shape[0], dtype=bool)
        for i, words in enumerate(_token_lists(bow, vocabulary)):
            if words:
                native.add_doc(words)
                added[i] = True
        self.trace_ = train_until_converged(native, settings)
        logger.info(
            "tomotopy K=%d: %d sweeps, log-likelihood per word %.4f (%s)",
            settings.k,
            self.trace_[-1][0],
            self.trace_[-1][1],
            "converged by the rule"
            if rule_converged(self.trace_, settings)
            else "stopped at the cap of gibbs_iterations",
        )
        topic_word = self._topic_word(native, vocabulary)
        doc_topic = np.full((bow.shape[0], settings.k), 1.0 / settings.k)
        doc_topic[added] = np.array([d.get_topic_dist() for d in native.docs])
        return native, topic_word, _rows(doc_topic)

    def topic_counts(self, native: Any, doc_topic: np.ndarray, bow: sp.csr_matrix) -> np.ndarray:
        """Topic-word counts of the final sample (``n_kw``)."""
        index = {w: i for i, w in enumerate(self._vocabulary)}
        cols = np.array([index[w] for w in native.used_vocabs], dtype=np.int64)
        out = np.zeros((native.k, len(self._vocabulary)))
        for t in range(native.k):
            out[t, cols] = np.asarray(native.get_topic_word_dist(t, normalize=False)) - native.eta
        return np.maximum(out, 0.0)

    @staticmethod
    def alpha(native: Any, k: int) -> np.ndarray:
        """The learned document-topic prior."""
        return np.asarray(native.alpha, dtype=np.float64)

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
