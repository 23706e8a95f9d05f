"""Benchmark of duplicate detection (and of the relevance score) on the UN General Debate corpus.

Reads the 10,952 speeches straight from ``ungdc-1946-2024/TXT`` (a generator: one text in memory
at a time, apart from the current hashing batch), runs :func:`secnews.corpus.dedupe.detect.find_duplicates`
with the default settings and reports documents/s and MB/s (UTF-8 bytes of the texts; wall clock,
with the process's CPU time beside it because the machine may be shared) and the peak memory: the
process's peak resident set after the timed run (interpreter and libraries included) and the
``tracemalloc`` peak of Python and numpy allocations in a second run. Reading the files is inside
the timed run, as in a build. It then times the relevance score over the same files and checks
recall and precision against exact Jaccard similarity on the press corpora, alone and with an
edited copy of each press release (:func:`secnews.corpus.dedupe.evaluate.edited_copies`).

Run: ``python -m benchmarks.bench_dedupe`` (or through ``python -m benchmarks``).
"""

from __future__ import annotations

import re
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.dedupe.detect import DedupeSettings, find_duplicates
from secnews.corpus.dedupe.evaluate import (
    compare_pairs,
    edited_copies,
    exact_jaccard_pairs,
    group_pairs,
)
from secnews.corpus.paths import data_dir

_SPEECH = re.compile(r"[A-Z0-9]+_\d+_\d{4}")


def un_files(root: Path) -> list[Path]:
    """The speech files of the UN corpus (the stray ``.DS_Store-to-UTF-8.txt`` is left out)."""
    folder = root / "ungdc-1946-2024" / "TXT"
    return sorted(p for p in folder.glob("*/*.txt") if _SPEECH.fullmatch(p.stem))


def _texts(files: list[Path], counter: list[int]) -> Iterator[str]:
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        counter[0] += len(text.encode("utf-8"))
        yield text


def bench_un(root: Path, settings: DedupeSettings, *, trace: bool = False) -> dict[str, Any]:
    """Run duplicate detection over the UN corpus; return timing (and, traced, memory) figures.

    ``trace=True`` measures the peak of Python/numpy allocations with ``tracemalloc`` (which slows
    the run down, so timings come from an untraced run).
    """
    files = un_files(root)
    counter = [0]
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    found = find_duplicates(
        [p.stem for p in files], _texts(files, counter), settings=settings, progress=False
    )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "docs": len(files),
        "mb": counter[0] / 1e6,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "docs_per_s": len(files) / seconds,
        "mb_per_s": counter[0] / 1e6 / seconds,
        "traced_peak_mb": peak / 1e6,
        "exact": int((found["kind"] == "exact").sum()),
        "near": int((found["kind"] == "near").sum()),
        "examples": found.head(5).to_dict("records"),
    }


def bench_relevance(root: Path) -> dict[str, float]:
    """Time the relevance score (packaged lexicon, DuckDB/RE2 engine) over the UN corpus."""
    from secnews.corpus.clean.relevance import load_relevance_lexicon, relevance_scores

    files = un_files(root)
    counter = [0]
    lexicon = load_relevance_lexicon()
    start, cpu = time.perf_counter(), time.process_time()
    scores = relevance_scores(_texts(files, counter), lexicon=lexicon, progress=False)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "mb_per_s": counter[0] / 1e6 / seconds,
        "docs_per_s": len(files) / seconds,
        "mean": float(np.mean(scores)),
    }


def press_texts(root: Path) -> tuple[list[str], list[str]]:
    """Doc ids (``file:row``) and full texts (title + body) of the two press corpora."""
    ids, texts = [], []
    for name in ("kremlin_putin.csv", "president_ua_zelenskyy.csv"):
        raw = pd.read_csv(
            root / "kremlin-ukraine-press-2021-2022" / name, dtype=str, keep_default_na=False
        )
        for row, (title, body) in enumerate(zip(raw["headline"], raw["body"], strict=True)):
            ids.append(f"{name}:{row}")
            texts.append(normalize_inline(title) + "\n\n" + normalize_text(body))
    return ids, texts


def bench_recall(root: Path, settings: DedupeSettings) -> list[dict[str, float | str]]:
    """Recall and precision against exact Jaccard on the press corpora (alone and with edits)."""
    ids, texts = press_texts(root)
    rows: list[dict[str, float | str]] = []
    for label, all_ids, all_texts in (
        ("press", ids, texts),
        ("press + edited copies", ids + [f"copy:{i}" for i in ids], texts + edited_copies(texts)),
    ):
        reference = exact_jaccard_pairs(
            all_texts, shingle_size=settings.shingle_size, min_jaccard=settings.threshold - 0.05
        )
        found = find_duplicates(all_ids, all_texts, settings=settings, progress=False)
        position = {doc: i for i, doc in enumerate(all_ids)}
        groups = pd.Series(np.arange(len(all_ids)))
        groups[found.index] = [position[d] for d in found["dup_of"]]
        pairs = group_pairs(groups)
        for margin in (0.0, 0.05, -0.05):
            scores = compare_pairs(pairs, reference, threshold=settings.threshold + margin)
            rows.append(
                {"set": label, "exact_jaccard_at_least": settings.threshold + margin} | scores
            )
    return rows


def main() -> int:
    """Run the benchmark and print its figures."""
    root = data_dir()
    settings = DedupeSettings()
    print(f"settings: {settings.to_dict()}")
    un = bench_un(root, settings)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    un["traced_peak_mb"] = bench_un(root, settings, trace=True)["traced_peak_mb"]
    print(
        f"UN corpus: {un['docs']} docs, {un['mb']:.1f} MB in {un['seconds']:.2f} s "
        f"(CPU {un['cpu_seconds']:.2f} s) = "
        f"{un['docs_per_s']:,.0f} docs/s, {un['mb_per_s']:.1f} MB/s; "
        f"traced peak {un['traced_peak_mb']:.0f} MB, process peak RSS {rss:.0f} MB"
    )
    print(f"UN duplicates: {un['exact']} exact, {un['near']} near; first: {un['examples']}")
    rel = bench_relevance(root)
    print(
        f"UN relevance: {rel['seconds']:.2f} s (CPU {rel['cpu_seconds']:.2f} s) = "
        f"{rel['docs_per_s']:,.0f} docs/s, "
        f"{rel['mb_per_s']:.1f} MB/s (mean score {rel['mean']:.2f} per 1,000 words)"
    )
    table = pd.DataFrame(bench_recall(root, settings))
    print("recall/precision vs exact Jaccard of the same shingles (pairs in one group):")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
