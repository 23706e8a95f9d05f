"""Study files: one TOML file names a study's sources, settings and seeds.

A study file has a ``[study]`` table (``name``, ``title``, ``seed``, ``work_dir``,
``reports_dir``), a list of ``[[sources]]`` (each either ``dataset = "NAME"`` from the registry or
``path = "..."`` with ``format``, ``outlet``, ``map`` and ``pattern`` as for ``secnews build``),
and one table per step (``[build]``, ``[stats]``, ``[topics]``, ``[trends]``, ``[entities]``,
``[report]``) whose keys are handed to that step unchanged, and an optional ``[run]`` table
with how the study runs (``scheduler``: a Dask scheduler, see :mod:`secnews.analysis.distributed`;
it changes where the work runs, never the outputs). Relative paths are taken from the current
working directory (the project root, where ``make report`` runs).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secnews.analysis.steps.fingerprints import stable_hash

__all__ = ["RUN_KEYS", "STEP_TABLES", "Study", "load_study", "stable_hash"]

#: The step tables a study may have, in the order the pipeline runs them.
STEP_TABLES: tuple[str, ...] = ("build", "stats", "topics", "trends", "entities", "report")
#: The keys of the ``[run]`` table.
RUN_KEYS: tuple[str, ...] = ("scheduler",)


@dataclass(frozen=True)
class Study:
    """A parsed study file. ``steps`` maps each step name to its settings table."""

    path: Path
    name: str
    title: str
    seed: int
    work_dir: Path
    reports_dir: Path
    sources: tuple[Mapping[str, Any], ...]
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    text_sha256: str = ""
    scheduler: str | None = None

    @property
    def corpus_dir(self) -> Path:
        """Where the study's corpus is built."""
        return self.work_dir / "corpus"

    def step_dir(self, step: str) -> Path:
        """Where a step writes its tables, figures and manifest."""
        return self.reports_dir / self.name / step

    def settings(self, step: str) -> dict[str, Any]:
        """Return a copy of a step's settings table (empty when the study has none)."""
        return dict(self.steps.get(step, {}))

    def to_dict(self) -> dict[str, Any]:
        """Return the study as plain data, for manifests and provenance."""
        return {
            "path": str(self.path),
            "name": self.name,
            "title": self.title,
            "seed": self.seed,
            "work_dir": str(self.work_dir),
            "reports_dir": str(self.reports_dir),
            "sources": [dict(s) for s in self.sources],
            "steps": {k: dict(v) for k, v in self.steps.items()},
            "run": {"scheduler": self.scheduler},
            "sha256": self.text_sha256,
        }


def load_study(path: str | Path) -> Study:
    """Read and check a study file.

    Parameters
    ----------
    path
        A TOML study file such as ``studies/demo.toml``.

    Returns
    -------
    Study

    Raises
    ------
    ValueError
        With the offending key when the file lacks ``[study].name``, has no sources, has an
        unknown table, or a ``[run]`` key or scheduler that is not allowed.
    """
    path = Path(path)
    raw_bytes = path.read_bytes()
    data = tomllib.loads(raw_bytes.decode("utf-8"))
    head = data.get("study")
    if not isinstance(head, dict) or not head.get("name"):
        raise ValueError(f"{path}: the [study] table needs a name")
    unknown = set(data) - {"study", "sources", "run", *STEP_TABLES}
    if unknown:
        allowed = ("study", "sources", "run", *STEP_TABLES)
        raise ValueError(f"{path}: unknown tables {sorted(unknown)}; allowed: {allowed}")
    scheduler = _run_scheduler(path, data.get("run", {}))
    sources = data.get("sources") or []
    if not sources:
        raise ValueError(f"{path}: a study needs at least one [[sources]] entry")
    for index, source in enumerate(sources):
        if ("dataset" in source) == ("path" in source):
            raise ValueError(f"{path}: source {index + 1} needs exactly one of dataset or path")
    name = str(head["name"])
    return Study(
        path=path,
        name=name,
        title=str(head.get("title", name)),
        seed=int(head.get("seed", 0)),
        work_dir=Path(head.get("work_dir", f"data/processed/{name}")),
        reports_dir=Path(head.get("reports_dir", "reports")),
        sources=tuple(sources),
        steps={step: data.get(step, {}) for step in STEP_TABLES},
        text_sha256=hashlib.sha256(raw_bytes).hexdigest(),
        scheduler=scheduler,
    )


def _run_scheduler(path: Path, table: Any) -> str | None:
    """The checked ``[run] scheduler`` (``None`` when absent)."""
    from secnews.analysis.distributed import parse_scheduler

    if not isinstance(table, dict):
        raise ValueError(f"{path}: [run] should be a table")
    unknown = sorted(set(table) - set(RUN_KEYS))
    if unknown:
        raise ValueError(
            f"{path}: [run] unknown setting(s) {unknown}; valid: {', '.join(RUN_KEYS)}"
        )
    value = table.get("scheduler")
    if value is None:
        return None
    try:
        spec = parse_scheduler(value, origin="[run] scheduler")
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return None if spec is None else spec.value
