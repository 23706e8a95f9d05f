"""Settings of a build (:class:`BuildSettings`) and what the manifest says about them."""

from __future__ import annotations

import importlib
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from secnews.corpus.store.layout import PART_BYTES

__all__ = ["BuildSettings", "versions"]

#: Loader kind -> (module, settings class), for the defaults written into the manifest.
_LOADER_SETTINGS = {
    "pagetext": ("secnews.corpus.loaders.pagetext", "PageTextSettings"),
    "html": ("secnews.corpus.loaders.html", "HtmlSettings"),
    "table": ("secnews.corpus.loaders.tabular", "TableSettings"),
    "folder": ("secnews.corpus.loaders.folder", "FolderSettings"),
    "xml": ("secnews.corpus.loaders.records", "RecordSettings"),
}
_VERSIONED = (
    "secnews",
    "numpy",
    "pandas",
    "pyarrow",
    "duckdb",
    "lingua-language-detector",
    "rensa",
    "trafilatura",
    "charset-normalizer",
    "openpyxl",
)


@dataclass(frozen=True)
class BuildSettings:
    """Settings of a build (written into ``manifest.json``).

    Parameters
    ----------
    batch_size
        Documents per processing batch and per Parquet row group.
    part_bytes
        Bound of each part file of the stored corpus: row data in bytes (UTF-8 bytes of the
        strings plus 8 per other column, :func:`~secnews.corpus.store.write.row_bytes`), default
        128 MiB (a part is smaller on disk, compressed). The parts do not change the rows or the
        corpus hash.
    part_rows
        Bound of each part file in rows (``None``: none).
    language_id
        Detect the language of documents whose loader did not set one.
    language_max_chars
        Characters of the body used for language id (cut at a word boundary). 500 characters
        gave exactly the languages of 1,000 characters on every 10th UN speech (1,096
        documents) at a third of lingua's cost.
    dedupe
        Find exact and near duplicates (``dup_of``).
    dedupe_settings
        Settings object of :mod:`secnews.corpus.dedupe.detect` (``None``: its defaults).
    relevance
        Compute the security-policy relevance score.
    lexicon
        Path of the relevance lexicon (``None``: the packaged one).
    min_year, max_year
        ``published`` outside these years is an absurd date: the document is rejected.
    follow_symlinks
        Read symbolic links below a source folder that lead out of it (by default each is
        rejected: a link must not bring in files from elsewhere unasked).
    pagetext, html, table, folder, xml
        Settings objects passed to each loader (``None``: the loader's defaults).
    """

    batch_size: int = 1000
    part_bytes: int = PART_BYTES
    part_rows: int | None = None
    language_id: bool = True
    language_max_chars: int = 500
    dedupe: bool = True
    dedupe_settings: Any = None
    relevance: bool = True
    lexicon: str | None = None
    min_year: int = 1800
    max_year: int = 2100
    follow_symlinks: bool = False
    pagetext: Any = None
    html: Any = None
    table: Any = None
    folder: Any = None
    xml: Any = None

    def __post_init__(self) -> None:
        if self.part_bytes < 1 or (self.part_rows is not None and self.part_rows < 1):
            raise ValueError("part_bytes and part_rows must be at least 1")

    def to_dict(self, *, loaders: Sequence[str] = ()) -> dict[str, Any]:
        """JSON-ready form (nested settings dataclasses become dicts).

        ``None`` dedupe settings are written as the defaults that were used, and so are the
        ``None`` settings of the loaders named in ``loaders`` (those a build used).
        """
        out = {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}
        if self.dedupe and self.dedupe_settings is None:
            from secnews.corpus.dedupe.detect import DedupeSettings

            out["dedupe_settings"] = _jsonable(DedupeSettings())
        for kind in loaders:
            if kind in _LOADER_SETTINGS and out.get(kind) is None:
                module, name = _LOADER_SETTINGS[kind]
                cls = getattr(importlib.import_module(module), name)
                out[kind] = _jsonable(cls())
        return out


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return _jsonable(to_dict())
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def versions() -> dict[str, str | None]:
    """Versions of Python and of the packages a build depends on (for the manifest)."""
    from importlib import metadata

    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
