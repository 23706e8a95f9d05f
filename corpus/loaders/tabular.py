"""Loading tabular exports: CSV/TSV, JSON, JSON Lines, Excel ``.xlsx`` and Parquet.

**Formats** (from the extension unless :attr:`TableSettings.format` says otherwise): ``.csv``
(comma), ``.tsv``/``.tab`` (tab), ``.json`` (a list of objects, or an object holding one such
list), ``.jsonl``/``.ndjson`` (one object per line), ``.xlsx``/``.xlsm`` (first sheet, or
:attr:`TableSettings.sheet`; read-only streaming with openpyxl) and ``.parquet`` (record batches
with pyarrow). The first row of CSV and Excel files is the header. CSV, JSON Lines, Excel and
Parquet are streamed row by row; a JSON list is read whole (one file at a time).

**Column mapping.** :class:`ColumnMapping` says which column fills which record field; the CLI
form is parsed by :func:`parse_mapping` (``title=headline,text=body,published=date,
meta=location,summary``). Without a mapping the columns are guessed, case-insensitively, from the
names in :data:`AUTO_COLUMNS` (first match wins; ``summary`` and ``location`` are *not* guessed as
``lede`` or ``dateline_place``, they go to ``meta``), and every other column goes to ``meta``
(``meta=*``). With an explicit mapping, only the columns named in ``meta`` go there. The
``outlet`` argument, when given, is the outlet of every row (a mapped ``outlet`` column is then
ignored).

**Cells.** Text fields (``text``, ``lede``) go through
:func:`~secnews.corpus.clean.normalize.normalize_text`, the others through
:func:`~secnews.corpus.clean.normalize.normalize_inline`. Paragraphs: a list cell (the TASS JSON
``content``) holds one paragraph per item; a text cell that contains a blank line has paragraphs
separated by blank lines and its single line breaks become spaces; a text cell without any blank
line has one paragraph per line (CSV exports write paragraphs on single lines)
(:attr:`TableSettings.paragraphs` = ``"auto"``; ``"blank"`` or ``"newline"`` force one rule).
When the text starts with the lede (TASS repeats its description as the first paragraph), that
copy is removed from the text, unless nothing would remain.

**Cell types.** The text cell must be a string (or a list of strings, one paragraph each); any
other value (a number, a dict, a list of objects) rejects the row (``text is not a string
(dict)``) instead of becoming text like ``"{'a': 1}"``. The other record fields (title, lede,
author, ...) accept strings and numbers (a number is written as text: an Excel headline ``1984``
is read as the integer 1984) and lists of those; a dict or other object leaves the field null and
is kept in ``meta`` under its column name.

**Dates** are parsed by :func:`secnews.corpus.clean.dates.parse_date` (documented day-first rule).
A date that cannot be parsed, or names only a year or month, leaves ``published`` null, keeps the
raw value in ``meta["date_raw"]`` and is counted in :attr:`LoadStats.unparsed_dates`; a date
outside ``min_year..max_year`` (default 1800..2100) rejects the row (``implausible date``), and
so does a full numeric date whose year is out of that range even when no ``datetime`` can hold it
(``0000-01-01``, ``99999-01-01``: :func:`~secnews.corpus.clean.dates.stated_year`).

**Bad data never raises**; each bad row gives a :class:`~secnews.corpus.record.Reject` with the
1-based data row number (header not counted) and a specific reason, and the rows around it are
kept: malformed CSV rows (wrong number of fields, more fields than
:attr:`TableSettings.max_columns`, broken quoting -- after a broken row the parser resumes at its
next line, so an unclosed quote does not swallow the rest of the file), CSV rows holding a NUL
byte (only those rows: the file is decoded with its NULs kept, :func:`~secnews.corpus.loaders.decode.decode_bytes`),
cells larger than :attr:`TableSettings.max_cell_chars` in every format, rows without text, empty
rows, JSON lines that do not parse. A file with more columns than
:attr:`TableSettings.max_columns`, or an Excel file whose parts inflate more than 100 times
(Apache POI's rule against zip bombs), is rejected as a whole before its rows are built. A file that cannot be read at all (binary, empty, undecodable, a broken workbook,
no text column) gives one reject with ``row=None``. A file that breaks while it is read (a
truncated Excel sheet, a corrupt Parquet row group's metadata) keeps the rows read before and
ends with one reject ``unreadable <format> after row N: <error>``; an unexpected error while
building one row's article rejects that row only. A text cell of exactly 32,767 characters (Excel's
cell limit) is kept but flagged ``meta["truncated"] = True`` and counted.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from secnews.corpus.clean.dates import (
    DEFAULT_MAX_YEAR,
    DEFAULT_MIN_YEAR,
    is_plausible,
    parse_date,
    stated_year,
)
from secnews.corpus.clean.normalize import (
    join_paragraphs,
    normalize_inline,
    normalize_text,
    paragraphs,
)
from secnews.corpus.loaders.decode import DecodeError
from secnews.corpus.loaders.tabular_read import RowError, is_inline, is_text, read_rows, type_name
from secnews.corpus.record import Article, LoadResult, Reject, article_from_fields

__all__ = [
    "AUTO_COLUMNS",
    "EXCEL_CELL_LIMIT",
    "ColumnMapping",
    "LoadStats",
    "TableSettings",
    "load_table",
    "parse_mapping",
]

logger = logging.getLogger(__name__)

#: Excel's maximum number of characters in a cell; a cell of exactly this length was cut.
EXCEL_CELL_LIMIT = 32_767

#: Record field -> column names tried (case-insensitively, in order) when no mapping is given.
AUTO_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "story", "main_text"),
    "title": ("title", "headline", "heading", "header"),
    "lede": ("lede", "lead", "description", "standfirst", "subtitle", "subheadline", "dek"),
    "published": (
        "published",
        "date",
        "datetime",
        "pub_date",
        "publication_date",
        "published_at",
        "date_published",
        "timestamp",
        "time",
        "created_at",
    ),
    "url": ("url", "link", "href", "uri", "permalink"),
    "outlet": ("outlet", "source", "site", "site_name", "sitename", "publisher", "domain"),
    "author": ("author", "authors", "byline", "creator"),
    "language": ("language", "lang"),
    "dateline_place": ("dateline_place", "dateline"),
}
_RECORD_FIELDS = tuple(AUTO_COLUMNS)
_ALIASES = {"date": "published", "body": "text", "headline": "title", "lead": "lede"}
_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of the file fills which record field (``None``: not mapped).

    ``meta`` lists the columns copied into ``meta`` (under their own names); ``meta_all`` copies
    every column not mapped to a record field.
    """

    text: str | None = None
    title: str | None = None
    lede: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    dateline_place: str | None = None
    meta: tuple[str, ...] = ()
    meta_all: bool = False

    def columns(self) -> dict[str, str]:
        """Record field -> column, for the mapped fields."""
        return {
            name: getattr(self, name) for name in _RECORD_FIELDS if getattr(self, name) is not None
        }


def parse_mapping(spec: str) -> ColumnMapping:
    """Parse the CLI form of a column mapping.

    Parameters
    ----------
    spec
        Comma-separated ``field=column`` pairs; the fields are the record's (``text``, ``title``,
        ``lede``, ``published``, ``url``, ``outlet``, ``author``, ``language``,
        ``dateline_place``; ``date``, ``body``, ``headline`` and ``lead`` are accepted as aliases)
        and ``meta``, whose value is a list of columns continued by the following items without
        ``=`` (``meta=location,summary``), or ``*`` for every unmapped column.

    Returns
    -------
    ColumnMapping

    Raises
    ------
    ValueError
        For an unknown field, a field given twice or an item that is not ``field=column``.
    """
    values: dict[str, Any] = {}
    meta: list[str] = []
    meta_all = False
    current: str | None = None
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        if "=" not in item:
            if current != "meta":
                raise ValueError(f"mapping item {item!r} is not field=column")
            meta.append(item)
            continue
        key, _, column = (part.strip() for part in item.partition("="))
        key = _ALIASES.get(key.lower(), key.lower())
        current = key
        if key == "meta":
            if column == "*":
                meta_all = True
            elif column:
                meta.append(column)
            continue
        if key not in _RECORD_FIELDS:
            choices = ", ".join((*_RECORD_FIELDS, "meta"))
            raise ValueError(f"unknown field {key!r} in mapping; choose from {choices}")
        if key in values:
            raise ValueError(f"field {key!r} mapped twice")
        if not column:
            raise ValueError(f"field {key!r} has no column")
        values[key] = column
    if "*" in meta:
        meta.remove("*")
        meta_all = True
    return ColumnMapping(**values, meta=tuple(meta), meta_all=meta_all)


@dataclass(frozen=True)
class TableSettings:
    """Settings of :func:`load_table` (written into the build manifest).

    Parameters
    ----------
    format
        ``auto`` (from the extension), ``csv``, ``tsv``, ``json``, ``jsonl``, ``xlsx`` or
        ``parquet``.
    delimiter
        CSV delimiter (``None``: comma for CSV, tab for TSV).
    sheet
        Excel sheet name (``None``: the first).
    dayfirst, timezone
        Day-first rule and time zone of naive times (an IANA name) for :func:`parse_date`.
    min_year, max_year
        Plausible years of a publication date; rows outside are rejected.
    paragraphs
        ``auto``, ``blank`` or ``newline`` (see the module docstring).
    max_cell_chars
        Larger cells reject their row, in every format (a list or object cell counts the
        characters of all its strings).
    max_columns
        A file with more columns (a CSV header, the keys of JSON records, a Parquet schema, an
        Excel header) is rejected, and so is a CSV row with more fields; the default is
        Excel's column limit.
    min_text_chars
        Rows whose normalized text is shorter are rejected (``no text``).
    max_blank_rows
        An Excel sheet is read until this many empty rows follow each other (sheets are often
        formatted down to row 1,048,576); empty rows followed by data are rejected as empty rows,
        trailing ones are not rows.
    na_values
        Cell values that mean "missing" (as pandas reads them), besides empty cells; e.g. the
        Kremlin export writes ``NA`` for an unknown location.
    """

    format: str = "auto"
    delimiter: str | None = None
    sheet: str | None = None
    dayfirst: bool = False
    timezone: str = "UTC"
    min_year: int = DEFAULT_MIN_YEAR
    max_year: int = DEFAULT_MAX_YEAR
    paragraphs: str = "auto"
    max_cell_chars: int = 10_000_000
    max_columns: int = 16_384
    min_text_chars: int = 1
    max_blank_rows: int = 1000
    na_values: tuple[str, ...] = ("NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A")

    def __post_init__(self) -> None:
        try:
            _timezone(self.timezone)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError, TypeError
            raise ValueError(
                f"unknown time zone {self.timezone!r}: give an IANA name such as "
                f"'UTC' or 'Europe/Moscow' ({type(exc).__name__}: {exc})"
            ) from exc


@dataclass
class LoadStats:
    """Counts a loader fills in as it yields (``n_in == kept + rejected``).

    Attributes
    ----------
    n_in, kept, rejected
        Rows (or files) seen, turned into articles, rejected.
    null_dates
        Articles without ``published``.
    unparsed_dates
        Articles with a date value that could not be parsed or was partial (raw value in
        ``meta["date_raw"]``); part of ``null_dates``.
    truncated
        Articles with a text cell at Excel's 32,767-character limit.
    ignored
        Files the folder loader skipped as not being documents of its pattern.
    reasons
        Reject reason -> count.
    """

    n_in: int = 0
    kept: int = 0
    rejected: int = 0
    null_dates: int = 0
    unparsed_dates: int = 0
    truncated: int = 0
    ignored: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def count(self, item: LoadResult) -> None:
        """Add one yielded item."""
        self.n_in += 1
        if isinstance(item, Reject):
            self.rejected += 1
            self.reasons[item.reason] += 1
            return
        self.kept += 1
        if item.published is None:
            self.null_dates += 1
            if "date_raw" in item.meta:
                self.unparsed_dates += 1
        if item.meta.get("truncated"):
            self.truncated += 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["reasons"] = dict(sorted(self.reasons.items()))
        return out


def _detect_format(path: Path, settings: TableSettings) -> str | None:
    if settings.format != "auto":
        return settings.format
    return _FORMATS.get(path.suffix.lower())


def _resolve(
    columns: list[str], mapping: ColumnMapping | None, outlet: str | None
) -> ColumnMapping:
    """The mapping to use for a file with these columns (guessed when ``mapping`` is None)."""
    if mapping is not None:
        missing = [c for c in (*mapping.columns().values(), *mapping.meta) if c not in columns]
        if missing:
            raise RowError(
                f"mapped column(s) {', '.join(map(repr, missing))} not in the file "
                f"(columns: {', '.join(columns)})"
            )
        return mapping
    lower = {c.lower().strip(): c for c in reversed(columns)}
    guessed: dict[str, str] = {}
    used: set[str] = set()
    for name, candidates in AUTO_COLUMNS.items():
        if name == "outlet" and outlet:
            continue
        for candidate in candidates:
            column = lower.get(candidate)
            if column is not None and column not in used:
                guessed[name] = column
                used.add(column)
                break
    if "text" not in guessed:
        raise RowError(
            f"no text column found (columns: {', '.join(columns)}); give a mapping such as text=body"
        )
    return ColumnMapping(
        text=guessed["text"],
        title=guessed.get("title"),
        lede=guessed.get("lede"),
        published=guessed.get("published"),
        url=guessed.get("url"),
        outlet=guessed.get("outlet"),
        author=guessed.get("author"),
        language=guessed.get("language"),
        dateline_place=guessed.get("dateline_place"),
        meta_all=True,
    )


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return value != value
    if isinstance(value, list | tuple):
        return all(_is_empty(v) for v in value)
    return False


def _text_of(value: Any, mode: str) -> tuple[str, bool]:
    """Normalized body and whether a cell was at Excel's limit."""
    if isinstance(value, list | tuple):
        parts = [normalize_text(str(v)) for v in value if not _is_empty(v)]
        truncated = any(isinstance(v, str) and len(v) == EXCEL_CELL_LIMIT for v in value)
        return join_paragraphs([" ".join(p.split("\n")) for p in parts]), truncated
    raw = str(value)
    truncated = len(raw) == EXCEL_CELL_LIMIT
    text = normalize_text(raw)
    blank = "\n\n" in text
    if mode == "newline" or (mode == "auto" and not blank):
        return join_paragraphs(text.split("\n")), truncated
    return join_paragraphs([p.replace("\n", " ") for p in paragraphs(text)]), truncated


def _inline(value: Any) -> str | None:
    if _is_empty(value) or not is_inline(value):
        return None
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if not _is_empty(v))
    return normalize_inline(str(value)) or None


def _meta_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return normalize_inline(value)
    if isinstance(value, int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_meta_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _meta_value(v) for k, v in value.items()}
    return str(value)


def _strip_lede(text: str, lede: str | None) -> str:
    if not lede or not text.startswith(lede):
        return text
    rest = text[len(lede) :]
    if rest.startswith(("\n\n", " ")) and rest.strip():
        return rest.strip()
    return text  # the lede is the whole text, or only a prefix of its first word: keep it


def _make_article(
    row: Mapping[str, Any],
    number: int,
    *,
    path: str,
    mapping: ColumnMapping,
    outlet: str | None,
    settings: TableSettings,
    tz: Any,
) -> Article | Reject:
    columns = mapping.columns()
    if settings.na_values:
        missing = frozenset(settings.na_values)
        row = {
            k: None if isinstance(v, str) and v.strip() in missing else v for k, v in row.items()
        }
    if all(_is_empty(v) for v in row.values()):
        return Reject(path, "empty row (every cell is empty)", row=number)
    raw_text = row.get(columns["text"])
    if _is_empty(raw_text):
        return Reject(path, f"no text (column {columns['text']!r} is empty)", row=number)
    if not is_text(raw_text):
        return Reject(path, f"text is not a string ({type_name(raw_text)})", row=number)
    text, truncated = _text_of(raw_text, settings.paragraphs)
    values = {name: _inline(row.get(column)) for name, column in columns.items() if name != "text"}
    lede = None
    raw_lede = row.get(columns["lede"]) if "lede" in columns else None
    if not _is_empty(raw_lede) and is_inline(raw_lede):
        lede = _text_of(raw_lede, "blank")[0].replace("\n\n", " ") or None
    text = _strip_lede(text, lede)
    if len(text) < settings.min_text_chars:
        return Reject(path, "no text", row=number)
    meta: dict[str, Any] = {}
    published = None
    if "published" in columns:
        raw_date = row.get(columns["published"])
        if not _is_empty(raw_date):
            published = parse_date(raw_date, dayfirst=settings.dayfirst, default_tz=tz)
            year = stated_year(raw_date) if published is None else None
            if year is not None and not settings.min_year <= year <= settings.max_year:
                return Reject(
                    path,
                    f"implausible date {str(raw_date).strip()!r} (year {year} outside "
                    f"{settings.min_year}..{settings.max_year})",
                    row=number,
                )
            if published is None:
                meta["date_raw"] = _meta_value(raw_date)
            elif not is_plausible(
                published, min_year=settings.min_year, max_year=settings.max_year
            ):
                return Reject(
                    path,
                    f"implausible date {str(raw_date).strip()!r} (year {published.year} outside "
                    f"{settings.min_year}..{settings.max_year})",
                    row=number,
                )
    mapped = set(columns.values())
    meta_columns = [c for c in row if c not in mapped] if mapping.meta_all else list(mapping.meta)
    for column in meta_columns:
        value = row.get(column)
        if not _is_empty(value):
            meta[column] = _meta_value(value)
    for name, column in columns.items():  # a dict or object in a record field: keep it in meta
        value = row.get(column)
        if name not in ("text", "published") and not _is_empty(value) and not is_inline(value):
            meta[column] = _meta_value(value)
    if truncated:
        meta["truncated"] = True
    return article_from_fields(
        values,
        text=text,
        source_path=path,
        loader="table",
        outlet=outlet,
        published=published,
        meta=meta,
        lede=lede,
    )


def _size(value: Any, limit: int) -> int:
    """Characters in the strings of a cell (lists and objects summed), counting stops past
    ``limit``."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, list | tuple | dict):
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        total = 0
        for key, item in items:
            total += (len(key) if isinstance(key, str) else 0) + _size(item, limit - total)
            if total > limit:
                break
        return total
    return 0


def _oversized(row: Mapping[str, Any], limit: int) -> str | None:
    """The first column whose cell holds more than ``limit`` characters, if any."""
    for column, value in row.items():
        if not isinstance(value, int | float | type(None)) and _size(value, limit) > limit:
            return column
    return None


def _timezone(name: str) -> Any:
    if name.upper() == "UTC":
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def load_table(
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    outlet: str | None = None,
    settings: TableSettings = TableSettings(),
    stats: LoadStats | None = None,
) -> Iterator[LoadResult]:
    """Load the rows of a tabular export as articles.

    Parameters
    ----------
    path
        A CSV, TSV, JSON, JSON Lines, Excel or Parquet file.
    mapping
        Column mapping (``None``: guessed, see the module docstring).
    outlet
        Outlet of every row (``None``: from a mapped or guessed column).
    settings
        Loader settings.
    stats
        Filled in while loading (rows in, kept, rejected, null dates, truncated cells).

    Yields
    ------
    Article or Reject
        One item per data row in file order, or one file-level reject (``row=None``) when the
        file cannot be read. Never raises for bad data.
    """
    stats = stats if stats is not None else LoadStats()
    source = os.fspath(path)
    file_path = Path(source)
    fmt = _detect_format(file_path, settings)
    if fmt is None:
        reject = Reject(source, f"not a table file (extension {file_path.suffix or 'none'!r})")
        stats.count(reject)
        yield reject
        return
    tz = _timezone(settings.timezone)
    resolved: ColumnMapping | None = None
    number = 0
    failed = False
    try:
        rows = read_rows(
            file_path,
            fmt,
            delimiter=settings.delimiter,
            sheet=settings.sheet,
            max_cell_chars=settings.max_cell_chars,
            max_blank_rows=settings.max_blank_rows,
            max_columns=settings.max_columns,
        )
        for row in rows:
            number += 1
            oversized = None if isinstance(row, str) else _oversized(row, settings.max_cell_chars)
            if isinstance(row, str):
                item: LoadResult = Reject(source, row, row=number)
            elif oversized is not None:
                reason = (
                    f"cell larger than the limit ({settings.max_cell_chars:,} characters) in "
                    f"column {oversized!r}"
                )
                item = Reject(source, reason, row=number)
            else:
                if resolved is None:
                    resolved = _resolve(list(row), mapping, outlet)
                try:
                    item = _make_article(
                        row,
                        number,
                        path=source,
                        mapping=resolved,
                        outlet=outlet,
                        settings=settings,
                        tz=tz,
                    )
                except Exception as exc:  # one bad row must never take the file down
                    logger.warning("%s row %d: %r", source, number, exc)
                    reason = f"row could not be read: {type(exc).__name__}: {exc}"
                    item = Reject(source, reason, row=number)
            stats.count(item)
            yield item
    except (DecodeError, RowError) as exc:
        failed = True
        reject = Reject(source, str(exc), row=None)
        stats.count(reject)
        yield reject
    except OSError as exc:
        failed = True
        reject = Reject(source, f"unreadable file: {exc.strerror or exc}", row=None)
        stats.count(reject)
        yield reject
    except Exception as exc:  # a reader that broke mid-file: keep the rows read so far
        failed = True
        logger.warning("%s: unreadable %s after row %d: %r", source, fmt, number, exc)
        message = " ".join(str(exc).split())
        reason = f"unreadable {fmt} after row {number}: {type(exc).__name__}: {message}"
        reject = Reject(source, reason, row=None)
        stats.count(reject)
        yield reject
    if number == 0 and not failed:
        reject = Reject(source, "no data rows", row=None)
        stats.count(reject)
        yield reject
