"""``secnews trends CORPUS``: term and lexicon trends with intervals, change points and events.

Writes into ``--out``:

- ``trends.csv``: ``term, outlet, period, count, tokens, docs, rate_per_10k, ci_low, ci_high,
  ci_method, docs_with_term, doc_share, doc_share_low, doc_share_high`` (rates per 10,000
  tokens; ``period`` is the ISO date of the period start; ``outlet`` holds the group label of
  ``--by``, ``all`` without it);
- ``changepoints.csv``: ``term, outlet, date, method, end_date, level_before, level_after,
  weight`` (``method`` is ``pelt`` or ``kleinberg``);
- ``smoothed.csv``: the smoothed rates next to the raw ones (unless ``--smooth none``);
- ``gap.csv`` and ``figures/gap_NN.png|svg`` with ``--compare A,B``;
- ``figures/trends_NN.png|svg``: small multiples (at most 12 terms per figure), outlets overlaid,
  events drawn on every panel;
- ``manifest.json``: the frozen settings, the series and their patterns, the source, counts,
  package versions and the sha256 of every output. No timestamps: the same inputs, settings and
  seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HELP = "term and lexicon trends per period and outlet, with CIs, change points and events"
#: Terms per figure.
PANELS_PER_FIGURE = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("corpus", help="a corpus folder written by `secnews build`")
    parser.add_argument(
        "--terms",
        default="",
        help='comma-separated terms, phrases, wildcards (sanction*) or re:REGEX, e.g. "nato,sanctions"',
    )
    parser.add_argument("--lexicon", help="TOML file of named word lists (one series per list)")
    parser.add_argument("--freq", default="W", help="D, W, M, Q or Y (day ... year); default W")
    parser.add_argument(
        "--by", default=None, help="'outlet' or 'meta.KEY' (e.g. meta.country); default: one series"
    )
    parser.add_argument("--events", help="CSV with columns date,label drawn on every figure")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--compare", help="two groups A,B: write the gap A - B with its CI")
    parser.add_argument("--smooth", default="lowess", choices=["lowess", "rolling", "none"])
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--ci-level", type=float, default=0.95)
    parser.add_argument("--penalty-c", type=float, default=3.0, help="PELT penalty multiplier c")
    parser.add_argument("--seed", type=int, default=0, help="random_state of every bootstrap")
    parser.add_argument("--include-duplicates", action="store_true")


def _format_frame(frame: Any) -> str:
    """CSV text with ISO dates and fixed float formatting (deterministic)."""
    from secnews.analysis.output import csv_text

    return csv_text(frame, float_format="%.6f")


def _versions() -> dict[str, str]:
    from secnews.analysis.report.provenance import package_versions

    return package_versions(
        ("secnews", "duckdb", "numpy", "pandas", "scipy", "ruptures", "statsmodels", "matplotlib")
    )


def write_trends(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    terms: str | Sequence[str] = (),
    lexicon: str | Path | None = None,
    events: str | Path | None = None,
    compare: Sequence[str] | None = None,
    smooth: str = "lowess",
    settings: Any = None,
    changepoint_settings: Any = None,
) -> dict[str, Any]:
    """Run the whole trends step on a corpus folder and write its outputs (module docstring).

    Parameters
    ----------
    corpus_dir
        A corpus folder (opened with :func:`secnews.corpus.open_corpus`).
    out_dir
        Output folder (created).
    terms
        Terms (comma-separated string or sequence).
    lexicon
        Lexicon file (:mod:`secnews.analysis.lexicon`).
    events
        Events CSV (``date,label``).
    compare
        Two group labels ``(a, b)``: also write the gap ``a - b``.
    smooth
        ``"lowess"``, ``"rolling"`` or ``"none"``.
    settings
        :class:`~secnews.analysis.trends.counts.TrendSettings` (default: weekly, one group).
    changepoint_settings
        :class:`~secnews.analysis.trends.changepoints.ChangepointSettings`.

    Returns
    -------
    dict
        The manifest that was written.
    """
    import json
    from dataclasses import asdict

    from secnews.analysis.lexicon import lexicon_spec, load_lexicons, parse_terms
    from secnews.analysis.output import file_sha256, save_figure
    from secnews.analysis.plots.trends import plot_gap, plot_trends, read_events
    from secnews.analysis.trends.changepoints import ChangepointSettings, detect_changepoints
    from secnews.analysis.trends.counts import TOKEN_PATTERN, TrendSettings, document_counts
    from secnews.analysis.trends.intervals import (
        SmoothSettings,
        outlet_gap,
        smooth_series,
        trend_table,
    )
    from secnews.corpus import open_corpus
    from secnews.corpus.atomic import atomic_write_text

    settings = settings or TrendSettings(by=None)
    changepoint_settings = changepoint_settings or ChangepointSettings()
    corpus = open_corpus(corpus_dir)
    specs = parse_terms(terms) if (terms if isinstance(terms, str) else list(terms)) else []
    lexicons = load_lexicons(lexicon) if lexicon else []
    specs += [lexicon_spec(lex) for lex in lexicons]
    if not specs:
        raise ValueError("give --terms and/or --lexicon")
    event_frame = read_events(events) if events else None
    counts = document_counts(corpus, specs, settings=settings)
    if counts.frame.empty:
        raise ValueError(f"{corpus_dir}: no document with a {settings.period_unit} period")
    table = trend_table(counts, settings=settings)
    changes = detect_changepoints(table, settings=changepoint_settings)
    smooth_settings = None if smooth == "none" else SmoothSettings(method=smooth)
    smoothed = smooth_series(table, settings=smooth_settings) if smooth_settings else None

    out = Path(out_dir)
    written: list[Path] = [
        atomic_write_text(out / "trends.csv", _format_frame(table)),
        atomic_write_text(out / "changepoints.csv", _format_frame(changes)),
    ]
    if smoothed is not None:
        written.append(atomic_write_text(out / "smoothed.csv", _format_frame(smoothed)))
    names = [spec.name for spec in specs]
    for page, start in enumerate(range(0, len(names), PANELS_PER_FIGURE), start=1):
        fig = plot_trends(
            table,
            terms=names[start : start + PANELS_PER_FIGURE],
            changepoints=changes,
            events=event_frame,
            smooth=smoothed,
        )
        written += save_figure(fig, out / "figures" / f"trends_{page:02d}")
    if compare:
        if len(compare) != 2:
            raise ValueError(f"--compare needs two groups A,B, got {list(compare)}")
        gaps = []
        for index, name in enumerate(names, start=1):
            gap = outlet_gap(
                counts, term=name, outlet_a=compare[0], outlet_b=compare[1], settings=settings
            )
            gaps.append(gap)
            if not gap.empty:
                written += save_figure(
                    plot_gap(gap, events=event_frame), out / "figures" / f"gap_{index:02d}"
                )
        import pandas as pd

        written.append(
            atomic_write_text(out / "gap.csv", _format_frame(pd.concat(gaps, ignore_index=True)))
        )
    manifest = {
        "step": "trends",
        "source": {
            "corpus": Path(corpus_dir).name,
            "corpus_hash": corpus.manifest.get("corpus_hash"),
        },
        "settings": asdict(settings),
        "changepoint_settings": asdict(changepoint_settings),
        "smooth_settings": asdict(smooth_settings) if smooth_settings else None,
        "token_pattern": TOKEN_PATTERN,
        "series": [{"name": s.name, "kind": s.kind, "pattern": s.pattern} for s in specs],
        "lexicons": [
            {"name": lex.name, "terms": list(lex.terms), "description": lex.description}
            for lex in lexicons
        ],
        "lexicon_file": {"path": str(lexicon), "sha256": file_sha256(Path(lexicon))}
        if lexicon
        else None,
        "events_file": {"path": str(events), "sha256": file_sha256(Path(events))}
        if events
        else None,
        "compare": list(compare) if compare else None,
        "counts": {
            "documents": len(counts.frame),
            "left_out_no_period": counts.dropped_no_period,
            "left_out_duplicates": counts.dropped_duplicates,
            "groups": int(counts.frame["outlet"].nunique()),
            "periods": int(counts.frame["period"].nunique()),
        },
        "versions": _versions(),
        "outputs": {str(p.relative_to(out)): file_sha256(p) for p in sorted(written)},
    }
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _settings_from(options: Mapping[str, Any], *, seed: int) -> tuple[Any, Any]:
    from secnews.analysis.trends.changepoints import ChangepointSettings
    from secnews.analysis.trends.counts import TrendSettings

    by = options.get("by")
    trend = TrendSettings(
        freq=str(options.get("freq", "W")),
        by=None if by in (None, "", "none") else str(by),
        include_duplicates=bool(options.get("include_duplicates", False)),
        ci_level=float(options.get("ci_level", 0.95)),
        n_boot=int(options.get("n_boot", 1000)),
        random_state=seed,
    )
    changes = ChangepointSettings(penalty_c=float(options.get("penalty_c", 3.0)))
    return trend, changes


def run_step(corpus_dir: Path, out_dir: Path, settings: Mapping[str, Any], *, seed: int) -> None:
    """The study pipeline's trends step (settings from the study's ``[trends]`` table).

    Keys: ``terms`` (list or comma-separated), ``lexicon``, ``freq``, ``by``, ``events``,
    ``compare`` (two groups), ``smooth``, ``n_boot``, ``ci_level``, ``penalty_c``,
    ``include_duplicates``. Relative paths are read from the working directory.
    """
    known = {
        "terms", "lexicon", "freq", "by", "events", "compare", "smooth", "n_boot", "ci_level",
        "penalty_c", "include_duplicates",
    }  # fmt: skip
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ValueError(f"[trends]: unknown setting(s) {unknown}; known: {sorted(known)}")
    trend, changes = _settings_from(settings, seed=seed)
    compare = settings.get("compare")
    write_trends(
        corpus_dir,
        out_dir,
        terms=settings.get("terms", ()),
        lexicon=settings.get("lexicon"),
        events=settings.get("events"),
        compare=list(compare) if compare else None,
        smooth=str(settings.get("smooth", "lowess")),
        settings=trend,
        changepoint_settings=changes,
    )


def run(args: argparse.Namespace) -> int:
    """Run the command; errors in the inputs are reported in one line with exit code 2."""
    options = {
        "freq": args.freq,
        "by": args.by,
        "include_duplicates": args.include_duplicates,
        "ci_level": args.ci_level,
        "n_boot": args.n_boot,
        "penalty_c": args.penalty_c,
    }
    try:
        trend, changes = _settings_from(options, seed=args.seed)
        compare = [c.strip() for c in args.compare.split(",")] if args.compare else None
        manifest = write_trends(
            args.corpus,
            args.out,
            terms=args.terms,
            lexicon=args.lexicon,
            events=args.events,
            compare=compare,
            smooth=args.smooth,
            settings=trend,
            changepoint_settings=changes,
        )
    except (ValueError, KeyError, FileNotFoundError) as exc:
        sys.stderr.write(f"secnews trends: error: {exc}\n")
        return 2
    counts = manifest["counts"]
    sys.stdout.write(
        f"trends   {len(manifest['series'])} series, {counts['documents']} documents, "
        f"{counts['periods']} periods, {counts['groups']} groups -> {args.out}\n"
    )
    return 0
