"""Topic models behind one scikit-learn style interface; tomotopy's collapsed Gibbs sampler is the
default engine, chosen by measured topic quality (see :class:`TopicSettings`), and every model
exports to gensim's ``LdaModel`` format (:meth:`TopicModel.to_gensim`), which gensim and pyLDAvis
load without secnews.

The core of the topic code works on plain arrays (a docs x terms count matrix, a vocabulary list
and document ids), as pyLDAvis does; each engine is a thin adapter that turns those into its own
input and returns a topic-word matrix (rows sum to 1) and a document-topic matrix (rows sum
to 1). Engines: ``tomotopy`` (the default; collapsed Gibbs sampling, one thread, reproducible for
a seed), ``gensim`` (``LdaModel``, bit-reproducible for a seed, with the E-step spread over
the cores: :mod:`secnews.analysis.topics.vb`),
``gensim-multicore`` (``LdaMulticore``: faster on several cores but not bit-reproducible),
``sklearn-lda``, ``sklearn-nmf`` and ``tomotopy`` (see :mod:`secnews.analysis.topics.engines`).

Example
-------
>>> model = TopicModel(TopicSettings(k=20, random_state=1)).fit(bow, vocabulary)  # doctest: +SKIP
>>> model.topic_word_.shape, model.doc_topic_.shape  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from secnews.analysis.topics._base import (
    ENGINE_PRIORS,
    ENGINES,
    Engine,
    TopicSettings,
    as_csr,
    normalize_rows,
)

__all__ = [
    "ENGINES",
    "ENGINE_PRIORS",
    "Engine",
    "GensimEngine",
    "TopicModel",
    "TopicSettings",
    "as_csr",
    "gensim_lda",
    "get_engine",
]

logger = logging.getLogger(__name__)


def _gensim_corpus(bow: sp.csr_matrix) -> Iterable[list[tuple[int, float]]]:
    from gensim.matutils import Sparse2Corpus

    return Sparse2Corpus(bow, documents_columns=False)


def _gensim_prior(value: str | float | None, k: int) -> Any:
    if value is None or isinstance(value, str):
        return value
    return float(value)


class GensimEngine:
    """Adapter for gensim ``LdaModel`` (or ``LdaMulticore`` with ``multicore=True``).

    ``LdaModel`` is trained by :func:`secnews.analysis.topics.vb.train_online_vb`: gensim's own
    online variational Bayes with the E-step in ``settings.workers`` processes; the topics do
    not depend on the number of workers. ``on_pass(pass_index, model)`` is called after each pass
    (for time-to-quality curves).
    """

    def __init__(
        self, *, multicore: bool = False, on_pass: Callable[[int, Any], None] | None = None
    ) -> None:
        self.multicore = multicore
        self.on_pass = on_pass
        self.name = "gensim-multicore" if multicore else "gensim"

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Train gensim LDA; see :class:`TopicSettings` for the mapping of settings."""
        from gensim.models import LdaModel, LdaMulticore

        from secnews.analysis.topics.vb import OnlineVBSchedule, train_online_vb

        id2word = dict(enumerate(vocabulary))
        train = bow
        if settings.shuffle:
            order = np.random.default_rng(settings.random_state).permutation(bow.shape[0])
            train = bow[order]
        common = dict(
            num_topics=settings.k,
            id2word=id2word,
            chunksize=settings.chunksize,
            passes=settings.n_passes(),
            iterations=settings.iterations,
            eta=_gensim_prior(settings.prior("eta"), settings.k),
            decay=settings.decay,
            offset=settings.offset,
            gamma_threshold=settings.gamma_threshold,
            random_state=settings.random_state,
            eval_every=None,
            minimum_probability=0.0,
        )
        alpha = _gensim_prior(settings.prior("alpha"), settings.k)
        if self.multicore:
            if alpha == "auto":
                logger.warning("LdaMulticore cannot learn alpha ('auto'); using 'symmetric'")
                alpha = "symmetric"
            workers = settings.workers if settings.workers > 0 else None
            logger.warning(
                "LdaMulticore (%s workers) is not bit-reproducible: topics vary between runs "
                "with the same seed",
                workers or "all",
            )
            native = LdaMulticore(
                corpus=_gensim_corpus(train), alpha=alpha, workers=workers, **common
            )
        else:
            native = LdaModel(
                corpus=None, alpha=alpha, update_every=settings.update_every, **common
            )
            train_online_vb(
                native,
                train,
                schedule=OnlineVBSchedule.of(native),
                workers=settings.workers,
                on_pass=self.on_pass,
            )
        topic_word = normalize_rows(native.get_topics())
        doc_topic = self.transform(native, bow, settings)
        return native, topic_word, doc_topic

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Variational E-step per document; the same input gives the same output on every call."""
        from secnews.analysis.topics.vb import infer_gamma

        if bow.shape[0] == 0:
            return np.zeros((0, settings.k))
        gamma = infer_gamma(
            native,
            bow,
            chunksize=settings.chunksize,
            random_state=settings.random_state,
            workers=settings.workers,
        )
        return normalize_rows(gamma)

    def save(self, native: Any, folder: Path) -> list[Path]:
        """gensim's own format (``model.gensim`` plus its ``.state``/``.expElogbeta.npy``...).

        gensim's lifecycle log (events with the time of day) is switched off, so that the same
        model gives the same bytes in every run; the manifest beside the model records its
        provenance.
        """
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "model.gensim"
        for part in (native, native.state):
            part.lifecycle_events = None
        # ``ignore=()``: gensim's own fixed list of unpickled parts ('state', 'dispatcher',
        # 'id2word', all saved apart or rebuilt); a non-empty ``ignore`` goes through a set,
        # whose order changes with Python's string hashing from run to run.
        native.save(str(target), ignore=())
        return sorted(p for p in folder.iterdir() if p.name.startswith("model.gensim"))


def gensim_lda(
    topic_counts: np.ndarray,
    vocabulary: Sequence[str],
    *,
    alpha: np.ndarray,
    eta: float,
    n_docs: int,
) -> Any:
    """A gensim ``LdaModel`` whose topics are ``eta + topic_counts`` (normalised by gensim's
    ``get_topics``), for models fitted by another engine.

    The variational parameters of gensim's state are set to the pseudo-counts, so that
    ``get_topics()`` gives the engine's topic-word distributions (tomotopy's ``(n_kw + eta) /
    (n_k + V eta)`` exactly) and ``get_document_topics`` runs gensim's E-step with them.
    """
    from gensim.models import LdaModel

    counts = np.asarray(topic_counts, dtype=np.float64)
    model = LdaModel(
        num_topics=counts.shape[0],
        id2word=dict(enumerate(vocabulary)),
        alpha=np.asarray(alpha, dtype=np.float64),
        eta=float(eta),
        dtype=np.float64,
        random_state=0,
    )
    model.state.sstats[...] = counts
    model.state.numdocs = int(n_docs)
    model.sync_state()
    return model


def get_engine(name: str) -> Engine:
    """Return the adapter for an engine name (see :data:`ENGINES`)."""
    if name == "gensim":
        return GensimEngine()
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose from {ENGINES}")
    if name == "gensim-multicore":
        return GensimEngine(multicore=True)
    from secnews.analysis.topics import engines as topics_engines

    if name == "sklearn-lda":
        return topics_engines.SklearnLdaEngine()
    if name == "sklearn-nmf":
        return topics_engines.SklearnNmfEngine()
    if name == "tomotopy":
        return topics_engines.TomotopyEngine()
    raise ValueError(f"unknown engine {name!r}; choose from {ENGINES}")


class TopicModel:
    """A topic model with a scikit-learn contract.

    Parameters
    ----------
    settings : TopicSettings
        All settings; the constructor stores them and does nothing else.

    Attributes
    ----------
    topic_word_ : numpy.ndarray
        ``k x n_terms`` topic-word probabilities (rows sum to 1).
    doc_topic_ : numpy.ndarray
        ``n_docs x k`` document-topic proportions of the training documents.
    vocabulary_ : list of str
        Term of each column.
    term_frequency_ : numpy.ndarray
        Corpus frequency of each term in the training matrix.
    doc_lengths_ : numpy.ndarray
        Tokens per training document.
    native_ : object
        The engine's own model object.
    unreachable_terms_ : numpy.ndarray
        Ids of the terms that no topic can take, so that they count for nothing in the topics
        or the document-topic proportions (gensim: ``exp(E[log beta])`` is 0 in every topic; see
        :attr:`TopicSettings.eta`). Empty for the other engines.
    fit_trace_ : list of (int, float)
        tomotopy: Gibbs sweeps done and log-likelihood per word at every convergence check
        (the last entry: where training stopped). Empty for the other engines.
    """

    def __init__(self, settings: TopicSettings | None = None) -> None:
        self.settings = settings if settings is not None else TopicSettings()

    def fit(self, bow: Any, vocabulary: Sequence[str]) -> TopicModel:
        """Fit on a docs x terms count matrix (or gensim corpus) with its vocabulary."""
        matrix = as_csr(bow, n_terms=len(vocabulary))
        if matrix.shape[1] != len(vocabulary):
            raise ValueError(
                f"bow has {matrix.shape[1]} columns but the vocabulary {len(vocabulary)} terms"
            )
        if matrix.shape[0] == 0 or matrix.nnz == 0:
            raise ValueError("cannot fit a topic model on an empty corpus")
        engine = get_engine(self.settings.engine)
        native, topic_word, doc_topic = engine.fit(matrix, list(vocabulary), self.settings)
        self.engine_ = engine
        self.native_ = native
        self.topic_word_ = topic_word
        self.doc_topic_ = doc_topic
        self.vocabulary_ = list(vocabulary)
        self.term_frequency_ = np.asarray(matrix.sum(axis=0)).ravel().astype(np.float64)
        self.doc_lengths_ = np.asarray(matrix.sum(axis=1)).ravel().astype(np.float64)
        self._train_bow = matrix
        self.fit_trace_ = list(getattr(engine, "trace_", []))
        self.unreachable_terms_ = np.zeros(0, dtype=np.int64)
        if hasattr(native, "expElogbeta"):
            from secnews.analysis.topics.vb import unreachable_terms

            self.unreachable_terms_ = unreachable_terms(native.expElogbeta)
            if self.unreachable_terms_.size:
                logger.warning(
                    "%d of %d terms (%.1f%%) are in no topic (exp(E[log beta]) is 0 in every "
                    "topic; see TopicSettings.eta)",
                    self.unreachable_terms_.size,
                    matrix.shape[1],
                    100 * self.unreachable_terms_.size / matrix.shape[1],
                )
        return self

    def transform(self, bow: Any) -> np.ndarray:
        """Document-topic proportions of (new) documents."""
        matrix = as_csr(bow, n_terms=len(self.vocabulary_))
        return self.engine_.transform(self.native_, matrix, self.settings)

    def top_word_ids(self, topn: int | None = None) -> list[np.ndarray]:
        """Ids of each topic's most probable terms (ties: lower id first)."""
        n = self.settings.topn if topn is None else topn
        order = np.argsort(-self.topic_word_, axis=1, kind="stable")[:, :n]
        return [row.astype(np.int64) for row in order]

    def to_gensim(self) -> Any:
        """The model as a gensim ``LdaModel`` (the native model for the gensim engines; for the
        others, :func:`gensim_lda` of the engine's topic-word pseudo-counts and prior)."""
        if isinstance(self.engine_, GensimEngine):
            return self.native_
        counts = self.engine_.topic_counts(self.native_, self.doc_topic_, self._train_bow)  # type: ignore[attr-defined]
        eta = self.settings.prior("eta")
        return gensim_lda(
            counts,
            self.vocabulary_,
            alpha=self.engine_.alpha(self.native_, self.settings.k),  # type: ignore[attr-defined]
            eta=float(eta) if isinstance(eta, int | float) else 1.0 / self.settings.k,
            n_docs=int(self.doc_lengths_.size),
        )

    def save_native(self, folder: Path) -> list[Path]:
        """Write the engine's own model files into ``folder``, and the model in gensim's
        ``LdaModel`` format (``model.gensim``) for every engine."""
        folder = Path(folder)
        written = self.engine_.save(self.native_, folder)
        if not isinstance(self.engine_, GensimEngine):
            written += GensimEngine().save(self.to_gensim(), folder)
        return sorted(set(written))
