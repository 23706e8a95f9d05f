"""Deterministic, atomic writers for topic-model results.

Same model, same bytes: CSVs are sorted and written with a fixed float format and ``\\n`` line
ends; Parquet is written by pyarrow without pandas metadata, with fixed options; the manifest
has sorted keys and no timestamps.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from secnews.corpus.atomic import atomic_write, atomic_write_text

__all__ = [
    "FLOAT_FORMAT",
    "package_versions",
    "write_csv",
    "write_manifest",
    "write_parquet",
]

FLOAT_FORMAT = "%.8g"
_PACKAGES = ("secnews", "gensim", "numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "tomotopy")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a CSV atomically with :data:`FLOAT_FORMAT` and ``\\n`` line ends (no index)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return atomic_write_text(path, buffer.getvalue())


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write Parquet atomically with pyarrow: no pandas schema metadata, zstd, fixed options."""
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


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape topic results."""
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def write_manifest(path: str | Path, content: Mapping[str, Any]) -> Path:
    """Write a JSON manifest (sorted keys, UTF-8) atomically."""
    text = json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write_text(path, text)
