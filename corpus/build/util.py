"""Helpers of the build: a loader prefetch thread, word counts, column-wise Arrow tables and
record rows without :func:`dataclasses.asdict` (which deep-copies every text)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from secnews.corpus.loaders.sources import Source
from secnews.corpus.record import ARTICLE_COLUMNS, Article
from secnews.corpus.store.read import ARTICLES_SCHEMA

__all__ = [
    "RelativePaths",
    "StagedTables",
    "article_row",
    "count_words",
    "prefetch_batches",
    "rows_to_table",
]


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds lone surrogates (the undecodable bytes of a file name, a lone
    ``\\ud800`` of JSON), which cannot be stored as UTF-8."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def escape_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as an escape: the byte of a file name that is
    not UTF-8 (``os.fsdecode``'s ``\\udce9``) as ``\\xe9``, any other as ``\\ud800``. A file
    named ``caf\\xe9.csv`` in Latin-1 is stored as the text ``caf\\xe9.csv``."""
    if not has_surrogates(text):
        return text

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"

    return _SURROGATE.sub(escape, text)


def escape_value(value: Any) -> Any:
    """:func:`escape_surrogates` applied to every string of a JSON-like value."""
    if isinstance(value, str):
        return escape_surrogates(value)
    if isinstance(value, list | tuple):
        return [escape_value(v) for v in value]
    if isinstance(value, dict):
        return {escape_surrogates(str(k)): escape_value(v) for k, v in value.items()}
    return value


class RelativePaths:
    """:meth:`Source.relative <secnews.corpus.loaders.sources.Source.relative>` with one call per
    folder: a file's path is its folder's relative path plus its name (the rule is lexical, so
    this gives the same strings), which saves normalizing every path of a large folder again.

    Parameters
    ----------
    source
        The source whose ``base`` the paths are made relative to.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self._folders: dict[str, str | None] = {}

    def __call__(self, path: str) -> str:
        """Return ``source.relative(path)``, lone surrogates escaped (:func:`escape_surrogates`)."""
        return escape_surrogates(self._relative(path))

    def _relative(self, path: str) -> str:
        head, name = os.path.split(path)
        if not head or not name or name in (".", "..") or self.source.base is None:
            return self.source.relative(path)
        folder = self._folders.get(head, "")
        if folder == "":
            folder = self._folders[head] = self._folder(head)
        if folder is None:  # outside the base: the path is kept as given
            return path
        return f"{folder}/{name}" if folder else name

    def _folder(self, head: str) -> str | None:
        """The relative POSIX path of a folder ("" for the base itself), ``None`` outside."""
        return self.source.below_base(head)


class StagedTables:
    """The processed batches of a build until ``dup_of`` is known: kept in memory up to
    ``max_memory`` bytes, then spilled (oldest first) to an uncompressed Parquet file, so memory
    stays bounded on any corpus and a corpus that fits skips the round trip through the disk.

    Each table is one row group (at most ``row_group_size`` rows); :meth:`tables` returns them
    in the order they were written.
    """

    def __init__(
        self, path: Path, schema: pa.Schema, *, row_group_size: int, max_memory: int
    ) -> None:
        self.path = Path(path)
        self.schema = schema
        self.row_group_size = row_group_size
        self.max_memory = max_memory
        self._held: list[pa.Table] = []
        self._held_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._spilled = False

    def write(self, table: pa.Table) -> None:
        """Add the next batch."""
        self._held.append(table)
        self._held_bytes += table.nbytes
        if self._held_bytes > self.max_memory:
            self._spill()

    def _spill(self) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(
                str(self.path),
                self.schema,
                compression="none",
                use_dictionary=False,  # a scratch file: no time spent encoding the texts
                write_statistics=False,
            )
            self._spilled = True
        for table in self._held:
            self._writer.write_table(table, row_group_size=self.row_group_size)
        self._held, self._held_bytes = [], 0

    def close(self) -> None:
        """Finish the staging file (if one was started)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def tables(self) -> Iterator[pa.Table]:
        """Yield every batch written, in order (the spilled ones read back one by one)."""
        self.close()
        if self._spilled:
            with pq.ParquetFile(self.path) as parquet:
                for group in range(parquet.num_row_groups):
                    yield parquet.read_row_group(group)
        yield from self._held

    def remove(self) -> None:
        """Drop the batches and delete the staging file."""
        self.close()
        self._held, self._held_bytes = [], 0
        if self._spilled:
            self.path.unlink(missing_ok=True)
            self._spilled = False


def count_words(texts: Sequence[str]) -> list[int]:
    """Return ``len(text.split())`` for every text (white-space separated words).

    :func:`secnews.corpus.clean.boilerplate.word_count` computes the same count for one text; this is
    the one the build uses (``n_words``).
    """
    return [len(text.split()) for text in texts]


def article_row(article: Article) -> dict[str, Any]:
    """The record as a flat dict in :data:`~secnews.corpus.record.ARTICLE_COLUMNS` order, the same
    as :meth:`Article.to_row` but without copying the texts."""
    row = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
    row["meta"] = json.dumps(article.meta, ensure_ascii=False, sort_keys=True, default=str)
    return row


def rows_to_table(
    rows: Sequence[dict[str, Any]], *, text_utf8: Sequence[bytes] | None = None
) -> pa.Table:
    """Build an Arrow table with :data:`~secnews.corpus.store.read.ARTICLES_SCHEMA` column by column.

    ``text_utf8``, the UTF-8 encoding of every row's ``text`` (made by ``str.encode``, so
    valid), gives the ``text`` column from these bytes instead of encoding the texts again.
    """
    arrays = []
    for field in ARTICLES_SCHEMA:
        if field.name == "text" and text_utf8 is not None:
            arrays.append(_utf8_column(text_utf8, field.type))
        else:
            arrays.append(pa.array([row[field.name] for row in rows], type=field.type))
    return pa.Table.from_arrays(arrays, schema=ARTICLES_SCHEMA)


def _utf8_column(values: Sequence[bytes], kind: pa.DataType) -> pa.Array:
    """A string column from UTF-8 bytes, copied once into the Arrow buffers."""
    import numpy as np

    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if kind != pa.string() or offsets[-1] >= 2**31:
        return pa.array([v.decode("utf-8") for v in values], type=kind)
    data = pa.py_buffer(b"".join(values))
    index = pa.py_buffer(offsets.astype(np.int32))
    return pa.Array.from_buffers(kind, len(values), [None, index, data])


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
