"""Loading a folder of text files whose metadata lives only in their paths.

The user gives a *pattern*, a path relative to the folder with ``{field}`` placeholders, e.g. the
UN General Debate Corpus::

    TXT/Session {session} - {year}/{country}_{session}_{year}.txt

**Fields.** ``{name}`` matches one or more characters other than ``/``; ``{name:int}`` matches
digits; ``{name:str}`` is like ``{name}`` but never converted. ``{year}`` always matches four
digits. Values made only of ASCII digits are stored as ``int`` (``Session 01`` gives ``1``);
``:str`` keeps them as text. A field used more than once (``session`` and ``year`` above) must
have the same value everywhere, or the file is rejected (``fields disagree: ...``). Names starting
with ``_`` match but are not stored.

**Fields -> record.** ``title``, ``author``, ``language``, ``url``, ``dateline_place`` and
``outlet`` fill the record fields of the same name (the ``outlet`` argument wins over the path).
``date`` is parsed with :func:`secnews.corpus.clean.dates.parse_date` into ``published`` (an
unparseable value stays in ``meta["date"]``; an all-digit value such as ``20220624``, stored as
an ``int``, is parsed as the digit string, i.e. ``YYYYMMDD`` or Unix seconds); ``year`` +
``month`` + ``day`` together also give ``published``. A ``year`` alone never does:
``published`` stays ``None`` (a day is never invented) and ``meta["year"]`` carries the year
for yearly periods. Every field except ``title`` and ``outlet`` is also kept in ``meta`` (so the
UN corpus has ``meta = {"country": "USA", "session": 47, "year": 1992}``, ``outlet = "UN General
Debate"`` when the caller passes it).

**Which files.** Files are walked in sorted order (relative POSIX paths). A file is a *candidate*
when it lies at the pattern's depth, its folders match the pattern's folder parts and its name
ends like the pattern's (the extension, ``.txt``); other files (``README.txt`` at the top,
``.Rhistory``) are not documents of this pattern and are skipped, counted in
:attr:`~secnews.corpus.loaders.tabular.LoadStats.ignored`. A candidate that does not match the pattern
(``Session 47 - 1992/.DS_Store-to-UTF-8.txt``) is rejected with the reason.

**Text.** Each file is decoded with :func:`secnews.corpus.loaders.decode.decode_bytes` (binary, empty and
undecodable files are rejected with its reason), unwrapped with :func:`secnews.corpus.clean.unwrap.unwrap`
(hard-wrapped PDF lines to paragraphs, hyphenated line breaks decided by a
:class:`~secnews.corpus.clean.unwrap.HyphenationModel` fitted on the whole folder first) and normalized
with :func:`secnews.corpus.clean.normalize.normalize_text`. The model is fitted by
:func:`secnews.corpus.loaders.folder_vocab.fit_hyphenation_lookups` on the counts of just the words it
will look up (the same decisions as :func:`fit_hyphenation`, on the full vocabulary, at a
fraction of the cost).

**Ids.** ``doc_id`` is :func:`~secnews.corpus.record.make_doc_id` of the outlet and the file's path
relative to the folder (the path is the document's locator: stable, and unique even when two
files hold the same text); ``url`` stays ``None`` unless a ``{url}`` field gives one.

**Speed and memory.** Every pass runs in ``n_jobs`` worker processes over chunks of files, with
at most ``2 * n_jobs`` chunks in flight, so memory stays bounded; results are yielded in input
order.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secnews.corpus.clean.dates import parse_date, stated_year
from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.clean.titles import split_title
from secnews.corpus.clean.unwrap import HyphenationModel, unwrap
from secnews.corpus.loaders._folder_settings import FolderSettings
from secnews.corpus.loaders._links import LINK_REASON, outside_link
from secnews.corpus.loaders.decode import DecodeError, decode_bytes
from secnews.corpus.loaders.folder_vocab import count_chunk, fit_hyphenation_lookups
from secnews.corpus.loaders.tabular import LoadStats
from secnews.corpus.record import Article, LoadResult, Reject, make_doc_id
from secnews.corpus.workers import chunked, n_jobs, ordered, process_pool

__all__ = ["FolderPattern", "FolderSettings", "fit_hyphenation", "load_folder"]

logger = logging.getLogger(__name__)

#: Every module the folder loader's workers use (their tasks and a build's
#: :class:`~secnews.corpus.build.facts.DocumentFactsMaker`), imported before the workers fork.
WORKER_MODULES: tuple[str, ...] = (
    "multiprocessing.synchronize",  # tqdm's lock, made by the first bar of a process
    "numpy",
    "numpy.ma",
    "rensa",
    "tqdm.auto",
    "secnews.corpus.dedupe.batch",
    "secnews.corpus.build.facts",
    "secnews.corpus.dedupe.detect",
    "secnews.corpus.dedupe.hashing",
    "secnews.corpus.loaders.folder",
    "secnews.corpus.loaders.folder_vocab",
    "secnews.corpus.clean.unwrap_vocab",
)
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(int|str))?\}")
_RECORD_FIELDS = ("title", "author", "language", "url", "dateline_place", "outlet")
_NOT_IN_META = frozenset({"title", "outlet"})


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # "auto", "int", "str"


class FolderPattern:
    """A compiled path pattern (see the module docstring).

    Parameters
    ----------
    pattern
        Relative path with ``{field}`` placeholders, ``/`` as separator.
    """

    def __init__(self, pattern: str) -> None:
        pattern = pattern.strip().replace("\\", "/").strip("/")
        if not pattern:
            raise ValueError("empty pattern")
        if not _FIELD.search(pattern):
            raise ValueError(f"pattern {pattern!r} has no {{field}}")
        self.pattern = pattern
        self.parts = pattern.split("/")
        self.fields: list[_Field] = []
        self._regex = re.compile(self._translate(pattern, strict=True))
        self._dir_regexes = [
            re.compile(self._translate(part, strict=False)) for part in self.parts[:-1]
        ]
        last = self.parts[-1]
        tail = _FIELD.split(last)[-1]  # literal text after the last field
        dot = tail.rfind(".")
        self.suffix = tail[dot:] if dot >= 0 else tail
        self._literal_name = last if not _FIELD.search(last) else None

    def _translate(self, text: str, *, strict: bool) -> str:
        out: list[str] = []
        position = 0
        for match in _FIELD.finditer(text):
            out.append(re.escape(text[position : match.start()]))
            name, kind = match.group(1), match.group(2) or "auto"
            if strict:
                index = len(self.fields)
                self.fields.append(_Field(name, kind))
                if kind == "int":
                    body = r"\d+"
                elif name == "year":
                    body = r"\d{4}"
                else:
                    body = r"[^/]+?"
                out.append(f"(?P<f{index}>{body})")
            else:
                out.append(r"[^/]*")
            position = match.end()
        out.append(re.escape(text[position:]))
        return "".join(out)

    def is_candidate(self, rel: str) -> bool:
        """Whether ``rel`` (POSIX, relative) lies where documents of this pattern lie."""
        parts = rel.split("/")
        if len(parts) != len(self.parts):
            return False
        for regex, part in zip(self._dir_regexes, parts[:-1], strict=False):
            if not regex.fullmatch(part):
                return False
        if self._literal_name is not None:
            return parts[-1] == self._literal_name
        return parts[-1].endswith(self.suffix)

    def could_contain(self, rel_dir: str) -> bool:
        """Whether a folder (relative, POSIX; ``""`` for the root) may hold candidates."""
        parts = [p for p in rel_dir.split("/") if p]
        if len(parts) >= len(self.parts):
            return False
        return all(
            regex.fullmatch(part) for regex, part in zip(self._dir_regexes, parts, strict=False)
        )

    def match(self, rel: str) -> dict[str, Any] | str:
        """Return the field values of ``rel``, or the reason why it does not match."""
        found = self._regex.fullmatch(rel)
        if found is None:
            return f"path does not match the pattern {self.pattern!r}"
        values: dict[str, Any] = {}
        for index, spec in enumerate(self.fields):
            raw = found.group(f"f{index}")
            value: Any = raw
            if spec.kind == "int" or (spec.kind == "auto" and raw.isascii() and raw.isdigit()):
                value = int(raw)
            if spec.name in values and values[spec.name] != value:
                return (
                    f"fields disagree: {spec.name} is {values[spec.name]!r} in one place and "
                    f"{value!r} in another"
                )
            values[spec.name] = value
        return {k: v for k, v in values.items() if not k.startswith("_")}


def _walk(
    root: Path, pattern: FolderPattern, stats: LoadStats, follow_symlinks: bool = False
) -> list[tuple[str, str]]:
    """(absolute path, relative POSIX path) of the candidate files, sorted by relative path;
    without ``follow_symlinks``, the relative path of a link out of ``root`` starts with
    :data:`_OUTSIDE`."""
    found: list[tuple[str, str]] = []
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        folder = root / rel_dir if rel_dir else root
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            logger.warning("cannot list %s: %s", folder, exc)
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                if pattern.could_contain(rel):
                    stack.append(rel)
                else:
                    stats.ignored += sum(len(files) for _, _, files in os.walk(entry.path))
            elif pattern.is_candidate(rel):
                if not follow_symlinks and outside_link(Path(entry.path), root) is not None:
                    rel = _OUTSIDE + rel
                found.append((entry.path, rel))
            else:
                stats.ignored += 1
    found.sort(key=lambda item: item[1].removeprefix(_OUTSIDE))
    return found


#: Marks a candidate that is a symbolic link out of the folder (see :func:`_walk`).
_OUTSIDE = "\0outside\0"


def _published(fields: dict[str, Any], dayfirst: bool) -> Any:
    if "date" in fields:
        value = fields["date"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # an all-digit path field: 20220624, not a number of days
        return parse_date(value, dayfirst=dayfirst)
    if all(k in fields for k in ("year", "month", "day")):
        try:
            return parse_date(
                f"{int(fields['year']):04d}-{int(fields['month']):02d}-{int(fields['day']):02d}"
            )
        except (TypeError, ValueError):
            return None
    return None


def _stated_year(fields: dict[str, Any]) -> int | None:
    """The year of a full date in the path that no ``datetime`` can hold (``0000-01-01``)."""
    if "date" in fields:
        return stated_year(str(fields["date"]))
    if all(k in fields for k in ("year", "month", "day")) and isinstance(fields["year"], int):
        return int(fields["year"])
    return None


def _load_one(
    path: str,
    rel: str,
    fields: dict[str, Any],
    *,
    outlet: str | None,
    settings: FolderSettings,
    model: HyphenationModel | None,
) -> LoadResult:
    try:
        if settings.max_bytes is not None:
            size = os.path.getsize(path)
            if size > settings.max_bytes:
                return Reject(
                    path, f"file too large ({size:,} bytes > limit {settings.max_bytes:,})"
                )
        with open(path, "rb") as handle:
            raw, _encoding = decode_bytes(handle.read())
    except DecodeError as exc:
        return Reject(path, str(exc))
    except OSError as exc:
        return Reject(path, f"unreadable file: {exc.strerror or exc}")
    first_line, raw = split_title(raw, mode="none" if "title" in fields else settings.title)
    if settings.unwrap:
        raw = unwrap(raw, model=model, settings=settings.unwrap_settings)
    text = normalize_text(raw)
    if len(text) < settings.min_chars:
        return Reject(path, "no text (empty after normalization)")
    record: dict[str, Any] = {}
    for name in _RECORD_FIELDS:
        if name in fields and isinstance(fields[name], str):
            record[name] = normalize_inline(fields[name]) or None
    if first_line is not None:
        record["title"] = first_line
    if outlet:
        record["outlet"] = outlet
    published = _published(fields, settings.dayfirst)
    year = published.year if published is not None else _stated_year(fields)
    if year is not None and not settings.min_year <= year <= settings.max_year:
        return Reject(
            path,
            f"implausible date (year {year} outside {settings.min_year}..{settings.max_year})",
        )
    meta = {k: v for k, v in fields.items() if k not in _NOT_IN_META}
    return Article(
        doc_id=make_doc_id(outlet=record.get("outlet"), url=record.get("url") or rel, text=text),
        text=text,
        source_path=path,
        loader="folder",
        published=published,
        meta=meta,
        **record,
    )


# Worker state, set once per process by _init_worker (fork or spawn alike).
_WORKER: dict[str, Any] = {}


def _init_worker(
    outlet: str | None,
    settings: FolderSettings,
    model: HyphenationModel | None,
    annotate: Callable[[list[Article]], None] | None = None,
) -> None:
    _WORKER.update(outlet=outlet, settings=settings, model=model, annotate=annotate)


def _load_chunk(items: list[tuple[str, str, dict[str, Any]]]) -> list[LoadResult]:
    loaded = [
        _load_one(
            path,
            rel,
            fields,
            outlet=_WORKER.get("outlet"),
            settings=_WORKER["settings"],
            model=_WORKER.get("model"),
        )
        for path, rel, fields in items
    ]
    annotate = _WORKER.get("annotate")
    if annotate is not None:
        annotate([item for item in loaded if isinstance(item, Article)])
    return loaded


def fit_hyphenation(
    paths: list[str], *, settings: FolderSettings = FolderSettings()
) -> HyphenationModel:
    """Fit the hyphenation model of a folder's files on their full vocabulary.

    :func:`load_folder` uses :func:`~secnews.corpus.loaders.folder_vocab.fit_hyphenation_lookups`,
    which counts only the words the model looks up (the same decisions, tested on the UN
    corpus); this one keeps every word's count (``vocabulary_``) for other uses.

    Parameters
    ----------
    paths
        The files (unreadable ones are skipped: the second pass rejects them).
    settings
        ``min_count``, ``n_jobs`` and ``chunk_size`` are used.
    """
    from tqdm.auto import tqdm

    model = HyphenationModel(min_count=settings.min_count)
    model.add_counts({}, n_documents=0)
    chunks = chunked(paths, 4 * settings.chunk_size)  # fewer, larger counts to merge
    jobs = n_jobs(settings.n_jobs)
    with tqdm(total=len(paths), unit="file", desc="vocabulary", disable=None) as bar:
        if jobs == 1 or len(chunks) < 2:
            results: Iterator[tuple[Counter[str], int]] = map(count_chunk, chunks)
            for (counts, n), chunk in zip(results, chunks, strict=True):
                model.add_counts(counts, n_documents=n)
                bar.update(len(chunk))
            return model
        with process_pool(jobs, settings.start_method, preload=WORKER_MODULES) as pool:
            for (counts, n), chunk in zip(
                ordered(pool, count_chunk, chunks, 2 * jobs), chunks, strict=True
            ):
                model.add_counts(counts, n_documents=n)
                bar.update(len(chunk))
    return model


def load_folder(
    root: str | os.PathLike[str],
    *,
    pattern: str,
    settings: FolderSettings = FolderSettings(),
    outlet: str | None = None,
    model: HyphenationModel | None = None,
    stats: LoadStats | None = None,
    annotate: Callable[[list[Article]], None] | None = None,
    follow_symlinks: bool = False,
) -> Iterator[LoadResult]:
    """Load every file of a folder whose metadata lives in its path.

    Parameters
    ----------
    root
        The folder.
    pattern
        Relative path pattern with ``{field}`` placeholders (see the module docstring).
    settings
        Loader settings.
    outlet
        Outlet of every document (e.g. ``"UN General Debate"``).
    model
        A fitted hyphenation model to use instead of fitting one on this folder.
    stats
        Filled in while loading: documents in, kept, rejected, ignored files, null dates.
    annotate
        Called in the worker processes with the articles of each chunk of files, after they
        are loaded (a build computes per-document figures there, see
        :class:`~secnews.corpus.build.facts.DocumentFactsMaker`); it must be picklable when
        the start method is not ``fork``.
    follow_symlinks
        Read symbolic links that lead out of ``root``; by default each is rejected (``symbolic
        link out of the input folder``). Links inside ``root`` are read.

    Yields
    ------
    Article or Reject
        One item per candidate file, in sorted path order; a folder that does not exist gives one
        :class:`~secnews.corpus.record.Reject`.
    """
    from tqdm.auto import tqdm

    stats = stats if stats is not None else LoadStats()
    compiled = FolderPattern(pattern)
    root_path = Path(root)
    if not root_path.is_dir():
        stats.count(Reject(str(root), "not a folder"))
        yield Reject(str(root), "not a folder")
        return
    candidates = _walk(root_path, compiled, stats, follow_symlinks)
    matched: list[tuple[str, str, dict[str, Any]]] = []
    order: list[tuple[str, str, dict[str, Any]] | Reject] = []
    for path, rel in candidates:
        if rel.startswith(_OUTSIDE):
            order.append(Reject(path, LINK_REASON.format(target=Path(path).resolve())))
            continue
        fields = compiled.match(rel)
        if isinstance(fields, str):
            order.append(Reject(path, fields))
        else:
            item = (path, rel, fields)
            matched.append(item)
            order.append(item)
    if settings.unwrap and settings.hyphenation and model is None and matched:
        model = fit_hyphenation_lookups(
            [p for p, _, _ in matched], settings=settings, preload=WORKER_MODULES
        )
    jobs = n_jobs(settings.n_jobs)
    chunks = chunked(matched, settings.chunk_size)
    with tqdm(total=len(order), unit="file", desc="folder", disable=None) as bar:
        if jobs == 1 or len(chunks) < 2:
            _init_worker(outlet, settings, model, annotate)
            results: Iterator[list[LoadResult]] = map(_load_chunk, chunks)
            yield from _merge(order, results, stats, bar)
            return
        initargs = (outlet, settings, model, annotate)
        with process_pool(
            jobs, settings.start_method, _init_worker, initargs, preload=WORKER_MODULES
        ) as pool:
            yield from _merge(order, ordered(pool, _load_chunk, chunks, 2 * jobs), stats, bar)


def _merge(
    order: list[tuple[str, str, dict[str, Any]] | Reject],
    results: Iterator[list[LoadResult]],
    stats: LoadStats,
    bar: Any,
) -> Iterator[LoadResult]:
    """Interleave the pattern rejects with the loaded chunks, in path order."""
    buffer: deque[LoadResult] = deque()
    for entry in order:
        if isinstance(entry, Reject):
            item: LoadResult = entry
        else:
            if not buffer:
                buffer.extend(next(results))
            item = buffer.popleft()
        stats.count(item)
        bar.update(1)
        yield item
