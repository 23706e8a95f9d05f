"""Worker processes for the CPU-bound steps (topic fits, the LDA E-step).

Workers are forked where the platform allows it (Linux), so that they inherit large read-only
inputs and compiled code without copying; elsewhere they are spawned and get their inputs
pickled once, through the pool's initializer. Each worker uses one BLAS thread, since the
workers already share the cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from secnews.corpus.workers import process_pool as _corpus_pool

__all__ = ["limit_blas_threads", "n_processes", "process_pool"]


def n_processes(n_jobs: int) -> int:
    """Processes for an ``n_jobs`` setting (``-1`` or ``0``: one per CPU core)."""
    return n_jobs if n_jobs > 0 else (os.cpu_count() or 1)


def limit_blas_threads() -> None:
    """Use one BLAS/OpenMP thread in this process (called in each worker)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def process_pool(
    n_workers: int, *, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of ``n_workers`` processes (forked where possible) set up by ``initializer``
    (:func:`secnews.corpus.workers.process_pool`)."""
    return _corpus_pool(n_workers, None, initializer, initargs)
