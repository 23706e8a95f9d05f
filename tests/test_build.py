"""Building corpora: every named dataset by name with the counts of its README, duplicates,
determinism (byte-identical Parquet, content hash independent of paths), atomic replacement."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus import build as build_module
from secnews.corpus.build import BuildSummary, SourceCounts
from secnews.corpus.paths import DATA_ENV
from secnews.corpus.registry import dataset_sources, get_dataset


def _build(name: str, out: Path, **settings: Any) -> BuildSummary:
    return build_corpus(
        dataset_sources(name),
        out,
        settings=BuildSettings(**settings),
        progress=False,
    )


@pytest.fixture(scope="module")
def press(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    out = tmp_path_factory.mktemp("press") / "corpus"
    return out, _build("kremlin-ukraine-press", out, batch_size=300)


def _counts(summary: BuildSummary) -> dict[str, dict[str, int]]:
    table = summary.table(total=False)
    return {row["source"]: row for row in table.to_dict(orient="records")}


def test_press_counts_match_the_readme(press: tuple[Path, BuildSummary]) -> None:
    out, summary = press
    counts = _counts(summary)
    assert counts["kremlin.ru"]["in"] == 816
    assert counts["president.gov.ua"]["in"] == 980
    for row in counts.values():
        assert row["in"] == row["kept"] + row["duplicates"] + row["rejected"]
        assert row["null_dates"] == 0 and row["null_date_share"] == 0.0
    corpus = open_corpus(out)
    outlets = corpus.query("SELECT outlet, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1")
    assert dict(zip(outlets["outlet"], outlets["n"], strict=True)) == {
        "kremlin.ru": 816 - counts["kremlin.ru"]["rejected"],
        "president.gov.ua": 980 - counts["president.gov.ua"]["rejected"],
    }


def test_press_duplicates_are_found_and_kept(
    press: tuple[Path, BuildSummary], press_frame: pd.DataFrame
) -> None:
    out, summary = press
    corpus = open_corpus(out)
    everything = corpus.frame(["doc_id", "text", "dup_of"], include_duplicates=True)
    dups = summary.duplicates_frame()
    assert len(dups) >= 2
    assert set(dups["doc_id"]) == set(everything.loc[everything["dup_of"].notna(), "doc_id"])
    # the real duplicated press releases (one per file, identical bodies) are among them
    for outlet in ("kremlin.ru", "president.gov.ua"):
        bodies = press_frame[press_frame["outlet"] == outlet]["text"]
        repeated = press_frame.loc[bodies[bodies.duplicated(keep="first")].index, "doc_id"]
        assert len(repeated) == 1
        assert set(repeated) <= set(dups["doc_id"])
    exact = dups[dups["kind"] == "exact"]
    texts = everything.set_index("doc_id")["text"]
    for doc_id, original in zip(exact["doc_id"], exact["dup_of"], strict=True):
        assert " ".join(texts[doc_id].casefold().split()) == " ".join(
            texts[original].casefold().split()
        )
    # the original of every duplicate comes earlier in the stored order
    position = {d: i for i, d in enumerate(everything["doc_id"])}
    assert all(
        position[o] < position[d] for d, o in zip(dups["doc_id"], dups["dup_of"], strict=True)
    )
    assert len(corpus) == len(everything) - len(dups)
    assert everything["doc_id"].is_unique


def test_manifest_records_inputs_settings_and_counts(press: tuple[Path, BuildSummary]) -> None:
    out, summary = press
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    registry = {f["path"]: f["sha256"] for f in get_dataset("kremlin-ukraine-press").files}
    files = [f for source in manifest["inputs"] for f in source["files"]]
    assert {f["path"]: f["sha256"] for f in files} == {
        f"kremlin-ukraine-press-2021-2022/{k}": v for k, v in registry.items()
    }
    assert manifest["settings"]["batch_size"] == 300
    assert manifest["settings"]["dedupe_settings"]["num_perm"] == 128
    assert manifest["settings"]["table"]["dayfirst"] is False  # the loader defaults used
    assert manifest["settings"]["folder"] is None  # not used by this build
    assert len(manifest["relevance_lexicon"]["sha256"]) == 64
    assert manifest["versions"]["pyarrow"]
    assert manifest["counts"][:-1] == summary.rows(total=False)
    assert manifest["counts"][-1]["source"] == "total"
    assert manifest["corpus_hash"] == summary.corpus_hash
    assert len(manifest["duplicates"]) == len(summary.duplicates)


def test_row_groups_follow_the_batch_size(press: tuple[Path, BuildSummary]) -> None:
    out, _ = press
    meta = pq.ParquetFile(out / "articles.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= 300 and meta.num_row_groups >= 7


def test_build_is_byte_identical_and_hash_ignores_location(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build("tass-politics-2024", tmp_path / "one")
    second = _build("tass-politics-2024", tmp_path / "two")
    data = (tmp_path / "one/articles.parquet").read_bytes()
    assert data == (tmp_path / "two/articles.parquet").read_bytes()
    assert first.corpus_hash == second.corpus_hash
    moved = tmp_path / "elsewhere"
    shutil.copytree(corpora_dir / "tass-politics-2024", moved / "tass-politics-2024")
    monkeypatch.setenv(DATA_ENV, str(moved))
    third = _build("tass-politics-2024", tmp_path / "three")
    assert (tmp_path / "three/articles.parquet").read_bytes() == data
    assert third.corpus_hash == first.corpus_hash
    counts = _counts(first)["tass-politics-2024"]
    assert (counts["in"], counts["kept"], counts["duplicates"], counts["rejected"]) == (
        20,
        20,
        0,
        0,
    )


def test_interrupted_build_leaves_the_previous_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "corpus"
    _build("tass-politics-2024", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    original = build_module._Builder._process

    def failing(self, source, batch, stage):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("interrupted midway")
        return original(self, source, batch, stage)

    monkeypatch.setattr(build_module._Builder, "_process", failing)
    with pytest.raises(KeyboardInterrupt):
        _build("tass-politics-2024", out, batch_size=5)
    assert calls["n"] == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]


def test_same_url_twice_gets_a_unique_id_and_dup_of(tmp_path: Path, corpora_dir: Path) -> None:
    path = corpora_dir / "tass-politics-2024/politics_20.json"
    mapping = get_dataset("tass-politics-2024").sources[0]["mapping"]
    source = Source((path,), format="table", outlet="TASS", mapping=mapping, name="tass")
    again = Source((path,), format="table", outlet="TASS", mapping=mapping, name="tass again")
    summary = build_corpus([source, again], tmp_path / "c", progress=False)
    counts = _counts(summary)
    assert (counts["tass"]["kept"], counts["tass"]["duplicates"]) == (20, 0)
    assert (counts["tass again"]["kept"], counts["tass again"]["duplicates"]) == (0, 20)
    frame = open_corpus(tmp_path / "c").frame(["doc_id", "dup_of"], include_duplicates=True)
    assert frame["doc_id"].is_unique
    firsts, seconds = frame.iloc[:20], frame.iloc[20:]
    assert list(seconds["dup_of"]) == list(firsts["doc_id"])
    assert list(seconds["doc_id"]) == [f"{d}-2" for d in firsts["doc_id"]]


def test_counts_invariant_is_checked() -> None:
    SourceCounts("ok", n_in=5, kept=3, duplicates=1, rejected=1).check()
    with pytest.raises(AssertionError, match="in=5"):
        SourceCounts("bad", n_in=5, kept=3, duplicates=1, rejected=0).check()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("seed-article", {"seed-article": 1}),
        ("usgov-ukraine-2022", {"usgov-ukraine-2022": 291}),
        ("html-news-pages", {"html-news-pages": 24}),
    ],
)
def test_small_datasets_build_by_name(tmp_path: Path, name: str, expected: dict[str, int]) -> None:
    summary = _build(name, tmp_path / "c")
    counts = _counts(summary)
    assert {k: v["in"] for k, v in counts.items()} == expected
    for row in counts.values():
        assert row["in"] == row["kept"] + row["duplicates"] + row["rejected"]
    assert len(open_corpus(tmp_path / "c")) == sum(v["kept"] for v in counts.values())


def test_usgov_outlets_come_from_the_source_column(tmp_path: Path) -> None:
    _build("usgov-ukraine-2022", tmp_path / "c")
    frame = open_corpus(tmp_path / "c").frame(["outlet"], include_duplicates=True)
    assert frame["outlet"].value_counts().to_dict() == {
        "White House": 119,
        "Treasury": 67,
        "Defense": 65,
        "State": 40,
    }


@pytest.mark.slow
def test_un_corpus_builds_by_name(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The one build of the UN corpus in the test suite (about half a minute on 2 cores)."""
    out = tmp_path_factory.mktemp("un") / "corpus"
    summary = _build("ungdc", out)
    (row,) = summary.table(total=False).to_dict(orient="records")
    assert row["in"] == 10_953
    assert row["rejected"] == 1
    assert row["kept"] + row["duplicates"] == 10_952
    assert row["null_dates"] == 10_952 and row["null_date_share"] == 1.0
    rejects = open_corpus(out).rejects()
    assert list(rejects["source_path"]) == [
        "ungdc-1946-2024/TXT/Session 47 - 1992/.DS_Store-to-UTF-8.txt"
    ]
    corpus = open_corpus(out)
    years = corpus.query(
        "SELECT min(CAST(json_extract_string(meta, '$.year') AS INT)) AS lo, "
        "max(CAST(json_extract_string(meta, '$.year') AS INT)) AS hi FROM articles"
    )
    assert (int(years["lo"][0]), int(years["hi"][0])) == (1946, 2024)
    words = sum(
        int(b["n_words"].sum()) for b in corpus.iter_batches(("n_words",), include_duplicates=True)
    )
    assert 30_000_000 < words < 40_000_000


def test_prefetch_keeps_order_and_raises_loader_errors() -> None:
    from secnews.corpus.build_util import prefetch_batches

    assert list(prefetch_batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]

    closed = []

    def failing():  # type: ignore[no-untyped-def]
        try:
            yield 1
            yield 2
            raise OSError("disk gone")
        finally:
            closed.append(True)

    with pytest.raises(OSError, match="disk gone"):
        list(prefetch_batches(failing(), 1))
    assert closed == [True]
    stopped = prefetch_batches(failing(), 1)
    assert next(stopped) == [1]
    stopped.close()  # the caller stops early: the loader is closed too
    assert closed == [True, True]


def test_a_corpus_inside_its_source_folder_is_not_read_back(
    tmp_path: Path, corpora_dir: Path
) -> None:
    data = tmp_path / "pages"
    data.mkdir()
    shutil.copyfile(corpora_dir / "seed-article/000_da4050e255aaa6b8.txt", data / "page.txt")
    for _ in range(2):  # the second build must not load the first one's files
        summary = build_corpus([Source((data,), name="pages")], data / "corpus", progress=False)
        assert _counts(summary)["pages"]["in"] == 1
