"""Topic models behind one scikit-learn style interface; gensim ``LdaModel`` is the default engine.

The core of the topic code works on plain arrays (a docs x terms count matrix, a vocabulary list
and document ids), as pyLDAvis does; each engine is a thin adapter that turns those into its own
input and returns a topic-word matrix (rows sum to 1) and a document-topic matrix (rows sum
to 1). Engines: ``gensim`` (``LdaModel``, bit-reproducible for a seed, with the E-step spread over
the cores: :mod:`secnews.analysis.topics_vb`),
``gensim-multicore`` (``LdaMulticore``: faster on several cores but not bit-reproducible),
``sklearn-lda``, ``sklearn-nmf`` and ``tomotopy`` (see :mod:`secnews.analysis.topics_engines`).

Example
-------
>>> model = TopicModel(TopicSettings(k=20, random_state=1)).fit(bow, vocabulary)  # doctest: +SKIP
>>> model.topic_word_.shape, model.doc_topic_.shape  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

__all__ = [
    "ENGINES",
    "Engine",
    "GensimEngine",
    "TopicModel",
    "TopicSettings",
    "as_csr",
    "get_engine",
]

logger = logging.getLogger(__name__)

ENGINES = ("gensim", "gensim-multicore", "sklearn-lda", "sklearn-nmf", "tomotopy")


@dataclass(frozen=True)
class TopicSettings:
    """Settings of one topic model fit (written into the manifest of every result).

    Attributes
    ----------
    k : int
        Number of topics.
    engine : str
        One of :data:`ENGINES`.
    alpha : str or float
        Document-topic prior: ``"auto"`` (learned asymmetric prior, gensim), ``"symmetric"``,
        ``"asymmetric"`` or a number. sklearn/tomotopy take a number (``"auto"``/``"symmetric"``
        become ``1/k``; tomotopy learns alpha itself when ``optimize_interval > 0``).
    eta : str or float or None
        Topic-word prior: a number (default 0.001), ``None`` or ``"symmetric"`` (``1/k``),
        ``"auto"``. Variational Bayes works with ``exp(E[log beta]) = exp(psi(lambda) - ...)``,
        and ``psi(eta)`` is about ``-1/eta``: a small eta makes topics sparse and, on the UN
        corpus at K=50, more coherent (mean c_npmi of seeds 0-2 after ten passes: 0.046 at
        0.001, 0.044 at 0.01; 0.1 gave 0.009 on seed 0 with threshold 0.001). It also makes a
        term that a topic has lost unreachable for that topic for good (``exp(-1000)`` is 0).
        In particular gensim's first M-step (learning rate 1) drops every term absent from the
        first chunk from every topic: those terms count for nothing in the topics or the
        document-topic proportions. :attr:`TopicModel.unreachable_terms_` lists them and the
        topics manifest records how many there are (on the UN corpus at K=50 about 5,900 of
        34,696 terms, most of them rare). An eta of 0.5 or more keeps every term reachable.
        The comparison engines (sklearn, tomotopy) receive the same number.
    passes : int
        Passes over the corpus (gensim, sklearn max_iter); tomotopy: Gibbs iterations = 10 x passes.
    iterations : int
        Maximum E-step iterations per document (gensim). The default, 1000, lets the E-step run
        until ``gamma_threshold`` is met; gensim's own default (50) stops long documents (UN
        speeches) short. On the UN corpus at K=50 (``benchmarks/bench_topics.py``, seed 0, with
        gensim's threshold 0.001 and eta 0.01), c_npmi after ten passes is 0.051 against 0.035
        with 50 iterations, which peak at 0.042 after five passes and then fall back.
    chunksize : int
        Documents per online update (gensim, sklearn online batch size).
    update_every : int
        gensim: chunks between M-steps.
    decay, offset : float
        gensim online learning-rate schedule ``rho = (offset + pass + updates) ** -decay``
        (Hoffman et al. 2010 kappa, tau0). The default decay 0.3 keeps the learning rate higher
        than gensim's 0.5 over a fixed number of passes: on the UN corpus at K=50 (seed 0,
        threshold 0.001, eta 0.01), c_npmi after ten passes is 0.051 against 0.047 (both reach
        about 0.053 after twenty). It is below the (0.5, 1] range of Hoffman et al.'s convergence
        proof, which is about infinitely many updates; set 0.5 or more where that matters. An
        offset of 16, which keeps the first chunk from setting the topics alone, was much worse
        (c_npmi below 0.03 for seeds 0-2 after ten passes).
    gamma_threshold : float
        E-step convergence threshold: a document's E-step stops when the mean absolute change of
        its gamma (pseudo-counts per topic) falls below it. gensim's default, 0.001, is tiny next
        to the hundreds of pseudo-counts of a long document; the default 0.05 stops earlier and
        is 2.5 times faster on UN speeches. There it is also more coherent: mean c_npmi of
        seeds 0-2 after ten passes at K=50 is 0.046 (0.042 at 0.02), against 0.039 (0.051,
        0.035, 0.032) at 0.001 with eta 0.01. On the 2,055 press releases of the demo study
        (K=8, five seeds) the mean is 0.034 against 0.037, well within the seeds' spread.
        Seeds differ by up to 0.02 at any setting: online VB ends in different local optima,
        which the selection table's stability column measures.
    random_state : int
        Seed of every random step.
    workers : int
        ``gensim``: processes for the E-step (``-1``: one per core); the topics are the same for
        any number (tested). ``gensim-multicore``: ``LdaMulticore`` workers (``-1``: all cores;
        not reproducible). ``tomotopy``: sampling threads; ``-1`` means 1, which keeps its runs
        reproducible.
    topn : int
        Number of top words kept per topic in tables and coherence.
    shuffle : bool
        gensim: train on the documents in a random order (fixed by ``random_state``). Online
        variational Bayes assumes random mini-batches; a corpus sorted by date or country (the
        UN corpus is sorted by session) otherwise makes the topics drift from chunk to chunk.
    """

    k: int = 20
    engine: str = "gensim"
    alpha: str | float = "auto"
    eta: str | float | None = 0.001
    passes: int = 10
    iterations: int = 1000
    chunksize: int = 2000
    update_every: int = 1
    decay: float = 0.3
    offset: float = 1.0
    gamma_threshold: float = 0.05
    random_state: int = 0
    workers: int = -1
    topn: int = 20
    shuffle: bool = True

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose from {ENGINES}")
        if self.passes < 1 or self.iterations < 1 or self.chunksize < 1:
            raise ValueError("passes, iterations and chunksize must be >= 1")

    def replace(self, **changes: Any) -> TopicSettings:
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a JSON manifest."""
        return dataclasses.asdict(self)


class Engine(Protocol):
    """What an engine adapter provides (all methods are pure functions of their inputs)."""

    name: str

    def fit(
        self, bow: sp.csr_matrix, vocabulary: Sequence[str], settings: TopicSettings
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Return ``(native_model, topic_word, doc_topic)``."""
        ...

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Document-topic proportions of new documents."""
        ...

    def save(self, native: Any, folder: Path) -> list[Path]:
        """Write the model in the engine's own format; return the files written."""
        ...


def as_csr(bow: Any, n_terms: int | None = None) -> sp.csr_matrix:
    """Return a docs x terms ``csr_matrix`` from a sparse matrix or a gensim bag-of-words corpus."""
    if sp.issparse(bow):
        return sp.csr_matrix(bow)
    if isinstance(bow, np.ndarray):
        return sp.csr_matrix(bow)
    from gensim.matutils import corpus2csc

    docs = list(bow)
    return sp.csr_matrix(corpus2csc(docs, num_terms=n_terms, num_docs=len(docs)).T)


def _normalize_rows(matrix: np.ndarray) -> np.ndarray:
    out = np.asarray(matrix, dtype=np.float64)
    sums = out.sum(axis=1, keepdims=True)
    k = out.shape[1] if out.ndim == 2 else 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, out / np.where(sums > 0, sums, 1.0), 1.0 / max(k, 1))
    return out


def _gensim_corpus(bow: sp.csr_matrix) -> Iterable[list[tuple[int, float]]]:
    from gensim.matutils import Sparse2Corpus

    return Sparse2Corpus(bow, documents_columns=False)


def _gensim_prior(value: str | float | None, k: int) -> Any:
    if value is None or isinstance(value, str):
        return value
    return float(value)


class GensimEngine:
    """Adapter for gensim ``LdaModel`` (or ``LdaMulticore`` with ``multicore=True``).

    ``LdaModel`` is trained by :func:`secnews.analysis.topics_vb.train_online_vb`: gensim's own
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

        from .topics_vb import OnlineVBSchedule, train_online_vb

        id2word = dict(enumerate(vocabulary))
        train = bow
        if settings.shuffle:
            order = np.random.default_rng(settings.random_state).permutation(bow.shape[0])
            train = bow[order]
        common = dict(
            num_topics=settings.k,
            id2word=id2word,
            chunksize=settings.chunksize,
            passes=settings.passes,
            iterations=settings.iterations,
            eta=_gensim_prior(settings.eta, settings.k),
            decay=settings.decay,
            offset=settings.offset,
            gamma_threshold=settings.gamma_threshold,
            random_state=settings.random_state,
            eval_every=None,
            minimum_probability=0.0,
        )
        alpha = _gensim_prior(settings.alpha, settings.k)
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
        topic_word = _normalize_rows(native.get_topics())
        doc_topic = self.transform(native, bow, settings)
        return native, topic_word, doc_topic

    def transform(self, native: Any, bow: sp.csr_matrix, settings: TopicSettings) -> np.ndarray:
        """Variational E-step per document; the same input gives the same output on every call."""
        from .topics_vb import infer_gamma

        if bow.shape[0] == 0:
            return np.zeros((0, settings.k))
        gamma = infer_gamma(
            native,
            bow,
            chunksize=settings.chunksize,
            random_state=settings.random_state,
            workers=settings.workers,
        )
        return _normalize_rows(gamma)

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


def get_engine(name: str) -> Engine:
    """Return the adapter for an engine name (see :data:`ENGINES`)."""
    if name == "gensim":
        return GensimEngine()
    if name == "gensim-multicore":
        return GensimEngine(multicore=True)
    from . import topics_engines

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
        self.unreachable_terms_ = np.zeros(0, dtype=np.int64)
        if hasattr(native, "expElogbeta"):
            from .topics_vb import unreachable_terms

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

    def save_native(self, folder: Path) -> list[Path]:
        """Write the engine's own model files into ``folder``."""
        return self.engine_.save(self.native_, Path(folder))
