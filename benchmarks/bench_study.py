"""Wall time and peak memory of every step of a study, each step in a fresh process.

``python -m benchmarks study`` runs ``studies/un.toml`` (the UN General Debate, the speed
yardstick); ``python -m benchmarks.bench_study STUDY.toml`` runs another study. Each step runs in
its own interpreter (``run_study(study, steps=[step], force=True)``); the parent samples the
resident memory of that process and all its worker processes every 0.1 s and reports the peak
of their sum, with the wall time of the step and its CPU time (user + system of the process and
the worker processes it waited for), which a busy machine inflates less than the wall time.

``--scheduler local:2`` (or a scheduler address) runs the steps that can on a Dask cluster; the
peak of the step's own process (the client) and of its largest child process (a Dask worker of
``local:N``, or a process-pool worker) are reported too, with the load average at the end of
the step (others' work on a shared machine shows there).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("build", "stats", "topics", "trends", "entities")
_CHILD = """
import sys
from secnews.analysis.steps.pipeline import run_study
from secnews.analysis.steps.study import load_study
scheduler = sys.argv[3] if len(sys.argv) > 3 else None
run_study(load_study(sys.argv[1]), steps=[sys.argv[2]], force=True, scheduler=scheduler)
"""


def _tree_rss(process: psutil.Process) -> tuple[int, int, int]:
    """Resident bytes of the process tree, of the process alone and of its largest child."""
    own = 0
    with contextlib.suppress(psutil.Error):
        own = process.memory_info().rss
    children = []
    for member in process.children(recursive=True):
        try:
            children.append(member.memory_info().rss)
        except psutil.Error:
            continue
    return own + sum(children), own, max(children, default=0)


def run_step(study: Path, step: str, scheduler: str | None = None) -> dict[str, float | str]:
    """Run one step in a fresh interpreter; its wall time, CPU time and the peak RSS of its
    process tree (and of the process alone, and of its largest child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-c", _CHILD, str(study), step, *([scheduler] if scheduler else [])]
    child = subprocess.Popen(command, cwd=ROOT)
    process = psutil.Process(child.pid)
    peak = client = worker = 0
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            tree, own, largest = _tree_rss(process)
            peak, client, worker = max(peak, tree), max(client, own), max(worker, largest)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if child.returncode != 0:
        raise RuntimeError(f"step {step} failed with exit code {child.returncode}")
    return {
        "step": step,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_gb": peak / 1e9,
        "client_peak_gb": client / 1e9,
        "largest_child_peak_gb": worker / 1e9,
        "load_average": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Run every step of the study and print a table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("study", nargs="?", default=str(ROOT / "studies" / "un.toml"))
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--scheduler", default=None, help="none, local:N or tcp://HOST:PORT (default: the study's)"
    )
    args = parser.parse_args(argv)
    rows = [run_step(Path(args.study), step, args.scheduler) for step in args.steps.split(",")]
    total = sum(float(r["seconds"]) for r in rows)
    cpu = sum(float(r["cpu_seconds"]) for r in rows)
    peak = max(float(r["peak_gb"]) for r in rows)
    where = f" on {args.scheduler}" if args.scheduler else ""
    print(f"study {args.study}{where}: {total:.0f} s in all ({cpu:.0f} CPU s), peak {peak:.2f} GB")
    for row in rows:
        print(
            f"  {row['step']:<9} {float(row['seconds']):7.1f} s  "
            f"{float(row['cpu_seconds']):7.1f} CPU s  {float(row['peak_gb']):5.2f} GB "
            f"(client {float(row['client_peak_gb']):5.2f} GB, largest child "
            f"{float(row['largest_child_peak_gb']):5.2f} GB)  load {float(row['load_average']):.1f}"
        )
    if args.json:
        summary = {"steps": rows, "seconds": total, "cpu_seconds": cpu, "peak_gb": peak}
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
