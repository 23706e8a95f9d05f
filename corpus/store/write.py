"""Writing a corpus folder: deterministic Parquet part files, the rejects table, the manifest
and the content hash (the atomic swap that replaces a previous corpus only once the new one is
complete is in :mod:`secnews.corpus.store.replace`; its names are importable from here too).

Determinism: the part files ``articles/part-*.parquet`` are written by :class:`ArticleWriter`
with fixed options (zstd level 1, dictionary encoding on the low-cardinality columns, one row
group per written batch of a fixed size) and cut at rows that depend only on the rows and the
part bound, so the same rows in the same order give the same bytes. The manifest is JSON with
sorted keys and contains no timestamps; ``rejects.csv`` keeps the input order.

Level 1 rather than 3: on the UN corpus the file is 69.1 MB instead of 59.5 MB, and the build
takes 9.5-9.8 s instead of 10.1-10.6 s (idle, 2 cores), which its speed target of 20 MB/s
(``benchmarks/bench_build.py``) needed. The corpus hash is the same either way.

The corpus hash (:class:`ContentHasher`) is computed from the stored values, in row order, of
every column except ``source_path`` (so moving the input files or building from another folder
does not change it); it does not depend on how the rows are split into parts or row groups, on
compression or on timestamps: one part or a hundred give the same hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from secnews.corpus.record import Reject
from secnews.corpus.store.layout import ARTICLES_DIR, MAX_PARTS, PART_BYTES, part_name
from secnews.corpus.store.read import ARTICLES_SCHEMA, STORE_COLUMNS

# the replacement of a corpus folder has its own module; these names stay importable from here
from secnews.corpus.store.replace import (
    CORPUS_ENTRIES,
    CORPUS_FORMAT,
    corpus_format,
    replace_dir,
    replace_problem,
    staging_dir,
)

__all__ = [
    "CORPUS_ENTRIES",
    "CORPUS_FORMAT",
    "ArticleWriter",
    "ContentHasher",
    "RejectWriter",
    "corpus_format",
    "file_sha256",
    "replace_dir",
    "replace_problem",
    "row_bytes",
    "staging_dir",
    "write_manifest",
    "write_rejects",
]

logger = logging.getLogger(__name__)

_DICTIONARY_COLUMNS = ["outlet", "language", "loader", "dateline_place", "author", "source_path"]
_HASHED_COLUMNS = [c for c in STORE_COLUMNS if c != "source_path"]


def file_sha256(path: str | Path, *, chunk_size: int = 1 << 20) -> str:
    """Return the hexadecimal SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


class ContentHasher:
    """Incremental corpus hash over stored rows (see the module docstring).

    Every hashed column feeds its own streams: the null mask (one byte per row), the values
    (UTF-8 bytes of strings, 8-byte little-endian integers, microseconds or float64) and, for
    strings, the byte length of each value (8-byte little-endian). Streams are concatenations
    over rows, so the hash does not depend on how rows are split into batches or row groups. The
    corpus hash is the SHA-256 of the column names and the digests of their streams, in column
    order.
    """

    def __init__(self) -> None:
        self._streams = {
            name: (hashlib.sha256(), hashlib.sha256(), hashlib.sha256()) for name in _HASHED_COLUMNS
        }
        self.rows = 0

    def update(self, table: pa.Table) -> None:
        """Add the rows of ``table`` (columns of :data:`~secnews.corpus.store.read.STORE_COLUMNS`)."""
        for name in _HASHED_COLUMNS:
            nulls, values, lengths = self._streams[name]
            for chunk in table.column(name).chunks:
                _hash_chunk(chunk, nulls, values, lengths)
        self.rows += table.num_rows

    def hexdigest(self) -> str:
        """Return the hash of the rows added so far."""
        digest = hashlib.sha256()
        for name in _HASHED_COLUMNS:
            digest.update(name.encode("utf-8") + b"\0")
            for stream in self._streams[name]:
                digest.update(stream.digest())
        return digest.hexdigest()


def _hash_chunk(chunk: pa.Array, nulls: Any, values: Any, lengths: Any) -> None:
    import numpy as np
    import pyarrow.compute as pc

    mask = chunk.is_null().to_numpy(zero_copy_only=False).astype(np.uint8)
    nulls.update(mask.tobytes())
    if pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type):
        sizes = pc.binary_length(chunk).fill_null(0).to_numpy(zero_copy_only=False)
        lengths.update(sizes.astype("<i8").tobytes())
        filled = chunk.fill_null("")
        offsets_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        buffers = filled.buffers()
        first = filled.offset
        offsets = np.frombuffer(buffers[1], dtype=offsets_type)[first : first + len(filled) + 1]
        if len(offsets) and buffers[2] is not None:
            data = memoryview(buffers[2])[int(offsets[0]) : int(offsets[-1])]
            values.update(data)
        return
    if pa.types.is_timestamp(chunk.type):
        chunk = chunk.cast(pa.int64())
    filled = chunk.fill_null(0)
    array = filled.to_numpy(zero_copy_only=False)
    values.update(array.astype("<f8" if pa.types.is_floating(filled.type) else "<i8").tobytes())


#: Bytes :func:`row_bytes` counts for each value of a column that is not a string.
_FIXED_BYTES = 8


def row_bytes(table: pa.Table) -> Any:
    """The data size of each row of ``table``, the measure of the part bound: the UTF-8 bytes of
    its string values (a null counts 0) plus 8 bytes for each other column.

    It depends only on the values, not on how Arrow holds them (chunks, null bitmaps), so the
    rows a part takes depend only on the rows and the bound.

    Returns
    -------
    numpy.ndarray
        One int64 per row.
    """
    import numpy as np
    import pyarrow.compute as pc

    sizes = np.zeros(table.num_rows, dtype=np.int64)
    for field in table.schema:
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            lengths = pc.binary_length(table.column(field.name)).fill_null(0)
            sizes += lengths.to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            sizes += _FIXED_BYTES
    return sizes


def _parquet_writer(path: Path) -> pq.ParquetWriter:
    return pq.ParquetWriter(
        str(path),
        ARTICLES_SCHEMA,
        compression="zstd",
        compression_level=1,
        use_dictionary=_DICTIONARY_COLUMNS,
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
    )


class ArticleWriter:
    """Write the rows of a corpus into part files ``articles/part-00000.parquet``, ... of the
    corpus folder, batch by batch, with deterministic options.

    A part takes rows, in order, until the next one would bring it over ``part_bytes`` of row
    data (:func:`row_bytes`) or ``part_rows`` rows; then the next part starts (a row larger than
    the bound gets a part of its own). So the parts depend only on the rows and the bounds, not
    on the batches written. Each call of :meth:`write` adds row groups of at most
    ``row_group_size`` rows (a part boundary inside a batch also ends a row group), so that
    memory stays bounded by one batch. A corpus without rows still gets one part, which holds
    the schema. Use as a context manager; after :meth:`close`, :attr:`parts` describes the
    files for the manifest.

    Parameters
    ----------
    folder
        The corpus folder; ``articles/`` is created in it and must not exist yet.
    row_group_size
        Maximum rows per row group.
    part_bytes
        Maximum row data per part (bytes, default :data:`PART_BYTES`).
    part_rows
        Maximum rows per part (``None``: no bound on rows).
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        row_group_size: int = 1000,
        part_bytes: int = PART_BYTES,
        part_rows: int | None = None,
    ) -> None:
        if row_group_size < 1 or part_bytes < 1 or (part_rows is not None and part_rows < 1):
            raise ValueError("row_group_size, part_bytes and part_rows must be at least 1")
        self.folder = Path(folder)
        self.row_group_size = row_group_size
        self.part_bytes = part_bytes
        self.part_rows = part_rows
        self.directory = self.folder / ARTICLES_DIR
        self.directory.mkdir()
        #: The finished parts: ``file`` (relative to the folder), ``rows``, ``bytes``, ``sha256``.
        self.parts: list[dict[str, Any]] = []
        self._part: pq.ParquetWriter | None = None
        self._part_rows = 0
        self._part_data = 0
        self._closed = False
        self._hasher = ContentHasher()
        # the content hash runs in a thread while the next row group is compressed (both
        # release the GIL); one thread keeps the order of the updates
        self._hashing: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def write(self, table: pa.Table) -> None:
        """Append rows (a table with the schema :data:`~secnews.corpus.store.read.ARTICLES_SCHEMA`)."""
        if self._closed:
            raise ValueError("the writer is closed")
        if table.num_rows == 0:
            return
        table = table.select(list(STORE_COLUMNS)).cast(ARTICLES_SCHEMA)
        if self._hashing is None:
            self._hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnews-hash")
        self._pending.append(self._hashing.submit(self._hasher.update, table))
        sizes = row_bytes(table)
        start = 0
        while start < table.num_rows:
            count = self._room(sizes[start:])
            if count == 0:
                self._finish_part()
                continue
            if self._part is None:
                self._part = self._open_part()
            self._part.write_table(table.slice(start, count), row_group_size=self.row_group_size)
            self._part_rows += count
            self._part_data += int(sizes[start : start + count].sum())
            start += count
        self._wait(keep=1)

    def _room(self, sizes: Any) -> int:
        """How many of the next rows (their :func:`row_bytes` ``sizes``) the open part takes."""
        import numpy as np

        limit = len(sizes)
        if self.part_rows is not None:
            limit = min(limit, self.part_rows - self._part_rows)
        room = self.part_bytes - self._part_data
        count = int(np.searchsorted(np.cumsum(sizes[:limit]), room, side="right"))
        return max(count, 1) if self._part_rows == 0 else count

    def _open_part(self) -> pq.ParquetWriter:
        if len(self.parts) >= MAX_PARTS:
            raise ValueError(
                f"more than {MAX_PARTS:,} parts: their names would no longer sort in row order; "
                "raise the part bound"
            )
        return _parquet_writer(self.directory / part_name(len(self.parts)))

    def _finish_part(self) -> None:
        if self._part is None:  # a corpus without rows: one part with the schema only
            self._part = self._open_part()
        self._part.close()
        self._part = None
        path = self.directory / part_name(len(self.parts))
        self.parts.append(
            {
                "file": f"{ARTICLES_DIR}/{path.name}",
                "rows": self._part_rows,
                "bytes": path.stat().st_size,
                "sha256": file_sha256(path),
            }
        )
        self._part_rows = self._part_data = 0

    @property
    def hasher(self) -> ContentHasher:
        """The :class:`ContentHasher` of the rows written so far (waits for its updates)."""
        self._wait()
        return self._hasher

    def _wait(self, keep: int = 0) -> None:
        """Finish the hash updates but the last ``keep`` (errors are raised here)."""
        while len(self._pending) > keep:
            self._pending.pop(0).result()

    def close(self) -> None:
        """Finish the last part (a corpus without rows still gets one, with the schema)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._wait()
        finally:
            if self._hashing is not None:
                self._hashing.shutdown(wait=True, cancel_futures=True)
                self._hashing = None
            if self._part is not None or not self.parts:
                self._finish_part()

    def __enter__(self) -> ArticleWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class RejectWriter:
    """Write ``rejects.csv`` (``source_path,row,reason``; ``row`` empty for a whole file) one
    reject at a time, in the order given. Use as a context manager.

    Parameters
    ----------
    path
        The CSV file to create.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._handle: Any = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(["source_path", "row", "reason"])

    def write(self, reject: Reject) -> None:
        """Append one reject."""
        if self._handle is None:
            raise ValueError("the writer is closed")
        self._writer.writerow(
            [reject.source_path, "" if reject.row is None else reject.row, reject.reason]
        )
        self.count += 1

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RejectWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_rejects(path: str | Path, rejects: Iterable[Reject]) -> int:
    """Write ``rejects.csv`` (``source_path,row,reason``; ``row`` empty for a whole file).

    Returns
    -------
    int
        Number of rejects written.
    """
    with RejectWriter(path) as writer:
        for reject in rejects:
            writer.write(reject)
        return writer.count


def write_manifest(path: str | Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json``: sorted keys, two-space indent, UTF-8, final newline."""
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2, default=str)
    Path(path).write_text(text + "\n", encoding="utf-8")
