"""Deterministic, atomic writers shared by every analysis step.

Same data, same bytes: CSVs have a fixed float format, ISO dates and ``\\n`` line ends;
Parquet is written by pyarrow without pandas metadata and with fixed options; figures are saved
without dates or software tags and with a fixed SVG hash salt; manifests have sorted keys and no
timestamps. Every file goes to a temporary name first and is renamed into place.

CSV files are meant to be opened in spreadsheets, so they are safe there: a text cell (or column
name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (a title ``=HYPERLINK(...)``, an outlet
``-2+3+cmd|' /C calc'!A0``), so it is written with a single quote in front (OWASP's rule for CSV
injection), which spreadsheets show as text. Numbers are not touched (``-0.5`` stays a number). A carriage return inside a text cell is
written as a line feed, which the CSV quotes (a bare one would end the row in a spreadsheet).
Parquet files keep every value exactly as it is; read them, not the CSVs, to compute with.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secnews.corpus.atomic import atomic_write, atomic_write_text
from secnews.corpus.store.write import file_sha256

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "FLOAT_FORMAT",
    "FORMULA_START",
    "csv_text",
    "file_sha256",
    "neutralize_formula",
    "save_figure",
    "write_csv",
    "write_manifest",
    "write_parquet",
]

#: Default float format of CSV tables: ten significant digits.
FLOAT_FORMAT = "%.10g"
#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SVG_SALT = "secnews"


def neutralize_formula(value: Any) -> Any:
    """``value`` with a single quote in front when it is a string that a spreadsheet would run
    as a formula (see the module docstring); anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe_cell(value: Any) -> Any:
    """:func:`neutralize_formula`, and carriage returns inside a text cell made line feeds: the
    csv module does not quote a cell for a lone ``\\r``, which spreadsheets then read as the
    end of the row (a way to inject rows)."""
    value = neutralize_formula(value)
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _needs_care(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(FORMULA_START) or "\r" in value)


def _neutralized(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = frame
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        if not any(_needs_care(v) for v in values):
            continue
        if out is frame:
            out = frame.copy()
        out.isetitem(position, values.map(_safe_cell).to_numpy(dtype=object))
    names = [_safe_cell(c) for c in frame.columns]
    if names != list(frame.columns):
        if out is frame:
            out = frame.copy()
        out.columns = names
    return out


def csv_text(
    frame: pd.DataFrame, *, float_format: str = FLOAT_FORMAT, neutralize: bool = True
) -> str:
    """Return a table as CSV text: no index, datetimes as ISO dates or times, ``\\n`` ends, and
    (``neutralize``) text cells that a spreadsheet would run as formulas quoted (see the module
    docstring)."""
    import pandas as pd

    out = _neutralized(frame) if neutralize else frame
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(values):
            has_time = bool((values.dropna().dt.normalize() != values.dropna()).any())
            fmt = "%Y-%m-%dT%H:%M:%S%z" if has_time else "%Y-%m-%d"
            out = out.copy() if out is frame else out
            out.isetitem(position, values.dt.strftime(fmt))
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, float_format=float_format, lineterminator="\n")
    return buffer.getvalue()


def write_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    float_format: str = FLOAT_FORMAT,
    neutralize: bool = True,
) -> Path:
    """Write a table as CSV (see :func:`csv_text`) atomically and return its path."""
    return atomic_write_text(
        path, csv_text(frame, float_format=float_format, neutralize=neutralize)
    )


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as Parquet atomically: no pandas schema metadata, zstd, fixed options."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)

    def write(temp: Path) -> None:
        pq.write_table(
            table,
            temp,
            compression="zstd",
            compression_level=3,
            use_dictionary=False,
            write_statistics=True,
            version="2.6",
        )

    return atomic_write(path, write)


def save_figure(
    fig: Figure, stem: str | Path, *, formats: Sequence[str] = ("png", "svg"), dpi: int = 150
) -> list[Path]:
    """Save a figure as ``stem.png`` and ``stem.svg`` (or ``formats``), byte-identical for the
    same figure, and return the paths.

    The caller keeps the figure; nothing is shown or closed.
    """
    import matplotlib

    stem = Path(stem)
    metadata: dict[str, dict[str, None]] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
    }
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": _SVG_SALT, "svg.fonttype": "path"}):
        for fmt in formats:

            def write(temp: Path, fmt: str = fmt) -> None:
                fig.savefig(temp, format=fmt, dpi=dpi, metadata=metadata.get(fmt, {}))

            paths.append(atomic_write(stem.with_name(f"{stem.name}.{fmt}"), write))
    return paths


def write_manifest(path: str | Path, content: Mapping[str, Any]) -> Path:
    """Write a JSON manifest (sorted keys, UTF-8, no timestamps) atomically."""
    text = json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write_text(path, text)
