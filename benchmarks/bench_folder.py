"""Benchmark: load the whole UN General Debate Corpus through :func:`load_folder`.

Reads, decodes, unwraps (hyphenation model fitted on the whole folder first, on the words it
looks up: :func:`~secnews.corpus.loaders.folder_vocab.fit_hyphenation_lookups`, as ``load_folder`` does)
and normalizes all 10,952 speeches (~199 MB), once in this process (``n_jobs=1``: its CPU seconds
and peak memory are measured exactly) and once with a worker per core (``n_jobs=-1``: wall
time). Reports per pass the wall and CPU seconds (this process and its finished worker
processes), MB/s (bytes of the files read / wall time), documents/s and the peak resident
memory (``resource.getrusage`` ``ru_maxrss``); on a shared machine the single-process CPU
seconds are the steadier figure.

Run: ``python -m benchmarks.bench_folder [--n-jobs 1,-1]`` (or through ``python -m benchmarks``).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

from secnews.corpus.loaders.folder import FolderSettings, load_folder
from secnews.corpus.loaders.folder_vocab import fit_hyphenation_lookups
from secnews.corpus.loaders.tabular import LoadStats
from secnews.corpus.paths import data_dir
from secnews.corpus.record import Article

UN_PATTERN = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb(who: int) -> float:
    factor = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    return resource.getrusage(who).ru_maxrss * factor


def run(*, n_jobs: int = -1) -> dict[str, float]:
    """Load the UN corpus once (both passes) and return the figures."""
    root = data_dir() / "ungdc-1946-2024"
    stats = LoadStats()
    settings = FolderSettings(n_jobs=n_jobs)
    files = sorted(str(p) for p in (root / "TXT").glob("*/*_*_*.txt"))
    cpu0, start = _cpu_seconds(), time.perf_counter()
    model = fit_hyphenation_lookups(files, settings=settings)
    fit_wall, fit_cpu = time.perf_counter() - start, _cpu_seconds() - cpu0
    n_bytes = 0
    cpu1, start = _cpu_seconds(), time.perf_counter()
    for item in load_folder(
        root,
        pattern=UN_PATTERN,
        settings=settings,
        outlet="UN General Debate",
        model=model,
        stats=stats,
    ):
        if isinstance(item, Article):
            n_bytes += os.path.getsize(item.source_path)
    load_wall, load_cpu = time.perf_counter() - start, _cpu_seconds() - cpu1
    wall = fit_wall + load_wall
    figures = {
        "n_jobs": float(n_jobs if n_jobs > 0 else (os.cpu_count() or 1)),
        "documents": float(stats.kept),
        "rejected": float(stats.rejected),
        "ignored files": float(stats.ignored),
        "input MB": n_bytes / 1e6,
        "pass 1 (vocabulary) wall s": fit_wall,
        "pass 2 (load) wall s": load_wall,
        "total wall s": wall,
        "MB/s (wall)": n_bytes / 1e6 / wall,
        "documents/s (wall)": stats.kept / wall,
        "peak RSS MB (this process)": _peak_mb(resource.RUSAGE_SELF),
    }
    if n_jobs == 1:  # all the work ran in this process: its CPU time is the whole cost
        figures["pass 1 CPU s"] = fit_cpu
        figures["pass 2 CPU s"] = load_cpu
        figures["MB per CPU s"] = n_bytes / 1e6 / (fit_cpu + load_cpu)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-jobs", default="1,-1", help="comma-separated worker counts to run (-1: all cores)"
    )
    args = parser.parse_args(argv)
    for jobs in (int(j) for j in args.n_jobs.split(",")):
        load = os.getloadavg()[0]
        figures = run(n_jobs=jobs)
        print(f"bench_folder: UN corpus through load_folder, n_jobs={jobs} (load avg {load:.1f})")
        for key, value in figures.items():
            print(f"  {key:>30}: {value:,.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
