"""File names that are not UTF-8 and symbolic links out of the input folder (issue 17, points 8
and 12)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus.build.util import escape_surrogates
from secnews.corpus.loaders.folder import load_folder
from secnews.corpus.record import Article, Reject

FAST = BuildSettings(language_id=False, relevance=False, dedupe=False)
SEED = "seed-article/000_da4050e255aaa6b8.txt"


def _name(raw: bytes) -> str:
    return os.fsdecode(raw)


def test_escape_surrogates() -> None:
    assert escape_surrogates(_name(b"caf\xe9.csv")) == "caf\\xe9.csv"
    assert escape_surrogates("a\ud800b") == "a\\ud800b"
    assert escape_surrogates("plain caf\u00e9") == "plain caf\u00e9"


# -- point 8 ------------------------------------------------------------------------------------------
def test_a_file_name_that_is_not_utf8_keeps_its_documents(
    tmp_path: Path, corpora_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(corpora_dir / SEED, folder / "good.txt")
    shutil.copyfile(corpora_dir / SEED, os.path.join(folder, _name(b"na\xefve.txt")))
    shutil.copyfile(
        corpora_dir / "tass-politics-2024/politics_20.csv",
        os.path.join(folder, _name(b"caf\xe9.csv")),
    )
    (folder / _name(b"bad\xff.txt")).write_bytes(b"")  # a reject under such a name too
    with caplog.at_level("WARNING"):
        summary = build_corpus([Source(folder)], tmp_path / "c", settings=FAST, progress=False)
    (counts,) = summary.sources
    assert (counts.n_in, counts.rejected) == (23, 1)
    paths = set(
        open_corpus(tmp_path / "c").frame(["source_path"], include_duplicates=True)["source_path"]
    )
    assert paths == {
        f"{folder}/good.txt",
        f"{folder}/na\\xefve.txt",
        f"{folder}/caf\\xe9.csv",
    }
    rejects = (tmp_path / "c/rejects.csv").read_text("utf-8")
    assert f"{folder}/bad\\xff.txt" in rejects
    warned = [r.getMessage() for r in caplog.records if "not valid UTF-8" in r.getMessage()]
    assert len(warned) == 2 and any("caf\\xe9.csv" in m for m in warned)
    manifest = json.loads((tmp_path / "c/manifest.json").read_text("utf-8"))
    listed = {f["path"] for f in manifest["inputs"][0]["files"]}
    assert f"{folder}/na\\xefve.txt" in listed


def test_lone_surrogates_in_json_are_replaced(tmp_path: Path, corpora_dir: Path) -> None:
    item = json.loads((corpora_dir / "tass-politics-2024/politics_20.json").read_text("utf-8"))[0]
    raw = json.dumps([{"title": item["title"] + " \ud800", "text": "\n".join(item["content"])}])
    assert "\\ud800" in raw
    path = tmp_path / "t.json"
    path.write_text(raw, encoding="utf-8")
    summary = build_corpus([Source(path)], tmp_path / "c", settings=FAST, progress=False)
    assert summary.sources[0].kept == 1
    (title,) = open_corpus(tmp_path / "c").frame(["title"])["title"]
    assert title.endswith("\ufffd")


# -- point 12 -----------------------------------------------------------------------------------------
@pytest.fixture
def linked(tmp_path: Path, corpora_dir: Path) -> Path:
    secret = tmp_path / "home" / "secret.txt"
    secret.parent.mkdir()
    shutil.copyfile(corpora_dir / "tass-politics-2024/politics_20.json", tmp_path / "x.json")
    item = json.loads((tmp_path / "x.json").read_text("utf-8"))[5]
    secret.write_text(item["title"] + "\n\n" + "\n".join(item["content"]), encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "TXT").mkdir(parents=True)
    shutil.copyfile(corpora_dir / SEED, folder / "TXT/AAA_01_2020.txt")
    (folder / "TXT/BBB_01_2020.txt").symlink_to(secret)  # out of the folder
    (folder / "TXT/CCC_01_2020.txt").symlink_to(folder / "TXT/AAA_01_2020.txt")  # inside
    return folder


def test_links_out_of_the_folder_are_rejected_unless_asked(linked: Path, tmp_path: Path) -> None:
    summary = build_corpus([Source(linked)], tmp_path / "c", settings=FAST, progress=False)
    (counts,) = summary.sources
    assert (counts.n_in, counts.rejected) == (3, 1)
    rejects = (tmp_path / "c/rejects.csv").read_text("utf-8")
    assert "BBB_01_2020.txt" in rejects and "symbolic link out of the input folder" in rejects
    texts = open_corpus(tmp_path / "c").frame(["text"], include_duplicates=True)["text"]
    assert not any("secret" in t for t in texts)
    follow = BuildSettings(language_id=False, relevance=False, dedupe=False, follow_symlinks=True)
    summary = build_corpus([Source(linked)], tmp_path / "d", settings=follow, progress=False)
    assert (summary.sources[0].n_in, summary.sources[0].rejected) == (3, 0)


def test_the_folder_loader_rejects_links_out_of_its_folder(linked: Path) -> None:
    pattern = "TXT/{country}_{session}_{year}.txt"
    items = list(load_folder(linked, pattern=pattern, settings=_serial()))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert isinstance(items[1], Reject) and "symbolic link out of" in items[1].reason
    items = list(load_folder(linked, pattern=pattern, settings=_serial(), follow_symlinks=True))
    assert all(isinstance(i, Article) for i in items)


def _serial():  # type: ignore[no-untyped-def]
    from secnews.corpus.loaders.folder import FolderSettings

    return FolderSettings(n_jobs=1, unwrap=False)


def test_a_parquet_file_with_a_name_that_is_not_utf8_is_read(
    tmp_path: Path, corpora_dir: Path
) -> None:
    """Found by the property test: pyarrow could not open such a name (the rows were lost)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from secnews.corpus.loaders.tabular import load_table

    items = json.loads((corpora_dir / "tass-politics-2024/politics_20.json").read_text("utf-8"))
    rows = [{"title": i["title"], "text": "\n".join(i["content"])} for i in items[:3]]
    path = os.path.join(tmp_path, _name(b"r\xe9sum\xe9.parquet"))
    with open(path, "wb") as handle:
        pq.write_table(pa.Table.from_pylist(rows), handle)
    loaded = list(load_table(path))
    assert [type(i).__name__ for i in loaded] == ["Article"] * 3
