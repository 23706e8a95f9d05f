"""Run a study's steps in order, redoing only those whose inputs or settings changed.

Every step's settings are built and checked when the study is loaded (:func:`check_study`), so
that a misspelled key or an impossible value fails before the corpus is built or a model fitted.
Each step has a key (see :mod:`secnews.analysis.steps.fingerprints`). A step writes its outputs
into a temporary folder that replaces its output folder only when the step succeeded
(:func:`~secnews.analysis.steps._base.write_step_folder`), together with a ``step.json`` that
records the key; a later run whose key is unchanged skips the step.

With a Dask scheduler (``run_study(..., scheduler=...)``, the environment variable
``SECNEWS_SCHEDULER`` or the study's ``[run] scheduler``; see
:mod:`secnews.analysis.distributed`), the steps that can (:attr:`AnalysisStep.distributed`) run
their per-document stages on the cluster. The scheduler is checked before any work and
connected to (or started) when the first such step runs; it is not part of a step's key, since
it does not change the outputs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secnews.analysis.report.render import ReportSettings
from secnews.analysis.steps._base import (
    SettingsError,
    StepSettings,
    read_step_key,
    write_step_folder,
)
from secnews.analysis.steps.build import build_key, check_build, run_build
from secnews.analysis.steps.entities import EntitiesSettings, run_entities
from secnews.analysis.steps.fingerprints import code_fingerprint, settings_files, stable_hash
from secnews.analysis.steps.stats import StatsSettings, run_stats
from secnews.analysis.steps.study import Study
from secnews.analysis.steps.topics import TopicsSettings, run_topics_step
from secnews.analysis.steps.trends import TrendsSettings, run_trends

if TYPE_CHECKING:
    from secnews.analysis.distributed import Cluster, SchedulerSpec

__all__ = [
    "ANALYSIS_STEPS",
    "AnalysisStep",
    "StepResult",
    "check_study",
    "read_step_key",
    "run_study",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalysisStep:
    """An analysis step: its settings class and the function that runs it
    (``run(corpus_dir, out_dir, *, settings, seed) -> manifest``). A step that is
    ``distributed`` also takes ``cluster=`` (a :class:`secnews.analysis.distributed.Cluster`
    or ``None``) and runs its per-document stages there."""

    settings: type[StepSettings]
    run: Callable[..., dict[str, Any]]
    distributed: bool = False


#: The analysis steps after the build, in the order a study runs them.
ANALYSIS_STEPS: dict[str, AnalysisStep] = {
    "stats": AnalysisStep(StatsSettings, run_stats, distributed=True),
    "topics": AnalysisStep(TopicsSettings, run_topics_step),
    "trends": AnalysisStep(TrendsSettings, run_trends, distributed=True),
    "entities": AnalysisStep(EntitiesSettings, run_entities, distributed=True),
}


@dataclass(frozen=True)
class StepResult:
    """What happened to one step: its key, where it wrote, whether it ran and how long it took."""

    step: str
    key: str
    out_dir: Path
    ran: bool
    seconds: float


def check_study(study: Study) -> dict[str, StepSettings]:
    """Build and check the settings of every step a study configures, reading no data.

    Returns
    -------
    dict
        Step name -> its settings (the build and report tables are checked, not returned).

    Raises
    ------
    SettingsError
        Naming the table, the key and what is allowed.
    """
    check_build(study.sources, study.settings("build"))
    checked: dict[str, StepSettings] = {}
    for name, step in ANALYSIS_STEPS.items():
        if study.steps.get(name):
            checked[name] = step.settings.from_mapping(study.settings(name))
    try:
        ReportSettings.from_mapping(study.settings("report"))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"[report] {exc}") from None
    return checked


def _corpus_hash(corpus_dir: Path) -> str:
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["corpus_hash"])


def _analysis_key(step: str, corpus_hash: str, settings: Mapping[str, Any], seed: int) -> str:
    return stable_hash(
        {
            "step": step,
            "corpus": corpus_hash,
            "settings": settings,
            "settings_files": settings_files(settings),
            "code": [code_fingerprint("secnews.corpus"), code_fingerprint("secnews.analysis")],
            "seed": seed,
            "secnews": version("secnews"),
        }
    )


def run_study(
    study: Study,
    *,
    steps: Sequence[str] | None = None,
    force: bool = False,
    on_step: Callable[[str, StepResult | None], None] | None = None,
    scheduler: str | None = None,
) -> list[StepResult]:
    """Run the build and analysis steps of a study.

    Parameters
    ----------
    study
        A study from :func:`secnews.analysis.steps.study.load_study`.
    steps
        Run only these steps (default: the build and every analysis step the study configures).
    force
        Rerun steps even when their key is unchanged.
    on_step
        Called as ``on_step(name, None)`` when a step starts and ``on_step(name, result)`` when
        it ends (the command line prints progress with it).
    scheduler
        A Dask scheduler (``tcp://HOST:PORT``, ``local:N`` or ``none``); default: the
        environment variable ``SECNEWS_SCHEDULER``, else the study's ``[run] scheduler``,
        else none (the local process).

    Returns
    -------
    list of StepResult
        One per step, in the order they were considered.

    Raises
    ------
    SettingsError
        Before any work, when a step's settings or the scheduler value are wrong; when the
        scheduler cannot be reached.
    """
    from secnews.analysis.distributed import resolve_scheduler

    spec = resolve_scheduler(scheduler, study=study.scheduler)
    wanted = list(steps) if steps is not None else ["build", *ANALYSIS_STEPS]
    unknown = set(wanted) - {"build", *ANALYSIS_STEPS}
    if unknown:
        raise SettingsError(
            f"unknown steps {sorted(unknown)}; steps: build, {', '.join(ANALYSIS_STEPS)}"
        )
    checked = check_study(study)
    with ExitStack() as stack:
        cluster = _LazyCluster(spec, stack)
        return _run_steps(study, wanted, checked, force=force, on_step=on_step, cluster=cluster)


class _LazyCluster:
    """The cluster of a study run, opened by the first step that uses it, closed by ``stack``."""

    def __init__(self, spec: SchedulerSpec | None, stack: ExitStack) -> None:
        self.spec = spec
        self._stack = stack
        self._cluster: Cluster | None = None

    def get(self) -> Cluster | None:
        """The open cluster (``None`` without a scheduler)."""
        if self.spec is None:
            return None
        if self._cluster is None:
            from secnews.analysis.distributed import open_cluster

            self._cluster = self._stack.enter_context(open_cluster(self.spec))
        return self._cluster


def _run_steps(
    study: Study,
    wanted: list[str],
    checked: dict[str, StepSettings],
    *,
    force: bool,
    on_step: Callable[[str, StepResult | None], None] | None,
    cluster: _LazyCluster,
) -> list[StepResult]:
    """The body of :func:`run_study`, once everything is checked."""
    results: list[StepResult] = []

    def run(step: str, key: str, out_dir: Path, work: Callable[[Path], Any]) -> None:
        if on_step is not None:
            on_step(step, None)
        if not force and read_step_key(out_dir) == key:
            logger.info("%s: unchanged (key %s), skipped", step, key[:12])
            result = StepResult(step, key, out_dir, ran=False, seconds=0.0)
        else:
            started = time.perf_counter()
            logger.info("%s: running into %s", step, out_dir)
            write_step_folder(out_dir, step, work, key=key)
            seconds = time.perf_counter() - started
            logger.info("%s: done in %.1f s", step, seconds)
            result = StepResult(step, key, out_dir, ran=True, seconds=seconds)
        results.append(result)
        if on_step is not None:
            on_step(step, result)

    corpus_dir = study.corpus_dir
    if "build" in wanted:
        build_settings = study.settings("build")
        run(
            "build",
            build_key(study.sources, build_settings),
            corpus_dir,
            lambda temp: run_build(study.sources, temp, build_settings),
        )
    if not (corpus_dir / "manifest.json").is_file():
        raise FileNotFoundError(f"no corpus at {corpus_dir}: run the build step first")
    corpus_hash = _corpus_hash(corpus_dir)
    for name, step in ANALYSIS_STEPS.items():
        if name not in wanted or name not in checked:
            continue
        settings = checked[name]
        key = _analysis_key(name, corpus_hash, study.settings(name), study.seed)

        def work(temp: Path, step: AnalysisStep = step, settings: StepSettings = settings) -> Any:
            extra = {"cluster": cluster.get()} if step.distributed else {}
            return step.run(corpus_dir, temp, settings=settings, seed=study.seed, **extra)

        run(name, key, study.step_dir(name), work)
    return results
