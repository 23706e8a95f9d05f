"""The same study on a Dask cluster: the switch, the same bytes as a local run, a worker killed
mid-step, a failed step that keeps the previous outputs.

A small real study (the US government and TASS corpora, with parts of 40 rows, so eight parts)
runs its trends and entities steps locally and on a ``LocalCluster`` of two worker processes,
and every file the two steps write is compared byte for byte (the manifests apart from
``execution``, which says where the step ran).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from secnews.analysis.cli.main import main
from secnews.analysis.distributed import (
    SCHEDULER_ENV,
    Cluster,
    DistributedError,
    concat_parts,
    parse_scheduler,
    part_frame,
    resolve_scheduler,
)
from secnews.analysis.steps._base import SettingsError
from secnews.analysis.steps.pipeline import StepResult, run_study
from secnews.analysis.steps.study import Study, load_study
from secnews.corpus import open_corpus

from ._studies import SMALL_SOURCES, study_header

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("trends", "entities")
#: Files whose bytes may differ between a local and a Dask run (they record where it ran).
RECORDS = {"manifest.json"}


def _study_text(tmp: Path, reports: str, scheduler: str | None = None) -> str:
    run = f'[run]\nscheduler = "{scheduler}"\n' if scheduler else ""
    header = study_header("daskcheck", seed=11, work_dir=tmp / "work", reports_dir=tmp / reports)
    return (
        header
        + SMALL_SOURCES
        + f"""
[build]
part_rows = 40

[trends]
terms = ["nato", "sanctions", "war", "ukrain*", "special military operation"]
period = "month"
by = "outlet"
events = "{ROOT / "studies" / "events.csv"}"
n_boot = 100

[entities]
window = "sentence"
n_permutations = 19
figures = false
{run}"""
    )


def _study(tmp: Path, reports: str, scheduler: str | None = None) -> Study:
    path = tmp / f"{reports}.toml"
    path.write_text(_study_text(tmp, reports, scheduler), encoding="utf-8")
    return load_study(path)


def _files(study: Study, steps: tuple[str, ...] = STEPS) -> dict[str, bytes]:
    """Every file the two steps wrote, by path below the study's reports (``step.json`` too)."""
    base = study.reports_dir / study.name
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for step in steps
        for p in sorted((base / step).rglob("*"))
        if p.is_file()
    }


def _same_outputs(
    local: Study, other: Study, steps: tuple[str, ...] = STEPS
) -> dict[str, dict[str, object]]:
    """Assert that ``other`` wrote the bytes ``local`` wrote; return its manifests' execution."""
    mine, theirs = _files(local, steps), _files(other, steps)
    assert sorted(theirs) == sorted(mine)
    tables = [name for name in mine if name.endswith((".csv", ".parquet"))]
    # trends, changepoints, smoothed; entities, edges, centralities, mentions
    assert len(tables) == 3 * ("trends" in steps) + 4 * ("entities" in steps)
    differ = [n for n in mine if Path(n).name not in RECORDS and mine[n] != theirs[n]]
    assert differ == []
    executions = {}
    for name in mine:
        if Path(name).name in RECORDS:
            a, b = json.loads(mine[name]), json.loads(theirs[name])
            executions[name.split("/")[0]] = b.pop("execution")
            a.pop("execution")
            assert a == b, name
    return executions


@dataclass(frozen=True)
class Runs:
    """The study's folder, its local run and its run on the cluster."""

    tmp: Path
    local: Study
    dask: Study
    first: list[StepResult]
    second: list[StepResult]


@pytest.fixture(scope="module")
def gazetteer_once() -> Iterator[None]:
    """Build the gazetteer once in this process (the steps rebuild it on every run, about 20 s
    here; it is the same object every time, and workers get it from the step)."""
    from secnews.analysis.entities import gazetteer

    cached = functools.lru_cache(maxsize=2)(gazetteer.build_gazetteer)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gazetteer, "build_gazetteer", cached)
        yield


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
    corpora_dir: Path,
    cluster: LocalCluster,
    gazetteer_once: None,
) -> Runs:
    """The study run locally, then its two steps on the cluster (the build is shared)."""
    tmp = tmp_path_factory.mktemp("dask")
    local = _study(tmp, "local")
    first = run_study(local, scheduler="none")
    on_dask = _study(tmp, "dask")
    second = run_study(on_dask, scheduler=cluster.scheduler_address)
    return Runs(tmp, local, on_dask, first, second)


def test_the_corpus_has_several_parts(runs: Runs) -> None:
    study = runs.local
    with open_corpus(study.corpus_dir) as corpus:
        assert len(corpus.parts) == 8  # 312 rows, 40 per part
        assert len(corpus) > 250


def test_a_part_reads_as_the_corpus_reads_it(runs: Runs) -> None:
    """What a worker reads (one part) is, part after part, what the local run reads."""
    import pandas as pd

    columns = ["doc_id", "outlet", "published", "meta", "title", "text", "dateline_place"]
    with open_corpus(runs.local.corpus_dir) as corpus:
        whole = corpus.frame(columns)
        parts = [part_frame(p, columns) for p in corpus.parts]
        everything = corpus.frame(columns, include_duplicates=True)
        with_dups = [part_frame(p, columns, include_duplicates=True) for p in corpus.parts]
    pd.testing.assert_frame_equal(concat_parts(parts), whole)
    pd.testing.assert_frame_equal(concat_parts(with_dups), everything)
    assert len(whole) < len(everything)
    # dateline_place is null in every part but the last: object there, str in the whole corpus
    assert {str(f["dateline_place"].dtype) for f in parts} == {"object", "str"}


def test_dask_run_writes_the_same_files(runs: Runs, cluster: LocalCluster) -> None:
    local, on_dask = runs.local, runs.dask
    assert [(r.step, r.ran) for r in runs.second] == [
        ("build", False),
        ("trends", True),
        ("entities", True),
    ]
    executions = _same_outputs(local, on_dask)
    address = cluster.scheduler_address
    assert executions == {
        "trends": {"scheduler": address, "distributed": ["document_counts per part"], "parts": 8},
        "entities": {
            "scheduler": address,
            "distributed": ["extract_entities per part"],
            "parts": 8,
        },
    }
    local_manifest = json.loads((local.step_dir("entities") / "manifest.json").read_text())
    assert local_manifest["execution"] == {"scheduler": "local", "distributed": [], "parts": 8}


class KillExtraction(WorkerPlugin):
    """Kill the worker process that starts an entities extraction task: the first one of the
    whole cluster only (``once``: a marker file records that it happened), or every one while
    the file ``armed`` exists, so that the scheduler runs the task again, or gives up."""

    def __init__(self, *, once: str | None = None, armed: str | None = None) -> None:
        self.once = once
        self.armed = armed

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish != "executing" or not str(key).startswith("secnews-entities-extract"):
            return
        if self.once is not None:
            try:
                os.close(os.open(self.once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return
        elif self.armed is None or not os.path.exists(self.armed):
            return
        os.kill(os.getpid(), signal.SIGKILL)


def _disarm(client: Client, name: str, *, workers: int = 2) -> None:
    """Wait for the nannies to replace the killed workers (``workers`` of them running), then
    remove the plugin."""
    client.wait_for_workers(workers, timeout=120)
    for attempt in range(5):
        try:
            client.unregister_worker_plugin(name)
            return
        except ValueError:  # "does not exist": an earlier attempt removed it before failing
            return
        except OSError:  # a worker still closing: wait and try again
            time.sleep(1 + attempt)
            client.wait_for_workers(workers, timeout=120)


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_worker_killed_mid_step_leaves_the_same_outputs(
    runs: Runs, cluster: LocalCluster
) -> None:
    tmp = runs.tmp
    marker = tmp / "killed-once"
    study = _study(tmp, "killed")
    with Client(cluster.scheduler_address) as client:
        pids_before = set(client.run(os.getpid).values())
        client.register_plugin(KillExtraction(once=str(marker)), name="kill-once")
        try:
            run_study(study, steps=["entities"], scheduler=cluster.scheduler_address)
        finally:
            _disarm(client, "kill-once")
        pids_after = set(client.run(os.getpid).values())
    assert marker.exists()  # the plugin fired ...
    assert len(pids_before - pids_after) == 1  # ... and one worker process died and was replaced
    _same_outputs(runs.local, study, ("entities",))


def test_a_failed_step_keeps_the_previous_outputs(runs: Runs, cluster: LocalCluster) -> None:
    tmp, on_dask = runs.tmp, runs.dask
    folder = on_dask.step_dir("entities")
    before = _digests(folder)
    scheduler = cluster.scheduler
    assert scheduler is not None
    allowed = scheduler.allowed_failures
    scheduler.allowed_failures = 0
    armed = tmp / "armed"
    armed.touch()
    with Client(cluster.scheduler_address) as client:
        client.register_plugin(KillExtraction(armed=str(armed)), name="kill-always")
        try:
            with pytest.raises(DistributedError, match="entities-extract: a task was stopped"):
                run_study(
                    on_dask, steps=["entities"], force=True, scheduler=cluster.scheduler_address
                )
        finally:
            armed.unlink()
            scheduler.allowed_failures = allowed
            # every worker was killed, some more than once: on a loaded machine a nanny may take
            # minutes to bring its worker back, and no later test needs this cluster's two
            _disarm(client, "kill-always", workers=1)
    assert _digests(folder) == before
    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".entities.")]
    assert [n for n in leftovers if not n.endswith(".lock")] == []


def test_local_n_through_the_command_line(runs: Runs, capsys: pytest.CaptureFixture[str]) -> None:
    """``--scheduler local:1`` starts a LocalCluster (closed at the end) and writes the same
    trends; the study's ``[run] scheduler`` (a bad address would fail) is overridden."""
    tmp = runs.tmp
    study = _study(tmp, "cli", scheduler="tcp://127.0.0.1:1")
    code = main(["run", str(study.path), "--steps", "trends", "--scheduler", "local:1"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((study.step_dir("trends") / "manifest.json").read_text())
    assert manifest["execution"]["scheduler"] == "local:1"
    local = runs.local
    for name in ("trends.csv", "changepoints.csv", "smoothed.csv"):
        ours = (study.step_dir("trends") / name).read_bytes()
        assert ours == (local.step_dir("trends") / name).read_bytes()


def test_an_unreachable_scheduler_fails_clearly(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    import secnews.analysis.distributed as dist

    monkeypatch.setattr(dist, "CONNECT_TIMEOUT", 1)
    on_dask = runs.dask
    before = _digests(on_dask.step_dir("trends"))
    with pytest.raises(
        SettingsError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1 "
    ):
        run_study(on_dask, steps=["trends"], force=True, scheduler="tcp://127.0.0.1:1")
    assert _digests(on_dask.step_dir("trends")) == before


# -- the switch, without a cluster -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "address", "workers"),
    [
        ("tcp://10.1.2.3:8786", "tcp://10.1.2.3:8786", None),
        ("tcp://scheduler.hpc.example.org:8786", "tcp://scheduler.hpc.example.org:8786", None),
        ("tls://[::1]:8786", "tls://[::1]:8786", None),
        (" local:4 ", None, 4),
    ],
)
def test_scheduler_values(value: str, address: str | None, workers: int | None) -> None:
    spec = parse_scheduler(value)
    assert spec is not None
    assert (spec.address, spec.n_workers) == (address, workers)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("local:0", "N must be between 1 and 256"),
        ("local:-2", "write local:N"),
        ("local", "write local:N"),
        ("local:two", "write local:N"),
        ("tcp://host", "is not a scheduler address"),
        ("http://host:8786", "is not a scheduler address"),
        ("tcp://host:99999", "port 99999 is not in 1..65535"),
        ("tcp://bad host:8786", "is not a scheduler address"),
        ("8786", "is not a scheduler address"),
    ],
)
def test_bad_scheduler_values_are_named(value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as info:
        parse_scheduler(value, origin="--scheduler")
    assert "--scheduler" in str(info.value)


def test_precedence_is_command_line_then_environment_then_study() -> None:
    env = {SCHEDULER_ENV: "local:3"}
    study = "tcp://study.example.org:8786"
    assert resolve_scheduler("local:1", study=study, environ=env).n_workers == 1
    assert resolve_scheduler(None, study=study, environ=env).n_workers == 3
    assert resolve_scheduler(None, study=study, environ={SCHEDULER_ENV: " "}).address == study
    assert resolve_scheduler("none", study=study, environ=env) is None
    assert resolve_scheduler(None, study=None, environ={}) is None
    with pytest.raises(SettingsError, match=r"\$SECNEWS_SCHEDULER = 'local:x'"):
        resolve_scheduler(None, study=study, environ={SCHEDULER_ENV: "local:x"})


def test_study_run_table_is_checked(tmp_path: Path) -> None:
    base = '[study]\nname = "s"\n[[sources]]\ndataset = "seed-article"\n'
    path = tmp_path / "s.toml"
    path.write_text(base + '[run]\nscheduler = "local:2"\n')
    assert load_study(path).scheduler == "local:2"
    path.write_text(base + '[run]\nschedular = "local:2"\n')
    with pytest.raises(ValueError, match=r"\[run\] unknown setting\(s\) \['schedular'\]"):
        load_study(path)
    path.write_text(base + '[run]\nscheduler = "tcp://nowhere"\n')
    with pytest.raises(ValueError, match=r"\[run\] scheduler = 'tcp://nowhere' is not"):
        load_study(path)


def test_a_bad_scheduler_stops_the_command_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    study = _study(tmp_path, "reports")
    assert main(["run", str(study.path), "--scheduler", "local:0"]) == 2
    assert "--scheduler = 'local:0': N must be between 1 and 256" in capsys.readouterr().err
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://:8786")
    assert main(["run", str(study.path)]) == 2
    assert "$SECNEWS_SCHEDULER = 'tcp://:8786' is not a scheduler address" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "work").exists()


class _OtherCode:
    """A client whose workers report another secnews source hash."""

    def run(self, fn: object) -> dict[str, tuple[str, str, str]]:
        return {"tcp://10.0.0.9:40000": ("0.0.0", "a" * 64, "b" * 64)}


def test_workers_with_other_code_are_refused() -> None:
    spec = parse_scheduler("tcp://10.0.0.1:8786")
    assert spec is not None
    with pytest.raises(SettingsError, match=r"worker tcp://10\.0\.0\.9:40000 runs other secnews"):
        Cluster(spec, _OtherCode()).check_workers()


def test_importing_secnews_does_not_import_dask() -> None:
    code = (
        "import sys, secnews.analysis.cli.main, secnews.analysis.steps.pipeline, "
        "secnews.analysis.distributed, secnews.corpus\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
        "assert loaded == [], loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))
