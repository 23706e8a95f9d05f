"""Worker processes shared by every CPU-bound stage (folder loading, topic fits, the LDA E-step):
the pool, the chunks and their ordered results."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

__all__ = [
    "chunked",
    "n_jobs",
    "ordered",
    "preload_modules",
    "process_pool",
]


def preload_modules(names: Sequence[str]) -> None:
    """Import ``names`` (waiting for any other thread's import of them) before a fork: a module
    that another thread of the caller is importing at the moment of the fork would stay
    half-initialized in the workers, and a worker importing it would wait forever for that
    thread's import lock."""
    for name in names:
        importlib.import_module(name)


def process_pool(
    jobs: int,
    start_method: str | None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    *,
    preload: Sequence[str] = (),
) -> ProcessPoolExecutor:
    """A process pool; ``start_method`` ``None`` means ``fork`` where it exists (workers start
    at once and scripts need no ``if __name__ == "__main__"`` guard), else the default. Before a
    fork, the modules named in ``preload`` are imported (see :func:`preload_modules`); the workers call no library that
    keeps threads of its own (rensa is called on at most 64 documents at a time, below the
    size at which it uses its thread pool, which a forked process would not have)."""
    methods = multiprocessing.get_all_start_methods()
    if start_method is None:
        start_method = "fork" if "fork" in methods and sys.platform != "darwin" else None
    if start_method == "fork":
        preload_modules(preload)
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


def ordered(
    pool: ProcessPoolExecutor, fn: Any, chunks: Iterable[Any], window: int
) -> Iterator[Any]:
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
