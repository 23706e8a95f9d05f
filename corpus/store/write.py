"""Writing a corpus folder: deterministic Parquet, the rejects table, the manifest, the content
hash, and the atomic swap that replaces a previous corpus only once the new one is complete.

Determinism: ``articles.parquet`` is written by :class:`ArticleWriter` with fixed options (zstd
level 1, dictionary encoding on the low-cardinality columns, one row group per written batch of a
fixed size), so the same rows in the same order give the same bytes. The manifest is JSON with
sorted keys and contains no timestamps; ``rejects.csv`` keeps the input order.

Level 1 rather than 3: on the UN corpus the file is 69.1 MB instead of 59.5 MB, and the build
takes 9.5-9.8 s instead of 10.1-10.6 s (idle, 2 cores), which its speed target of 20 MB/s
(``benchmarks/bench_build.py``) needed. The corpus hash is the same either way.

The corpus hash (:class:`ContentHasher`) is computed from the stored values, in row order, of
every column except ``source_path`` (so moving the input files or building from another folder
does not change it); it does not depend on row-group sizes, compression or timestamps.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from secnews.corpus.atomic import current_umask
from secnews.corpus.record import Reject
from secnews.corpus.store.read import ARTICLES_SCHEMA, MANIFEST_FILE, STORE_COLUMNS

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


class ArticleWriter:
    """Write ``articles.parquet`` batch by batch with deterministic options.

    Each call of :meth:`write` adds row groups of at most ``row_group_size`` rows, so that memory
    stays bounded by one batch. Use as a context manager.

    Parameters
    ----------
    path
        The Parquet file to create.
    row_group_size
        Maximum rows per row group.
    """

    def __init__(self, path: str | Path, *, row_group_size: int = 1000) -> None:
        self.path = Path(path)
        self.row_group_size = row_group_size
        self._hasher = ContentHasher()
        # the content hash runs in a thread while the next row group is compressed (both
        # release the GIL); one thread keeps the order of the updates
        self._hashing: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            str(self.path),
            ARTICLES_SCHEMA,
            compression="zstd",
            compression_level=1,
            use_dictionary=_DICTIONARY_COLUMNS,
            write_statistics=True,
            version="2.6",
            data_page_version="1.0",
        )

    def write(self, table: pa.Table) -> None:
        """Append rows (a table with the schema :data:`~secnews.corpus.store.read.ARTICLES_SCHEMA`)."""
        if self._writer is None:
            raise ValueError("the writer is closed")
        if table.num_rows == 0:
            return
        table = table.select(list(STORE_COLUMNS)).cast(ARTICLES_SCHEMA)
        if self._hashing is None:
            self._hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnews-hash")
        self._pending.append(self._hashing.submit(self._hasher.update, table))
        self._writer.write_table(table, row_group_size=self.row_group_size)
        self._wait(keep=1)

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
        """Finish the file (an empty corpus still gets a valid file with the schema)."""
        try:
            self._wait()
        finally:
            if self._hashing is not None:
                self._hashing.shutdown(wait=True, cancel_futures=True)
                self._hashing = None
            if self._writer is not None:
                self._writer.close()
                self._writer = None

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


# -- atomic replacement of a corpus folder ---------------------------------------------------------
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


#: Format tag of the manifest a build writes; only folders whose manifest has it are replaced.
CORPUS_FORMAT = "secnews-corpus/1"
#: What a corpus folder holds (the corpus files, the preprocessing cache of the analyses and the
#: ``step.json`` of a study's build step); a folder with anything else in it is never replaced.
CORPUS_ENTRIES = frozenset(
    {"articles.parquet", MANIFEST_FILE, "rejects.csv", "preprocessed", "step.json"}
)


def corpus_format(folder: str | Path) -> str | None:
    """The ``format`` of ``folder/manifest.json`` when it is a secnews corpus manifest, else
    ``None`` (no manifest, not JSON, not an object, or no ``secnews-corpus/`` format)."""
    try:
        with open(Path(folder) / MANIFEST_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    fmt = data.get("format") if isinstance(data, dict) else None
    return fmt if isinstance(fmt, str) and fmt.startswith("secnews-corpus/") else None


def replace_problem(out: str | Path) -> str | None:
    """Why the folder ``out`` may not be replaced by a new corpus, or ``None`` when it may.

    It may when it does not exist, is an empty folder, or is a secnews corpus: its
    ``manifest.json`` has a ``secnews-corpus/`` format and it holds nothing but the corpus
    files (:data:`CORPUS_ENTRIES`).
    """
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return None
    if out.is_symlink():
        return "it is a symbolic link (give the folder it points to)"
    if not out.is_dir():
        return "it is not a folder"
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return None
    if corpus_format(out) is None:
        if MANIFEST_FILE in entries:
            return f"its {MANIFEST_FILE} is not a secnews corpus manifest"
        return f"it is not a secnews corpus (no {MANIFEST_FILE})"
    foreign = [name for name in entries if name not in CORPUS_ENTRIES]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        return f"it holds files that are not part of a corpus ({shown})"
    return None


def replace_dir(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` at ``out``, replacing a previous corpus there.

    With ``renameat2(RENAME_EXCHANGE)`` (Linux) the swap is one atomic step; elsewhere the old
    folder is first renamed aside, so an interruption between the two renames leaves it in
    ``.{name}.old-*`` beside the target rather than losing it.
    """
    if not out.exists():
        os.replace(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # now holds the previous corpus
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _refuse(target: Path) -> None:
    problem = replace_problem(target)
    if problem is not None:
        raise FileExistsError(
            f"{target} exists and {problem}; refusing to replace it: choose another --out "
            "(a build only replaces an empty folder or a secnews corpus)"
        )


@contextlib.contextmanager
def staging_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` atomically.

    The lock of ``out`` (:func:`secnews.corpus.store.lock.target_lock`, a file
    ``.{name}.lock`` beside it) is held from the start to the swap, so two builds into one
    folder never interleave: the second fails at once and names the first. Holding the lock,
    the temporary folders of earlier builds that were killed (``.{name}.building-*``,
    ``.{name}.old-*``) are removed first.

    On any exception (including ``KeyboardInterrupt``) the temporary folder is removed and a
    previous corpus at ``out`` is left untouched.

    Raises
    ------
    FileExistsError
        When ``out`` exists and is neither an empty folder nor a secnews corpus (never deleted;
        see :func:`replace_problem`).
    secnews.corpus.store.lock.TargetLockedError
        When another build holds the lock of ``out``.
    """
    from secnews.corpus.store.lock import remove_stale, target_lock

    target = Path(out).absolute()
    _refuse(target)
    with target_lock(target):
        _refuse(target)
        remove_stale(target.parent, (f".{target.name}.building-*", f".{target.name}.old-*"))
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        try:
            yield tmp
            tmp.chmod(0o777 & ~current_umask())
            _refuse(target)
            replace_dir(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
