"""The partitioned store: part files of bounded size under ``articles/``, read as one table in
row order by secnews, pandas, DuckDB and pyarrow; a corpus hash that does not depend on the parts;
the single-file layout of earlier builds still read; replacement refused for foreign files.

The corpora are the real Kremlin / president.gov.ua press releases (1,796 documents) and the TASS
sample (20), built with the project's own build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from secnews.corpus import BuildSettings, build_corpus, open_corpus
from secnews.corpus.build.run import BuildSummary
from secnews.corpus.registry import dataset_sources
from secnews.corpus.store.layout import PART_BYTES, article_parts, part_name
from secnews.corpus.store.read import ARTICLES_SCHEMA, STORE_COLUMNS, Corpus
from secnews.corpus.store.replace import CORPUS_ENTRIES, replace_problem
from secnews.corpus.store.write import ArticleWriter, ContentHasher, file_sha256, row_bytes

#: A part bound that splits the press releases into about 30 parts.
SMALL_PART = 256 * 1024
FAST = {"language_id": False}


def _build(out: Path, name: str = "kremlin-ukraine-press", **settings: Any) -> BuildSummary:
    return build_corpus(
        dataset_sources(name), out, settings=BuildSettings(**FAST, **settings), progress=False
    )


@pytest.fixture(scope="module")
def one(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """The press releases under the default part bound: one part."""
    out = tmp_path_factory.mktemp("one") / "corpus"
    return out, _build(out)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """The same build with a tiny part bound: many parts."""
    out = tmp_path_factory.mktemp("many") / "corpus"
    return out, _build(out, part_bytes=SMALL_PART)


def _table(corpus: Corpus) -> pa.Table:
    return pa.concat_tables(pq.read_table(path) for path in corpus.parts)


# -- layout and manifest ---------------------------------------------------------------------------
def test_parts_layout_and_manifest(many: tuple[Path, BuildSummary]) -> None:
    folder, summary = many
    corpus = open_corpus(folder)
    assert corpus.layout == "parts"
    names = sorted(p.name for p in (folder / "articles").iterdir())
    assert len(names) >= 20
    assert names == [part_name(i) for i in range(len(names))]
    assert corpus.parts == [folder / "articles" / name for name in names]
    assert sorted(p.name for p in folder.iterdir()) == ["articles", "manifest.json", "rejects.csv"]
    manifest = corpus.manifest
    assert manifest["format"] == "secnews-corpus/2"
    assert manifest["settings"]["part_bytes"] == SMALL_PART
    listed = manifest["parts"]
    assert [p["file"] for p in listed] == [f"articles/{name}" for name in names]
    for entry, path in zip(listed, corpus.parts, strict=True):
        assert pq.read_schema(path) == ARTICLES_SCHEMA  # every part has the same schema
        assert entry["rows"] == pq.ParquetFile(path).metadata.num_rows
        assert entry["bytes"] == path.stat().st_size
        assert entry["sha256"] == file_sha256(path)
    total = summary.rows(total=True)[-1]
    assert sum(p["rows"] for p in listed) == total["kept"] + total["duplicates"]


def test_part_bound_is_respected_and_parts_are_full(many: tuple[Path, BuildSummary]) -> None:
    """Each part holds at most the bound of row data (a single larger row excepted), and could
    not have taken the next row: the cuts are where the greedy rule puts them."""
    corpus = open_corpus(many[0])
    sizes = [row_bytes(pq.read_table(path)) for path in corpus.parts]
    for n, part in enumerate(sizes):
        assert int(part.sum()) <= SMALL_PART or len(part) == 1
        if n + 1 < len(sizes):
            assert int(part.sum()) + int(sizes[n + 1][0]) > SMALL_PART
    # the greedy cut computed here by hand gives the same row counts
    flat = [int(s) for part in sizes for s in part]
    counts, filled, rows = [], 0, 0
    for size in flat:
        if rows and filled + size > SMALL_PART:
            counts.append(rows)
            filled = rows = 0
        filled += size
        rows += 1
    counts.append(rows)
    assert counts == [len(part) for part in sizes]


def test_row_bytes_by_hand() -> None:
    rows = [dict.fromkeys(STORE_COLUMNS) for _ in range(2)]
    rows[0].update(doc_id="ab", text="\u00e9", source_path="p", loader="x", n_chars=1, n_words=1)
    rows[1].update(doc_id="c", text="xyz", title="T", source_path="", loader="", n_chars=3)
    rows[1]["n_words"] = 1
    table = pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA)
    # strings in UTF-8 bytes (e-acute is 2), nulls 0, and 8 for each of the 4 other columns
    assert row_bytes(table).tolist() == [2 + 2 + 1 + 1 + 32, 1 + 3 + 1 + 32]


# -- the corpus hash does not depend on the parts ------------------------------------------------
def test_same_hash_and_rows_for_one_part_or_many(
    one: tuple[Path, BuildSummary], many: tuple[Path, BuildSummary]
) -> None:
    (one_dir, one_summary), (many_dir, many_summary) = one, many
    single, split = open_corpus(one_dir), open_corpus(many_dir)
    assert len(single.parts) == 1 and len(split.parts) >= 20
    assert one_summary.corpus_hash == many_summary.corpus_hash == split.corpus_hash
    assert _table(split).equals(_table(single))  # the same rows in the same order
    # the hash is that of the rows read back, whatever the parts
    for corpus in (single, split):
        hasher = ContentHasher()
        for path in corpus.parts:
            hasher.update(pq.read_table(path))
        assert hasher.hexdigest() == corpus.corpus_hash
    # duplicates across parts resolved as in one part
    assert one_summary.duplicates == many_summary.duplicates
    assert len(split) == len(single) == 1794


def test_parts_are_deterministic_and_bounded_by_rows(
    tmp_path: Path, many: tuple[Path, BuildSummary]
) -> None:
    again = _build(tmp_path / "again", part_bytes=SMALL_PART)
    assert again.corpus_hash == many[1].corpus_hash
    first, second = open_corpus(many[0]), open_corpus(tmp_path / "again")
    assert [p.read_bytes() for p in first.parts] == [p.read_bytes() for p in second.parts]
    assert first.manifest["parts"] == second.manifest["parts"]
    rows = _build(tmp_path / "rows", part_rows=500, batch_size=300)
    corpus = open_corpus(tmp_path / "rows")
    assert [p["rows"] for p in corpus.manifest["parts"]] == [500, 500, 500, 296]
    assert rows.corpus_hash == many[1].corpus_hash
    with pytest.raises(ValueError, match="at least 1"):
        BuildSettings(part_bytes=0)
    with pytest.raises(ValueError, match="at least 1"):
        BuildSettings(part_rows=0)


def test_the_writer_cuts_the_same_parts_whatever_the_batches(
    tmp_path: Path, one: tuple[Path, BuildSummary]
) -> None:
    table = pq.read_table(open_corpus(one[0]).parts[0]).slice(0, 120)
    bound = int(row_bytes(table).sum()) // 7
    found = []
    for n, batch in enumerate((1, 13, 120)):
        (tmp_path / str(n)).mkdir()
        with ArticleWriter(tmp_path / str(n), part_bytes=bound, row_group_size=50) as writer:
            for start in range(0, 120, batch):
                writer.write(table.slice(start, batch))
            digest = writer.hasher.hexdigest()
        found.append(([p["rows"] for p in writer.parts], digest))
    assert found[0] == found[1] == found[2]
    assert sum(found[0][0]) == 120 and len(found[0][0]) >= 7
    (tmp_path / "empty").mkdir()
    with ArticleWriter(tmp_path / "empty") as writer:
        pass
    assert [p["rows"] for p in writer.parts] == [0]
    assert pq.read_schema(tmp_path / "empty/articles/part-00000.parquet") == ARTICLES_SCHEMA
    with pytest.raises(FileExistsError):
        ArticleWriter(tmp_path / "0")  # never writes into an existing articles/


def test_part_numbers_keep_five_digits(
    tmp_path: Path, one: tuple[Path, BuildSummary], monkeypatch: pytest.MonkeyPatch
) -> None:
    from secnews.corpus.store import write

    assert part_name(0) == "part-00000.parquet" and part_name(99_999) == "part-99999.parquet"
    with pytest.raises(ValueError, match="part number"):
        part_name(100_000)
    table = pq.read_table(open_corpus(one[0]).parts[0]).slice(0, 4)
    monkeypatch.setattr(write, "MAX_PARTS", 3)
    writer = ArticleWriter(tmp_path, part_rows=1)
    with pytest.raises(ValueError, match="more than 3 parts"):
        writer.write(table)
    writer.close()


# -- reading: both layouts, other readers, streaming ----------------------------------------------
def _as_single_file(folder: Path, out: Path) -> Path:
    """``folder`` (one part) rewritten in the layout of earlier builds: ``articles.parquet``
    (the same writer options: the bytes an earlier build wrote) and a ``secnews-corpus/1``
    manifest without parts."""
    out.mkdir()
    (part,) = open_corpus(folder).parts
    shutil.copyfile(part, out / "articles.parquet")
    shutil.copyfile(folder / "rejects.csv", out / "rejects.csv")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    del manifest["parts"]
    manifest["format"] = "secnews-corpus/1"
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return out


def test_the_single_file_layout_reads_the_same(
    tmp_path: Path, one: tuple[Path, BuildSummary], many: tuple[Path, BuildSummary]
) -> None:
    from secnews.analysis.lexicon import parse_terms
    from secnews.analysis.trends.counts import TrendSettings, document_counts

    old = open_corpus(_as_single_file(one[0], tmp_path / "old"))
    new = open_corpus(many[0])
    assert old.layout == "file" and old.parts == [tmp_path / "old/articles.parquet"]
    assert len(old) == len(new) == 1794
    pd.testing.assert_frame_equal(old.frame(full_text=True), new.frame(full_text=True))
    sql = "SELECT outlet, count(*) AS n, sum(n_words) AS w FROM articles GROUP BY 1 ORDER BY 1"
    pd.testing.assert_frame_equal(old.query(sql), new.query(sql))
    old_batches = pd.concat(old.iter_batches(("doc_id", "text"), batch_size=100))
    new_batches = pd.concat(new.iter_batches(("doc_id", "text"), batch_size=100))
    pd.testing.assert_frame_equal(
        old_batches.reset_index(drop=True), new_batches.reset_index(drop=True)
    )
    # the trends counts read the store's files directly, in either layout
    terms = parse_terms(["nato", "war"])
    settings = TrendSettings(freq="M", by="outlet")
    counts = [document_counts(c, terms, settings=settings).frame for c in (old, new)]
    counts += [document_counts(c.path, terms, settings=settings).frame for c in (old, new)]
    for other in counts[1:]:
        pd.testing.assert_frame_equal(other, counts[0])
    # an old corpus is replaced by a new build
    assert replace_problem(tmp_path / "old") is None
    _build(tmp_path / "old", "tass-politics-2024")
    assert open_corpus(tmp_path / "old").layout == "parts"


def test_pandas_duckdb_and_pyarrow_read_the_folder_without_secnews(
    many: tuple[Path, BuildSummary],
) -> None:
    folder = many[0]
    script = (
        "import json, sys\n"
        "import duckdb, pandas as pd, pyarrow.dataset as ds\n"
        f"folder = {str(folder / 'articles')!r}\n"
        "frame = pd.read_parquet(folder)\n"
        "sql = f\"SELECT doc_id FROM read_parquet('{folder}/*.parquet')\"\n"
        "db = duckdb.sql(sql).fetchall()\n"
        "table = ds.dataset(folder, format='parquet').to_table(columns=['doc_id'])\n"
        "assert not [m for m in sys.modules if m.startswith('secnews')]\n"
        "print(json.dumps({'pandas': frame['doc_id'].tolist(), 'duckdb': [r[0] for r in db],\n"
        "                  'arrow': table.column('doc_id').to_pylist(),\n"
        "                  'published': str(frame['published'].dtype)}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    read = json.loads(result.stdout)
    expected = open_corpus(folder).frame(["doc_id"], include_duplicates=True)["doc_id"].tolist()
    assert len(expected) == 1796
    assert read["pandas"] == read["duckdb"] == read["arrow"] == expected
    assert read["published"] == "datetime64[us, UTC]"


def test_iter_batches_streams_part_by_part(
    many: tuple[Path, BuildSummary], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = open_corpus(many[0])
    opened: list[Path] = []
    original = pq.ParquetFile

    def recording(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pq, "ParquetFile", recording)
    batches = corpus.iter_batches(("doc_id",), batch_size=50, include_duplicates=True)
    first = next(batches)
    assert opened == [corpus.parts[0]]  # nothing else read before the first batch
    rest = list(batches)
    assert opened == corpus.parts
    sizes = [len(first)] + [len(b) for b in rest]
    assert max(sizes) <= 50
    # a batch never spans two parts: the batches of each part add up to its rows
    per_part = [p["rows"] for p in corpus.manifest["parts"]]
    expected = [min(50, rows - k) for rows in per_part for k in range(0, rows, 50)]
    assert sizes == expected
    ids = pd.concat([first, *rest])["doc_id"].tolist()
    assert ids == corpus.frame(["doc_id"], include_duplicates=True)["doc_id"].tolist()


# -- integrity and replacement safety --------------------------------------------------------------
def test_missing_extra_or_doubled_rows_are_errors(
    tmp_path: Path, one: tuple[Path, BuildSummary], many: tuple[Path, BuildSummary]
) -> None:
    folder = tmp_path / "c"
    shutil.copytree(many[0], folder)
    parts = sorted((folder / "articles").iterdir())
    last = len(parts) - 1
    shutil.copyfile(parts[0], folder / "articles" / part_name(last + 1))
    with pytest.raises(ValueError, match=r"part-\d+\.parquet not listed in manifest.json"):
        open_corpus(folder)
    (folder / "articles" / part_name(last + 1)).unlink()
    parts[last].unlink()
    with pytest.raises(FileNotFoundError, match=r"listed in manifest\.json but missing"):
        open_corpus(folder)
    parts[1].unlink()
    with pytest.raises(ValueError, match=r"part-00001\.parquet missing"):
        article_parts(folder)
    both = tmp_path / "both"
    shutil.copytree(one[0], both)
    shutil.copyfile(both / "articles/part-00000.parquet", both / "articles.parquet")
    with pytest.raises(ValueError, match="holds both"):
        open_corpus(both)
    (both / "articles.parquet").unlink()
    shutil.rmtree(both / "articles")
    with pytest.raises(FileNotFoundError, match="not a secnews corpus"):
        open_corpus(both)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_foreign_file_in_articles_is_never_replaced(tmp_path: Path) -> None:
    assert {"articles", "articles.parquet"} <= CORPUS_ENTRIES
    corpus = tmp_path / "corpus"
    _build(corpus, "tass-politics-2024")
    assert replace_problem(corpus) is None
    (corpus / "articles" / "notes.txt").write_text("mine")
    before = _snapshot(corpus)
    with pytest.raises(FileExistsError, match=r"not part of a corpus \(articles/notes.txt\)"):
        _build(corpus, "tass-politics-2024")
    assert _snapshot(corpus) == before
    (corpus / "articles" / "notes.txt").unlink()
    (corpus / "articles" / part_name(7)).mkdir()  # named like a part, but a folder
    assert "articles/part-00007.parquet" in str(replace_problem(corpus))
    (corpus / "articles" / part_name(7)).rmdir()
    outside = tmp_path / "outside.parquet"
    outside.write_bytes(b"not mine to delete")
    (corpus / "articles" / part_name(7)).symlink_to(outside)
    assert "articles/part-00007.parquet" in str(replace_problem(corpus))
    (corpus / "articles" / part_name(7)).unlink()
    shutil.rmtree(corpus / "articles")
    (corpus / "articles").write_text("a file")
    assert replace_problem(corpus) == "its articles is not a folder"
    (corpus / "articles").unlink()
    _build(corpus, "tass-politics-2024")
    assert outside.read_bytes() == b"not mine to delete"
    assert len(open_corpus(corpus)) == 20


def test_cli_part_option(tmp_path: Path) -> None:
    from secnews.analysis.cli.main import main

    out = tmp_path / "tass"
    args = ["build", "--dataset", "tass-politics-2024", "--no-download", "--no-language-id"]
    assert main([*args, "--no-progress", "--part-mb", "0.01", "--out", str(out)]) == 0
    corpus = open_corpus(out)
    assert corpus.manifest["settings"]["part_bytes"] == round(0.01 * 1024 * 1024)
    assert len(corpus.parts) > 1 and len(corpus) == 20
    default = tmp_path / "default"
    assert main([*args, "--no-progress", "--out", str(default)]) == 0
    assert open_corpus(default).manifest["settings"]["part_bytes"] == PART_BYTES
    assert open_corpus(default).corpus_hash == corpus.corpus_hash
    with pytest.raises(SystemExit):
        main([*args, "--part-mb", "0", "--out", str(tmp_path / "x")])


def test_dask_frame_has_one_partition_per_part(many: tuple[Path, BuildSummary]) -> None:
    pytest.importorskip("dask.dataframe")
    from secnews.corpus.store.dataset import corpus_dask_frame

    corpus = open_corpus(many[0])
    frame = corpus_dask_frame(corpus, ["doc_id", "n_words"])
    assert frame.npartitions == len(corpus.parts) >= 20
    kept = frame.compute(scheduler="synchronous")
    expected = corpus.frame(["doc_id", "n_words"])
    assert list(kept.columns) == ["doc_id", "n_words"]
    assert kept["doc_id"].tolist() == expected["doc_id"].tolist()
    assert kept["n_words"].tolist() == expected["n_words"].tolist()
    everything = corpus_dask_frame(many[0], ["doc_id"], include_duplicates=True)
    first = everything.get_partition(0).compute(scheduler="synchronous")
    assert len(first) == corpus.manifest["parts"][0]["rows"]
    ids = everything.compute(scheduler="synchronous")["doc_id"].tolist()
    assert ids == corpus.frame(["doc_id"], include_duplicates=True)["doc_id"].tolist()
    with pytest.raises(KeyError, match="unknown column"):
        corpus_dask_frame(corpus, ["nope"])
