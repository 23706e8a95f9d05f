"""Run a study's steps in order, redoing only those whose inputs or settings changed.

Each step has a key: the hash of its settings, the content of the files its settings name
(events, lexicons, alias tables), the study seed, the package's source code and the content hash
of the corpus it reads (for the build: of its input files). A step writes its outputs into a
temporary folder that replaces its output folder only when the step succeeded, together with a
``step.json`` that records the key; a later run whose key is unchanged skips the step.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from secnews.analysis.steps.study import Study, stable_hash

__all__ = [
    "ANALYSIS_STEPS",
    "StepResult",
    "build_key",
    "code_fingerprint",
    "read_step_key",
    "run_command_step",
    "run_study",
    "settings_files",
]

logger = logging.getLogger(__name__)

#: Analysis steps after the build: name -> ``module:function`` with the signature
#: ``run_step(corpus_dir: Path, out_dir: Path, settings: Mapping[str, Any], *, seed: int) -> None``.
ANALYSIS_STEPS: dict[str, str] = {
    "stats": "secnews.analysis.cli.stats:run_step",
    "topics": "secnews.analysis.cli.topics:run_step",
    "trends": "secnews.analysis.cli.trends:run_step",
    "entities": "secnews.analysis.cli.entities:run_step",
}
STEP_FILE = "step.json"


@dataclass(frozen=True)
class StepResult:
    """What happened to one step: its key, where it wrote, whether it ran and how long it took."""

    step: str
    key: str
    out_dir: Path
    ran: bool
    seconds: float


def run_command_step(
    command: str,
    corpus_dir: Path,
    out_dir: Path,
    settings: Mapping[str, Any],
    *,
    seed: int,
) -> None:
    """Run a ``secnews`` command as a study step, its options taken from a settings table.

    Keys are the command's long options with ``_`` for ``-`` (``kwic_sort = "left"``,
    ``no_figures = true``); the corpus, ``--out`` and ``--seed`` come from the pipeline.

    Raises
    ------
    ValueError
        For a key that is not an option of the command.
    RuntimeError
        When the command returns a non-zero exit code.
    """
    import argparse

    from secnews.analysis.cli.main import COMMANDS

    module = importlib.import_module(COMMANDS[command])
    parser = argparse.ArgumentParser(prog=f"secnews {command}")
    module.add_arguments(parser)
    args = parser.parse_args([str(corpus_dir), "--out", str(out_dir)])
    unknown = sorted(set(settings) - (set(vars(args)) - {"corpus", "out", "seed"}))
    if unknown:
        raise ValueError(f"unknown [{command}] settings {unknown}")
    for key, value in settings.items():
        setattr(args, key, list(value) if isinstance(value, tuple | list) else value)
    if hasattr(args, "seed"):
        args.seed = seed
    if module.run(args) != 0:
        raise RuntimeError(f"the {command} step failed on {corpus_dir} (see the log above)")


@functools.cache
def code_fingerprint(package: str) -> str:
    """Return a hash of a package's source and data files (``secnews.corpus`` or
    ``secnews.analysis``), so that a changed algorithm makes its steps stale even while the
    version number stays the same."""
    root = Path(importlib.import_module(package).__file__ or "").parent
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )
    return stable_hash([[p.relative_to(root).as_posix(), _file_hash(p)] for p in files])


def _file_hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def settings_files(settings: Mapping[str, Any]) -> dict[str, str]:
    """Return ``{path: sha256}`` of every file a settings table names (events, lexicons, alias
    tables, ...), so that editing such a file makes the step stale."""
    found: dict[str, str] = {}

    def visit(value: Any) -> None:
        if isinstance(value, str) and value and len(value) < 4096:
            path = Path(value)
            if path.is_file():
                found[value] = _file_hash(path)
        elif isinstance(value, Mapping):
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(dict(settings))
    return found


def read_step_key(out_dir: Path) -> str | None:
    """Return the key recorded in ``out_dir/step.json``, or ``None`` when there is none."""
    try:
        data = json.loads((out_dir / STEP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = data.get("key")
    return key if isinstance(key, str) else None


def _resolve(target: str) -> Callable[..., Any]:
    module_name, _, attribute = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module_name), attribute)
    return function


def _run_atomic(out_dir: Path, key: str, step: str, work: Callable[[Path], None]) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        work(temp)
        payload = {"step": step, "key": key, "secnews": version("secnews")}
        (temp / STEP_FILE).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        old = out_dir.with_name(f".{out_dir.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(temp, out_dir)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def build_key(study: Study) -> str:
    """Return the build step's key: sources, build settings and the inputs' content hashes."""
    from secnews.corpus.build.config import source_fingerprints

    sources = [dict(source) for source in study.sources]
    return stable_hash(
        {
            "step": "build",
            "sources": sources,
            "inputs": source_fingerprints(sources),
            "settings": study.settings("build"),
            "settings_files": settings_files(study.settings("build")),
            "code": code_fingerprint("secnews.corpus"),
            "secnews": version("secnews"),
        }
    )


def _build(study: Study, out_dir: Path) -> None:
    from secnews.corpus.build.config import build_from_config

    build_from_config([dict(s) for s in study.sources], out_dir, study.settings("build"))


def _analysis_work(
    target: str, corpus_dir: Path, settings: Mapping[str, Any], seed: int
) -> Callable[[Path], None]:
    function = _resolve(target)

    def work(out_dir: Path) -> None:
        function(corpus_dir, out_dir, settings, seed=seed)

    return work


def _corpus_hash(corpus_dir: Path) -> str:
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["corpus_hash"])


def run_study(
    study: Study,
    *,
    steps: Sequence[str] | None = None,
    force: bool = False,
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

    Returns
    -------
    list of StepResult
        One per step, in the order they were considered.
    """
    wanted = list(steps) if steps is not None else ["build", *ANALYSIS_STEPS]
    unknown = set(wanted) - {"build", *ANALYSIS_STEPS}
    if unknown:
        raise ValueError(f"unknown steps {sorted(unknown)}")
    results: list[StepResult] = []

    def run(step: str, key: str, out_dir: Path, work: Callable[[Path], None]) -> None:
        if not force and read_step_key(out_dir) == key:
            logger.info("%s: unchanged (key %s), skipped", step, key[:12])
            results.append(StepResult(step, key, out_dir, ran=False, seconds=0.0))
            return
        started = time.perf_counter()
        logger.info("%s: running into %s", step, out_dir)
        _run_atomic(out_dir, key, step, work)
        seconds = time.perf_counter() - started
        logger.info("%s: done in %.1f s", step, seconds)
        results.append(StepResult(step, key, out_dir, ran=True, seconds=seconds))

    corpus_dir = study.corpus_dir
    if "build" in wanted:
        run("build", build_key(study), corpus_dir, lambda temp: _build(study, temp))
    if not (corpus_dir / "manifest.json").is_file():
        raise FileNotFoundError(f"no corpus at {corpus_dir}: run the build step first")
    corpus_hash = _corpus_hash(corpus_dir)
    for step, target in ANALYSIS_STEPS.items():
        if step not in wanted or not study.steps.get(step):
            continue
        settings: Mapping[str, Any] = study.settings(step)
        key = stable_hash(
            {
                "step": step,
                "corpus": corpus_hash,
                "settings": settings,
                "settings_files": settings_files(settings),
                "code": [code_fingerprint("secnews.corpus"), code_fingerprint("secnews.analysis")],
                "seed": study.seed,
                "secnews": version("secnews"),
            }
        )
        run(
            step,
            key,
            study.step_dir(step),
            _analysis_work(target, corpus_dir, settings, study.seed),
        )
    return results
