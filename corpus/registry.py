"""The named corpora of ``../shared/corpora``: what they are, where they come from, how to load them.

The registry lives in ``corpus/data/datasets.json``. Each dataset names its folder, documents,
dates, licence, upstream repository and pinned commit, and its files, each with the raw URL at
that commit (``https://raw.githubusercontent.com/OWNER/REPO/COMMIT/PATH``), its size and its
SHA-256. A folder of many files (the UN General Debate Corpus, 10,957 files) is recorded as one
*listing*: the SHA-256 of the UTF-8 text made of one line ``{relative path}\\t{sha256}\\n`` per
file, sorted by relative path (POSIX separators, relative to the dataset folder), plus a gzip'd
list of the paths (``corpus/data/<name>-files.txt.gz``) so that it can be downloaded file by file.

:func:`dataset_folder` finds a dataset in :func:`secnews.corpus.paths.data_dir` (``$SECNEWS_DATA``)
or in :func:`secnews.corpus.paths.cache_dir`; a missing file is downloaded into the cache from its
pinned URL and checked against its SHA-256 before it is moved into place (a mismatch is an error
that names both hashes). :func:`dataset_sources` turns a dataset into build
:class:`~secnews.corpus.loaders.sources.Source` objects.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import shutil
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


def _listing_paths(dataset: Dataset) -> list[str]:
    assert dataset.listing is not None
    name = dataset.listing["paths_file"]
    data = resources.files(__package__).joinpath("data", name).read_bytes()
    return gzip.decompress(data).decode("utf-8").splitlines()


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


def _present(folder: Path, dataset: Dataset) -> bool:
    if not folder.is_dir():
        return False
    if not all((folder / f["path"]).is_file() for f in dataset.files):
        return False
    if dataset.listing is not None:
        root = folder / dataset.listing["root"]
        return root.is_dir() and any(root.iterdir())
    return True


def local_folder(dataset: Dataset) -> Path | None:
    """The folder holding the complete dataset (data folder first, then cache), or ``None``."""
    for base in (data_dir(), cache_dir()):
        folder = base / dataset.folder
        if _present(folder, dataset):
            return folder
    return None


def _download_listing(dataset: Dataset, folder: Path) -> None:
    assert dataset.listing is not None
    listing = dataset.listing
    root = listing["root"]
    if (folder / root).is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dataset.folder}.{root}.", dir=folder))
    try:
        for path in _listing_paths(dataset):
            url = dataset.raw_url(listing["upstream_prefix"] + path)
            download_file(url, staging / path, sha256=None)
        got, count = listing_sha256(staging, root)
        if got != listing["sha256"] or count != listing["files"]:
            raise DatasetError(
                f"checksum mismatch for the {root}/ listing of {dataset.name}: expected sha256 "
                f"{listing['sha256']} over {listing['files']} files, got {got} over {count}"
            )
        os.replace(staging / root, folder / root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def dataset_folder(name: str, *, download: bool = True) -> Path:
    """Return the local folder of a dataset, downloading missing files into the cache.

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
        checksum mismatch).
    """
    return fetch_dataset(get_dataset(name), download=download)


def fetch_dataset(dataset: Dataset, *, download: bool = True) -> Path:
    """:func:`dataset_folder` for a :class:`Dataset` object (also one that is not registered)."""
    name = dataset.name
    found = local_folder(dataset)
    if found is not None:
        return found
    if not download:
        raise DatasetError(
            f"dataset {name!r} not found in {data_dir() / dataset.folder} or "
            f"{cache_dir() / dataset.folder} (downloads disabled)"
        )
    if not dataset.repo:
        raise DatasetError(
            f"dataset {name!r} is not in {data_dir() / dataset.folder} and has no public URL to "
            "download it from; set SECNEWS_DATA to the folder that holds it"
        )
    folder = cache_dir() / dataset.folder
    logger.info("downloading dataset %s into %s", name, folder)
    for item in dataset.files:
        target = folder / item["path"]
        if target.is_file() and file_sha256(target) == item["sha256"]:
            continue
        download_file(dataset.raw_url(item["upstream_path"]), target, sha256=item["sha256"])
    if dataset.listing is not None:
        _download_listing(dataset, folder)
    return folder


def verify_dataset(name: str) -> list[str]:
    """Check a local dataset against the registry's checksums; return the problems found."""
    dataset = get_dataset(name)
    folder = local_folder(dataset)
    if folder is None:
        return [f"{name}: not present locally"]
    problems = []
    for item in dataset.files:
        got = file_sha256(folder / item["path"])
        if got != item["sha256"]:
            problems.append(f"{name}: {item['path']}: sha256 {got} != {item['sha256']}")
    if dataset.listing is not None:
        got, count = listing_sha256(folder, dataset.listing["root"])
        if got != dataset.listing["sha256"]:
            problems.append(
                f"{name}: listing of {dataset.listing['root']}/ ({count} files) differs"
            )
    return problems


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
