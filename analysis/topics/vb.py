"""gensim's online variational Bayes for ``LdaModel``, with the E-step in worker processes.

The training loop is gensim's ``LdaModel.update`` (Hoffman, Blei & Bach 2010, as gensim 4
implements it): documents are taken in chunks of ``chunksize``; each chunk's variational E-step
collects sufficient statistics; every ``update_every`` chunks the model's own ``do_mstep`` blends
them into the topics with the learning rate ``rho = (offset + pass + updates) ** -decay``; a
learned ``alpha``/``eta`` uses the model's own ``update_alpha``/``update_eta``. The model stays a
plain gensim ``LdaModel`` (saved in gensim's format, loadable without secnews).

What differs is how and where the E-step runs. Its loop is compiled
(:mod:`secnews.analysis.topics.estep`, about four times faster per iteration than gensim's numpy
calls), and every chunk is cut into fixed blocks of
:data:`BLOCK_DOCS` documents; the blocks go to worker processes, which read the current topics
from shared memory, and their statistics are added up in block order. The starting values of the
E-step are drawn in this process from the model's ``random_state``, exactly as gensim draws them.
So the result depends on the seed and the settings but not on the number of workers: one worker
and two give identical topics, bit for bit (tested). It equals gensim's own ``update`` up to the
order in which floating-point sums are added (tested to a tolerance).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import shared_memory
from typing import Any

import numpy as np
import scipy.sparse as sp

from secnews.analysis.workers import limit_blas_threads, n_processes, process_pool

__all__ = [
    "BLOCK_DOCS",
    "OnlineVBSchedule",
    "estep_block",
    "infer_gamma",
    "train_online_vb",
    "unreachable_terms",
]

logger = logging.getLogger(__name__)

#: Documents per E-step block (fixed, so the sums do not depend on the number of workers).
BLOCK_DOCS = 256


@dataclass(frozen=True)
class OnlineVBSchedule:
    """The training schedule of one ``LdaModel`` fit (gensim's ``update`` arguments).

    Attributes
    ----------
    passes : int
        Passes over the corpus.
    chunksize : int
        Documents per E-step chunk.
    update_every : int
        Chunks between M-steps (0: one M-step per pass, gensim's batch mode).
    decay, offset : float
        Learning rate ``rho = (offset + pass + n_updates) ** -decay`` (kappa and tau0).
    iterations : int
        Maximum E-step iterations per document.
    gamma_threshold : float
        E-step convergence threshold (mean absolute change of a document's gamma).
    """

    passes: int
    chunksize: int
    update_every: int
    decay: float
    offset: float
    iterations: int
    gamma_threshold: float

    @classmethod
    def of(cls, model: Any) -> OnlineVBSchedule:
        """The schedule an ``LdaModel`` was built with (gensim stores every argument)."""
        return cls(
            passes=int(model.passes),
            chunksize=int(model.chunksize),
            update_every=int(model.update_every),
            decay=float(model.decay),
            offset=float(model.offset),
            iterations=int(model.iterations),
            gamma_threshold=float(model.gamma_threshold),
        )


def estep_block(
    block: sp.csr_matrix,
    exp_elog_beta: np.ndarray,
    gamma: np.ndarray,
    alpha: np.ndarray,
    *,
    iterations: int,
    gamma_threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variational E-step of a block of documents (gensim's ``LdaModel.inference`` loop,
    compiled: :mod:`secnews.analysis.topics.estep`).

    Parameters
    ----------
    block : scipy.sparse.csr_matrix
        Documents x terms counts.
    exp_elog_beta : numpy.ndarray
        ``exp(E[log beta])`` of the current topics, topics x terms.
    gamma : numpy.ndarray
        Starting variational parameters, documents x topics (not modified).
    alpha : numpy.ndarray
        Document-topic prior, one value per topic.
    iterations, gamma_threshold
        Stopping rule per document.

    Returns
    -------
    gamma : numpy.ndarray
        Final variational parameters of the documents.
    columns : numpy.ndarray
        Terms that occur in the block (sorted).
    sstats : numpy.ndarray
        Sufficient statistics of those terms, topics x ``len(columns)``.
    """
    from secnews.analysis.topics.estep import estep_kernel

    dtype = exp_elog_beta.dtype
    columns, local = np.unique(block.indices, return_inverse=True)
    beta = np.ascontiguousarray(exp_elog_beta[:, columns])
    sstats = np.zeros_like(beta)
    out = np.array(gamma, dtype=dtype, copy=True)
    estep_kernel()(
        block.indptr.astype(np.int64, copy=False),
        local.astype(np.int64, copy=False),
        block.data.astype(dtype, copy=False),
        beta,
        out,
        np.asarray(alpha, dtype=dtype),
        int(iterations),
        float(gamma_threshold),
        sstats,
    )
    sstats *= beta
    return out, columns, sstats


# Worker state, set once per process by _init_worker (fork or spawn alike).
_WORKER: dict[str, Any] = {}


def _init_worker(bow: sp.csr_matrix, beta_name: str, shape: tuple[int, int], dtype: str) -> None:
    limit_blas_threads()
    memory = shared_memory.SharedMemory(name=beta_name)
    _WORKER.update(
        bow=bow, memory=memory, beta=np.ndarray(shape, dtype=np.dtype(dtype), buffer=memory.buf)
    )


def _worker_block(
    rows: np.ndarray, gamma: np.ndarray, alpha: np.ndarray, iterations: int, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return estep_block(
        _WORKER["bow"][rows],
        _WORKER["beta"],
        gamma,
        alpha,
        iterations=iterations,
        gamma_threshold=threshold,
    )


class _EStep:
    """Runs the E-step of a chunk, block by block, here or in worker processes."""

    def __init__(self, bow: sp.csr_matrix, model: Any, schedule: OnlineVBSchedule) -> None:
        self.bow = bow
        self.model = model
        self.schedule = schedule
        self.pool: ProcessPoolExecutor | None = None
        self.shared: np.ndarray | None = None

    def run(self, rows: np.ndarray, gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the chunk's gamma and its sufficient statistics (topics x terms)."""
        model, s = self.model, self.schedule
        alpha = np.asarray(model.alpha)
        starts = range(0, rows.size, BLOCK_DOCS)
        blocks = [(rows[i : i + BLOCK_DOCS], gamma[i : i + BLOCK_DOCS]) for i in starts]
        if self.pool is None:
            results: Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]] = (
                estep_block(
                    self.bow[r],
                    model.expElogbeta,
                    g,
                    alpha,
                    iterations=s.iterations,
                    gamma_threshold=s.gamma_threshold,
                )
                for r, g in blocks
            )
        else:
            assert self.shared is not None
            self.shared[...] = model.expElogbeta
            futures = [
                self.pool.submit(_worker_block, r, g, alpha, s.iterations, s.gamma_threshold)
                for r, g in blocks
            ]
            results = (f.result() for f in futures)
        sstats = np.zeros_like(model.expElogbeta)
        parts = []
        for part, columns, stats in results:  # in block order: the same sums for any workers
            parts.append(part)
            sstats[:, columns] += stats
        return np.vstack(parts), sstats

    @contextmanager
    def workers(self, n_workers: int) -> Iterator[_EStep]:
        """Start ``n_workers`` processes (none for 1) for the duration of the block."""
        if n_workers <= 1:
            yield self
            return
        from secnews.analysis.topics.estep import compile_kernel

        beta = self.model.expElogbeta
        compile_kernel(beta.dtype)  # once, here: forked workers inherit the compiled code
        memory = shared_memory.SharedMemory(create=True, size=max(beta.nbytes, 1))
        try:
            self.shared = np.ndarray(beta.shape, dtype=beta.dtype, buffer=memory.buf)
            initargs = (self.bow, memory.name, beta.shape, beta.dtype.str)
            with process_pool(n_workers, initializer=_init_worker, initargs=initargs) as pool:
                self.pool = pool
                yield self
        finally:
            self.pool = None
            self.shared = None
            memory.close()
            memory.unlink()


def _rho(model: Any, schedule: OnlineVBSchedule, pass_: int, chunksize: int) -> float:
    """gensim's learning rate: ``(offset + pass + updates / chunksize) ** -decay``."""
    return float(pow(schedule.offset + pass_ + model.num_updates / chunksize, -schedule.decay))


def train_online_vb(
    model: Any,
    bow: sp.csr_matrix,
    *,
    schedule: OnlineVBSchedule,
    workers: int = 1,
    on_pass: Callable[[int, Any], None] | None = None,
) -> Any:
    """Train a gensim ``LdaModel`` (built without a corpus) on ``bow``, in row order.

    The documents are cut into chunks of equal size (at most ``schedule.chunksize``; see
    :func:`secnews.analysis.topics._base.equal_chunks`), unlike gensim, whose last chunk holds
    the remainder.

    Parameters
    ----------
    model : gensim.models.LdaModel
        A model created with ``corpus=None`` (or one to train further).
    bow : scipy.sparse.csr_matrix
        Documents x terms counts, in the order of training (shuffle beforehand if wanted).
    schedule : OnlineVBSchedule
        Passes, chunks and learning rate.
    workers : int
        Processes for the E-step (``-1``: one per core). The result does not depend on it.
    on_pass : callable, optional
        Called as ``on_pass(pass_index, model)`` after each pass's last M-step.

    Returns
    -------
    gensim.models.LdaModel
        ``model``, trained.
    """
    from gensim.models.ldamodel import LdaState
    from tqdm.auto import tqdm

    s = schedule
    n_docs = bow.shape[0]
    if n_docs == 0:
        raise ValueError("no documents to train on")
    from secnews.analysis.topics._base import equal_chunks

    # Chunks of equal size: with fixed-size chunks a small last chunk (68 documents after 2,000)
    # is scaled up to the corpus size in the M-step and overwrites the topics late in training.
    chunks = equal_chunks(n_docs, s.chunksize)
    n_chunks = len(chunks)
    chunksize = -(-n_docs // n_chunks)
    model.state.numdocs += n_docs
    processes = min(n_processes(workers), -(-chunksize // BLOCK_DOCS))
    progress = tqdm(total=s.passes * n_chunks, desc="LDA (chunks)", disable=None)
    with _EStep(bow, model, s).workers(processes) as estep:
        for pass_ in range(s.passes):
            other = LdaState(model.eta, model.state.sstats.shape, model.dtype)
            dirty = False
            for chunk_no, (start, stop) in enumerate(chunks):
                rows = np.arange(start, stop)
                # The starting gamma of the chunk, drawn exactly as LdaModel.inference draws it.
                gamma0 = model.random_state.gamma(100.0, 1.0 / 100.0, (rows.size, model.num_topics))
                gamma, sstats = estep.run(rows, gamma0.astype(model.dtype, copy=False))
                other.sstats += sstats
                other.numdocs += gamma.shape[0]
                if model.optimize_alpha:
                    model.update_alpha(gamma, _rho(model, s, pass_, chunksize))
                dirty = True
                if s.update_every and (chunk_no + 1) % s.update_every == 0:
                    model.do_mstep(_rho(model, s, pass_, chunksize), other, pass_ > 0)
                    other = LdaState(model.eta, model.state.sstats.shape, model.dtype)
                    dirty = False
                progress.update()
            if dirty:
                model.do_mstep(_rho(model, s, pass_, chunksize), other, pass_ > 0)
            if on_pass is not None:
                on_pass(pass_, model)
    progress.close()
    return model


def infer_gamma(
    model: Any, bow: sp.csr_matrix, *, chunksize: int, random_state: int, workers: int = 1
) -> np.ndarray:
    """Variational gamma of documents under a trained ``LdaModel`` (topics unchanged).

    The starting values come from ``numpy.random.RandomState(random_state)``, one draw per
    chunk of ``chunksize`` documents, so the same input gives the same output on every call,
    whatever the number of ``workers``.
    """
    rng = np.random.RandomState(random_state)
    schedule = replace(OnlineVBSchedule.of(model), passes=1, chunksize=chunksize, update_every=1)
    n_docs = bow.shape[0]
    if n_docs == 0:
        return np.zeros((0, model.num_topics))
    processes = min(n_processes(workers), -(-min(chunksize, n_docs) // BLOCK_DOCS))
    parts = []
    with _EStep(bow, model, schedule).workers(processes) as estep:
        for start in range(0, n_docs, chunksize):
            rows = np.arange(start, min(start + chunksize, n_docs))
            gamma0 = rng.gamma(100.0, 1.0 / 100.0, (rows.size, model.num_topics))
            parts.append(estep.run(rows, gamma0.astype(model.dtype, copy=False))[0])
    return np.vstack(parts)


def unreachable_terms(exp_elog_beta: np.ndarray) -> np.ndarray:
    """Ids of the terms whose ``exp(E[log beta])`` is 0 in every topic.

    The E-step weighs a term's tokens by these values, so such a term can neither shape a
    document's topics nor enter a topic again: it stays out of the model for good. With a small
    ``eta`` it happens to every term absent from the first chunk, because gensim's first M-step
    (learning rate 1) leaves such terms at ``lambda = eta``, and ``exp(psi(eta) - psi(sum lambda))``
    underflows to 0 in float32 for ``eta`` below about 0.011.
    """
    return np.flatnonzero(~np.any(np.asarray(exp_elog_beta) > 0, axis=0)).astype(np.int64)
