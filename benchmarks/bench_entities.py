"""Benchmark of entity extraction on about one million words of the UN General Debate corpus.

Reads the ``.txt`` speeches of ``ungdc-1946-2024/TXT`` in path order until ``--words`` words
(whitespace-separated) are collected, normalizes them (not timed: corpus building does that), and
reports for both modes the wall time and words/s of :func:`extract_entities` (matching,
sentences, paragraphs and resolution, mention table included), words per CPU second of the
process (a figure less sensitive to other load on the machine), mentions found and the share of
unresolved mentions. Gazetteer mode also reports the bare matcher's words/s. Gazetteer building
and spaCy model loading (cached on the gazetteer) are timed separately and not included in
words/s.

Full mode runs the spaCy English pipeline (tok2vec + NER + senter + EntityRuler) in one process
(``--n-process`` to change). The machine may be shared: figures are pessimistic.
Run with ``python -m benchmarks.bench_entities [--words N] [--full-words N] [--n-process P]``.
``--part reuters`` and ``--part places`` run the labelled parts only
(:mod:`benchmarks.entities_labels`: Reuters-21578 countries and organisations, places in
the war press corpora).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import pandas as pd

from secnews.analysis.entities.extract import ExtractionSettings, extract_entities
from secnews.analysis.entities.gazetteer import build_gazetteer, matcher_for
from secnews.corpus.clean.normalize import normalize_text
from secnews.corpus.paths import data_dir


def load_words(limit: int) -> pd.DataFrame:
    """The first speeches (in path order) holding ``limit`` words in all, normalized."""
    folder = data_dir() / "ungdc-1946-2024" / "TXT"
    rows = []
    total = 0
    for path in sorted(folder.glob("Session */*.txt")):
        if path.name.startswith("."):
            continue
        text = normalize_text(path.read_bytes().decode("utf-8", errors="replace"))
        rows.append({"doc_id": path.stem, "text": text})
        total += len(text.split())
        if total >= limit:
            break
    return pd.DataFrame(rows)


def _words(frame: pd.DataFrame) -> int:
    return int(sum(len(t.split()) for t in frame["text"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a small report (``--part speed|reuters|places|all``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="all", choices=["speed", "reuters", "places", "all"])
    parser.add_argument("--reuters-full", type=int, default=600, help="stories for full mode")
    parser.add_argument(
        "--reuters-judged", type=int, default=3000, help="stories spaCy judges (0: skip)"
    )
    parser.add_argument("--words", type=int, default=1_000_000, help="words for gazetteer mode")
    parser.add_argument(
        "--full-words", type=int, default=1_000_000, help="words for full mode (0: skip)"
    )
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.part in ("reuters", "all"):
        from benchmarks.entities_labels import reuters_report

        reuters_report(full_stories=args.reuters_full, judged_stories=args.reuters_judged)
    if args.part in ("places", "all"):
        from benchmarks.entities_labels import places_report

        places_report()
    if args.part not in ("speed", "all"):
        return 0

    frame = load_words(args.words)
    n_words = _words(frame)
    print(f"UN corpus sample: {len(frame)} speeches, {n_words:,} words")

    start = time.perf_counter()
    gazetteer = build_gazetteer()
    matcher = matcher_for(gazetteer)
    print(
        f"gazetteer: {len(gazetteer.entities)} entities, {len(gazetteer.aliases)} aliases, "
        f"built and compiled in {time.perf_counter() - start:.2f} s"
    )

    start = time.perf_counter()
    hits = sum(len(matcher.find(t)) for t in frame["text"])
    elapsed = time.perf_counter() - start
    print(f"matcher only:     {n_words / elapsed:>12,.0f} words/s ({hits:,} alias matches)")

    start, cpu = time.perf_counter(), time.process_time()
    result = extract_entities(frame, gazetteer=gazetteer, progress=False)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    gaz_rate, gaz_cpu_rate = n_words / elapsed, n_words / cpu
    unresolved = result.mentions["entity_id"].str.startswith("unresolved:").mean()
    print(
        f"gazetteer mode:   {gaz_rate:>12,.0f} words/s ({elapsed:.2f} s, "
        f"{len(result.mentions):,} mentions, {unresolved:.2%} unresolved)"
    )
    print(f"gazetteer CPU:    {gaz_cpu_rate:>12,.0f} words per CPU second")

    if args.full_words:
        sample = frame if args.full_words >= n_words else load_words(args.full_words)
        full_words = _words(sample)
        settings = ExtractionSettings(
            mode="full", batch_size=args.batch_size, n_process=args.n_process
        )
        start = time.perf_counter()
        from secnews.analysis.entities.spacy_ner import build_pipeline

        build_pipeline(gazetteer)
        print(f"spaCy pipeline + EntityRuler loaded in {time.perf_counter() - start:.2f} s")
        start, cpu = time.perf_counter(), time.process_time()
        full = extract_entities(sample, settings=settings, gazetteer=gazetteer, progress=False)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        full_rate, full_cpu_rate = full_words / elapsed, full_words / cpu
        unresolved = full.mentions["entity_id"].str.startswith("unresolved:").mean()
        print(
            f"full mode:        {full_rate:>12,.0f} words/s ({elapsed:.1f} s for {full_words:,} words, "
            f"{len(full.mentions):,} mentions, {unresolved:.2%} unresolved, "
            f"n_process={args.n_process})"
        )
        print(f"full mode CPU:    {full_cpu_rate:>12,.0f} words per CPU second (main process)")
        print(
            f"gazetteer / full: {gaz_rate / full_rate:,.0f}x (wall), "
            f"{gaz_cpu_rate / full_cpu_rate:,.0f}x (CPU)"
        )
    print("(the machine may be shared with other jobs: these figures are pessimistic)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
