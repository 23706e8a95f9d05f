"""The statistics step on a Dask cluster writes the bytes of a local run.

A small real study (the US government and TASS corpora, parts of 40 rows, so eight parts) runs
its stats step locally and on a ``LocalCluster`` of two worker processes, once by outlet (with
keyness and a KWIC term) and once by year; every file is compared byte for byte (the manifests
apart from ``execution``). A MATTR window of 60 tokens makes windows cross documents and parts.
A worker that fails leaves the previous outputs in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from secnews.analysis.distributed import DistributedError
from secnews.analysis.steps.pipeline import run_study
from secnews.analysis.steps.study import Study, load_study
from secnews.corpus import open_corpus

from ._studies import SMALL_SOURCES, study_header

#: The two ways to group the summary.
SETTINGS = {
    "outlet": 'by = "outlet"\ncompare = ["White House", "State"]\nkwic = "sanctions"\n'
    "n_boot = 50\nmin_count = 3\nmattr_window = 60\n",
    "year": 'by = "period"\nperiod = "year"\nmattr_window = 60\nmin_count = 3\n',
}


def _study(tmp: Path, reports: str, stats: str, work: Path | None = None) -> Study:
    path = tmp / f"{reports}.toml"
    header = study_header(
        "daskstats", seed=5, work_dir=work or tmp / "work", reports_dir=tmp / reports
    )
    path.write_text(
        header
        + SMALL_SOURCES
        + f"""
[build]
part_rows = 40

[stats]
{stats}""",
        encoding="utf-8",
    )
    return load_study(path)


def _files(study: Study) -> dict[str, bytes]:
    folder = study.step_dir("stats")
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass(frozen=True)
class Pair:
    """A local and a Dask run of the same stats settings."""

    local: Study
    dask: Study


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, corpora_dir: Path, cluster: LocalCluster
) -> dict[str, Pair]:
    tmp = tmp_path_factory.mktemp("daskstats")
    out = {}
    for name, stats in SETTINGS.items():
        local = _study(tmp, f"local-{name}", stats)
        run_study(local, steps=["build", "stats"], scheduler="none")
        on_dask = _study(tmp, f"dask-{name}", stats)
        run_study(on_dask, steps=["stats"], scheduler=cluster.scheduler_address)
        out[name] = Pair(local, on_dask)
    return out


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_dask_stats_write_the_same_bytes(
    runs: dict[str, Pair], cluster: LocalCluster, name: str
) -> None:
    pair = runs[name]
    with open_corpus(pair.local.corpus_dir) as corpus:
        assert len(corpus.parts) == 8
    mine, theirs = _files(pair.local), _files(pair.dask)
    assert sorted(theirs) == sorted(mine)
    tables = {n for n in mine if n.endswith(".csv")}
    expected = {
        "summary.csv",
        "sources.csv",
        "frequencies.csv",
        "frequencies_by_group.csv",
        "zipf.csv",
        "collocations.csv",
    }
    if name == "outlet":
        expected |= {"keyness.csv", "keyness_reverse.csv", "kwic.csv"}
    assert tables == expected
    differ = [n for n in mine if n != "manifest.json" and mine[n] != theirs[n]]
    assert differ == []
    a, b = json.loads(mine["manifest.json"]), json.loads(theirs["manifest.json"])
    assert a.pop("execution") == {"scheduler": "local", "distributed": [], "parts": 8}
    execution = b.pop("execution")
    assert a == b
    stages = ["running_words per part", *(["kwic per part"] if name == "outlet" else [])]
    assert execution["scheduler"] == cluster.scheduler_address
    assert execution["distributed"] == stages
    assert execution["parts"] == 8
    assert "preprocess (bag of words, local process pool)" in execution["on_client"]


def test_the_summary_has_several_groups_and_full_windows(runs: dict[str, Pair]) -> None:
    """The comparison is not vacuous: several groups of documents spread over parts, each with
    more tokens than a window, and KWIC lines."""
    import pandas as pd

    summary = pd.read_csv(runs["year"].dask.step_dir("stats") / "summary.csv")
    assert len(summary) >= 3
    assert summary["mattr_full_window"].all()
    assert (summary["documents"] > 8).sum() >= 2
    kwic = pd.read_csv(runs["outlet"].dask.step_dir("stats") / "kwic.csv")
    assert len(kwic) > 10


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_failing_worker_names_the_stage_and_keeps_the_outputs(
    runs: dict[str, Pair], cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part the workers cannot read fails the step with the stage's name; the previous
    outputs stay as they were."""
    from secnews.analysis.distributed import Cluster

    study = runs["outlet"].dask
    folder = study.step_dir("stats")
    before = _digests(folder)
    original = Cluster.map_parts

    def missing_part(self: Cluster, fn: object, parts: list[Path], **kwargs: object) -> object:
        return original(
            self, fn, [*parts[:-1], Path(parts[-1]).with_name("gone.parquet")], **kwargs
        )

    monkeypatch.setattr(Cluster, "map_parts", missing_part)
    with pytest.raises(
        DistributedError, match=r"stats-words: a task failed on a worker: .*gone\.parquet not found"
    ):
        run_study(study, steps=["stats"], force=True, scheduler=cluster.scheduler_address)
    assert _digests(folder) == before
    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".stats.")]
    assert [n for n in leftovers if not n.endswith(".lock")] == []


class KillCounting(WorkerPlugin):
    """Kill the worker process that starts the first stats task of the cluster (a marker file
    records that it happened), so that the scheduler runs the task again elsewhere."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish != "executing" or not str(key).startswith("secnews-stats-words"):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_step_leaves_the_same_tables(
    runs: dict[str, Pair], cluster: LocalCluster, tmp_path: Path
) -> None:
    pair = runs["year"]
    marker = tmp_path / "killed-once"
    study = _study(tmp_path, "killed", SETTINGS["year"], work=pair.local.work_dir)  # built
    with Client(cluster.scheduler_address) as client:
        before = set(client.run(os.getpid).values())
        client.register_plugin(KillCounting(str(marker)), name="kill-stats")
        try:
            run_study(study, steps=["stats"], scheduler=cluster.scheduler_address)
        finally:
            client.wait_for_workers(2, timeout=120)
            client.unregister_worker_plugin("kill-stats")
        after = set(client.run(os.getpid).values())
    assert marker.exists()
    assert len(before - after) == 1
    mine, theirs = _files(pair.local), _files(study)
    assert sorted(theirs) == sorted(mine)
    assert [n for n in mine if n != "manifest.json" and mine[n] != theirs[n]] == []
