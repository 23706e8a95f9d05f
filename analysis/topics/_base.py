"""What the topic engines share: the settings (:class:`TopicSettings`), the engine protocol and the
bag-of-words conversions."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

__all__ = ["ENGINES", "Engine", "TopicSettings", "as_csr", "normalize_rows"]


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


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    out = np.asarray(matrix, dtype=np.float64)
    sums = out.sum(axis=1, keepdims=True)
    k = out.shape[1] if out.ndim == 2 else 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, out / np.where(sums > 0, sums, 1.0), 1.0 / max(k, 1))
    return out
