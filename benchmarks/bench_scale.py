"""Scale benchmark of issue #15: enlarged UN General Debate corpora (work in progress).

Only the corpus enlarger is in place: ``enlarge`` writes ``k`` copies of the speeches (a
fraction takes a seeded sample), each copy with salted file names and its sentences reordered
by a seeded shuffle. The shuffle is not enough to keep near-duplicate detection from flagging
some copies (about 13 % of the second copies of the UN corpus; ``tests/test_bench_scale.py``
records it). The timing of the steps per size (reusing ``bench_study.run_step``) is still to be
written.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import re
import tempfile
from pathlib import Path

from secnews.corpus.atomic import atomic_write_text
from secnews.corpus.paths import data_dir

logger = logging.getLogger(__name__)

UNGDC = "ungdc-1946-2024"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def speech_files(*, root: Path | None = None) -> list[Path]:
    """Return the UN General Debate speech files, sorted by path."""
    base = (root if root is not None else data_dir()) / UNGDC / "TXT"
    files = sorted(base.glob("Session */*.txt"))
    if not files:
        raise FileNotFoundError(f"no UN General Debate speeches under {base}")
    return files


def split_sentences(text: str) -> list[str]:
    """Split a speech into sentences at ``.``, ``!`` or ``?`` followed by white space."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def enlarge(files: list[Path], out: Path, *, size: float, seed: int = 0) -> list[Path]:
    """Write an enlarged corpus of ``size`` times the speeches into ``out``.

    Parameters
    ----------
    files : list of Path
        The source speeches.
    out : Path
        An empty or new folder (never inside the repository or the shared corpora).
    size : float
        Multiplier; the integer part gives whole copies, a fraction a seeded sample of speeches.
    seed : int
        Seed of the sample and of the sentence shuffles.

    Returns
    -------
    list of Path
        The files written, in writing order, laid out as the source
        (``Session {session} - {year}/{country}_{session}_{year}.txt``) with the copy and seed
        salted into the country code, so ``secnews build --format folder`` reads them as is.
    """
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    copies = math.ceil(size)
    written: list[Path] = []
    for copy in range(copies):
        share = min(1.0, size - copy)
        chosen = files if share >= 1.0 else sorted(rng.sample(files, round(share * len(files))))
        for src in chosen:
            sentences = split_sentences(src.read_text(encoding="utf-8", errors="replace"))
            random.Random(f"{seed}:{copy}:{src.name}").shuffle(sentences)
            country, rest = src.stem.split("_", 1)
            dest = out / src.parent.name / f"{country}c{copy:03d}s{seed}_{rest}.txt"
            dest.parent.mkdir(exist_ok=True)
            atomic_write_text(dest, " ".join(sentences) + "\n")
            written.append(dest)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write enlarged corpora for ``--sizes`` into a temporary folder and report their size."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale")
    parser.add_argument("--sizes", default="0.25,0.5,1", help="multipliers; issue ladder: 1,2,4,8")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = speech_files()
    with tempfile.TemporaryDirectory(prefix="secnews-scale-") as work:
        for size in (float(s) for s in args.sizes.split(",")):
            written = enlarge(files, Path(work) / f"x{size:g}", size=size, seed=args.seed)
            gb = sum(p.stat().st_size for p in written) / 1e9
            print(f"size {size:g}: {len(written)} docs, {gb:.3f} GB of text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
