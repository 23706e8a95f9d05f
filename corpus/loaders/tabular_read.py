"""Reading the rows of table files (the format layer of :mod:`secnews.corpus.loaders.tabular`).

Each reader yields one item per data row: a ``dict`` (column -> cell) or a string, the specific
reason why that row is bad. A file that cannot be read at all raises :class:`RowError` (or
:class:`~secnews.corpus.loaders.decode.DecodeError`) whose message is the reason.

CSV recovery: the csv module (strict mode) parses records from a line source that remembers the
lines of the current record. A record with the wrong number of fields, broken quoting or an
oversized cell is reported as bad, and when it spans several lines, parsing resumes at its
second line, so that an unclosed quote cannot swallow the rest of the file. Blank lines between
records are not rows. A cell over the size limit makes its record bad as a whole (the record is
read to its end once more without the limit, so its lines do not come back as rows), unless the
re-read shows an unclosed quote. A record holding a NUL byte is bad (the file is decoded with its
NULs kept). A physical line with more than ``max_columns`` fields outside quotes is replaced
before the csv module sees it, so a 50 MB header of 25 million columns is refused without being
split (and a header over the limit makes the file unreadable). Excel: a part of the workbook that
inflates more than 100 times (Apache POI's zip-bomb rule) makes the file unreadable before it is
parsed; empty rows before a data row are reported as empty rows; a run of ``max_blank_rows``
empty rows ends the sheet (sheets are often formatted down to row 1,048,576).

JSON records need not share their keys: the columns of a JSON or JSON Lines file are the union of
the keys of all its records (in order of first appearance), and a record without a key has
``None`` there (JSON Lines are parsed twice for this: once for the keys, once for the rows).
Parquet is read one row group at a time: a row group that cannot be decoded gives one bad-row
reason per row it holds (its row count comes from the file's metadata) and the following groups
are still read. Any other error while a file is iterated propagates to the caller, which keeps
the rows read so far.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from secnews.corpus.loaders.decode import decode_bytes

__all__ = ["RowError", "is_inline", "is_text", "read_rows", "type_name"]

logger = logging.getLogger(__name__)


class RowError(Exception):
    """A bad row; the message is the reject reason."""


def type_name(value: Any) -> str:
    """The type of a cell for a reject reason: ``dict``, ``list of dict, int``."""
    if isinstance(value, list | tuple):
        inner = sorted(
            {type(v).__name__ for v in value if not isinstance(v, str) and v is not None}
        )
        return f"{type(value).__name__} of {', '.join(inner)}"
    return type(value).__name__


def is_text(value: Any) -> bool:
    """A string, or a list of strings (empty items allowed)."""
    if isinstance(value, list | tuple):
        return all(v is None or isinstance(v, str) for v in value)
    return isinstance(value, str)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def is_inline(value: Any) -> bool:
    """A string or number, or a list of those: what a record field other than text accepts."""
    if isinstance(value, list | tuple):
        return all(v is None or _is_scalar(v) for v in value)
    return _is_scalar(value)


def _decoded(path: Path, *, keep_nul: bool = False) -> str:
    with open(path, "rb") as handle:
        text, encoding = decode_bytes(handle.read(), keep_nul=keep_nul)
    logger.debug("%s decoded as %s", path, encoding)
    return text


#: What a physical CSV line with too many fields is replaced by before the csv module sees it
#: (noncharacters, so that no real cell equals it).
_TOO_WIDE = "\ufdd0secnews: too many fields\ufdd0"
_QUOTED = re.compile(r'"[^"]*"')


def _too_wide(line: str, delimiter: str, max_columns: int) -> bool:
    """Whether a physical line holds more than ``max_columns`` fields outside quoted cells
    (counting first, in C, so that ordinary lines cost nothing)."""
    if line.count(delimiter) < max_columns:
        return False
    return _QUOTED.sub("", line).count(delimiter) >= max_columns


class _Lines:
    """A line iterator with push-back, remembering the lines of the current CSV record.

    A line with more than ``max_columns`` fields is replaced by :data:`_TOO_WIDE` so that the
    csv module never builds a list of millions of cells from it.
    """

    def __init__(self, text: str, delimiter: str = ",", max_columns: int = 0) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self._back: list[str] = []
        self.taken: list[str] = []
        self.line_no = 0
        self._delimiter = delimiter
        self._max_columns = max_columns

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            line = self._back.pop()
        else:
            line = next(self._lines)
            if self._max_columns and _too_wide(line, self._delimiter, self._max_columns):
                line = _TOO_WIDE + ("\n" if line.endswith("\n") else "")
        self.taken.append(line)
        self.line_no += 1
        return line

    def push_back(self, lines: list[str]) -> None:
        self._back.extend(reversed(lines))
        self.line_no -= len(lines)


def _csv_rows(
    text: str, delimiter: str, max_cell: int, max_columns: int = 0
) -> Iterator[tuple[int, list[str] | str]]:
    """Yield (first line number, cells or reason) per CSV record, recovering from broken ones.

    The csv module's field size limit is process-wide: it is set to ``max_cell`` before each
    record, so that interleaved loaders with different settings each get their own limit, and
    restored after it. A
    record with a NUL character, or a line with more than ``max_columns`` fields, is bad.
    """
    lines = _Lines(text, delimiter, max_columns)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    width: int | None = None
    while True:
        lines.taken = []
        start = lines.line_no + 1
        whole = False  # the bad record was read to its end: do not resume inside it
        previous = csv.field_size_limit(max_cell)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            row = None
            if "field larger than field limit" in message:
                message = f"cell larger than the limit ({max_cell:,} characters)"
                _skip_record(reader, lines, width)
                whole = True  # _skip_record resumed where it should
            reason = f"malformed CSV row (line {start}): {message}"
        finally:
            csv.field_size_limit(previous)  # the limit is process-wide: leave it as it was
        if row is not None and not row:
            continue  # a blank line between records
        if row is not None and _TOO_WIDE in row:
            row, whole = None, True
            reason = f"malformed CSV row (line {start}): more than {max_columns:,} fields"
        elif row is not None and any("\x00" in cell for cell in row):
            row, whole = None, True
            reason = f"NUL byte in the row (line {start}): binary data in a text table"
        if width is None:
            if row is None:
                yield start, reason
                continue
            width = len(row)
            yield start, row
            continue
        if row is not None and len(row) == width:
            yield start, row
            continue
        if row is not None:
            reason = f"malformed CSV row (line {start}): {len(row)} fields, expected {width}"
        taken = lines.taken
        if len(taken) > 1 and not whole:  # resume at the next line: a bad quote must not eat
            lines.push_back(taken[1:])  # later rows
        yield start, reason


def _skip_record(reader: Any, lines: _Lines, width: int | None) -> None:
    """After a cell over the limit: read the record again without a limit. When it has the
    header's number of fields it was one record with a huge cell, now consumed; otherwise (an
    unclosed quote that ran on) the lines it took are given back, except the first, so that
    parsing resumes at its second line."""
    lines.push_back(lines.taken)
    lines.taken = []
    csv.field_size_limit(sys.maxsize)
    try:
        again = next(reader)
    except (csv.Error, StopIteration):
        again = None
    if again is not None and width is not None and len(again) == width:
        return
    taken = lines.taken
    lines.taken = taken[:1]
    if len(taken) > 1:
        lines.push_back(taken[1:])


def _iter_csv(
    path: Path, delimiter: str, max_cell: int, max_columns: int
) -> Iterator[dict[str, Any] | str]:
    header: list[str] | None = None
    text = _decoded(path, keep_nul=True)
    for _, row in _csv_rows(text, delimiter, max_cell, max_columns):
        if header is None:
            if isinstance(row, str):
                raise RowError(f"unreadable header: {row}")
            header = _unique(row)
            continue
        yield row if isinstance(row, str) else dict(zip(header, row, strict=True))


def _unique(names: Iterable[Any]) -> list[str]:
    out: list[str] = []
    seen: Counter[str] = Counter()
    for index, raw in enumerate(names, start=1):
        name = str(raw).strip() if raw is not None and str(raw).strip() else f"column_{index}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _union_keys(records: Iterable[Any], max_columns: int) -> list[str]:
    keys: dict[str, None] = {}
    for item in records:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(item))
            _check_width(len(keys), max_columns, "distinct keys")
    return list(keys)


def _check_width(n: int, max_columns: int, what: str = "columns") -> None:
    if max_columns and n > max_columns:
        raise RowError(f"more than {max_columns:,} {what} ({n:,}): not a table of articles")


def _complete(item: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The record with ``None`` for the keys it lacks (its own keys keep their order)."""
    if len(item) == len(keys):
        return item
    return {**item, **{k: None for k in keys if k not in item}}


#: A JSON escape of a surrogate: its string may hold a lone one, which is not text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """Every lone surrogate of the strings of a JSON value replaced by U+FFFD (as a decoder does
    with bytes that are not text)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _iter_json(path: Path, max_columns: int) -> Iterator[dict[str, Any] | str]:
    text = _decoded(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RowError(f"malformed JSON: {exc}") from exc
    except RecursionError as exc:
        raise RowError("malformed JSON: nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(text):
        data = _without_surrogates(data)
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise RowError("JSON object without exactly one list of records")
        data = lists[0]
    if not isinstance(data, list):
        raise RowError(f"JSON top level is a {type(data).__name__}, not a list of records")
    keys = _union_keys(data, max_columns)
    for item in data:
        yield (
            _complete(item, keys)
            if isinstance(item, dict)
            else f"record is a {type(item).__name__}, not an object"
        )


def _jsonl_keys(text: str, max_columns: int) -> list[str]:
    keys: dict[str, None] = {}
    for line in io.StringIO(text):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(item, dict):
            keys.update(dict.fromkeys(item))
            _check_width(len(keys), max_columns, "distinct keys")
    return list(keys)


def _iter_jsonl(path: Path, max_columns: int) -> Iterator[dict[str, Any] | str]:
    text = _decoded(path, keep_nul=True)  # a line with a raw NUL is malformed JSON: that line
    keys = _jsonl_keys(text, max_columns)
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"malformed JSON line (line {number}): {exc.msg}"
            continue
        except RecursionError:
            yield f"malformed JSON line (line {number}): nested too deeply"
            continue
        if _SURROGATE_ESCAPE.search(line):
            item = _without_surrogates(item)
        yield (
            _complete(item, keys)
            if isinstance(item, dict)
            else f"line {number} is not a JSON object"
        )


#: Largest expansion of a member of an Excel file (uncompressed / compressed size) beyond
#: :data:`ZIP_GRACE_BYTES`: Apache POI's rule against zip bombs (its minimum inflate ratio 0.01).
MAX_INFLATE_RATIO = 100
#: Members smaller than this (uncompressed) are not checked for their inflate ratio.
ZIP_GRACE_BYTES = 1 << 20


def _check_zip_bomb(path: Path) -> None:
    """Refuse an Excel file one of whose members inflates more than :data:`MAX_INFLATE_RATIO`
    times (a 441 KB file holding a cell of 150 million characters), before parsing it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl gives the specific reason
    for info in infos:
        if info.file_size > ZIP_GRACE_BYTES and info.file_size > MAX_INFLATE_RATIO * max(
            info.compress_size, 1
        ):
            raise RowError(
                f"Excel file refused: {info.filename} inflates from {info.compress_size:,} to "
                f"{info.file_size:,} bytes (more than {MAX_INFLATE_RATIO}x, a zip bomb or an "
                "absurd cell)"
            )


def _iter_xlsx(
    path: Path, sheet_name: str | None, max_blank: int, max_columns: int
) -> Iterator[dict[str, Any] | str]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip_bomb(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise RowError(f"unreadable Excel file: {type(exc).__name__}: {exc}") from exc
    try:
        if sheet_name is not None and sheet_name not in book.sheetnames:
            raise RowError(f"no sheet {sheet_name!r} (sheets: {', '.join(book.sheetnames)})")
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        header: list[str] | None = None
        blank = 0
        for values in sheet.iter_rows(values_only=True):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                blank += 1
                if header is not None and blank > max_blank:
                    logger.info("%s: stopped after %d empty rows", path, blank)
                    return  # the formatted but empty rest of the sheet
                continue
            if header is None:
                _check_width(len(values), max_columns)
                header = _unique(values)
                blank = 0
                continue
            for _ in range(blank):  # empty rows between data rows are rows
                yield "empty row (every cell is empty)"
            blank = 0
            # Excel stores some characters as "_xHHHH_" escapes (a carriage return as _x000D_);
            # openpyxl leaves them in the text.
            cells = [unescape(v) if isinstance(v, str) and "_x" in v else v for v in values]
            if len(cells) > len(header) and any(v is not None for v in cells[len(header) :]):
                yield f"row has {len(cells)} cells, header has {len(header)}"
                continue
            cells += [None] * (len(header) - len(cells))
            yield dict(zip(header, cells[: len(header)], strict=True))
    finally:
        book.close()


def _iter_parquet(path: Path, max_columns: int) -> Iterator[dict[str, Any] | str]:
    with contextlib.ExitStack() as stack:
        try:
            os.fspath(path).encode("utf-8")
            source: Any = path
        except UnicodeEncodeError:  # pyarrow wants a UTF-8 name: give it the open file instead
            source = stack.enter_context(open(path, "rb"))
        yield from _parquet_rows(path, source, max_columns)


def _parquet_rows(path: Path, source: Any, max_columns: int) -> Iterator[dict[str, Any] | str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as exc:
        raise RowError(f"unreadable Parquet file: {exc}") from exc
    _check_width(reader.metadata.num_columns, max_columns)
    for group in range(reader.num_row_groups):
        size = reader.metadata.row_group(group).num_rows
        done = 0
        try:
            for batch in reader.iter_batches(batch_size=1024, row_groups=[group]):
                rows = batch.to_pylist()
                done += len(rows)
                yield from rows
        except (pa.ArrowException, OSError, ValueError) as exc:
            logger.warning("%s: Parquet row group %d unreadable: %s", path, group, exc)
            message = " ".join(str(exc).split())
            reason = f"unreadable Parquet row group {group} ({size:,} rows): {message}"
            for _ in range(max(size - done, 0)):
                yield reason


def read_rows(
    path: Path,
    fmt: str,
    *,
    delimiter: str | None = None,
    sheet: str | None = None,
    max_cell_chars: int = 10_000_000,
    max_blank_rows: int = 1000,
    max_columns: int = 16_384,
) -> Iterator[dict[str, Any] | str]:
    """Yield the data rows of a table file: a dict per row, or the reason a row is bad.

    Parameters
    ----------
    path
        The file.
    fmt
        ``csv``, ``tsv``, ``json``, ``jsonl``, ``xlsx`` or ``parquet``.
    delimiter
        CSV delimiter (``None``: comma for CSV, tab for TSV).
    sheet
        Excel sheet (``None``: the first).
    max_cell_chars
        Larger CSV cells make their row bad (the other formats are checked by the caller, on
        the values read).
    max_blank_rows
        Consecutive empty Excel rows after which the rest of the sheet is not read.
    max_columns
        A header (or JSON key set, or Parquet schema) with more columns makes the file bad; a
        CSV line with more fields makes its row bad.

    Raises
    ------
    RowError, DecodeError, OSError
        When the file as a whole cannot be read (the message is the reason).
    """
    if fmt in ("csv", "tsv"):
        separator = delimiter or ("\t" if fmt == "tsv" else ",")
        return _iter_csv(path, separator, max_cell_chars, max_columns)
    if fmt == "json":
        return _iter_json(path, max_columns)
    if fmt == "jsonl":
        return _iter_jsonl(path, max_columns)
    if fmt == "xlsx":
        return _iter_xlsx(path, sheet, max_blank_rows, max_columns)
    if fmt == "parquet":
        return _iter_parquet(path, max_columns)
    raise RowError(f"unknown table format {fmt!r}")
