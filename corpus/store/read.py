"""The stored corpus: its Parquet schema and the read-only handle that queries it with DuckDB.

A corpus is a folder holding

- ``articles/part-00000.parquet``, ``part-00001.parquet``, ...: one row per document, columns
  :data:`STORE_COLUMNS` (the shared record of :mod:`secnews.corpus.record`, then ``n_chars``,
  ``n_words``, ``dup_of``, ``relevance``), split into part files of bounded size that read as one
  table in row order (:mod:`secnews.corpus.store.layout`; a corpus written before the parts
  holds the same rows in one file, ``articles.parquet``, and reads the same);
- ``manifest.json``: inputs with their sha256, counts per source, settings, package versions,
  the parts (file, rows, bytes, sha256) and the ``corpus_hash``, which depends on the rows and
  their order, not on how they are split into parts;
- ``rejects.csv``: ``source_path,row,reason``, one line per rejected file or row.

Row order is deterministic: sources in the order they were given, and inside a source the order
in which its loader yields documents (files sorted by path, rows in file order).

``n_chars`` is the length in characters of the document text (:func:`document_text`) and
``n_words`` the number of white-space separated words of that text. ``dup_of`` is null or the
``doc_id`` of the earlier document this one duplicates; duplicates are kept in the file but left
out of :meth:`Corpus.frame` and :meth:`Corpus.iter_batches` unless asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from secnews.corpus.record import ARTICLE_COLUMNS
from secnews.corpus.store.layout import (
    ARTICLES_FILE,
    article_parts,
    read_parquet_sql,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = [
    "ARTICLES_SCHEMA",
    "MANIFEST_FILE",
    "REJECTS_FILE",
    "STORE_COLUMNS",
    "Corpus",
    "document_text",
    "open_corpus",
]

MANIFEST_FILE = "manifest.json"
REJECTS_FILE = "rejects.csv"

#: Columns the store adds after the record's :data:`~secnews.corpus.record.ARTICLE_COLUMNS`.
EXTRA_COLUMNS: tuple[str, ...] = ("n_chars", "n_words", "dup_of", "relevance")
#: Column order of the stored rows.
STORE_COLUMNS: tuple[str, ...] = (*ARTICLE_COLUMNS, *EXTRA_COLUMNS)

_STRING_COLUMNS = tuple(c for c in ARTICLE_COLUMNS if c != "published")
#: Arrow schema of every part file; ``doc_id``, ``text``, ``source_path`` and ``loader`` are
#: never null.
ARTICLES_SCHEMA = pa.schema(
    [
        pa.field(name, pa.timestamp("us", tz="UTC"))
        if name == "published"
        else pa.field(
            name, pa.string(), nullable=name not in {"doc_id", "text", "source_path", "loader"}
        )
        for name in ARTICLE_COLUMNS
    ]
    + [
        pa.field("n_chars", pa.int64(), nullable=False),
        pa.field("n_words", pa.int64(), nullable=False),
        pa.field("dup_of", pa.string()),
        pa.field("relevance", pa.float64()),
    ]
)


def document_text(row: Mapping[str, Any]) -> str:
    """Return the full text of a document: ``title``, ``lede`` and ``text`` joined by blank lines.

    Missing or empty parts are skipped, so a document without a title is just its text.

    Parameters
    ----------
    row
        A mapping (dict, pandas Series, ...) with at least ``text``; ``title`` and ``lede`` are
        optional.

    Returns
    -------
    str
        The text analyses should use.
    """
    parts = []
    for key in ("title", "lede", "text"):
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
    return "\n\n".join(parts)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_WS = "chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"
_FULL_TEXT_SQL = (
    "concat_ws(chr(10) || chr(10), "
    + ", ".join(
        f"CASE WHEN trim(coalesce({c}, ''), {_WS}) = '' THEN NULL ELSE trim({c}, {_WS}) END"
        for c in ("title", "lede", "text")
    )
    + ")"
)


class Corpus:
    """Read-only handle on a stored corpus folder (see the module docstring).

    Use :func:`open_corpus` to create one. Queries run in an in-process DuckDB connection over a
    view named ``articles``; results come back as pandas DataFrames.

    Parameters
    ----------
    path
        The corpus folder.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._manifest: dict[str, Any] | None = None
        self._parts: list[Path] | None = None

    # -- metadata -------------------------------------------------------------------------------
    @property
    def parts(self) -> list[Path]:
        """The Parquet files holding the rows, in row order (one file for a corpus written before
        the parts; see :func:`~secnews.corpus.store.layout.article_parts`)."""
        if self._parts is None:
            self._parts = article_parts(self.path)
        return list(self._parts)

    @property
    def layout(self) -> str:
        """``"parts"`` (rows in ``articles/part-*.parquet``) or ``"file"`` (one
        ``articles.parquet``, the layout before the parts)."""
        return "file" if self.parts == [self.path / ARTICLES_FILE] else "parts"

    @property
    def manifest(self) -> dict[str, Any]:
        """The parsed ``manifest.json``."""
        if self._manifest is None:
            with open(self.path / MANIFEST_FILE, encoding="utf-8") as handle:
                self._manifest = json.load(handle)
        return self._manifest

    @property
    def corpus_hash(self) -> str:
        """Content hash of the corpus, from the manifest (see
        :class:`~secnews.corpus.store.write.ContentHasher`)."""
        return str(self.manifest["corpus_hash"])

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns of the stored rows."""
        return STORE_COLUMNS

    def rejects(self) -> pd.DataFrame:
        """Return ``rejects.csv`` as a DataFrame (``source_path``, ``row``, ``reason``)."""
        import pandas as pd

        return pd.read_csv(
            self.path / REJECTS_FILE,
            dtype={"source_path": "str", "reason": "str", "row": "Int64"},
            keep_default_na=False,
            na_values={"row": [""]},
        )

    # -- DuckDB ---------------------------------------------------------------------------------
    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            import duckdb

            con = duckdb.connect(":memory:")
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f"CREATE VIEW articles AS SELECT * FROM {read_parquet_sql(self.parts)}")
            self._con = con
        return self._con

    def close(self) -> None:
        """Close the DuckDB connection (the handle reopens it when queried again)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL over the view ``articles`` (every row, duplicates included).

        Parameters
        ----------
        sql
            A DuckDB query, e.g. ``"SELECT outlet, count(*) AS n FROM articles GROUP BY 1"``.

        Returns
        -------
        pandas.DataFrame
        """
        return self._connection().execute(sql).df()

    def fetch(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run SQL over the view ``articles`` and return its rows as tuples of Python values
        (timestamps as :class:`datetime.datetime`, NULL as ``None``).

        Parameters
        ----------
        sql
            A DuckDB query; ``?`` marks a parameter.
        parameters
            Values of the ``?`` in order.
        """
        return self._connection().execute(sql, list(parameters)).fetchall()

    def __len__(self) -> int:
        """Number of documents kept (duplicates excluded)."""
        row = (
            self._connection()
            .execute("SELECT count(*) FROM articles WHERE dup_of IS NULL")
            .fetchone()
        )
        return int(row[0]) if row else 0

    def _select_list(self, columns: Sequence[str] | None, *, full_text: bool) -> str:
        names = list(STORE_COLUMNS if columns is None else columns)
        unknown = [c for c in names if c not in STORE_COLUMNS]
        if unknown:
            raise KeyError(f"unknown column(s) {unknown}; available: {list(STORE_COLUMNS)}")
        items = [_quote_ident(c) for c in names]
        if full_text:
            items.append(f"{_FULL_TEXT_SQL} AS full_text")
        return ", ".join(items)

    def frame(
        self,
        columns: Sequence[str] | None = None,
        *,
        include_duplicates: bool = False,
        where: str | None = None,
        full_text: bool = False,
    ) -> pd.DataFrame:
        """Return documents as a pandas DataFrame, in stored row order.

        Parameters
        ----------
        columns
            Columns to return (default: all of :data:`STORE_COLUMNS`).
        include_duplicates
            Keep rows whose ``dup_of`` is set (left out by default).
        where
            A SQL predicate on the ``articles`` columns, e.g. ``"outlet = 'kremlin.ru'"``.
        full_text
            Add a column ``full_text``: ``title``, ``lede`` and ``text`` joined by blank lines.

        Returns
        -------
        pandas.DataFrame
            ``published`` is ``datetime64[us, UTC]``; text columns use pandas' string dtype.
        """
        conditions = []
        if not include_duplicates:
            conditions.append("dup_of IS NULL")
        if where:
            conditions.append(f"({where})")
        sql = f"SELECT {self._select_list(columns, full_text=full_text)} FROM articles"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return self.query(sql)

    def iter_batches(
        self,
        columns: Sequence[str] = ("doc_id", "text"),
        *,
        batch_size: int = 1000,
        include_duplicates: bool = False,
        full_text: bool = False,
    ) -> Iterator[pd.DataFrame]:
        """Stream documents in stored row order, at most ``batch_size`` rows at a time.

        The part files are read one after the other and only one Parquet row group and one batch
        are in memory at once, so the whole text of a large corpus is never loaded. A batch never
        spans two parts.

        Parameters
        ----------
        columns
            Columns of each batch.
        batch_size
            Maximum rows per batch (batches can be shorter once duplicates are left out).
        include_duplicates
            Keep rows whose ``dup_of`` is set.
        full_text
            Add the column ``full_text`` (see :meth:`frame`).

        Yields
        ------
        pandas.DataFrame
        """
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        names = list(columns)
        unknown = [c for c in names if c not in STORE_COLUMNS]
        if unknown:
            raise KeyError(f"unknown column(s) {unknown}; available: {list(STORE_COLUMNS)}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        read = list(
            dict.fromkeys([*names, "dup_of"] + (["title", "lede", "text"] if full_text else []))
        )
        for path in self.parts:
            with pq.ParquetFile(path) as parquet:
                for batch in parquet.iter_batches(batch_size=batch_size, columns=read):
                    table = pa.Table.from_batches([batch])
                    if not include_duplicates:
                        table = table.filter(pc.is_null(table["dup_of"]))
                    if table.num_rows == 0:
                        continue
                    frame = table.select(names).to_pandas()
                    if full_text:
                        parts = table.select(["title", "lede", "text"]).to_pylist()
                        frame["full_text"] = [document_text(p) for p in parts]
                    yield frame


def open_corpus(path: str | Path) -> Corpus:
    """Open a stored corpus folder, of either layout (see the module docstring).

    When the manifest lists the parts, the part files found must be exactly those.

    Parameters
    ----------
    path
        A folder written by :func:`secnews.corpus.build.run.build_corpus`.

    Returns
    -------
    Corpus

    Raises
    ------
    FileNotFoundError
        When the folder, its rows (``articles/`` or ``articles.parquet``), its ``manifest.json``
        or a part the manifest lists is missing.
    ValueError
        When the folder holds part files the manifest does not list, or both layouts.
    """
    folder = Path(path)
    if not (folder / MANIFEST_FILE).is_file():
        raise FileNotFoundError(f"{folder} is not a secnews corpus: {MANIFEST_FILE} is missing")
    corpus = Corpus(folder)
    found = [p.relative_to(folder).as_posix() for p in corpus.parts]
    listed = corpus.manifest.get("parts")
    if isinstance(listed, list):
        _check_parts(folder, found, [str(p.get("file")) for p in listed])
    return corpus


def _check_parts(folder: Path, found: list[str], listed: list[str]) -> None:
    """Compare the part files of ``folder`` with those its manifest lists."""
    missing = [name for name in listed if name not in found]
    if missing:
        raise FileNotFoundError(
            f"{folder}: {', '.join(missing[:5])} listed in {MANIFEST_FILE} but missing: the "
            "corpus is incomplete"
        )
    extra = [name for name in found if name not in listed]
    if extra:
        raise ValueError(
            f"{folder}: {', '.join(extra[:5])} not listed in {MANIFEST_FILE}: these files do not "
            "belong to this corpus"
        )
