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
from secnews.corpus.build import run as build_module
from secnews.corpus.build.run import BuildSummary, SourceCounts
from secnews.corpus.paths import DATA_ENV
from secnews.corpus.registry import dataset_sources, get_dataset
from secnews.corpus.store.read import document_text


def _parts(folder: Path) -> list[bytes]:
    """The bytes of every part file of a corpus, in order."""
    return [part.read_bytes() for part in open_corpus(folder).parts]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


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
    (part,) = open_corpus(out).parts  # 1,796 press releases: far below the part bound
    meta = pq.ParquetFile(part).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= 300 and meta.num_row_groups >= 7


def test_build_is_byte_identical_and_hash_ignores_location(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build("tass-politics-2024", tmp_path / "one")
    second = _build("tass-politics-2024", tmp_path / "two")
    data = _parts(tmp_path / "one")
    assert data == _parts(tmp_path / "two")
    assert first.corpus_hash == second.corpus_hash
    moved = tmp_path / "elsewhere"
    shutil.copytree(corpora_dir / "tass-politics-2024", moved / "tass-politics-2024")
    monkeypatch.setenv(DATA_ENV, str(moved))
    third = _build("tass-politics-2024", tmp_path / "three")
    assert _parts(tmp_path / "three") == data
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
    before = _files(out)
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
    assert _files(out) == before
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
    # same text: the derived id is the first id plus 12 hex digits of the text's SHA-256
    for first, second in zip(firsts["doc_id"], seconds["doc_id"], strict=True):
        assert second.startswith(f"{first}-") and len(second) == len(first) + 13
    assert (counts["tass"]["id_collisions"], counts["tass again"]["id_collisions"]) == (0, 0)
    assert set(summary.duplicates_frame()["kind"]) == {"same doc_id"}


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
    from secnews.corpus.build.util import prefetch_batches

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


def _id_texts(corpora_dir: Path, n: int) -> list[str]:
    items = json.loads((corpora_dir / "tass-politics-2024/politics_20.json").read_text("utf-8"))
    return [" ".join(item["content"]) for item in items[:n]]


def test_different_articles_under_one_url_are_all_kept(tmp_path: Path, corpora_dir: Path) -> None:
    import hashlib

    texts = _id_texts(corpora_dir, 3)
    rows = [
        {"url": "https://example.org/news", "title": f"t{i}", "text": t}
        for i, t in enumerate(texts)
    ]
    rows.append(dict(rows[0]))  # a true duplicate: same URL, same text
    path = tmp_path / "same_url.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    source = Source((path,), format="table", outlet="X", name="csv")
    summary = build_corpus([source], tmp_path / "c", progress=False)
    counts = _counts(summary)["csv"]
    assert (counts["in"], counts["kept"], counts["duplicates"], counts["id_collisions"]) == (
        4,
        3,
        1,
        2,
    )
    frame = open_corpus(tmp_path / "c").frame(
        ["doc_id", "dup_of", "title", "lede", "text"], include_duplicates=True
    )
    first = frame["doc_id"][0]
    # the later ids come from the id and the SHA-256 of the full text (title, lede, body)
    full = [document_text(row) for row in frame.to_dict(orient="records")]
    assert full[1].startswith("t1\n\n") and full[3] == full[0]
    digests = [hashlib.sha256(t.encode()).hexdigest()[:12] for t in full]
    assert list(frame["doc_id"]) == [first] + [f"{first}-{d}" for d in digests[1:]]
    assert list(frame["dup_of"].isna()) == [True, True, True, False]
    assert frame["dup_of"][3] == first
    assert summary.duplicates_frame()["kind"].tolist() == ["same doc_id"]
    manifest = json.loads((tmp_path / "c/manifest.json").read_text("utf-8"))
    assert [c["doc_id"] for c in manifest["id_collisions"]] == list(frame["doc_id"][1:3])
    assert {c["original_id"] for c in manifest["id_collisions"]} == {first}
    assert manifest["counts"][0]["id_collisions"] == 2
    # the ids do not depend on the order of the rows
    pd.DataFrame([rows[0], rows[2], rows[1]]).to_csv(path, index=False)
    build_corpus([source], tmp_path / "d", progress=False)
    again = open_corpus(tmp_path / "d").frame(["doc_id"])
    assert set(again["doc_id"]) == set(frame["doc_id"][:3])


def test_usgov_repeated_urls_with_the_same_body_are_duplicates(tmp_path: Path) -> None:
    """291 rows, 48 repeat an earlier outlet + URL. 31 repeat the whole row; 17 repeat the
    body of the first one under another title (a scraping artefact of the upstream file). The
    body decides: all 48 are duplicates (``same doc_id``), none is an id collision."""
    summary = _build("usgov-ukraine-2022", tmp_path / "c")
    counts = _counts(summary)["usgov-ukraine-2022"]
    assert (counts["kept"], counts["duplicates"], counts["id_collisions"]) == (240, 51, 0)
    assert counts["truncated"] == 4 and counts["unparsed_dates"] == 0
    kinds = summary.duplicates_frame()["kind"].value_counts().to_dict()
    assert kinds == {"same doc_id": 48, "near": 3}


def test_load_stats_reach_the_counts_and_rejects_name_their_row(
    tmp_path: Path, corpora_dir: Path
) -> None:
    texts = _id_texts(corpora_dir, 4)
    long_text = (texts[3] + " ") * (32_767 // len(texts[3]) + 1)
    rows = [
        {"url": "u1", "date": "2024-03-01", "text": texts[0]},
        {"url": "u2", "date": "in the spring", "text": texts[1]},  # unparsed date
        {"url": "u3", "date": "1990-05-05", "text": texts[2]},  # before min_year: build reject
        {"url": "u4", "date": "2024-03-02", "text": long_text[:32_767]},  # at Excel's limit
    ]
    path = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    summary = build_corpus(
        [Source((path,), format="table", outlet="X", name="csv", base=tmp_path)],
        tmp_path / "c",
        settings=BuildSettings(min_year=2000, dedupe=False, relevance=False),
        progress=False,
    )
    counts = _counts(summary)["csv"]
    assert (counts["kept"], counts["rejected"], counts["null_dates"]) == (3, 1, 1)
    assert (counts["unparsed_dates"], counts["truncated"], counts["ignored"]) == (1, 1, 0)
    assert list(summary.table().columns) == [
        "source",
        "in",
        "kept",
        "duplicates",
        "rejected",
        "null_dates",
        "null_date_share",
        "unparsed_dates",
        "placeholder_dates",
        "truncated",
        "ignored",
        "id_collisions",
    ]
    rejects = open_corpus(tmp_path / "c").rejects()
    assert rejects[["source_path", "row"]].astype(str).values.tolist() == [["t.csv", "3"]]
    assert rejects["reason"][0].startswith("absurd date 1990-05-05")
    meta = open_corpus(tmp_path / "c").frame(["meta"])["meta"]
    assert not any("_secnews_row" in m for m in meta)  # the private key is not stored
    manifest = json.loads((tmp_path / "c/manifest.json").read_text("utf-8"))
    assert manifest["counts"][-1]["truncated"] == 1


def test_folder_ignored_files_are_counted(tmp_path: Path, corpora_dir: Path) -> None:
    data = tmp_path / "in"
    (data / "2020").mkdir(parents=True)
    shutil.copyfile(corpora_dir / "seed-article/000_da4050e255aaa6b8.txt", data / "2020/a.txt")
    (data / "2020/notes.pdf").write_bytes(b"%PDF-1.4")
    (data / "readme.md").write_text("not a document\n", encoding="utf-8")
    source = Source((data,), format="folder", pattern="{year}/{name}.txt", name="f")
    counts = _counts(build_corpus([source], tmp_path / "c", progress=False))["f"]
    assert (counts["in"], counts["kept"], counts["ignored"]) == (1, 1, 2)


def test_press_build_is_deterministic_over_batch_sizes(
    tmp_path: Path, press: tuple[Path, BuildSummary]
) -> None:
    """Two builds with 97-document batches (19 batches, real duplicates across batches) give
    the same bytes and hash; the default batch size (one batch) and the fixture's 300 give
    other row groups, hence other Parquet bytes, but the same rows in the same order and so the
    same corpus hash (it does not depend on row groups)."""
    first = _build("kremlin-ukraine-press", tmp_path / "a", batch_size=97)
    second = _build("kremlin-ukraine-press", tmp_path / "b", batch_size=97)
    data = _parts(tmp_path / "a")
    assert data == _parts(tmp_path / "b")
    assert first.corpus_hash == second.corpus_hash
    assert len(first.duplicates) >= 2
    assert first.duplicates == second.duplicates
    default = _build("kremlin-ukraine-press", tmp_path / "d")
    assert default.corpus_hash == first.corpus_hash == press[1].corpus_hash
    assert default.duplicates == first.duplicates
    (part_a,) = open_corpus(tmp_path / "a").parts
    (part_d,) = open_corpus(tmp_path / "d").parts
    assert pq.ParquetFile(part_a).metadata.num_row_groups >= 19
    assert pq.read_table(part_d).equals(pq.read_table(part_a))
