"""What a build may replace and when it must fail (issue 17, points 1, 2, 4, 5 and 7).

Nothing outside a secnews corpus is ever replaced, a build that keeps nothing fails and leaves
the previous corpus, two builds into one folder never interleave (the second names the first),
the temporary data of killed builds is removed by the next build, and identical rows without a
URL get their ids in linear time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus.build import run as build_module
from secnews.corpus.build.run import BuildError
from secnews.corpus.registry import get_dataset
from secnews.corpus.store.lock import TargetLockedError, lock_path, target_lock

FAST = BuildSettings(language_id=False, relevance=False, dedupe=False)


def _tass(corpora_dir: Path) -> Source:
    path = corpora_dir / "tass-politics-2024/politics_20.json"
    mapping = get_dataset("tass-politics-2024").sources[0]["mapping"]
    return Source((path,), format="table", outlet="TASS", mapping=mapping, name="tass")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def corpus(tmp_path: Path, corpora_dir: Path) -> Path:
    out = tmp_path / "corpus"
    build_corpus([_tass(corpora_dir)], out, settings=FAST, progress=False)
    return out


# -- point 1: only a secnews corpus is replaced ----------------------------------------------------
def test_a_foreign_folder_with_a_manifest_is_never_replaced(
    tmp_path: Path, corpora_dir: Path
) -> None:
    foreign = tmp_path / "v"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"name": "ext"}\n')
    (foreign / "notes.txt").write_text("notes\n")
    with pytest.raises(FileExistsError, match="not a secnews corpus manifest"):
        build_corpus([_tass(corpora_dir)], foreign, settings=FAST, progress=False)
    assert _snapshot(foreign) == {"manifest.json": b'{"name": "ext"}\n', "notes.txt": b"notes\n"}


def test_a_corpus_with_foreign_files_in_it_is_not_replaced(corpus: Path, corpora_dir: Path) -> None:
    (corpus / "notes.txt").write_text("mine")
    before = _snapshot(corpus)
    with pytest.raises(FileExistsError, match=r"not part of a corpus \(notes.txt\)"):
        build_corpus([_tass(corpora_dir)], corpus, settings=FAST, progress=False)
    assert _snapshot(corpus) == before


def test_a_file_or_a_link_is_never_replaced(
    tmp_path: Path, corpus: Path, corpora_dir: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(corpus)
    for out, reason in ((notes, "it is not a folder"), (link, "it is a symbolic link")):
        with pytest.raises(FileExistsError, match=reason):
            build_corpus([_tass(corpora_dir)], out, settings=FAST, progress=False)
    assert notes.read_text() == "mine" and link.resolve() == corpus.resolve()


def test_a_secnews_corpus_is_replaced(corpus: Path, corpora_dir: Path) -> None:
    first = json.loads((corpus / "manifest.json").read_text())
    assert first["format"] == "secnews-corpus/2"
    build_corpus([_tass(corpora_dir)], corpus, settings=FAST, progress=False)
    assert len(open_corpus(corpus).frame(["doc_id"])) == 20


# -- point 2: a build that keeps nothing fails and keeps the old corpus ----------------------------
def test_a_missing_source_fails_before_any_work(corpus: Path, tmp_path: Path) -> None:
    before = _snapshot(corpus)
    with pytest.raises(BuildError, match=r"source not found: .*nonexistent"):
        build_corpus([Source(tmp_path / "nonexistent")], corpus, settings=FAST, progress=False)
    assert _snapshot(corpus) == before
    fresh = tmp_path / "fresh"
    with pytest.raises(BuildError, match="source not found"):
        build_corpus([Source(tmp_path / "*.csv")], fresh, settings=FAST, progress=False)
    assert not fresh.exists()


def test_out_equal_to_the_source_fails(corpus: Path) -> None:
    before = _snapshot(corpus)
    with pytest.raises(BuildError, match="is the output folder"):
        build_corpus([Source(corpus)], corpus, settings=FAST, progress=False)
    assert _snapshot(corpus) == before


def test_a_pattern_that_matches_nothing_fails(corpus: Path, corpora_dir: Path) -> None:
    before = _snapshot(corpus)
    source = Source(
        corpora_dir / "seed-article", format="folder", pattern="{country}_{year}.pdf", name="seed"
    )
    with pytest.raises(BuildError, match=r"source seed gave no document .*1 file\(s\) ignored"):
        build_corpus([source], corpus, settings=FAST, progress=False)
    assert _snapshot(corpus) == before
    assert sorted(p.name for p in corpus.parent.iterdir()) == ["corpus"]


def test_a_build_where_everything_is_rejected_fails(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"")
    (bad / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    before = _snapshot(corpus)
    with pytest.raises(BuildError, match=r"kept no document \(2 rejected: 1 x "):
        build_corpus([Source(bad)], corpus, settings=FAST, progress=False)
    assert _snapshot(corpus) == before


def test_cli_build_of_a_missing_source_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from secnews.analysis.cli.main import main

    out = tmp_path / "X"
    assert main(["build", str(tmp_path / "nonexistent"), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "source not found" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


# -- point 4: a lock on the target -------------------------------------------------------------------
def test_a_second_build_names_the_holder_of_the_lock(corpus: Path, corpora_dir: Path) -> None:
    before = _snapshot(corpus)
    with target_lock(corpus) as holder:
        with pytest.raises(TargetLockedError, match=rf"being built by pid {os.getpid()} on host"):
            build_corpus([_tass(corpora_dir)], corpus, settings=FAST, progress=False)
        assert holder.pid == os.getpid()
        assert str(os.getpid()) in lock_path(corpus).read_text()
    assert not lock_path(corpus).exists()
    assert _snapshot(corpus) == before
    build_corpus([_tass(corpora_dir)], corpus, settings=FAST, progress=False)  # lock released


# -- point 5: the temporary data of killed builds is removed -----------------------------------------
def test_stale_building_folders_are_removed_by_the_next_build(
    corpus: Path, corpora_dir: Path
) -> None:
    stale = corpus.parent / ".corpus.building-abc123"
    stale.mkdir()
    (stale / "_stage.parquet").write_bytes(b"x" * 100)
    old = corpus.parent / ".corpus.old-xyz"
    old.mkdir()
    other = corpus.parent / ".other.building-1"  # another target's: not ours to remove
    other.mkdir()
    build_corpus([_tass(corpora_dir)], corpus, settings=FAST, progress=False)
    names = sorted(p.name for p in corpus.parent.iterdir())
    assert names == [".other.building-1", "corpus"]


_SCRIPT = """
import sys, time
from pathlib import Path
from secnews.corpus import BuildSettings, Source, build_corpus
from secnews.corpus.build import run
from secnews.corpus.registry import get_dataset

path, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
mapping = get_dataset("tass-politics-2024").sources[0]["mapping"]
original = run._Builder._process

def process(self, source, batch, stage):
    original(self, source, batch, stage)
    print("batch", flush=True)
    while mode == "hold" and not (out.parent / "go").exists():  # until the test says go
        time.sleep(0.02)
    while mode == "stall":  # until killed
        time.sleep(1)

run._Builder._process = process
settings = BuildSettings(language_id=False, relevance=False, dedupe=False, batch_size=2)
try:
    build_corpus([Source((path,), format="table", outlet="TASS", mapping=mapping)], out,
                 settings=settings, progress=False)
except OSError as exc:
    print("ERROR", exc, flush=True)
    sys.exit(3)
print("DONE", flush=True)
"""


def test_concurrent_builds_and_a_killed_one_leave_one_complete_corpus(
    tmp_path: Path, corpora_dir: Path
) -> None:
    """Two builds into one new folder at once: one builds, the other fails at once naming it;
    a third is killed mid-way; the folder then holds one complete corpus, and the next build
    removes what the killed one left."""
    source = corpora_dir / "tass-politics-2024/politics_20.json"
    out = tmp_path / "shared"
    script = tmp_path / "build.py"
    script.write_text(_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    def start(mode: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(script), str(source), str(out), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    first = start("hold")
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "batch"  # holds the lock now
    second = start("fast")
    out2, err2 = second.communicate(timeout=120)
    (tmp_path / "go").touch()
    _out1, err1 = first.communicate(timeout=120)
    (tmp_path / "go").unlink()
    assert first.returncode == 0, err1
    assert second.returncode == 3, err2
    assert f"being built by pid {first.pid} on host" in out2
    corpus = open_corpus(out)
    assert len(corpus.frame(["doc_id"])) == 20
    complete = _snapshot(out)

    third = start("stall")
    assert third.stdout is not None
    assert third.stdout.readline().strip() == "batch"
    third.send_signal(signal.SIGKILL)
    third.wait(timeout=30)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".shared.building-")]
    assert len(leftovers) == 1  # what kill -9 leaves
    assert _snapshot(out) == complete  # the previous corpus is untouched

    fourth = start("fast")
    _out4, err4 = fourth.communicate(timeout=120)
    assert fourth.returncode == 0, err4
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["build.py", "shared"]
    assert _snapshot(out) == complete  # same input, same bytes


# -- point 7: identical rows without a URL ------------------------------------------------------------
class _CountingSet(set[str]):
    lookups = 0

    def __contains__(self, item: object) -> bool:
        type(self).lookups += 1
        return super().__contains__(item)


def test_unique_ids_of_identical_rows_take_linear_lookups(tmp_path: Path) -> None:
    builder = build_module._Builder([Source(tmp_path)], FAST, tmp_path / "stage", tmp_path / "out")
    builder.ids = _CountingSet()
    n = 2000
    ids = []
    for _ in range(n):
        unique = builder._unique_id("table:abc", "the same text")
        builder.ids.add(unique)
        ids.append(unique)
    assert len(set(ids)) == n
    assert ids[:3] == ["table:abc", ids[1], f"{ids[1]}-2"] and ids[-1] == f"{ids[1]}-{n - 1}"
    assert _CountingSet.lookups < 4 * n  # it was n**2 / 2 (2 million here)


def test_identical_rows_without_url_are_all_stored(tmp_path: Path, corpora_dir: Path) -> None:
    item = json.loads((corpora_dir / "tass-politics-2024/politics_20.json").read_text("utf-8"))[0]
    body = "\n".join(item["content"])
    table = tmp_path / "in" / "same.csv"
    table.parent.mkdir()
    import csv

    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text"])
        for _ in range(300):
            writer.writerow([item["title"], body])
    summary = build_corpus([Source(table)], tmp_path / "c", settings=FAST, progress=False)
    (counts,) = summary.sources
    assert (counts.n_in, counts.kept, counts.duplicates) == (300, 1, 299)
