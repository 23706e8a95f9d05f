"""The statistics step: corpus summary, frequencies, Zipf, keyness, collocations and KWIC.

:func:`run_stats` writes into its output folder ``summary.csv`` (by ``by``), ``sources.csv``
(counts per source with duplicates and rejects, from the corpus manifest), ``frequencies.csv``
and ``frequencies_by_group.csv`` (terms after stopwords and phrases), ``zipf.csv`` (running
words), ``collocations.csv``, with ``compare = [A, B]`` ``keyness.csv`` (A against B) and
``keyness_reverse.csv`` (B against A), with ``kwic = TERM`` ``kwic.csv``; figures as PNG and SVG;
and ``manifest.json`` with every setting. The same corpus and settings give byte-identical files.

Memory does not grow with the corpus text: the running words are read a batch of documents at a
time and kept as integer counts (:class:`~secnews.analysis.stats.streamed.RunningWords`), the
frequency tables are reduced from the stored bag-of-words in row batches
(:func:`~secnews.analysis.stats.bowcounts.stored_term_frequencies`), and the documents x terms
matrix is built only for ``compare`` (keyness and its document bootstrap).

With a Dask cluster (``cluster=``, see :mod:`secnews.analysis.distributed`) the running words and
the KWIC lines are counted once per corpus part on the workers
(:func:`~secnews.analysis.stats.partwords.count_part_words`) and added on the client in part
order, the MATTR state carried from part to part, so that the tables are the bytes of a local
run; the preprocessing, frequencies and keyness stay on the client (the manifest's
``execution`` lists both).

:func:`keyness_between` is the keyness table of the step for Python users: the same
preprocessing (:data:`STATS_PREPROCESS`) and settings, so its numbers are the report's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from secnews.analysis.preprocess.settings import PreprocessSettings
from secnews.analysis.steps._base import SettingsError, StepSettings, setting

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from secnews.analysis.distributed import Cluster
    from secnews.corpus.store.read import Corpus

__all__ = ["STATS_PREPROCESS", "StatsSettings", "keyness_between", "run_stats"]

logger = logging.getLogger(__name__)

#: Float format of every CSV the step writes (deterministic, enough digits for p-values and G²).
FLOAT_FORMAT = "%.10g"

#: Preprocessing of the frequency, keyness and collocation tables: every term is kept (no
#: document-frequency filter), so counts are those of the whole corpus after stopwords and phrases.
STATS_PREPROCESS = PreprocessSettings(no_below=1, no_above=1.0, keep_n=None)


@dataclass(frozen=True)
class StatsSettings(StepSettings):
    """Settings of the statistics step (the study's ``[stats]`` table, ``secnews stats``)."""

    table = "stats"

    by: Literal["outlet", "period"] = setting("outlet", "summary groups")
    period: Literal["month", "quarter", "year"] = setting("month", "period length for by=period")
    compare: tuple[str, str] | None = setting(
        None, "two outlets A,B: keyness of A against B and of B against A"
    )
    kwic: str | None = setting(None, "concordance of a term or phrase")
    window: int = setting(8, "KWIC context in tokens")
    kwic_sort: Literal["left", "right", "none"] = setting("right", "KWIC order")
    mattr_window: int = setting(500, "MATTR window in tokens")
    min_count: int = setting(10, "smallest count of a keyness or collocation term")
    n_boot: int = setting(1000, "bootstrap replicates of the keyness intervals")
    top: int = setting(15, "terms per direction in the keyness figure")

    def check(self) -> None:
        """Positive sizes; two different outlets to compare."""
        for name in ("window", "mattr_window", "min_count", "n_boot", "top"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{self._key(name)} = {getattr(self, name)} must be >= 1")
        if self.compare is not None and self.compare[0] == self.compare[1]:
            raise SettingsError(f"{self._key('compare')} needs two different outlets")


def _outlet_labels(frame: pd.DataFrame, doc_ids: list[str]) -> list[str]:
    outlet_of = dict(
        zip(frame["doc_id"].astype(str), frame["outlet"].fillna("unknown").astype(str), strict=True)
    )
    return [outlet_of.get(d, "unknown") for d in doc_ids]


def keyness_between(
    corpus: Corpus,
    target: str,
    reference: str | None = None,
    *,
    min_count: int = StatsSettings.min_count,
    n_boot: int = StatsSettings.n_boot,
    random_state: int = 0,
) -> pd.DataFrame:
    """Keyness of one outlet's documents against another's (or against all others).

    The statistics step's table (``keyness.csv``): terms after the step's preprocessing
    (:data:`STATS_PREPROCESS`), G², chi², Hardie's log ratio with a document bootstrap interval
    and Benjamini-Hochberg adjusted p-values (:func:`secnews.analysis.stats.keyness.keyness`).

    Parameters
    ----------
    corpus
        A corpus from :func:`secnews.corpus.open_corpus` (duplicates left out).
    target, reference
        Outlets; ``reference=None`` compares ``target`` with every other outlet.
    min_count, n_boot, random_state
        As in :class:`~secnews.analysis.stats.keyness.KeynessSettings`; ``random_state`` is the
        study's seed in the report.

    Returns
    -------
    pandas.DataFrame
        One row per term, most key first.

    Examples
    --------
    >>> from secnews.corpus import open_corpus
    >>> corpus = open_corpus("data/processed/demo/corpus")  # doctest: +SKIP
    >>> keyness_between(corpus, "kremlin.ru", "president.gov.ua").head(3)  # doctest: +SKIP
    """
    from secnews.analysis.preprocess.core import preprocess
    from secnews.analysis.stats.keyness import KeynessSettings, keyness_groups

    frame = corpus.frame(["doc_id", "outlet"])
    pre = preprocess(corpus, settings=STATS_PREPROCESS)
    groups = _outlet_labels(frame, pre.doc_ids)
    settings = KeynessSettings(min_count=min_count, n_boot=n_boot, random_state=random_state)
    return keyness_groups(pre.bow_matrix(), pre.terms, groups, target, reference, settings=settings)


def _save(fig: Figure, base: Path) -> list[str]:
    from secnews.analysis.output import save_figure

    return [path.name for path in save_figure(fig, base)]


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a table; its string columns as Python objects, which the CSV writer reads a third
    faster than Arrow-backed strings (the text written is the same)."""
    import pandas as pd

    from secnews.analysis.output import write_csv

    strings = {c: object for c, t in frame.dtypes.items() if isinstance(t, pd.StringDtype)}
    write_csv(frame.astype(strings) if strings else frame, path, float_format=FLOAT_FORMAT)


#: The stages of this step that run on a Dask cluster (one task per corpus part).
DISTRIBUTED_STAGES: tuple[str, ...] = ("running_words per part",)
#: ... with ``kwic``.
KWIC_STAGE = "kwic per part"
#: What stays on the client with a cluster (integer reductions and the bag of words).
ON_CLIENT: tuple[str, ...] = (
    "preprocess (bag of words, local process pool)",
    "frequencies and keyness from the stored bag of words",
    "reduction of the parts' running-word counts in part order",
)


def _running_words(
    corpus: Corpus, labels: list[str], doc_ids: list[str], settings: StatsSettings
) -> tuple[Any, pd.DataFrame | None]:
    """The counts of the running words
    (:data:`~secnews.analysis.stats.descriptive.SUMMARY_SETTINGS`) of every document, read in
    batches, each counted in its summary group ``labels``; and the KWIC table when
    ``settings.kwic`` is set. ``doc_ids`` are the documents in corpus order (a check)."""
    from secnews.analysis.stats.kwic import join_concordances, kwic
    from secnews.analysis.stats.partwords import BATCH_DOCS, running_word_columns
    from secnews.analysis.stats.streamed import RunningWords, encode_summary_tokens

    words = RunningWords(window=settings.mattr_window)
    wanted = running_word_columns(kwic=settings.kwic is not None)
    columns = [c for c in wanted if c in corpus.columns]
    hits: list[pd.DataFrame] = []
    seen = 0
    for batch in corpus.iter_batches(columns, batch_size=BATCH_DOCS, full_text=True):
        ids = batch["doc_id"].astype(str).tolist()
        if ids != doc_ids[seen : seen + len(ids)]:
            raise RuntimeError("the corpus changed while the statistics step read it")
        types, codes, lengths = encode_summary_tokens(batch["full_text"].tolist())
        words.add_encoded(types, codes, lengths, labels[seen : seen + len(ids)])
        seen += len(ids)
        if settings.kwic:
            hits.append(kwic(batch, settings.kwic, window=settings.window, sort="none"))
    if seen != len(doc_ids):
        raise RuntimeError("the corpus changed while the statistics step read it")
    if not settings.kwic:
        return words, None
    return words, join_concordances(hits, settings.kwic_sort)


def _running_words_on(
    cluster: Cluster,
    corpus: Corpus,
    labels: list[str],
    doc_ids: list[str],
    settings: StatsSettings,
) -> tuple[Any, pd.DataFrame | None]:
    """:func:`_running_words` with each part counted on a worker
    (:func:`~secnews.analysis.stats.partwords.count_part_words`) and the parts' counts added
    in part order (:meth:`~secnews.analysis.stats.streamed.RunningWords.add_part`), so that
    the client holds integer counts, never the texts."""
    from secnews.analysis.stats.kwic import join_concordances
    from secnews.analysis.stats.partwords import count_part_words
    from secnews.analysis.stats.streamed import RunningWords

    results = cluster.map_parts(
        count_part_words,
        corpus.parts,
        stage="stats-words",
        window=settings.mattr_window,
        by=settings.by,
        period=settings.period,
        kwic=settings.kwic,
        kwic_window=settings.window,
    )
    words = RunningWords(window=settings.mattr_window)
    seen = 0
    lines: list[pd.DataFrame] = []
    for part, found in results:
        stop = seen + len(part.doc_ids)
        if part.doc_ids != doc_ids[seen:stop] or part.labels != labels[seen:stop]:
            raise RuntimeError("the corpus changed while the statistics step read it")
        words.add_part(part)
        seen = stop
        if found is not None:
            lines.append(found)
    if seen != len(doc_ids):
        raise RuntimeError("the corpus changed while the statistics step read it")
    if not settings.kwic:
        return words, None
    return words, join_concordances(lines, settings.kwic_sort)


def _with_letters(colloc: pd.DataFrame) -> pd.DataFrame:
    """The collocations whose two words both hold a letter."""
    if not len(colloc):
        return colloc
    alpha = colloc["w1"].map(lambda w: any(c.isalpha() for c in w)) & colloc["w2"].map(
        lambda w: any(c.isalpha() for c in w)
    )
    return colloc[alpha].reset_index(drop=True)


def _by_labels(
    frame: pd.DataFrame, doc_ids: list[str], groups: list[str], settings: StatsSettings
) -> list[str]:
    """The ``by`` group of every preprocessed document (its outlet, or its period)."""
    from secnews.analysis.stats.descriptive import period_labels

    if settings.by != "period":
        return groups
    period_of = dict(
        zip(frame["doc_id"].astype(str), period_labels(frame, settings.period), strict=True)
    )
    return [period_of.get(d, "unknown") for d in doc_ids]


def _execution(cluster: Cluster | None, settings: StatsSettings, parts: int) -> dict[str, Any]:
    """The manifest's ``execution``: where the step ran (and, on a cluster, what did not)."""
    from secnews.analysis.distributed import describe_execution

    stages = [*DISTRIBUTED_STAGES, *([KWIC_STAGE] if settings.kwic else [])]
    out = describe_execution(cluster, stages, parts)
    if cluster is not None:
        out["on_client"] = list(ON_CLIENT)
    return out


def run_stats(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: StatsSettings | None = None,
    seed: int = 0,
    cluster: Cluster | None = None,
) -> dict[str, Any]:
    """Run the statistics step on a corpus folder and write its outputs (module docstring).

    Parameters
    ----------
    corpus_dir
        A corpus folder written by ``secnews build``.
    out_dir
        The output folder (created).
    settings
        :class:`StatsSettings` (default: its defaults).
    seed
        ``random_state`` of the keyness bootstrap.
    cluster
        A Dask cluster (:func:`secnews.analysis.distributed.open_cluster`) that counts the
        running words (and the KWIC lines) part by part; ``None``: the local process. The
        tables are the same bytes.

    Returns
    -------
    dict
        The manifest that was written.
    """
    from secnews.analysis.output import write_manifest
    from secnews.analysis.plots.stats import plot_frequencies, plot_keyness, plot_summary, plot_zipf
    from secnews.analysis.preprocess.core import preprocess
    from secnews.analysis.stats.bowcounts import stored_term_frequencies
    from secnews.analysis.stats.descriptive import (
        SUMMARY_SETTINGS,
        fit_zipf,
        group_labels,
        period_labels,
        source_counts,
        zipf_table,
    )
    from secnews.analysis.stats.keyness import KeynessSettings, keyness_groups
    from secnews.corpus import open_corpus

    settings = settings or StatsSettings()
    corpus = open_corpus(corpus_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    columns = ("doc_id", "outlet", "published", "meta")
    frame = corpus.frame([c for c in columns if c in corpus.columns])
    if not len(frame):
        raise ValueError(f"{corpus_dir} holds no documents: nothing to count")
    outlets = sorted(frame["outlet"].dropna().astype(str).unique()) if "outlet" in frame else []
    missing = [o for o in settings.compare or () if o not in outlets]
    if missing:
        raise SettingsError(
            f"[stats] compare: no documents of {missing} in this corpus; outlets: {outlets}"
        )
    files: list[str] = []
    # first, while this process is small: the preprocessing may start worker processes
    pre = preprocess(corpus, settings=STATS_PREPROCESS)
    labels = group_labels(frame, settings.by, settings.period).tolist()
    doc_ids = frame["doc_id"].astype(str).tolist()
    if cluster is None:
        words, conc = _running_words(corpus, labels, doc_ids, settings)
    else:
        words, conc = _running_words_on(cluster, corpus, labels, doc_ids, settings)
    summary = words.summary()
    _write(summary, out / "summary.csv")
    fig = plot_summary(summary, title=f"Tokens by {settings.by}")
    files += ["summary.csv", *_save(fig, out / "summary")]
    _write(source_counts(corpus.manifest), out / "sources.csv")
    files.append("sources.csv")

    groups = _outlet_labels(frame, pre.doc_ids)
    freq = stored_term_frequencies(pre)
    _write(freq, out / "frequencies.csv")
    by_labels = _by_labels(frame, pre.doc_ids, groups, settings)
    _write(stored_term_frequencies(pre, groups=by_labels), out / "frequencies_by_group.csv")
    files += ["frequencies_by_group.csv", "frequencies.csv"]
    files += _save(plot_frequencies(freq), out / "frequencies")

    ztable = words.word_counts()
    zfit = fit_zipf(ztable["count"].to_numpy(), method="mle")
    zols = fit_zipf(ztable["count"].to_numpy(), method="ols", max_rank=1000)
    _write(zipf_table(ztable[["term", "count"]]), out / "zipf.csv")
    fig = plot_zipf(ztable, zfit, title="Rank-frequency of running words")
    files += ["zipf.csv", *_save(fig, out / "zipf")]

    key_settings = KeynessSettings(
        min_count=settings.min_count, n_boot=settings.n_boot, random_state=seed
    )
    if settings.compare:
        a, b = settings.compare
        matrix, terms = pre.bow_matrix(), pre.terms
        forward = keyness_groups(matrix, terms, groups, a, b, settings=key_settings)
        _write(forward, out / "keyness.csv")
        _write(
            keyness_groups(matrix, terms, groups, b, a, settings=key_settings),
            out / "keyness_reverse.csv",
        )
        files += ["keyness.csv", "keyness_reverse.csv"]
        files += _save(plot_keyness(forward, n=settings.top, labels=(a, b)), out / "keyness")

    stop, _ = PreprocessSettings().stopword_set()
    colloc = words.collocations(min_count=settings.min_count, stopwords=stop)
    _write(_with_letters(colloc), out / "collocations.csv")
    files.append("collocations.csv")
    if conc is not None:
        _write(conc, out / "kwic.csv")
        files.append("kwic.csv")

    manifest: dict[str, Any] = {
        "command": "stats",
        "corpus": str(Path(corpus_dir).name),
        "corpus_hash": corpus.corpus_hash,
        "documents": len(frame),
        "by": settings.by,
        "period": settings.period,
        "periods": sorted(set(period_labels(frame, settings.period)))
        if settings.by == "period"
        else None,
        "compare": list(settings.compare) if settings.compare else None,
        "kwic": {"term": settings.kwic, "window": settings.window, "sort": settings.kwic_sort}
        if settings.kwic
        else None,
        "summary_tokens": dict(SUMMARY_SETTINGS.key_dict().items()),
        "mattr_window": settings.mattr_window,
        "preprocess": {"key": pre.key, "settings": STATS_PREPROCESS.key_dict()},
        "keyness": key_settings.to_dict(),
        "collocations": {
            "min_count": settings.min_count,
            "stopwords": "english+news",
            "letters_required": True,
        },
        "zipf": {
            "mle": {"exponent": zfit.exponent, "n_ranks": zfit.n_ranks},
            "ols_ranks_1_1000": {"exponent": zols.exponent, "r_squared": zols.r_squared},
        },
        "float_format": FLOAT_FORMAT,
        "files": sorted([*files, "manifest.json"]),
        "execution": _execution(cluster, settings, len(corpus.parts)),
    }
    write_manifest(out / "manifest.json", manifest)
    corpus.close()
    logger.info("stats: wrote %d files to %s", len(files) + 1, out)
    return manifest
