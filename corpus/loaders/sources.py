"""What a build reads: :class:`Source` and the dispatch of its paths to the loaders.

Formats: ``pagetext`` (page-text dumps), ``html`` (saved pages), ``table`` (CSV/TSV, JSON, JSONL,
Excel, Parquet), ``folder`` (a folder whose metadata lives in the path, with ``pattern``), ``xml``
(XML/SGML files of records, with ``record`` and a field map in ``mapping``; never chosen by
``auto``) and ``auto``. ``auto`` picks, per path:

- a folder with a ``pattern``: the folder loader;
- a folder without one: every file below it (hidden files and folders, whose names start with a
  dot, are skipped), sorted by path and grouped by loader from the file extension (see
  :data:`EXTENSIONS`): first the page-text files, then the HTML files, then each table file;
- a file: the loader of its extension; unknown extensions go to the page-text loader, whose
  decoder rejects binary or undecodable files with a specific reason.

A loader that raises (it should yield a :class:`~secnews.corpus.record.Reject` instead) does not
stop the build: the remaining files of its group are loaded one by one, and a file whose loader
raises is rejected with the reason ``loader error: ...`` (and logged with its traceback).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secnews.corpus.loaders._links import LINK_REASON, outside_link
from secnews.corpus.record import Article, LoadResult, Reject

if TYPE_CHECKING:
    from secnews.corpus.loaders.tabular import LoadStats

__all__ = ["EXTENSIONS", "FORMATS", "ROW_KEY", "Source", "iter_source"]

logger = logging.getLogger(__name__)

#: Private ``meta`` key under which :func:`iter_source` passes the 1-based data row of an article
#: read from a table (the build removes it before storing).
ROW_KEY = "_secnews_row"
#: Accepted values of :attr:`Source.format`.
FORMATS: tuple[str, ...] = ("auto", "pagetext", "html", "table", "folder", "xml")
#: File extension -> loader used by ``auto``.
EXTENSIONS: Mapping[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".csv": "table",
    ".tsv": "table",
    ".tab": "table",
    ".json": "table",
    ".jsonl": "table",
    ".ndjson": "table",
    ".xlsx": "table",
    ".xlsm": "table",
    ".parquet": "table",
}


@dataclass(frozen=True)
class Source:
    """One input of a build.

    Parameters
    ----------
    paths
        Files and/or folders (a single path is accepted too).
    format
        One of :data:`FORMATS`.
    mapping
        Column mapping for tables, as the CLI string ``title=headline,text=body,...``, a dict
        ``{"title": "headline", ...}`` or an object from
        :func:`secnews.corpus.loaders.tabular.parse_mapping` (``None``: the loader guesses).
    outlet
        Outlet name for every document of this source (``None``: from the data).
    pattern
        Path pattern for the folder loader, e.g.
        ``TXT/Session {session} - {year}/{country}_{session}_{year}.txt``.
    name
        Label of the source in counts and summaries (default: the first path).
    base
        When set, ``source_path`` values under this folder are stored relative to it, so that the
        same files give the same corpus wherever they live (the registry sets the data folder).
    record
        Name of the record element for the ``xml`` format (``REUTERS``).
    outlet_names
        Renames of outlet values found in the data, as ``(found, stored)`` pairs or a dict (e.g.
        ``whitehouse`` -> ``White House``); applied by the build before storing. ``doc_id`` is
        the loader's, computed from the outlet as found.
    """

    paths: tuple[Path, ...]
    format: str = "auto"
    mapping: Any = None
    outlet: str | None = None
    pattern: str | None = None
    name: str | None = None
    base: Path | None = field(default=None, compare=False)
    outlet_names: Any = ()
    record: str | None = None

    def __post_init__(self) -> None:
        names = self.outlet_names
        pairs = names.items() if isinstance(names, Mapping) else names
        object.__setattr__(self, "outlet_names", tuple((str(k), str(v)) for k, v in pairs))
        raw = self.paths
        paths = (raw,) if isinstance(raw, str | Path) else tuple(raw)
        object.__setattr__(self, "paths", tuple(Path(p) for p in paths))
        if not self.paths:
            raise ValueError("a Source needs at least one path")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose one of {', '.join(FORMATS)}")
        if self.format == "folder" and not self.pattern:
            raise ValueError("format 'folder' needs a pattern")
        if self.format == "xml" and not (self.record and self.mapping):
            raise ValueError("format 'xml' needs a record element and a field map")

    @property
    def label(self) -> str:
        """The name used in counts (``name``, else the first path)."""
        if self.name:
            return self.name
        first = str(self.paths[0])
        return first if len(self.paths) == 1 else f"{first} (+{len(self.paths) - 1})"

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for the manifest."""
        mapping = self.mapping
        if mapping is not None and not isinstance(mapping, str | dict):
            from dataclasses import asdict, is_dataclass

            mapping = asdict(mapping) if is_dataclass(mapping) else repr(mapping)  # type: ignore[arg-type]
        return {
            "name": self.label,
            "paths": [self.relative(p) for p in self.paths],
            "format": self.format,
            "mapping": mapping,
            "outlet": self.outlet,
            "pattern": self.pattern,
            "outlet_names": dict(self.outlet_names),
            **({"record": self.record} if self.record else {}),
        }

    def relative(self, path: str | Path) -> str:
        """``path`` relative to :attr:`base` when it lies below it (POSIX separators; paths are
        made absolute and normalized, symbolic links are not resolved)."""
        text = os.fspath(path)
        inside = self.below_base(text)
        return text if inside is None or inside == "" else inside

    def below_base(self, path: str | Path) -> str | None:
        """The POSIX path of ``path`` relative to :attr:`base`: ``""`` for the base itself,
        ``None`` when there is no base or ``path`` is not below it (the rule is lexical, as in
        :meth:`relative`)."""
        if self.base is None:
            return None
        base = _absolute(os.fspath(self.base))
        full = _absolute(os.fspath(path))
        if full == base:
            return ""
        if not full.startswith(base.rstrip(os.sep) + os.sep):
            return None
        return Path(os.path.relpath(full, base)).as_posix()


Loader = Callable[[list[Path]], Iterable[LoadResult]]


def _walk(
    folder: Path, exclude: tuple[str, ...] = (), follow_symlinks: bool = False
) -> tuple[list[Path], list[Path]]:
    """(files to read, symbolic links out of ``folder`` that are not followed)."""
    files = []
    links = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if exclude and any(_key(path).startswith(e + os.sep) for e in exclude):
            continue
        if path.is_file():
            if not follow_symlinks and outside_link(path, folder) is not None:
                links.append(path)
            else:
                files.append(path)
    order = lambda p: p.relative_to(folder).as_posix()  # noqa: E731
    return sorted(files, key=order), sorted(links, key=order)


def _kind(path: Path) -> str:
    return EXTENSIONS.get(path.suffix.lower(), "pagetext")


def _numbered(items: Iterable[LoadResult]) -> Iterator[LoadResult]:
    """Put the data row of each article of a table into ``meta[ROW_KEY]``: the table loader
    yields exactly one item per data row, in file order (rows 1, 2, ...), and file-level rejects
    (``row=None``) only when no row, or no further row, can be read."""
    number = 0
    for item in items:
        if isinstance(item, Article):
            number += 1
            item.meta[ROW_KEY] = number
        elif item.row is not None:
            number = item.row
        yield item


def _loaders(
    source: Source,
    settings: Mapping[str, Any],
    stats: LoadStats | None = None,
    annotate: Callable[[list[Article]], None] | None = None,
    follow_symlinks: bool = False,
) -> dict[str, Loader]:
    """Adapters that call each loader module with this source's options (the table and folder
    loaders count into ``stats``; the folder loader calls ``annotate`` in its workers)."""

    def opts(kind: str) -> dict[str, Any]:
        value = settings.get(kind)
        return {} if value is None else {"settings": value}

    def pagetext(files: list[Path]) -> Iterable[LoadResult]:
        from secnews.corpus.loaders.pagetext import load_pagetext

        return load_pagetext(files, outlet=source.outlet, **opts("pagetext"))

    def html(files: list[Path]) -> Iterable[LoadResult]:
        from secnews.corpus.loaders.html import load_html

        return load_html(files, outlet=source.outlet, **opts("html"))

    def table(files: list[Path]) -> Iterable[LoadResult]:
        from secnews.corpus.loaders.tabular import load_table, parse_mapping

        mapping = source.mapping
        if isinstance(mapping, Mapping):  # {"title": "headline", ...}
            mapping = ",".join(f"{field}={column}" for field, column in mapping.items())
        if isinstance(mapping, str):
            mapping = parse_mapping(mapping)
        (path,) = files
        return _numbered(
            load_table(path, mapping=mapping, outlet=source.outlet, stats=stats, **opts("table"))
        )

    def folder(files: list[Path]) -> Iterable[LoadResult]:
        from secnews.corpus.loaders.folder import load_folder

        (root,) = files
        assert source.pattern is not None  # a folder plan needs a pattern (see _plan)
        return load_folder(
            root,
            pattern=source.pattern,
            outlet=source.outlet,
            stats=stats,
            annotate=annotate,
            follow_symlinks=follow_symlinks,
            **opts("folder"),
        )

    def xml(files: list[Path]) -> Iterable[LoadResult]:
        from secnews.corpus.loaders.records import load_records

        mapping = source.mapping
        if isinstance(mapping, Mapping):
            mapping = ",".join(f"{field}={path}" for field, path in mapping.items())
        (path,) = files
        return _numbered(
            load_records(
                path,
                mapping=mapping,
                record=source.record,
                outlet=source.outlet,
                stats=stats,
                **opts("xml"),
            )
        )

    return {"pagetext": pagetext, "html": html, "table": table, "folder": folder, "xml": xml}


def _plan(
    source: Source, exclude: tuple[str, ...] = (), follow_symlinks: bool = False
) -> list[tuple[str, list[Path]]]:
    """The loader calls of a source, in order: (loader kind, paths); files below a folder of
    ``exclude`` (the corpus being built) are left out."""
    plan: list[tuple[str, list[Path]]] = []
    for path in source.paths:
        if not path.exists():
            plan.append(("missing", [path]))
            continue
        fmt = source.format
        if path.is_dir() and (fmt == "folder" or (fmt == "auto" and source.pattern)):
            plan.append(("folder", [path]))
            continue
        files, links = _walk(path, exclude, follow_symlinks) if path.is_dir() else ([path], [])
        plan.extend(("outside-link", [link]) for link in links)
        if not files and links:
            continue
        if not files:
            plan.append(("empty", [path]))
            continue
        if fmt == "folder":
            raise ValueError(f"format 'folder' needs a folder, got the file {path}")
        kinds = [fmt if fmt != "auto" else _kind(f) for f in files]
        for kind in ("pagetext", "html"):
            group = [f for f, k in zip(files, kinds, strict=True) if k == kind]
            if group:
                plan.append((kind, group))
        plan.extend(("table", [f]) for f, k in zip(files, kinds, strict=True) if k == "table")
        plan.extend(("xml", [f]) for f, k in zip(files, kinds, strict=True) if k == "xml")
    return plan


def _absolute(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def _key(path: str | Path) -> str:
    return _absolute(os.fspath(path))


def _guarded(kind: str, loader: Loader, files: list[Path]) -> Iterator[LoadResult]:
    """Run a loader; if it raises, finish its files one by one and reject the failing file."""
    seen: set[str] = set()
    try:
        for item in loader(files):
            seen.add(_key(item.source_path))
            yield item
        return
    except ImportError:
        raise
    except Exception as exc:  # a loader bug must not lose the other files
        if len(files) == 1:
            logger.exception("%s loader failed on %s", kind, files[0])
            yield Reject(str(files[0]), f"loader error: {type(exc).__name__}: {exc}")
            return
        logger.warning(
            "%s loader failed on a group of %d files; retrying one by one", kind, len(files)
        )
    for path in files:
        if _key(path) in seen:
            continue
        yield from _guarded(kind, loader, [path])


def iter_source(
    source: Source,
    *,
    loader_settings: Mapping[str, Any],
    exclude: Sequence[str | Path] = (),
    stats: LoadStats | None = None,
    annotate: Callable[[list[Article]], None] | None = None,
    follow_symlinks: bool = False,
) -> Iterator[LoadResult]:
    """Yield the :class:`Article` and :class:`Reject` items of a source, in deterministic order.

    Parameters
    ----------
    source
        What to read.
    loader_settings
        Settings object per loader kind (``pagetext``, ``html``, ``table``, ``folder``, ``xml``); a kind
        that is missing or ``None`` uses the loader's defaults.
    exclude
        Folders whose files are never read (the output corpus, when it lies inside a source).
    stats
        A :class:`~secnews.corpus.loaders.tabular.LoadStats` to count into: the table and folder loaders
        fill it themselves (unparsed dates, truncated cells, ignored files), the items of the
        other loaders and this function's own rejects are counted here. A reject made for a
        loader that raised (``loader error``) is not counted.
    annotate
        Passed to the folder loader, which calls it on each chunk of articles in its worker
        processes (see :func:`~secnews.corpus.loaders.folder.load_folder`); other loaders ignore it.
    follow_symlinks
        Read symbolic links below a folder that lead outside it (by default each is rejected,
        ``symbolic link out of the input folder``, so that a link cannot smuggle in, say, a
        file of the home folder). Links inside the folder, and paths given explicitly, are read.

    Articles read from a table carry their 1-based data row in ``meta[ROW_KEY]``.
    """
    loaders = _loaders(source, loader_settings, stats, annotate, follow_symlinks)
    for kind, files in _plan(source, tuple(_key(e) for e in exclude), follow_symlinks):
        if kind in ("missing", "empty", "outside-link"):
            reason = {
                "missing": "not found",
                "empty": "empty folder (no files)",
                "outside-link": LINK_REASON.format(target=files[0].resolve()),
            }[kind]
            reject = Reject(str(files[0]), reason)
            if stats is not None:
                stats.count(reject)
            yield reject
            continue
        counted = kind in ("table", "folder", "xml")
        for item in _guarded(kind, loaders[kind], files):
            if not isinstance(item, Article | Reject):
                raise TypeError(f"{kind} loader yielded {type(item).__name__}")
            if stats is not None and not counted:
                stats.count(item)
            yield item
