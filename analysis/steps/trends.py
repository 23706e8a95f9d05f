"""The trends step: term and lexicon trends with intervals, change points and events.

:func:`run_trends` writes into its output folder:

- ``trends.csv``: ``term, outlet, period, count, tokens, docs, rate_per_10k, ci_low, ci_high,
  ci_method, docs_with_term, doc_share, doc_share_low, doc_share_high`` (rates per 10,000
  tokens; ``period`` is the ISO date of the period start; ``outlet`` holds the group label of
  ``by``, ``all`` without it);
- ``changepoints.csv``: ``term, outlet, date, method, end_date, level_before, level_after,
  weight`` (``method`` is ``pelt`` or ``kleinberg``);
- ``smoothed.csv``: the smoothed rates next to the raw ones (unless ``smooth = "none"``);
- ``gap.csv`` and ``figures/gap_NN.png|svg`` with ``compare = [A, B]``;
- ``figures/trends_NN.png|svg``: small multiples (at most 12 terms per figure), outlets overlaid,
  events drawn on every panel;
- ``manifest.json``: the frozen settings, the series and their patterns, the source, counts,
  package versions, the sha256 of every output and ``execution`` (the scheduler and the stages
  that ran on it). No timestamps: the same inputs, settings and seed give byte-identical files.

With a Dask cluster (``cluster=``, see :mod:`secnews.analysis.distributed`) the per-document
counts are made once per corpus part on the workers, each reading its part, and combined on the
client (:func:`combine_counts`) into the counts of a local run; intervals, change points,
smoothing and figures run on the client.

:func:`term_trends` is the trend table of the step for Python users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from secnews.analysis.periods import PERIODS, check_period
from secnews.analysis.steps._base import SettingsError, StepSettings, setting

if TYPE_CHECKING:
    import pandas as pd

    from secnews.analysis.distributed import Cluster
    from secnews.analysis.lexicon import TermSpec
    from secnews.analysis.trends.counts import DocumentCounts, TrendSettings
    from secnews.corpus.store.read import Corpus

__all__ = ["TrendsSettings", "combine_counts", "count_part", "run_trends", "term_trends"]

#: The stage of this step that runs on a Dask cluster.
DISTRIBUTED_STAGES: tuple[str, ...] = ("document_counts per part",)

#: Terms per figure.
PANELS_PER_FIGURE = 12


@dataclass(frozen=True)
class TrendsSettings(StepSettings):
    """Settings of the trends step (the study's ``[trends]`` table, ``secnews trends``)."""

    table = "trends"
    renamed = {"freq": "period"}  # noqa: RUF012 - a read-only class constant

    terms: str | tuple[str, ...] = setting(
        (),
        "terms, phrases, wildcards (sanction*) or re:REGEX; a list, or one comma-separated text",
    )
    lexicon: str | None = setting(None, "TOML file of named word lists (one series per list)")
    period: str = setting("week", "period length: day, week, month, quarter or year")
    by: str | None = setting(None, "'outlet' or 'meta.KEY' (e.g. meta.country); none: one series")
    events: str | None = setting(None, "CSV with columns date,label drawn on every figure")
    compare: tuple[str, str] | None = setting(None, "two groups A,B: the gap A - B with its CI")
    smooth: Literal["lowess", "rolling", "none"] = setting("lowess", "smoother of the rates")
    n_boot: int = setting(1000, "bootstrap replicates")
    ci_level: float = setting(0.95, "confidence level of the intervals")
    penalty_c: float = setting(3.0, "PELT penalty multiplier c")
    include_duplicates: bool = setting(False, "count duplicate documents too")

    def check(self) -> None:
        """A term or a lexicon; files that exist; a known period and level."""
        check_period(self.period, allowed=PERIODS, key=self._key("period"))
        if not self.terms and not self.lexicon:
            raise SettingsError(f"[{self.table}] needs terms and/or a lexicon")
        for name in ("lexicon", "events"):
            path = getattr(self, name)
            if path is not None and not Path(path).is_file():
                raise SettingsError(f"{self._key(name)} = {path!r}: no such file")
        if self.by is not None and self.by != "outlet" and not self.by.startswith("meta."):
            raise SettingsError(f"{self._key('by')} = {self.by!r}: use 'outlet' or 'meta.KEY'")
        if not 0 < self.ci_level < 1:
            raise SettingsError(f"{self._key('ci_level')} = {self.ci_level} must be in (0, 1)")
        if self.n_boot < 1 or self.penalty_c <= 0:
            raise SettingsError(f"[{self.table}] n_boot must be >= 1 and penalty_c > 0")
        if self.compare is not None and self.compare[0] == self.compare[1]:
            raise SettingsError(f"{self._key('compare')} needs two different groups")

    def library_settings(self, *, seed: int) -> tuple[Any, Any, Any]:
        """The counting, change-point and smoothing settings of the library."""
        from secnews.analysis.trends.changepoints import ChangepointSettings
        from secnews.analysis.trends.counts import TrendSettings
        from secnews.analysis.trends.intervals import SmoothSettings

        trend = TrendSettings(
            freq=self.period,
            by=None if self.by in (None, "", "none") else self.by,
            include_duplicates=self.include_duplicates,
            ci_level=self.ci_level,
            n_boot=self.n_boot,
            random_state=seed,
        )
        smooth = None if self.smooth == "none" else SmoothSettings(method=self.smooth)
        return trend, ChangepointSettings(penalty_c=self.penalty_c), smooth


def term_trends(
    corpus: Corpus,
    terms: str | Sequence[str],
    *,
    period: str = TrendsSettings.period,
    by: str | None = TrendsSettings.by,
    n_boot: int = TrendsSettings.n_boot,
    ci_level: float = TrendsSettings.ci_level,
    random_state: int = 0,
) -> pd.DataFrame:
    """Rates per 10,000 tokens and document shares of terms per period (and group), with
    intervals: the trends step's ``trends.csv``.

    Parameters
    ----------
    corpus
        A corpus from :func:`secnews.corpus.open_corpus`.
    terms
        Terms, phrases, wildcards or ``re:REGEX`` (see :mod:`secnews.analysis.lexicon`).
    period, by, n_boot, ci_level
        As in :class:`TrendsSettings`.
    random_state
        Seed of the bootstrap (the study's seed in the report).

    Returns
    -------
    pandas.DataFrame
        One row per term, group and period.

    Examples
    --------
    >>> from secnews.corpus import open_corpus
    >>> corpus = open_corpus("data/processed/demo/corpus")  # doctest: +SKIP
    >>> term_trends(corpus, ["nato", "sanctions"], period="month", by="outlet")  # doctest: +SKIP
    """
    from secnews.analysis.lexicon import parse_terms
    from secnews.analysis.trends.counts import document_counts
    from secnews.analysis.trends.intervals import trend_table

    settings = TrendsSettings(
        terms=tuple(terms) if not isinstance(terms, str) else terms,
        period=period,
        by=by,
        n_boot=n_boot,
        ci_level=ci_level,
    )
    trend, _, _ = settings.library_settings(seed=random_state)
    counts = document_counts(corpus, parse_terms(settings.terms), settings=trend)
    return trend_table(counts, settings=trend)


def count_part(part: str, *, specs: Sequence[TermSpec], settings: TrendSettings) -> DocumentCounts:
    """The per-document counts of one corpus part (a task on a Dask worker, with as many DuckDB
    threads as the worker has)."""
    from secnews.analysis.trends.counts import document_counts

    try:
        from distributed import get_worker

        threads: int | None = get_worker().state.nthreads
    except (ImportError, ValueError):  # not on a worker
        threads = None
    return document_counts(Path(part), specs, settings=settings, threads=threads)


def combine_counts(parts: Sequence[DocumentCounts]) -> DocumentCounts:
    """The counts of a corpus from those of its parts, each counted alone, in row order.

    The rows are sorted as :func:`~secnews.analysis.trends.counts.document_counts` sorts them
    (a stable sort by ``outlet, period, doc_id`` of the rows in corpus order), so the result
    equals the counts of the whole corpus; the numbers of documents left out are summed.

    Raises
    ------
    ValueError
        When there are no parts or they count different series.
    """
    import pandas as pd

    from secnews.analysis.trends.counts import DocumentCounts

    if not parts:
        raise ValueError("no counts to combine")
    terms = parts[0].terms
    if any(p.terms != terms for p in parts):
        raise ValueError("the parts count different series")
    frames = [p.frame for p in parts if not p.frame.empty] or [parts[0].frame]
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["outlet", "period", "doc_id"], kind="mergesort")
    return DocumentCounts(
        frame=frame.reset_index(drop=True),
        terms=terms,
        dropped_no_period=sum(p.dropped_no_period for p in parts),
        dropped_duplicates=sum(p.dropped_duplicates for p in parts),
    )


def _counts(
    corpus: Corpus, specs: list[TermSpec], settings: TrendSettings, cluster: Cluster | None
) -> DocumentCounts:
    """Per-document counts, in the local process or per part on ``cluster``."""
    from secnews.analysis.trends.counts import document_counts

    if cluster is None:
        return document_counts(corpus, specs, settings=settings)
    return combine_counts(
        cluster.map_parts(
            count_part, corpus.parts, stage="trends-counts", specs=specs, settings=settings
        )
    )


def _format_frame(frame: Any) -> str:
    """CSV text with ISO dates and fixed float formatting (deterministic)."""
    from secnews.analysis.output import csv_text

    return csv_text(frame, float_format="%.6f")


def _versions() -> dict[str, str]:
    from secnews.analysis.report.provenance import package_versions

    return package_versions(
        ("secnews", "duckdb", "numpy", "pandas", "scipy", "ruptures", "statsmodels", "matplotlib")
    )


def _write_trends(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    terms: str | Sequence[str] = (),
    lexicon: str | Path | None = None,
    events: str | Path | None = None,
    compare: Sequence[str] | None = None,
    smooth_settings: Any = None,
    settings: Any = None,
    changepoint_settings: Any = None,
    cluster: Cluster | None = None,
) -> dict[str, Any]:
    """The work of :func:`run_trends`, on the library's settings objects."""
    import json
    from dataclasses import asdict

    from secnews.analysis.distributed import describe_execution
    from secnews.analysis.lexicon import lexicon_spec, load_lexicons, parse_terms
    from secnews.analysis.output import file_sha256, save_figure
    from secnews.analysis.plots.trends import plot_gap, plot_trends, read_events
    from secnews.analysis.trends.changepoints import ChangepointSettings, detect_changepoints
    from secnews.analysis.trends.counts import TOKEN_PATTERN, TrendSettings
    from secnews.analysis.trends.intervals import (
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
    counts = _counts(corpus, specs, settings, cluster)
    if counts.frame.empty:
        raise ValueError(f"{corpus_dir}: no document with a {settings.period_unit} period")
    table = trend_table(counts, settings=settings)
    changes = detect_changepoints(table, settings=changepoint_settings)
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
        "execution": describe_execution(cluster, DISTRIBUTED_STAGES, len(corpus.parts)),
    }
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def run_trends(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: TrendsSettings,
    seed: int = 0,
    cluster: Cluster | None = None,
) -> dict[str, Any]:
    """Run the trends step on a corpus folder and write its outputs (module docstring).

    ``cluster`` (:func:`secnews.analysis.distributed.open_cluster`) counts the documents on a
    Dask cluster; ``None``: in the local process. The outputs are the same.

    Returns
    -------
    dict
        The manifest that was written.
    """
    trend, changes, smooth = settings.library_settings(seed=seed)
    return _write_trends(
        corpus_dir,
        out_dir,
        terms=settings.terms,
        lexicon=settings.lexicon,
        events=settings.events,
        compare=list(settings.compare) if settings.compare else None,
        smooth_settings=smooth,
        settings=trend,
        changepoint_settings=changes,
        cluster=cluster,
    )
