"""Benchmark: build the UN General Debate Corpus (10,952 speeches, ~200 MB) by name.

Reports the input size, wall time, throughput in MB/s (input bytes of the files read / wall time of
``build_corpus``), the seconds spent in each build step (wall time; steps overlap with the loader's
worker processes), the peak resident memory of this process and its children
(``resource.getrusage`` ``ru_maxrss``; the sum of this process's and its largest child's, an
upper bound since a forked child shares its parent's pages), the CPU seconds of this process and
of its child processes, and the load average, since on a shared machine the
figures are only as good as the machine is idle. Targets: >= 20 MB/s, < 2 GB.

Run: ``python -m benchmarks.bench_build`` (or through ``python -m benchmarks``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

TARGET_MB_S = 20.0
TARGET_PEAK_MB = 2048.0


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process (its threads included) and of its finished
    child processes (the folder loader's workers, the duplicate step's helper)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    factor = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux
    return (own + children) * factor


def run(dataset: str = "ungdc") -> dict[str, object]:
    """Build ``dataset`` into a temporary folder and return the measured figures."""
    from secnews.corpus.build.run import BuildSettings, build_corpus
    from secnews.corpus.registry import dataset_sources
    from secnews.corpus.store.read import open_corpus

    sources = dataset_sources(dataset)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="secnews-bench-") as tmp:
        own0, children0 = _cpu_seconds()
        start = time.perf_counter()
        summary = build_corpus(
            sources, Path(tmp) / "corpus", settings=BuildSettings(), progress=False
        )
        seconds = time.perf_counter() - start
        own1, children1 = _cpu_seconds()
        folder = Path(tmp) / "corpus"
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        parts = open_corpus(folder).manifest["parts"]
    megabytes = summary.input_bytes / 1e6
    counts = summary.rows(total=True)[-1]
    return {
        "dataset": dataset,
        "input_mb": round(megabytes, 1),
        "seconds": round(seconds, 2),
        "mb_per_s": round(megabytes / seconds, 1),
        "peak_rss_mb": round(_peak_mb(), 0),
        "cpu_s_this_process": round(own1 - own0, 1),
        "cpu_s_child_processes": round(children1 - children0, 1),
        "mb_per_cpu_s": round(megabytes / max(own1 - own0 + children1 - children0, 1e-9), 1),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "corpus_mb": round(size / 1e6, 1),
        "parts": [{"rows": p["rows"], "mb": round(p["bytes"] / 1e6, 1)} for p in parts],
        "counts": counts,
        "duplicates": len(summary.duplicates),
        "steps_s": {k: round(v, 2) for k, v in sorted(summary.timings.items())},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures (JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="ungdc")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args([] if argv is None else argv)
    result = run(args.dataset)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"build {result['dataset']}: {result['input_mb']} MB in {result['seconds']} s")
        print(f"  throughput {result['mb_per_s']} MB/s (target >= {TARGET_MB_S})")
        print(f"  peak memory {result['peak_rss_mb']} MB (target < {TARGET_PEAK_MB:.0f})")
        print(f"  corpus folder {result['corpus_mb']} MB; counts {result['counts']}")
        print(f"  duplicates {result['duplicates']}; seconds per step {result['steps_s']}")
        print(
            f"  CPU s: this process (threads included) {result['cpu_s_this_process']}, "
            f"child processes {result['cpu_s_child_processes']} "
            f"({result['mb_per_cpu_s']} MB per CPU s); 1-min load average before/after "
            f"{result['load_average']} on {os.cpu_count()} cores"
        )
    ok = result["mb_per_s"] >= TARGET_MB_S and result["peak_rss_mb"] < TARGET_PEAK_MB  # type: ignore[operator]
    print("OK" if ok else "BELOW TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
