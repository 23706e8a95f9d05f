"""What the topic engines share: the settings (:class:`TopicSettings`), the engine protocol and the
bag-of-words conversions."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

__all__ = [
    "ENGINES",
    "ENGINE_PRIORS",
    "Engine",
    "TopicSettings",
    "as_csr",
    "equal_chunks",
    "normalize_rows",
]


ENGINES = ("tomotopy", "gensim", "gensim-multicore", "sklearn-lda", "sklearn-nmf")


#: Each engine's own prior defaults, used where :class:`TopicSettings` leaves ``alpha`` or
#: ``eta`` at None. tomotopy: its ``LDAModel`` defaults (alpha 0.1 per topic as the starting
#: value of the asymmetric alpha it learns; eta 0.01). gensim: secnews' measured online-VB settings
#: (learned asymmetric alpha, eta 0.001). scikit-learn: its own (``1/k`` for both).
ENGINE_PRIORS: dict[str, tuple[str | float | None, str | float | None]] = {
    "tomotopy": (0.1, 0.01),
    "gensim": ("auto", 0.001),
    "gensim-multicore": ("symmetric", 0.001),
    "sklearn-lda": (None, None),
    "sklearn-nmf": (None, None),
}


@dataclass(frozen=True)
class TopicSettings:
    """Settings of one topic model fit (written into the manifest of every result).

    The default engine is tomotopy's collapsed Gibbs sampler with 1,000 iterations, chosen by
    measured topic quality (``benchmarks/bench_topics.py``: agreement with the editors' labels
    of Reuters-21578 and coherence; the table and the reasons are in the README). Every setting
    means one thing for the engines it names and is ignored by the others.

    Attributes
    ----------
    k : int
        Number of topics.
    engine : str
        One of :data:`ENGINES`: ``tomotopy`` (collapsed Gibbs sampling, the default),
        ``gensim`` (online variational Bayes, ``LdaModel``), ``gensim-multicore``
        (``LdaMulticore``, not reproducible), ``sklearn-lda`` (batch variational Bayes) and
        ``sklearn-nmf`` (NMF on tf-idf). Every engine's model can be exported to gensim's
        ``LdaModel`` format (:meth:`TopicModel.to_gensim`).
    alpha : str or float or None
        Document-topic prior; None takes the engine's own default (:data:`ENGINE_PRIORS`).
        tomotopy and sklearn take a number per topic (``"symmetric"``/``"auto"`` become
        ``1/k``; tomotopy learns an asymmetric alpha from that starting value);
        gensim also ``"auto"`` (learned), ``"symmetric"``, ``"asymmetric"``.
    eta : str or float or None
        Topic-word prior; None takes the engine's own default (:data:`ENGINE_PRIORS`). For
        gensim's online VB a small eta (0.001) makes topics sparse and more coherent on the UN
        corpus, but makes every term absent from the first chunk unreachable for good
        (:attr:`TopicModel.unreachable_terms_`, counted in the manifest); 0.5 or more keeps every
        term reachable.
    gibbs_iterations : int
        tomotopy: the most Gibbs sweeps over the corpus (default 200). A fit that reaches this
        cap before the convergence rule stops it says so in the log and in
        ``TopicModel.fit_trace_`` (the last rise is above ``gibbs_tolerance``).
    gibbs_tolerance : float or None
        tomotopy: convergence rule. Sweeps run in blocks of ``gibbs_window``; training stops
        after the first block over which the log-likelihood per word rose by less than this many
        nats (default 0.005), or after ``gibbs_iterations`` sweeps. None: always
        ``gibbs_iterations`` sweeps. The sweeps run are logged and kept in
        ``TopicModel.fit_trace_``.
    gibbs_window : int
        tomotopy: sweeps per block of the convergence rule (default 100).
    gibbs_threads : int
        tomotopy: sampling threads (default 2). With more than one, tomotopy's ``PARTITION``
        scheme: the vocabulary is cut into one part per thread and the parts rotate within each
        sweep. The sample depends on this number (not on the number of cores), so a fit is
        reproducible for a seed and a number of threads. Two threads reach a higher c_npmi in
        fewer sweeps than one on the UN corpus and on Reuters-21578, for the same CPU time
        (``benchmarks/topics.md``); on one core they run one after the other.
    passes : int or None
        gensim: passes over the corpus (default 10); sklearn-lda: ``max_iter``, the number of
        batch EM iterations, each one pass (default 50). None takes these defaults.
    iterations : int
        gensim: maximum E-step iterations per document (1000, i.e. until ``gamma_threshold``).
    chunksize : int
        gensim: documents per online update. The corpus is cut into chunks of *equal* size
        (``ceil(n / ceil(n / chunksize))`` documents), so that no small last chunk is
        scaled up to the size of the others and overwrites the topics late in training.
    update_every : int
        gensim: chunks between M-steps.
    decay, offset : float
        gensim online learning-rate schedule ``rho = (offset + pass + updates) ** -decay``.
    gamma_threshold : float
        gensim: E-step convergence threshold (mean absolute change of a document's gamma).
    nmf_max_iter : int
        sklearn-nmf: maximum iterations (scikit-learn's default 200).
    random_state : int
        Seed of every random step.
    workers : int
        ``gensim``: processes for the E-step (``-1``: one per core); the topics are the same for
        any number. ``gensim-multicore``: ``LdaMulticore`` workers. ``tomotopy``: not used
        (see ``gibbs_threads``).
    topn : int
        Number of top words kept per topic in tables and coherence.
    shuffle : bool
        gensim: train on the documents in a random order (fixed by ``random_state``).
    """

    k: int = 20
    engine: str = "tomotopy"
    alpha: str | float | None = None
    eta: str | float | None = None
    gibbs_iterations: int = 200
    gibbs_tolerance: float | None = 0.005
    gibbs_window: int = 100
    gibbs_threads: int = 2
    passes: int | None = None
    iterations: int = 1000
    chunksize: int = 2000
    update_every: int = 1
    decay: float = 0.3
    offset: float = 1.0
    gamma_threshold: float = 0.05
    nmf_max_iter: int = 200
    random_state: int = 0
    workers: int = -1
    topn: int = 20
    shuffle: bool = True

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose from {ENGINES}")
        if self.passes is not None and self.passes < 1:
            raise ValueError("passes must be >= 1")
        if self.iterations < 1 or self.chunksize < 1 or self.gibbs_iterations < 1:
            raise ValueError("iterations, gibbs_iterations and chunksize must be >= 1")
        if self.gibbs_window < 1 or self.gibbs_threads < 1:
            raise ValueError("gibbs_window and gibbs_threads must be >= 1")
        if self.gibbs_tolerance is not None and self.gibbs_tolerance < 0:
            raise ValueError("gibbs_tolerance must be >= 0 (or None: no convergence stop)")
        if self.nmf_max_iter < 1:
            raise ValueError("nmf_max_iter must be >= 1")

    def replace(self, **changes: Any) -> TopicSettings:
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def prior(self, name: str) -> str | float | None:
        """``alpha`` or ``eta`` as the engine uses it (its own default where the setting is None)."""
        value = getattr(self, name)
        if value is not None:
            return value
        alpha, eta = ENGINE_PRIORS[self.engine]
        return alpha if name == "alpha" else eta

    def n_passes(self) -> int:
        """``passes`` or the engine's default (gensim 10, sklearn-lda 50)."""
        if self.passes is not None:
            return self.passes
        return 50 if self.engine == "sklearn-lda" else 10

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a JSON manifest."""
        return dataclasses.asdict(self)


def equal_chunks(n_docs: int, chunksize: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of chunks of equal size (sizes differ by at most one) and at most
    ``chunksize`` documents, covering ``n_docs`` documents."""
    if n_docs <= 0:
        return []
    n_chunks = -(-n_docs // max(chunksize, 1))
    bounds = [(i * n_docs) // n_chunks for i in range(n_chunks + 1)]
    return list(itertools.pairwise(bounds))


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


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    out = np.asarray(matrix, dtype=np.float64)
    sums = out.sum(axis=1, keepdims=True)
    k = out.shape[1] if out.ndim == 2 else 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, out / np.where(sums > 0, sums, 1.0), 1.0 / max(k, 1))
    return out
