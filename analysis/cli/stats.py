"""``secnews stats``: corpus summary, frequencies, Zipf, keyness, collocations and KWIC of a corpus.

Writes into ``--out``: ``summary.csv`` (by ``--by``), ``sources.csv`` (counts per source with
duplicates and rejects, from the corpus manifest), ``frequencies.csv`` and
``frequencies_by_group.csv`` (groups of ``--by``; terms after stopwords and phrases),
``zipf.csv`` (running words),
``collocations.csv``, with ``--compare A B`` ``keyness.csv`` (A against B) and
``keyness_reverse.csv`` (B against A), with ``--kwic TERM`` ``kwic.csv``; figures as PNG and SVG;
and ``manifest.json`` with every setting. Same corpus and settings give byte-identical files.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

HELP = "corpus statistics: summary, frequencies, Zipf, keyness, collocations, KWIC"

logger = logging.getLogger(__name__)

#: Float format of every CSV written (deterministic, enough digits for p-values and G²).
FLOAT_FORMAT = "%.10g"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``secnews stats``."""
    parser.add_argument("corpus", metavar="CORPUS", help="corpus folder (secnews build)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--by", choices=["outlet", "period"], default="outlet", help="summary groups"
    )
    parser.add_argument(
        "--period", choices=["month", "quarter", "year"], default="month", help="period length"
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("OUTLET_A", "OUTLET_B"),
        help="keyness of A against B (and B against A)",
    )
    parser.add_argument("--kwic", metavar="TERM", help="concordance of a term or phrase")
    parser.add_argument("--window", type=int, default=8, help="KWIC context tokens (default 8)")
    parser.add_argument(
        "--kwic-sort", choices=["left", "right", "none"], default="right", help="KWIC order"
    )
    parser.add_argument("--mattr-window", type=int, default=500, help="MATTR window (default 500)")
    parser.add_argument(
        "--min-count", type=int, default=10, help="keyness/collocation minimum count"
    )
    parser.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap replicates (default 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state of the bootstrap")
    parser.add_argument(
        "--top", type=int, default=15, help="terms per direction in the keyness figure"
    )


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV table with the stats float format (see :mod:`secnews.analysis.output`)."""
    from secnews.analysis.output import write_csv as write

    write(frame, path, float_format=FLOAT_FORMAT)


def save_figure(fig: Figure, base: Path) -> list[str]:
    """Save ``fig`` as ``base.png`` and ``base.svg`` deterministically; return the file names."""
    from secnews.analysis.output import save_figure as save

    return [path.name for path in save(fig, base)]


def run(args: argparse.Namespace) -> int:
    """Run ``secnews stats``; return 0, or 2 for a bad argument."""
    from secnews.analysis.output import write_manifest
    from secnews.analysis.plots.stats import plot_frequencies, plot_keyness, plot_summary, plot_zipf
    from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
    from secnews.analysis.stats.collocations import collocations
    from secnews.analysis.stats.descriptive import (
        SUMMARY_SETTINGS,
        corpus_summary,
        document_tokens,
        fit_zipf,
        period_labels,
        source_counts,
        term_frequencies,
        zipf_table,
    )
    from secnews.analysis.stats.keyness import KeynessSettings, keyness_groups
    from secnews.analysis.stats.kwic import kwic
    from secnews.corpus import open_corpus

    try:
        corpus = open_corpus(args.corpus)
    except FileNotFoundError as exc:
        sys.stderr.write(f"secnews stats: {exc}\n")
        return 2
    out = Path(args.out)
    columns = [
        c
        for c in ("doc_id", "outlet", "published", "title", "lede", "text", "meta")
        if c in corpus.columns
    ]
    frame = corpus.frame(columns)
    if not len(frame):
        sys.stderr.write(f"secnews stats: {args.corpus} holds no documents: nothing to count\n")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    outlets = sorted(frame["outlet"].dropna().astype(str).unique()) if "outlet" in frame else []
    if args.compare:
        missing = [o for o in args.compare if o not in outlets]
        if missing or args.compare[0] == args.compare[1]:
            sys.stderr.write(
                f"secnews stats: --compare needs two different outlets of {outlets}; "
                f"got {args.compare}\n"
            )
            return 2
    files: list[str] = []

    tokens = document_tokens(frame)
    summary = corpus_summary(
        frame, by=args.by, period=args.period, window=args.mattr_window, tokens=tokens
    )
    write_csv(summary, out / "summary.csv")
    files += [
        "summary.csv",
        *save_figure(plot_summary(summary, title=f"Tokens by {args.by}"), out / "summary"),
    ]
    write_csv(source_counts(corpus.manifest), out / "sources.csv")
    files.append("sources.csv")

    pre_settings = PreprocessSettings(no_below=1, no_above=1.0, keep_n=None)
    pre = preprocess(corpus, settings=pre_settings)
    matrix, terms = pre.bow_matrix(), pre.terms
    outlet_of = dict(
        zip(frame["doc_id"].astype(str), frame["outlet"].fillna("unknown").astype(str), strict=True)
    )
    groups = [outlet_of.get(d, "unknown") for d in pre.doc_ids]
    freq = term_frequencies(matrix, terms)
    write_csv(freq, out / "frequencies.csv")
    if args.by == "period":
        period_of = dict(
            zip(frame["doc_id"].astype(str), period_labels(frame, args.period), strict=True)
        )
        by_labels = [period_of.get(d, "unknown") for d in pre.doc_ids]
    else:
        by_labels = groups
    write_csv(term_frequencies(matrix, terms, groups=by_labels), out / "frequencies_by_group.csv")
    files.append("frequencies_by_group.csv")
    files += ["frequencies.csv", *save_figure(plot_frequencies(freq), out / "frequencies")]

    counts = Counter(w for doc in tokens for w in doc)
    words = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    import pandas as pd

    ztable = pd.DataFrame(
        {
            "rank": range(1, len(words) + 1),
            "term": [w for w, _ in words],
            "count": [c for _, c in words],
        }
    )
    zfit = fit_zipf(ztable["count"].to_numpy(), method="mle")
    zols = fit_zipf(ztable["count"].to_numpy(), method="ols", max_rank=1000)
    write_csv(zipf_table(ztable[["term", "count"]]), out / "zipf.csv")
    files += [
        "zipf.csv",
        *save_figure(
            plot_zipf(ztable, zfit, title="Rank-frequency of running words"), out / "zipf"
        ),
    ]

    key_settings = KeynessSettings(
        min_count=args.min_count, n_boot=args.n_boot, random_state=args.seed
    )
    if args.compare:
        a, b = args.compare
        forward = keyness_groups(matrix, terms, groups, a, b, settings=key_settings)
        reverse = keyness_groups(matrix, terms, groups, b, a, settings=key_settings)
        write_csv(forward, out / "keyness.csv")
        write_csv(reverse, out / "keyness_reverse.csv")
        files += ["keyness.csv", "keyness_reverse.csv"]
        files += save_figure(plot_keyness(forward, n=args.top, labels=(a, b)), out / "keyness")

    stop, _ = PreprocessSettings().stopword_set()
    colloc = collocations(tokens, min_count=args.min_count, stopwords=stop)
    if len(colloc):
        alpha = colloc["w1"].map(lambda w: any(c.isalpha() for c in w)) & colloc["w2"].map(
            lambda w: any(c.isalpha() for c in w)
        )
        colloc = colloc[alpha].reset_index(drop=True)
    write_csv(colloc, out / "collocations.csv")
    files.append("collocations.csv")

    if args.kwic:
        conc = kwic(frame, args.kwic, window=args.window, sort=args.kwic_sort)
        write_csv(conc, out / "kwic.csv")
        files.append("kwic.csv")

    manifest: dict[str, Any] = {
        "command": "stats",
        "corpus": str(Path(args.corpus).name),
        "corpus_hash": corpus.corpus_hash,
        "documents": len(frame),
        "by": args.by,
        "period": args.period,
        "periods": sorted(set(period_labels(frame, args.period))) if args.by == "period" else None,
        "compare": args.compare,
        "kwic": {"term": args.kwic, "window": args.window, "sort": args.kwic_sort}
        if args.kwic
        else None,
        "summary_tokens": {k: v for k, v in SUMMARY_SETTINGS.key_dict().items()},
        "mattr_window": args.mattr_window,
        "preprocess": {"key": pre.key, "settings": pre_settings.key_dict()},
        "keyness": key_settings.to_dict(),
        "collocations": {
            "min_count": args.min_count,
            "stopwords": "english+news",
            "letters_required": True,
        },
        "zipf": {
            "mle": {"exponent": zfit.exponent, "n_ranks": zfit.n_ranks},
            "ols_ranks_1_1000": {"exponent": zols.exponent, "r_squared": zols.r_squared},
        },
        "float_format": FLOAT_FORMAT,
        "files": sorted([*files, "manifest.json"]),
    }
    write_manifest(out / "manifest.json", manifest)
    corpus.close()
    sys.stdout.write(
        f"stats    {len(frame)} documents, {len(terms)} terms -> {out} "
        f"({len(files) + 1} files: {', '.join(sorted([*files, 'manifest.json']))})\n"
    )
    return 0


def run_step(corpus_dir: Path, out_dir: Path, settings: Mapping[str, Any], *, seed: int) -> None:
    """The study pipeline's stats step: ``secnews stats`` with the options of a ``[stats]``
    table (see :func:`secnews.analysis.steps.pipeline.run_command_step`)."""
    from secnews.analysis.steps.pipeline import run_command_step

    run_command_step("stats", corpus_dir, out_dir, settings, seed=seed)
