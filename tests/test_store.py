"""The stored corpus: schema, deterministic writing, content hash, the DuckDB handle, atomic swap.

The rows are the real Kremlin / president.gov.ua press releases (``press_frame``), written with the
store's own writer so that these tests do not depend on the loaders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from secnews.corpus.record import Reject
from secnews.corpus.store.read import (
    ARTICLES_SCHEMA,
    STORE_COLUMNS,
    document_text,
    open_corpus,
)
from secnews.corpus.store.write import (
    CORPUS_FORMAT,
    ArticleWriter,
    staging_dir,
    write_manifest,
    write_rejects,
)


def _rows(press: pd.DataFrame, n: int) -> list[dict]:
    rows = []
    for rec in press.head(n).to_dict(orient="records"):
        row: dict[str, Any] = dict.fromkeys(STORE_COLUMNS)
        row.update(
            doc_id=rec["doc_id"],
            outlet=rec["outlet"],
            url=rec["url"],
            title=rec["title"],
            text=rec["text"],
            published=None if pd.isna(rec["published"]) else rec["published"].to_pydatetime(),
            source_path=f"press/{rec['outlet']}.csv",
            loader="table",
            meta="{}",
        )
        full = document_text(row)
        row["n_chars"] = len(full)
        row["n_words"] = len(full.split())
        rows.append(row)
    return rows


def _write(folder: Path, rows: list[dict], *, row_group_size: int = 7) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA)
    with ArticleWriter(folder, row_group_size=row_group_size) as writer:
        writer.write(table)
        digest = writer.hasher.hexdigest()
    write_manifest(folder / "manifest.json", {"corpus_hash": digest, "format": CORPUS_FORMAT})
    write_rejects(folder / "rejects.csv", [Reject("press/x.csv", "no text", 3)])
    return digest


@pytest.fixture(scope="module")
def rows(press_frame: pd.DataFrame) -> list[dict]:
    out = _rows(press_frame, 40)
    out[5]["dup_of"] = out[1]["doc_id"]
    out[9]["dup_of"] = out[1]["doc_id"]
    return out


@pytest.fixture
def corpus_dir(tmp_path: Path, rows: list[dict]) -> Path:
    _write(tmp_path / "c", rows)
    return tmp_path / "c"


def test_document_text_joins_nonempty_parts() -> None:
    assert document_text({"title": "T", "lede": None, "text": "a\n\nb"}) == "T\n\na\n\nb"
    assert document_text({"title": " ", "lede": "L", "text": "x"}) == "L\n\nx"
    assert document_text({"text": "only"}) == "only"


def test_schema_and_column_order(corpus_dir: Path) -> None:
    part = corpus_dir / "articles" / "part-00000.parquet"
    assert open_corpus(corpus_dir).parts == [part]
    schema = pq.read_schema(part)
    assert schema.names == list(STORE_COLUMNS)
    assert schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert pq.ParquetFile(part).num_row_groups == 6  # 40 rows / 7


def test_frame_leaves_duplicates_out_by_default(corpus_dir: Path, rows: list[dict]) -> None:
    corpus = open_corpus(corpus_dir)
    frame = corpus.frame()
    assert len(corpus) == 38 == len(frame)
    assert list(frame.columns) == list(STORE_COLUMNS)
    assert frame["dup_of"].isna().all()
    assert list(frame["doc_id"]) == [r["doc_id"] for r in rows if r["dup_of"] is None]
    everything = corpus.frame(include_duplicates=True)
    assert len(everything) == 40
    assert everything["dup_of"].notna().sum() == 2
    assert str(frame["published"].dtype) == "datetime64[us, UTC]"
    assert frame["published"].iloc[0] == pd.Timestamp(rows[0]["published"])


def test_frame_columns_where_and_full_text(corpus_dir: Path, rows: list[dict]) -> None:
    corpus = open_corpus(corpus_dir)
    outlet = rows[0]["outlet"]
    frame = corpus.frame(["doc_id", "title"], where=f"outlet = '{outlet}'", full_text=True)
    assert list(frame.columns) == ["doc_id", "title", "full_text"]
    expected = [r for r in rows if r["outlet"] == outlet and r["dup_of"] is None]
    assert list(frame["doc_id"]) == [r["doc_id"] for r in expected]
    assert list(frame["full_text"]) == [document_text(r) for r in expected]
    with pytest.raises(KeyError, match="unknown column"):
        corpus.frame(["nope"])


def test_iter_batches_streams_the_same_rows(corpus_dir: Path, rows: list[dict]) -> None:
    corpus = open_corpus(corpus_dir)
    batches = list(corpus.iter_batches(("doc_id", "n_words"), batch_size=8, full_text=True))
    assert all(len(b) <= 8 for b in batches)
    joined = pd.concat(batches, ignore_index=True)
    kept = [r for r in rows if r["dup_of"] is None]
    assert list(joined["doc_id"]) == [r["doc_id"] for r in kept]
    assert list(joined["n_words"]) == [len(document_text(r).split()) for r in kept]
    assert list(joined["full_text"]) == [document_text(r) for r in kept]
    all_rows = pd.concat(corpus.iter_batches(batch_size=1000, include_duplicates=True))
    assert len(all_rows) == 40


def test_query_and_rejects(corpus_dir: Path, rows: list[dict]) -> None:
    corpus = open_corpus(corpus_dir)
    counts = corpus.query(
        "SELECT outlet, count(*) AS n FROM articles GROUP BY outlet ORDER BY outlet"
    )
    expected = pd.Series([r["outlet"] for r in rows]).value_counts().sort_index()
    assert list(counts["n"]) == list(expected)
    rejects = corpus.rejects()
    assert list(rejects.columns) == ["source_path", "row", "reason"]
    assert rejects.iloc[0].to_dict() == {
        "source_path": "press/x.csv",
        "row": 3,
        "reason": "no text",
    }
    assert (
        corpus.corpus_hash == json.loads((corpus_dir / "manifest.json").read_text())["corpus_hash"]
    )


def test_writer_is_byte_identical_and_hash_ignores_paths(tmp_path: Path, rows: list[dict]) -> None:
    first = _write(tmp_path / "a", rows)
    second = _write(tmp_path / "b", rows)
    part = "articles/part-00000.parquet"
    assert (tmp_path / "a" / part).read_bytes() == (tmp_path / "b" / part).read_bytes()
    assert first == second
    assert _write(tmp_path / "e", rows, row_group_size=40) == first  # row groups do not matter
    moved = [dict(r, source_path="elsewhere/" + r["source_path"]) for r in rows]
    assert _write(tmp_path / "c", moved) == first
    edited = [dict(r) for r in rows]
    edited[3]["text"] = edited[3]["text"] + " (updated)"
    assert _write(tmp_path / "d", edited) != first


def test_open_corpus_rejects_a_plain_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a secnews corpus"):
        open_corpus(tmp_path)


def test_staging_dir_keeps_previous_corpus_on_failure(tmp_path: Path, rows: list[dict]) -> None:
    target = tmp_path / "corpus"
    _write(target, rows)
    part = target / "articles" / "part-00000.parquet"
    before = part.read_bytes()
    with pytest.raises(RuntimeError, match="midway"), staging_dir(target) as tmp:
        (tmp / "articles").mkdir()
        (tmp / "articles" / "part-00000.parquet").write_bytes(b"partial")
        raise RuntimeError("midway")
    assert part.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no temp folder left


def test_staging_dir_swaps_and_refuses_foreign_folders(tmp_path: Path, rows: list[dict]) -> None:
    target = tmp_path / "corpus"
    _write(target, rows)
    with staging_dir(target) as tmp:
        _write(tmp, rows[:3])
    assert len(open_corpus(target).frame(include_duplicates=True)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("do not delete")
    with pytest.raises(FileExistsError, match="not a secnews corpus"), staging_dir(foreign):
        pass
    assert (foreign / "thesis.tex").read_text() == "do not delete"


def test_umask_is_read_without_being_changed(
    tmp_path: Path, rows: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from secnews.corpus import atomic
    from secnews.corpus.atomic import atomic_write_text, current_umask

    previous = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        real_umask = os.umask

        def forbidden(mask: int) -> int:
            raise AssertionError("the umask must not be changed while threads run")

        monkeypatch.setattr(os, "umask", forbidden)
        atomic_write_text(tmp_path / "a.txt", "x")
        assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
        target = tmp_path / "corpus"
        with staging_dir(target) as tmp:
            _write(tmp, rows[:2])
        assert target.stat().st_mode & 0o777 == 0o750
        # without /proc: the os.umask round trip, which restores the mask
        monkeypatch.setattr(os, "umask", real_umask)
        real_open = open

        def no_proc(path: Any, *args: Any, **kwargs: Any) -> Any:
            if str(path).startswith("/proc/"):
                raise FileNotFoundError(path)
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", no_proc)
        assert atomic.current_umask() == 0o027
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(previous)


def test_write_rejects_and_the_streaming_writer_agree(tmp_path: Path) -> None:
    from secnews.corpus.store.write import RejectWriter

    rejects = [Reject("a.csv", "no text", 3), Reject("b.txt", 'bad, "quoted" reason')]
    assert write_rejects(tmp_path / "one.csv", rejects) == 2
    with RejectWriter(tmp_path / "two.csv") as writer:
        for reject in rejects:
            writer.write(reject)
    text = (tmp_path / "one.csv").read_text("utf-8")
    assert text == (tmp_path / "two.csv").read_text("utf-8")
    assert text == 'source_path,row,reason\na.csv,3,no text\nb.txt,,"bad, ""quoted"" reason"\n'


def test_relative_paths_match_source_relative(tmp_path: Path) -> None:
    from secnews.corpus.build.util import RelativePaths
    from secnews.corpus.loaders.sources import Source

    base = tmp_path / "data"
    source = Source((base,), base=base)
    relative = RelativePaths(source)
    paths = [
        base / "a.txt",
        base / "x" / "y" / "b.txt",
        base / "x" / ".." / "c.txt",
        tmp_path / "other" / "d.txt",
        tmp_path / "database" / "e.txt",  # a sibling whose name starts like the base
        "f.txt",
    ]
    for path in map(str, paths):
        assert relative(path) == source.relative(path)
    assert relative(str(base / "x" / "y" / "b.txt")) == "x/y/b.txt"
    assert relative(str(tmp_path / "other" / "d.txt")) == str(tmp_path / "other" / "d.txt")
