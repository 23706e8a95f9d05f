"""The dataset registry: checksums of the real corpora, lookup by name, downloads with checks."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.parse
import urllib.request
from importlib import resources
from pathlib import Path

import pytest

from secnews.corpus import registry
from secnews.corpus.paths import CACHE_ENV, DATA_ENV
from secnews.corpus.registry import (
    DatasetError,
    dataset_folder,
    dataset_sources,
    datasets,
    datasets_frame,
    download_file,
    get_dataset,
    listing_sha256,
)
from secnews.corpus.store.write import file_sha256

NAMES = [
    "seed-article",
    "kremlin-ukraine-press",
    "usgov-ukraine-2022",
    "tass-politics-2024",
    "ungdc",
    "html-news-pages",
    "reuters-21578",
]


def test_registry_names_and_provenance() -> None:
    assert [d.name for d in datasets()] == NAMES
    for dataset in datasets():
        assert dataset.docs and dataset.dates and dataset.licence
        if dataset.name != "seed-article":  # the seed page has no public upstream
            assert dataset.repo and dataset.commit and len(dataset.commit) == 40
            assert dataset.repo_url == f"https://github.com/{dataset.repo}/tree/{dataset.commit}"
    press = get_dataset("kremlin-ukraine-press")
    assert press.raw_url(press.files[0]["upstream_path"]) == (
        "https://raw.githubusercontent.com/PeiYiZhuo/zelenskyy-putin/"
        "134450b5183c05bcbaac31d87e0e0ed65d54986e/press_release_data/putin.csv"
    )
    tass = get_dataset("tass-politics-2024")
    assert tass.raw_url("tass output examples/politics_20.json").endswith(
        "/tass%20output%20examples/politics_20.json"
    )
    with pytest.raises(DatasetError, match="known datasets: seed-article"):
        get_dataset("nope")


def test_file_checksums_match_the_shared_files(corpora_dir: Path) -> None:
    for dataset in datasets():
        for item in dataset.files:
            path = corpora_dir / dataset.folder / item["path"]
            assert path.stat().st_size == item["bytes"], path
            assert file_sha256(path) == item["sha256"], path


def test_un_listing_checksum(corpora_dir: Path) -> None:
    un = get_dataset("ungdc")
    assert un.listing is not None
    digest, count = listing_sha256(corpora_dir / un.folder, "TXT")
    assert (digest, count) == (un.listing["sha256"], un.listing["files"]) == (digest, 10957)
    lines = (
        gzip.decompress(
            resources.files("secnews.corpus").joinpath("data", "ungdc-files.tsv.gz").read_bytes()
        )
        .decode()
        .splitlines()
    )
    paths = [line.split("\t")[0] for line in lines]
    assert len(paths) == 10957 and paths == sorted(paths)
    assert registry._listing_paths(un) == paths
    assert "TXT/Session 47 - 1992/.DS_Store-to-UTF-8.txt" in paths


def test_listing_sha256_is_the_documented_text(tmp_path: Path) -> None:
    (tmp_path / "R/b").mkdir(parents=True)
    (tmp_path / "R/b/y.txt").write_bytes(b"two")
    (tmp_path / "R/a.txt").write_bytes(b"one")
    text = (
        f"R/a.txt\t{hashlib.sha256(b'one').hexdigest()}\n"
        f"R/b/y.txt\t{hashlib.sha256(b'two').hexdigest()}\n"
    )
    assert listing_sha256(tmp_path, "R") == (hashlib.sha256(text.encode()).hexdigest(), 2)


def test_datasets_are_found_in_the_data_folder(corpora_dir: Path) -> None:
    frame = datasets_frame()
    assert list(frame["name"]) == NAMES
    assert frame["present"].all()
    assert dataset_folder("tass-politics-2024") == corpora_dir / "tass-politics-2024"
    sources = dataset_sources("kremlin-ukraine-press")
    assert [s.outlet for s in sources] == ["kremlin.ru", "president.gov.ua"]
    assert [s.format for s in sources] == ["table", "table"]
    assert (
        sources[0].relative(sources[0].paths[0])
        == "kremlin-ukraine-press-2021-2022/kremlin_putin.csv"
    )


def test_download_file_checks_the_checksum(tmp_path: Path, corpora_dir: Path) -> None:
    original = tmp_path / "upstream" / "politics_20.json"
    original.parent.mkdir()
    shutil.copyfile(corpora_dir / "tass-politics-2024/politics_20.json", original)
    good = file_sha256(original)
    out = download_file(original.as_uri(), tmp_path / "cache/a.json", sha256=good)
    assert out.read_bytes() == original.read_bytes()
    with pytest.raises(DatasetError, match=r"checksum mismatch .* expected sha256 0{64}"):
        download_file(original.as_uri(), tmp_path / "cache/b.json", sha256="0" * 64)
    assert not (tmp_path / "cache/b.json").exists()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["a.json"]  # no partial file
    with pytest.raises(DatasetError, match=r"download of .* failed"):
        download_file((tmp_path / "missing.json").as_uri(), tmp_path / "cache/c.json", sha256=good)


def _fake_network(monkeypatch: pytest.MonkeyPatch, upstream: Path) -> list[str]:
    """Serve raw.githubusercontent.com URLs from a local folder; return the URLs asked for."""
    asked: list[str] = []

    def opener(url: str):  # type: ignore[no-untyped-def]
        asked.append(url)
        prefix = "https://raw.githubusercontent.com/"
        assert url.startswith(prefix)
        _owner, _repo, _commit, *rest = url[len(prefix) :].split("/")
        path = upstream / urllib.parse.unquote("/".join(rest))
        return urllib.request.urlopen(path.as_uri())

    monkeypatch.setattr(registry, "_urlopen", opener)
    return asked


def test_missing_dataset_is_downloaded_into_the_cache(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = tmp_path / "upstream"
    (upstream / "press_release_data").mkdir(parents=True)
    folder = corpora_dir / "kremlin-ukraine-press-2021-2022"
    shutil.copyfile(folder / "kremlin_putin.csv", upstream / "press_release_data/putin.csv")
    shutil.copyfile(
        folder / "president_ua_zelenskyy.csv", upstream / "press_release_data/zelenskyy.csv"
    )
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty-data"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    asked = _fake_network(monkeypatch, upstream)
    assert not datasets_frame().set_index("name").loc["kremlin-ukraine-press", "present"]
    with pytest.raises(DatasetError, match="downloads disabled"):
        dataset_folder("kremlin-ukraine-press", download=False)
    got = dataset_folder("kremlin-ukraine-press")
    assert got == tmp_path / "cache" / "kremlin-ukraine-press-2021-2022"
    assert file_sha256(got / "kremlin_putin.csv") == file_sha256(folder / "kremlin_putin.csv")
    assert len(asked) == 2 and all("/134450b5183c05bcbaac31d87e0e0ed65d54986e/" in u for u in asked)
    assert dataset_folder("kremlin-ukraine-press") == got  # second time: from the cache
    assert len(asked) == 2


def test_a_changed_upstream_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = tmp_path / "upstream"
    (upstream / "data").mkdir(parents=True)
    (upstream / "data/Government_Data.xlsx").write_bytes(b"not the pinned file")
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty-data"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _fake_network(monkeypatch, upstream)
    with pytest.raises(DatasetError, match="checksum mismatch"):
        dataset_folder("usgov-ukraine-2022")
    assert not (tmp_path / "cache/usgov-ukraine-2022/Government_Data.xlsx").exists()


def test_no_upstream_means_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty-data"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(DatasetError, match="no public URL"):
        dataset_folder("seed-article")


def test_a_folder_listing_is_downloaded_and_checked(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UN-style download: every listed file fetched, then the listing sha256 checked."""
    session = corpora_dir / "ungdc-1946-2024/TXT/Session 01 - 1946"
    names = sorted(p.name for p in session.iterdir())[:3]
    upstream = tmp_path / "upstream"
    (upstream / "data/TXT/Session 01 - 1946").mkdir(parents=True)
    for name in names:
        shutil.copyfile(session / name, upstream / "data/TXT/Session 01 - 1946" / name)
    digest, count = listing_sha256(upstream / "data", "TXT")
    entries = [
        (f"TXT/Session 01 - 1946/{n}", (session / n).stat().st_size, file_sha256(session / n))
        for n in names
    ]
    wrong = [(entries[0][0], entries[0][1], "f" * 64), *entries[1:]]
    listed = {"value": wrong}
    monkeypatch.setattr(registry, "_listing_entries", lambda dataset: listed["value"])
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty-data"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _fake_network(monkeypatch, upstream)

    def dataset(sha: str) -> registry.Dataset:
        return registry.Dataset(
            name="mini-un",
            folder="mini-un",
            title="three UN speeches",
            docs="3",
            dates="1946",
            licence="CC0 1.0",
            citation="",
            repo="owner/repo",
            commit="0" * 40,
            files=(),
            listing={"root": "TXT", "files": count, "sha256": sha, "upstream_prefix": "data/"},
            sources=(),
        )

    with pytest.raises(DatasetError, match="checksum mismatch for .*" + names[0]):
        registry.fetch_dataset(dataset(digest))
    listed["value"] = entries
    folder = registry.fetch_dataset(dataset(digest))
    assert listing_sha256(folder, "TXT") == (digest, 3)
    assert [p.name for p in folder.iterdir()] == ["TXT"]  # no staging folder left


# -- issue 17, point 3: local copies are checked, not trusted -----------------------------------------
def _local_copy(tmp_path: Path, corpora_dir: Path, name: str) -> Path:
    dataset = get_dataset(name)
    data = tmp_path / "data"
    shutil.copytree(corpora_dir / dataset.folder, data / dataset.folder)
    return data / dataset.folder


def test_a_tampered_or_truncated_file_is_refused_and_named(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _local_copy(tmp_path, corpora_dir, "tass-politics-2024")
    monkeypatch.setenv(DATA_ENV, str(folder.parent))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert dataset_folder("tass-politics-2024") == folder  # hashed once, then stamped
    stamps = list((tmp_path / "cache/verified").iterdir())
    assert len(stamps) == 1
    path = folder / "politics_20.json"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Putin", b"Putln", 1))  # same size, new content
    with pytest.raises(DatasetError, match=r"politics_20.json: sha256 .* \(changed or damaged\)"):
        dataset_folder("tass-politics-2024")
    path.write_bytes(data[:-100])
    with pytest.raises(DatasetError, match=r"politics_20.json: [\d,]+ bytes, expected"):
        dataset_sources("tass-politics-2024")
    assert not datasets_frame().set_index("name").loc["tass-politics-2024", "present"]
    path.write_bytes(data)
    assert dataset_folder("tass-politics-2024") == folder


def test_files_are_hashed_only_when_first_used_or_changed(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _local_copy(tmp_path, corpora_dir, "kremlin-ukraine-press")
    monkeypatch.setenv(DATA_ENV, str(folder.parent))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    hashed: list[str] = []
    original = registry.file_sha256

    def counting(path, **kw):  # type: ignore[no-untyped-def]
        hashed.append(Path(path).name)
        return original(path, **kw)

    monkeypatch.setattr(registry, "file_sha256", counting)
    dataset_folder("kremlin-ukraine-press")
    assert sorted(hashed) == ["kremlin_putin.csv", "president_ua_zelenskyy.csv"]
    hashed.clear()
    dataset_folder("kremlin-ukraine-press")
    assert hashed == []
    import os

    os.utime(folder / "kremlin_putin.csv", ns=(1, 1))
    dataset_folder("kremlin-ukraine-press")
    assert hashed == ["kremlin_putin.csv"]
    assert registry.verify_dataset("kremlin-ukraine-press") == []  # --verify hashes everything


def test_an_incomplete_listing_is_refused(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UN corpus with one session folder only (39 of its 10,957 files) is not present."""
    un = get_dataset("ungdc")
    data = tmp_path / "data"
    session = "TXT/Session 01 - 1946"
    shutil.copytree(corpora_dir / un.folder / session, data / un.folder / session)
    (data / un.folder / session / "EXTRA_01_1946.txt").write_text("not a UN file")
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert not datasets_frame().set_index("name").loc["ungdc", "present"]
    with pytest.raises(DatasetError, match=r"TXT/Session 02 - 1947/\w+.txt: missing.*more"):
        dataset_folder("ungdc", download=False)
    problems = registry.check_folder(data / un.folder, un, hashes=False)
    assert f"{session}/EXTRA_01_1946.txt: not a file of the dataset" in problems
    missing = [p for p in problems if p.startswith("TXT/") and p.endswith(": missing")]
    assert len(missing) == 10957 - len(list((corpora_dir / un.folder / session).iterdir()))


def test_stale_part_files_are_removed_at_the_next_download(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = tmp_path / "upstream"
    (upstream / "press_release_data").mkdir(parents=True)
    folder = corpora_dir / "kremlin-ukraine-press-2021-2022"
    shutil.copyfile(folder / "kremlin_putin.csv", upstream / "press_release_data/putin.csv")
    shutil.copyfile(
        folder / "president_ua_zelenskyy.csv", upstream / "press_release_data/zelenskyy.csv"
    )
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty-data"))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    _fake_network(monkeypatch, upstream)
    cached = tmp_path / "cache/kremlin-ukraine-press-2021-2022"
    cached.mkdir(parents=True)
    (cached / ".kremlin_putin.csv.abc123.part").write_bytes(b"half a download")
    got = dataset_folder("kremlin-ukraine-press")
    assert sorted(p.name for p in got.iterdir()) == [
        "kremlin_putin.csv",
        "president_ua_zelenskyy.csv",
    ]
    assert not (tmp_path / "cache/.kremlin-ukraine-press-2021-2022.lock").exists()
