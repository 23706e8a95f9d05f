"""Helpers of the build: a loader prefetch thread, word counts, column-wise Arrow tables and
record rows without :func:`dataclasses.asdict` (which deep-copies every text)."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa

from .record import ARTICLE_COLUMNS, Article
from .store import ARTICLES_SCHEMA

__all__ = ["article_row", "count_words", "prefetch_batches", "rows_to_table"]


def count_words(texts: Sequence[str]) -> list[int]:
    """Return ``len(text.split())`` for every text (white-space separated words)."""
    return [len(text.split()) for text in texts]


def article_row(article: Article) -> dict[str, Any]:
    """The record as a flat dict in :data:`~secnews.corpus.record.ARTICLE_COLUMNS` order, the same
    as :meth:`Article.to_row` but without copying the texts."""
    row = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
    row["meta"] = json.dumps(article.meta, ensure_ascii=False, sort_keys=True, default=str)
    return row


def rows_to_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Build an Arrow table with :data:`~secnews.corpus.store.ARTICLES_SCHEMA` column by column."""
    arrays = [pa.array([row[f.name] for row in rows], type=f.type) for f in ARTICLES_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=ARTICLES_SCHEMA)


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prefetch_batches(items: Iterable[Any], size: int, *, ahead: int = 2) -> Iterator[list[Any]]:
    """Yield ``items`` in lists of ``size``, read by a background thread up to ``ahead`` batches
    ahead, so that loaders working in other processes keep working while the caller processes a
    batch. Errors of the loader are raised in the caller; when the caller stops early (an error,
    an interrupt) the loader's generator is closed in its own thread.
    """
    box: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                box.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        source = iter(items)
        try:
            for batch in _batched(source, size):
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the caller's thread
            put(_Failure(exc))
        finally:
            close = getattr(source, "close", None)
            if callable(close):
                close()

    thread = threading.Thread(target=work, name="secnews-loader", daemon=True)
    thread.start()
    try:
        while True:
            value = box.get()
            if value is _DONE:
                return
            if isinstance(value, _Failure):
                raise value.error
            yield value
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.1)
        thread.join()
