"""Worker processes of the folder loader: the pool, the chunks and their ordered results."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

__all__ = [
    "WORKER_MODULES",
    "chunked",
    "n_jobs",
    "ordered",
    "preload_worker_modules",
    "process_pool",
]

#: Every module the folder loader's workers use (their tasks and a build's
#: :class:`~secnews.corpus.build_facts.DocumentFactsMaker`). They are imported by the thread that
#: forks the workers, before it forks: a module that another thread of the caller (a build's
#: warm-up) is importing at the moment of the fork would stay half-initialized in the workers,
#: and a worker importing it would wait forever for that thread's import lock.
WORKER_MODULES: tuple[str, ...] = (
    "multiprocessing.synchronize",  # tqdm's lock, made by the first bar of a process
    "numpy",
    "numpy.ma",
    "rensa",
    "tqdm.auto",
    "secnews.corpus.build_dedupe",
    "secnews.corpus.build_facts",
    "secnews.corpus.dedupe",
    "secnews.corpus.dedupe_hash",
    "secnews.corpus.folder",
    "secnews.corpus.folder_vocab",
    "secnews.corpus.unwrap_vocab",
)


def preload_worker_modules() -> None:
    """Import :data:`WORKER_MODULES` (waiting for any other thread's import of them)."""
    for name in WORKER_MODULES:
        importlib.import_module(name)


def process_pool(
    jobs: int,
    start_method: str | None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A process pool; ``start_method`` ``None`` means ``fork`` where it exists (workers start
    at once and scripts need no ``if __name__ == "__main__"`` guard), else the default. Before a
    fork, :data:`WORKER_MODULES` are imported (see there); the workers call no library that
    keeps threads of its own (rensa is called on at most 64 documents at a time, below the
    size at which it uses its thread pool, which a forked process would not have)."""
    methods = multiprocessing.get_all_start_methods()
    if start_method is None:
        start_method = "fork" if "fork" in methods and sys.platform != "darwin" else None
    if start_method == "fork":
        preload_worker_modules()
    context = multiprocessing.get_context(start_method)
    if initializer is not None:
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=initializer, initargs=initargs
        )
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def n_jobs(jobs: int) -> int:
    """Worker processes for the setting ``jobs`` (``< 1``: every core)."""
    cpus = os.cpu_count() or 1
    return cpus if jobs < 1 else min(jobs, cpus)


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    """``items`` in consecutive lists of ``size``."""
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def ordered(pool: ProcessPoolExecutor, fn: Any, chunks: list[Any], window: int) -> Iterator[Any]:
    """Run ``fn`` over ``chunks`` in the pool with at most ``window`` in flight, in order."""
    pending: deque[Future[Any]] = deque()
    remaining = iter(chunks)
    for chunk in remaining:
        pending.append(pool.submit(fn, chunk))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        following = next(remaining, None)
        if following is not None:
            pending.append(pool.submit(fn, following))
        yield result
