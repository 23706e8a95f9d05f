"""Benchmark of the shared preprocessing step on the UN General Debate corpus.

Reports tokens/s (raw regex tokens of the text, before filters, divided by the wall time of the
whole step: reading the files, tokenizing, stopwords, two phrase passes, dictionary,
bag-of-words and writing the files), the CPU time of the main process and its workers (a figure
that does not depend on other load of the machine), and the peak resident memory of the main
process (each worker holds one batch of 1,000 documents at a time).

The corpus is read straight from ``ungdc-1946-2024/TXT`` (one speech per file, streamed in
batches) through a small corpus-like handle, so the benchmark does not depend on a built corpus.
Run with ``python -m benchmarks.bench_preprocess [--limit N] [--n-jobs J]``.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
from secnews.corpus.paths import data_dir


class TxtFolderCorpus:
    """The subset of the corpus handle that :func:`preprocess` uses, over a folder of .txt files."""

    def __init__(self, files: Sequence[Path], path: Path) -> None:
        self.files = list(files)
        self.path = path
        digest = hashlib.sha256()
        for f in self.files:
            stat = f.stat()
            digest.update(f"{f.name}\x1f{stat.st_size}\x1e".encode())
        self.corpus_hash = digest.hexdigest()

    def __len__(self) -> int:
        return len(self.files)

    def iter_batches(
        self,
        columns: Sequence[str] = ("doc_id",),
        *,
        batch_size: int = 1000,
        full_text: bool = False,
    ) -> Iterator[pd.DataFrame]:
        for start in range(0, len(self.files), batch_size):
            chunk = self.files[start : start + batch_size]
            yield pd.DataFrame(
                {"doc_id": [f.stem for f in chunk], "full_text": [_read(f) for f in chunk]}
            )


def _read(path: Path) -> str:
    """The UN files are UTF-8 (see the corpora README); undecodable bytes become U+FFFD."""
    return path.read_bytes().decode("utf-8", errors="replace")


def un_files(limit: int | None = None) -> list[Path]:
    """Speech files of the UN corpus (the stray ``.DS_Store`` file left out), sorted."""
    root = data_dir() / "ungdc-1946-2024" / "TXT"
    files = sorted(p for p in root.glob("*/*.txt") if not p.name.startswith("."))
    files = [p for p in files if "DS_Store" not in p.name]
    return files[:limit] if limit else files


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(*, limit: int | None = None, n_jobs: int = 2) -> dict[str, float]:
    """Preprocess the UN corpus once into a temporary folder and return the measurements."""
    corpus = TxtFolderCorpus(un_files(limit), Path("."))
    settings = PreprocessSettings(n_jobs=n_jobs)
    with tempfile.TemporaryDirectory() as tmp:
        cpu = _cpu_seconds()
        start = time.perf_counter()
        result = preprocess(corpus, settings=settings, cache_dir=Path(tmp))
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        counts = result.manifest["counts"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "documents": counts["documents"],
        "raw_tokens": counts["raw_tokens"],
        "kept_tokens": counts["kept_tokens"],
        "phrases": counts["phrases"],
        "dictionary_terms": counts["dictionary_terms"],
        "wall_s": wall,
        "tokens_per_s": counts["raw_tokens"] / wall,
        "cpu_s": cpu,
        "tokens_per_cpu_s": counts["raw_tokens"] / cpu,
        "peak_rss_main_mb": peak,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N speeches")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    out = run(limit=args.limit, n_jobs=args.n_jobs)
    print("preprocess (UN General Debate corpus)")
    for name, value in out.items():
        print(
            f"  {name:20s} {value:,.1f}" if isinstance(value, float) else f"  {name:20s} {value:,}"
        )


if __name__ == "__main__":
    main()
