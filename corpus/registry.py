"""The named corpora of ``../shared/corpora``: what they are, where they come from, how to load them.

The registry lives in ``corpus/data/datasets.json``. Each dataset names its folder, documents,
dates, licence, upstream repository and pinned commit, and its files, each with the raw URL at
that commit (``https://raw.githubusercontent.com/OWNER/REPO/COMMIT/PATH``), its size and its
SHA-256. A folder of many files (the UN General Debate Corpus, 10,957 files) is recorded as one
*listing*: the SHA-256 of the UTF-8 text made of one line ``{relative path}\\t{sha256}\\n`` per
file, sorted by relative path (POSIX separators, relative to the dataset folder), plus a gzip'd
table of the files (``corpus/data/<name>-files.tsv.gz``: ``path, bytes, sha256`` per line, checked
against the listing hash when read) so that each file can be checked and downloaded on its own.

:func:`dataset_folder` finds a dataset in :func:`secnews.corpus.paths.data_dir` (``$SECNEWS_DATA``)
or in :func:`secnews.corpus.paths.cache_dir`. A local copy is never trusted because its files
exist: sizes are checked on every use (a truncated file, or the UN corpus with one of its 10,957
files, is refused), and hashes when a file is first used or has changed since it was last found
good (a stamp of size and modification time per file, kept in the cache's ``verified/``
folder); a copy that does not match is refused with an error naming the files
(:func:`check_folder`). A missing file is downloaded into the cache from its pinned URL and
checked against its SHA-256 before it is moved into place (a mismatch is an error that names both
hashes). :func:`dataset_sources` turns a dataset into build
:class:`~secnews.corpus.loaders.sources.Source` objects.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import stat
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from secnews.corpus.loaders.sources import Source
from secnews.corpus.paths import cache_dir, data_dir
from secnews.corpus.store.write import file_sha256

__all__ = [
    "Dataset",
    "DatasetError",
    "check_folder",
    "dataset_folder",
    "dataset_sources",
    "datasets",
    "datasets_frame",
    "download_file",
    "fetch_dataset",
    "get_dataset",
    "listing_sha256",
]

logger = logging.getLogger(__name__)

_REGISTRY = "datasets.json"
#: Seconds before a download gives up.
TIMEOUT = 60


class DatasetError(RuntimeError):
    """A dataset is unknown, missing and not downloadable, or fails its checksum."""


@dataclass(frozen=True)
class Dataset:
    """One named corpus of the registry (see ``corpus/data/datasets.json``)."""

    name: str
    folder: str
    title: str
    docs: str
    dates: str
    licence: str
    citation: str
    repo: str | None
    commit: str | None
    files: tuple[dict[str, Any], ...]
    listing: dict[str, Any] | None
    sources: tuple[dict[str, Any], ...]

    @property
    def repo_url(self) -> str | None:
        """The upstream repository pinned to its commit."""
        if not self.repo:
            return None
        return f"https://github.com/{self.repo}/tree/{self.commit}"

    def raw_url(self, upstream_path: str) -> str:
        """Raw download URL of a file of the upstream repository at the pinned commit."""
        if not self.repo or not self.commit:
            raise DatasetError(f"dataset {self.name!r} has no upstream repository to download from")
        quoted = urllib.parse.quote(upstream_path)
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{quoted}"


@functools.cache
def _registry() -> dict[str, Dataset]:
    text = resources.files(__package__).joinpath("data", _REGISTRY).read_text(encoding="utf-8")
    out = {}
    for item in json.loads(text)["datasets"]:
        out[item["name"]] = Dataset(
            name=item["name"],
            folder=item["folder"],
            title=item["title"],
            docs=item["docs"],
            dates=item["dates"],
            licence=item["licence"],
            citation=item.get("citation", ""),
            repo=item.get("repo"),
            commit=item.get("commit"),
            files=tuple(item.get("files", ())),
            listing=item.get("listing"),
            sources=tuple(item["sources"]),
        )
    return out


def datasets() -> list[Dataset]:
    """Every dataset of the registry, in registry order."""
    return list(_registry().values())


def get_dataset(name: str) -> Dataset:
    """Return the dataset called ``name``.

    Raises
    ------
    DatasetError
        For an unknown name (the message lists the known ones).
    """
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(_registry())
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {known}") from None


# -- checksums --------------------------------------------------------------------------------------
def listing_lines(folder: Path, root: str) -> Iterable[str]:
    """Yield ``{relative path}\\t{sha256}\\n`` for every file below ``folder / root``, sorted."""
    base = folder / root
    names = sorted(p.relative_to(folder).as_posix() for p in base.rglob("*") if p.is_file())
    for name in names:
        yield f"{name}\t{file_sha256(folder / name)}\n"


def listing_sha256(folder: str | Path, root: str) -> tuple[str, int]:
    """SHA-256 of the sorted listing of (relative path, sha256) of the files below ``root``.

    Parameters
    ----------
    folder
        The dataset folder.
    root
        Sub-folder whose files are listed (e.g. ``TXT``).

    Returns
    -------
    tuple of (str, int)
        The hexadecimal digest and the number of files.
    """
    digest = hashlib.sha256()
    count = 0
    for line in listing_lines(Path(folder), root):
        digest.update(line.encode("utf-8"))
        count += 1
    return digest.hexdigest(), count


@functools.cache
def _packaged_entries(name: str) -> tuple[tuple[str, int, str], ...]:
    data = resources.files(__package__).joinpath("data", name).read_bytes()
    out = []
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        path, size, sha = line.split("\t")
        out.append((path, int(size), sha))
    return tuple(out)


def _listing_entries(dataset: Dataset) -> list[tuple[str, int | None, str]]:
    """(relative path, bytes, sha256) of every file of a dataset's listing, from the packaged
    ``entries_file`` (checked against the registry's listing hash and count).

    Raises
    ------
    DatasetError
        When the packaged file list does not give the registry's listing hash (a packaging bug).
    """
    listing = dataset.listing
    assert listing is not None
    entries = _packaged_entries(listing["entries_file"])
    digest = hashlib.sha256()
    for path, _size, sha in entries:
        digest.update(f"{path}\t{sha}\n".encode())
    if digest.hexdigest() != listing["sha256"] or len(entries) != listing["files"]:
        raise DatasetError(
            f"the packaged file list {listing['entries_file']} of {dataset.name} does not match "
            "the registry's listing hash (a secnews packaging bug)"
        )
    return list(entries)


def _listing_paths(dataset: Dataset) -> list[str]:
    return [path for path, _size, _sha in _listing_entries(dataset)]


def _expected_files(dataset: Dataset) -> list[tuple[str, int | None, str]]:
    """(relative path, bytes or None, sha256) of every file a dataset must hold."""
    out: list[tuple[str, int | None, str]] = [
        (f["path"], f.get("bytes"), f["sha256"]) for f in dataset.files
    ]
    if dataset.listing is not None:
        out += _listing_entries(dataset)
    return out


# -- checks ------------------------------------------------------------------------------------------
#: Problems named in an error message before the rest is only counted.
_SHOW_PROBLEMS = 5


def _stamp_path(dataset: Dataset, folder: Path) -> Path:
    key = hashlib.sha256(os.fsencode(folder.absolute())).hexdigest()[:16]
    return cache_dir() / "verified" / f"{dataset.name}-{key}.json"


def _read_stamp(dataset: Dataset, folder: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(_stamp_path(dataset, folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("folder") != str(folder.absolute()):
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _write_stamp(dataset: Dataset, folder: Path, files: dict[str, list[Any]]) -> None:
    from secnews.corpus.atomic import atomic_write_text

    payload = {"dataset": dataset.name, "folder": str(folder.absolute()), "files": files}
    try:
        atomic_write_text(_stamp_path(dataset, folder), json.dumps(payload, sort_keys=True))
    except OSError as exc:  # a read-only cache: the next use hashes again
        logger.warning("could not record the verified state of %s: %s", folder, exc)


def check_folder(
    folder: str | Path, dataset: Dataset, *, hashes: bool = True, stamps: bool = True
) -> list[str]:
    """The problems of a local copy of a dataset (an empty list when it matches the registry).

    Sizes are always checked, and the set of files of a listing (a missing or an extra file is a
    problem). With ``hashes``, every file's SHA-256 is checked too, except, with ``stamps``, a
    file whose size and modification time are those recorded when it was last found good (the
    stamp lives in the cache folder, ``verified/``): a file is hashed when it is first used or
    has changed since.

    Returns
    -------
    list of str
        ``{relative path}: {what is wrong}`` per problem.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder}: not a folder"]
    expected = _expected_files(dataset)
    stamp = _read_stamp(dataset, folder) if hashes and stamps else {}
    good: dict[str, list[Any]] = {}
    problems: list[str] = []
    for rel, size, sha in expected:
        path = folder / rel
        try:
            info = path.stat()
        except OSError:
            problems.append(f"{rel}: missing")
            continue
        if not stat.S_ISREG(info.st_mode):
            problems.append(f"{rel}: not a regular file")
            continue
        if size is not None and info.st_size != size:
            problems.append(
                f"{rel}: {info.st_size:,} bytes, expected {size:,} (truncated or changed)"
            )
            continue
        if not hashes:
            continue
        entry = [info.st_size, info.st_mtime_ns, sha]
        if stamp.get(rel) != entry:
            got = file_sha256(path)
            if got != sha:
                problems.append(f"{rel}: sha256 {got}, expected {sha} (changed or damaged)")
                continue
        good[rel] = entry
    if dataset.listing is not None:
        root = folder / dataset.listing["root"]
        known = {rel for rel, _, _ in expected}
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(folder).as_posix()
                if rel not in known and path.is_file():
                    problems.append(f"{rel}: not a file of the dataset")
    if hashes and not problems and good != stamp:
        _write_stamp(dataset, folder, good)
    return problems


def _problem_message(dataset: Dataset, folder: Path, problems: list[str]) -> str:
    shown = "; ".join(problems[:_SHOW_PROBLEMS])
    more = len(problems) - _SHOW_PROBLEMS
    if more > 0:
        shown += f"; and {more:,} more"
    return (
        f"dataset {dataset.name!r} in {folder} does not match the registry: {shown}. Refusing to "
        "use it: restore the files (or delete the folder to download it again)"
    )


# -- downloads --------------------------------------------------------------------------------------
def _urlopen(url: str) -> BinaryIO:
    """Open a URL (a module-level hook so tests can replace the network)."""
    response: BinaryIO = urllib.request.urlopen(url, timeout=TIMEOUT)
    return response


def download_file(
    url: str,
    dest: str | Path,
    *,
    sha256: str | None,
    opener: Callable[[str], BinaryIO] | None = None,
) -> Path:
    """Download ``url`` to ``dest`` atomically, checking its SHA-256.

    The bytes go to a temporary file beside ``dest``, which is renamed onto ``dest`` only when
    the whole download succeeded and its hash matches.

    Parameters
    ----------
    url
        ``https://``, ``http://`` or ``file://`` URL.
    dest
        Final path (its folder is created).
    sha256
        Expected hexadecimal digest (``None``: not checked; the registry always gives one).
    opener
        Function returning a readable binary response (default: :func:`urllib.request.urlopen`).

    Raises
    ------
    DatasetError
        When the download fails or the checksum does not match (the partial file is removed).
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    temp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                response = (opener or _urlopen)(url)
                with response:
                    while chunk := response.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
            except OSError as exc:
                raise DatasetError(f"download of {url} failed: {exc}") from exc
        if sha256 is not None and digest.hexdigest() != sha256:
            raise DatasetError(
                f"checksum mismatch for {url}: expected sha256 {sha256}, got {digest.hexdigest()}; "
                "the file was not saved (the upstream file changed or the download is corrupt)"
            )
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return dest


def local_folder(dataset: Dataset) -> Path | None:
    """The folder holding the complete dataset (data folder first, then cache), or ``None``.

    Complete: every file there with its registered size (hashes are checked when the dataset is
    used, :func:`fetch_dataset`).
    """
    for base in (data_dir(), cache_dir()):
        folder = base / dataset.folder
        if folder.is_dir() and not check_folder(folder, dataset, hashes=False):
            return folder
    return None


def dataset_folder(name: str, *, download: bool = True) -> Path:
    """Return the local folder of a dataset, checked, downloading missing files into the cache.

    Parameters
    ----------
    name
        A registry name (see :func:`datasets`).
    download
        Fetch missing files from their pinned upstream URL (checksums checked).

    Raises
    ------
    DatasetError
        When the dataset is missing and cannot be downloaded (no network, no upstream URL,
        checksum mismatch), or a local copy does not match the registry (the message names the
        files).
    """
    return fetch_dataset(get_dataset(name), download=download)


def fetch_dataset(dataset: Dataset, *, download: bool = True) -> Path:
    """:func:`dataset_folder` for a :class:`Dataset` object (also one that is not registered).

    A copy in the data folder is used when it exists and matches (see :func:`check_folder`);
    one that does not match is an error, never silently replaced (the data folder is the
    user's). Otherwise the copy in the cache is used, completed or repaired by downloading the
    files that are missing or do not match, under a lock on the cache folder; ``.part`` files
    of interrupted downloads are removed first.
    """
    from secnews.corpus.store.lock import remove_stale, target_lock

    name = dataset.name
    local = data_dir() / dataset.folder
    if local.is_dir():
        problems = check_folder(local, dataset)
        if problems:
            raise DatasetError(_problem_message(dataset, local, problems))
        return local
    folder = cache_dir() / dataset.folder
    with target_lock(folder, what="downloaded"):
        remove_stale(folder, ("**/.*.part",))
        problems = check_folder(folder, dataset) if folder.is_dir() else ["not present"]
        if not problems:
            return folder
        if not download:
            raise DatasetError(
                f"dataset {name!r} not found in {local} or {folder} (downloads disabled)"
                + (
                    ""
                    if problems == ["not present"]
                    else f"; {_problem_message(dataset, folder, problems)}"
                )
            )
        if not dataset.repo:
            raise DatasetError(
                f"dataset {name!r} is not in {local} and has no public URL to download it "
                "from; set SECNEWS_DATA to the folder that holds it"
            )
        logger.info("downloading dataset %s into %s", name, folder)
        _download_missing(dataset, folder)
        problems = check_folder(folder, dataset)
        if problems:
            raise DatasetError(_problem_message(dataset, folder, problems))
    return folder


def _download_missing(dataset: Dataset, folder: Path) -> None:
    """Download every file of ``dataset`` that is missing from ``folder`` or does not match
    (each checked against its SHA-256 before it is moved into place); remove files of a listing
    that are not the dataset's."""
    for item in dataset.files:
        target = folder / item["path"]
        if target.is_file() and file_sha256(target) == item["sha256"]:
            continue
        download_file(dataset.raw_url(item["upstream_path"]), target, sha256=item["sha256"])
    if dataset.listing is None:
        return
    listing = dataset.listing
    entries = _listing_entries(dataset)
    known = {rel for rel, _, _ in entries}
    root = folder / listing["root"]
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in known:
                path.unlink()
    for rel, size, sha in entries:
        target = folder / rel
        size_ok = target.is_file() and (size is None or target.stat().st_size == size)
        if size_ok and file_sha256(target) == sha:
            continue
        url = dataset.raw_url(listing["upstream_prefix"] + rel)
        download_file(url, target, sha256=sha)


def verify_dataset(name: str) -> list[str]:
    """Check a local dataset against the registry's sizes and checksums, hashing every file
    (stamps ignored); return the problems found."""
    dataset = get_dataset(name)
    for base in (data_dir(), cache_dir()):
        folder = base / dataset.folder
        if folder.is_dir():
            return [f"{name}: {p}" for p in check_folder(folder, dataset, stamps=False)]
    return [f"{name}: not present locally"]


def dataset_sources(name: str, *, download: bool = True) -> list[Source]:
    """The build sources of a dataset, with paths in its local folder.

    ``source_path`` values are stored relative to the data folder (``{folder}/{file}``), so a
    dataset builds to the same bytes wherever the data folder is.
    """
    dataset = get_dataset(name)
    folder = dataset_folder(name, download=download)
    out = []
    for spec in dataset.sources:
        paths = tuple(folder / p for p in spec["paths"])
        out.append(
            Source(
                paths=paths,
                format=spec.get("format", "auto"),
                mapping=spec.get("mapping"),
                outlet=spec.get("outlet"),
                pattern=spec.get("pattern"),
                outlet_names=spec.get("outlet_names", {}),
                record=spec.get("record"),
                name=spec.get("name", f"{name}:{', '.join(spec['paths'])}"),
                base=folder.parent,
            )
        )
    return out


def datasets_frame() -> Any:
    """The registry as a DataFrame: name, docs, dates, licence, url, local folder, present."""
    import pandas as pd

    rows = []
    for dataset in datasets():
        folder = local_folder(dataset)
        rows.append(
            {
                "name": dataset.name,
                "docs": dataset.docs,
                "dates": dataset.dates,
                "licence": dataset.licence,
                "url": dataset.repo_url,
                "present": folder is not None,
                "folder": None if folder is None else str(folder),
            }
        )
    return pd.DataFrame(rows)
