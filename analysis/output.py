"""Deterministic, atomic writers shared by every analysis step.

Same data, same bytes: CSVs have a fixed float format, ISO dates and ``\\n`` line ends;
Parquet is written by pyarrow without pandas metadata and with fixed options; figures are saved
without dates or software tags and with a fixed SVG hash salt; manifests have sorted keys and no
timestamps. Every file goes to a temporary name first and is renamed into place.
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
    "csv_text",
    "file_sha256",
    "save_figure",
    "write_csv",
    "write_manifest",
    "write_parquet",
]

#: Default float format of CSV tables: ten significant digits.
FLOAT_FORMAT = "%.10g"
_SVG_SALT = "secnews"


def csv_text(frame: pd.DataFrame, *, float_format: str = FLOAT_FORMAT) -> str:
    """Return a table as CSV text: no index, datetimes as ISO dates or times, ``\\n`` ends."""
    import pandas as pd

    out = frame
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            values = frame[column]
            has_time = bool((values.dropna().dt.normalize() != values.dropna()).any())
            fmt = "%Y-%m-%dT%H:%M:%S%z" if has_time else "%Y-%m-%d"
            out = out.assign(**{str(column): values.dt.strftime(fmt)})
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, float_format=float_format, lineterminator="\n")
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path: str | Path, *, float_format: str = FLOAT_FORMAT) -> Path:
    """Write a table as CSV (see :func:`csv_text`) atomically and return its path."""
    return atomic_write_text(path, csv_text(frame, float_format=float_format))


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
