"""One topic-model run from a preprocessed corpus to its stored results.

Writes into ``out_dir``: ``selection.csv``, ``topic_stability.csv`` and ``selection.png`` (when a
grid is run), ``model/`` (the engine's own format), ``topics.csv`` (``topic, rank, term,
weight``), ``labels.csv``, ``representative_docs.csv``, ``doc_topics.parquet``,
``prevalence_outlet.csv``, ``prevalence_period.csv``, ``prevalence_shift.csv``,
``prevalence_time.png``, ``outlet_heatmap.png``, ``topic_map.html`` and ``manifest.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from secnews.analysis.output import write_csv as _write_table
from secnews.analysis.output import write_manifest, write_parquet
from secnews.analysis.periods import check_period, pandas_freq
from secnews.analysis.report.provenance import package_versions
from secnews.analysis.steps._base import SettingsError, StepSettings, check_date, setting
from secnews.analysis.topics.coherence import (
    CoherenceScorer,
    TokenStream,
    encode_texts,
    encode_token_lists,
)
from secnews.analysis.topics.engines import rule_converged
from secnews.analysis.topics.labels import representative_documents, top_terms, topic_labels
from secnews.analysis.topics.model import TopicModel, TopicSettings, as_csr
from secnews.analysis.topics.prevalence import (
    assign_period,
    doc_topic_frame,
    prevalence,
    prevalence_shift,
)
from secnews.analysis.topics.selection import (
    MAX_FIT_DOCS,
    SelectionResult,
    SelectionSettings,
    grid_edge,
    grid_fit_note,
    representative_seed,
    run_selection,
)

__all__ = [
    "FittedTopics",
    "TopicInputs",
    "TopicRunSettings",
    "TopicStageError",
    "TopicsSettings",
    "fit_topics",
    "inputs_from_preprocessed",
    "inputs_from_texts",
    "run_topics",
    "run_topics_step",
]

logger = logging.getLogger(__name__)

#: Float format of the topic tables (eight significant digits).
FLOAT_FORMAT = "%.8g"
#: Packages whose versions shape topic results (written into the manifest).
TOPIC_PACKAGES = (
    "secnews",
    "gensim",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "tomotopy",
)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a topic table with :data:`FLOAT_FORMAT` (see :mod:`secnews.analysis.output`)."""
    return _write_table(frame, path, float_format=FLOAT_FORMAT)


@dataclass(frozen=True)
class TopicInputs:
    """What the topic code needs from preprocessing.

    ``texts`` returns a fresh iterator over the token lists (for window-based coherence), in
    the order of ``doc_ids``.
    """

    doc_ids: list[str]
    vocabulary: list[str]
    bow: sp.csr_matrix
    texts: Callable[[], Iterable[Sequence[str]]]
    key: str
    token2id: Mapping[str, int] = field(default_factory=dict)
    stream: Callable[[], TokenStream] | None = None


def inputs_from_preprocessed(pre: Any) -> TopicInputs:
    """Adapt a :class:`secnews.analysis.preprocess.core.Preprocessed` result."""
    vocabulary = [str(t) for t in pre.terms]

    def stream() -> TokenStream:
        import pyarrow.parquet as pq

        tokens = pq.read_table(Path(pre.folder) / "tokens.parquet", columns=["tokens"]).column(
            "tokens"
        )
        return encode_token_lists(tokens, vocabulary)

    return TopicInputs(
        doc_ids=[str(d) for d in pre.doc_ids],
        vocabulary=vocabulary,
        bow=sp.csr_matrix(pre.bow_matrix()),
        texts=pre.iter_tokens,
        key=str(pre.key),
        token2id={t: i for i, t in enumerate(vocabulary)},
        stream=stream,
    )


def inputs_from_texts(
    doc_ids: Sequence[str],
    texts: Sequence[Sequence[str]],
    *,
    no_below: int = 3,
    no_above: float = 0.5,
    key: str = "texts",
) -> TopicInputs:
    """Build inputs from token lists with a gensim ``Dictionary`` (tests and small corpora)."""
    from gensim.corpora import Dictionary
    from gensim.matutils import corpus2csc

    dictionary = Dictionary(texts)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=None)
    bow = [dictionary.doc2bow(t) for t in texts]
    matrix = sp.csr_matrix(
        corpus2csc(bow, num_terms=len(dictionary), num_docs=len(bow), dtype=np.int64).T
    )
    token_lists = [list(t) for t in texts]
    return TopicInputs(
        doc_ids=list(doc_ids),
        vocabulary=[dictionary[i] for i in range(len(dictionary))],
        bow=matrix,
        texts=lambda: iter(token_lists),
        key=key,
        token2id=dict(dictionary.token2id),
    )


@dataclass(frozen=True)
class TopicRunSettings:
    """Settings of a topic run beyond the model's own (all written into the manifest).

    ``frex_weight`` is stm's ``frexw`` (the weight of frequency), ``frex_shrinkage`` shrinks
    exclusivity as ``stm::labelTopics`` does; ``coherence_counting`` is ``"gensim"`` (gensim's
    sliding-window counts, comparable with published numbers) or ``"definition"`` (see
    :mod:`secnews.analysis.topics.coherence`); the manifest's ``coherence_counting`` says which.
    """

    model: TopicSettings = field(default_factory=TopicSettings)
    selection: SelectionSettings | None = None
    n_boot: int = 1000
    period: str = "M"
    event_date: str = "2022-02-24"
    label_topn: int = 10
    lam: float = 0.6
    frex_weight: float = 0.5
    frex_shrinkage: bool = True
    coherence_counting: str = "gensim"
    n_representative: int = 5
    map_title: str = "Topic map"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a JSON manifest."""
        return asdict(self)


def _scorer(inputs: TopicInputs, *, counting: str = "gensim") -> CoherenceScorer:
    if inputs.stream is not None:
        return CoherenceScorer(stream=inputs.stream(), doc_term=inputs.bow, counting=counting)
    token2id = inputs.token2id or {t: i for i, t in enumerate(inputs.vocabulary)}
    return CoherenceScorer(
        stream=encode_texts(inputs.texts(), token2id), doc_term=inputs.bow, counting=counting
    )


def _final_model_rule(result: SelectionResult, seed_reason: str, *, n_docs: int) -> str:
    """The manifest's sentence on how the final model relates to the grid."""
    train = result.train_index
    held = f"the topic proportions of the {n_docs - train.size} held-out documents are inferred."
    head = f"K={result.recommended_k} as recommended; {seed_reason}."
    if result.fit_index.size < train.size:
        return (
            f"{head} The grid's fits were trained on a sample of {result.fit_index.size} of the "
            f"{train.size} training documents (max_fit_docs); the model is fitted with that K "
            f"and seed on all {train.size} training documents, so its topics are not the ones "
            f"scored in selection.csv (its own coherence is under 'coherence'); {held}"
        )
    return (
        f"{head} The model is that run of the selection grid, refitted on its {train.size} "
        "training documents (same seed, same topics), so the topics reported are the ones "
        f"scored in selection.csv; {held}"
    )


def _figures(out_dir: Path, figures: Mapping[str, Any]) -> None:
    from secnews.analysis.output import save_figure

    for name, fig in figures.items():
        save_figure(fig, out_dir / Path(name).stem, formats=("png",), dpi=130)


class TopicStageError(RuntimeError):
    """A late stage of the topics step failed; the finished results and the manifest (which
    names the failed stages) are written."""


class _Stages:
    """Runs the late stages of a topic run one by one: a failure is logged and recorded in the
    manifest (``stages``) and the other stages still run; :meth:`finish` writes the manifest and
    raises :class:`TopicStageError` when a stage failed."""

    def __init__(self, out: Path, manifest: dict[str, Any]) -> None:
        self.out = out
        self.manifest = manifest
        self.status: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        manifest["stages"] = self.status

    def run(self, name: str, func: Callable[[], Any]) -> None:
        try:
            func()
        except Exception as exc:  # recorded, logged and re-raised by finish()
            logger.exception("topics: stage %r failed", name)
            self.status[name] = f"failed: {type(exc).__name__}: {exc}"
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            return
        self.status.setdefault(name, "done")

    def note(self, name: str, text: str) -> None:
        logger.warning("topics: %s %s", name, text)
        self.status[name] = text

    def finish(self) -> None:
        write_manifest(self.out / "manifest.json", self.manifest)
        if self.errors:
            raise TopicStageError(
                "topics: stage(s) failed (results so far and manifest.json written): "
                + "; ".join(f"{k}: {v}" for k, v in self.errors.items())
            )


def run_topics(
    inputs: TopicInputs,
    documents: pd.DataFrame,
    out_dir: str | Path,
    *,
    settings: TopicRunSettings,
    provenance: Mapping[str, Any] | None = None,
    n_jobs: int = -1,
) -> dict[str, Any]:
    """Select K (optional), fit the final model and write every result.

    Without a grid, the model is fitted on all documents. With a grid, the final model is the
    grid's most representative run of the recommended K
    (:func:`~secnews.analysis.topics.selection.representative_seed`), refitted on all the
    training documents with the same seed. When the grid's fits saw all training documents
    (at most ``SelectionSettings.max_fit_docs`` of them), the topics reported are exactly the
    ones scored in ``selection.csv`` (a refit on all documents lands in a different local
    optimum: on the demo study its c_npmi was 0.020 against 0.041 in the table); when they saw
    a sample, the manifest says so (``grid_fit_documents``, ``final_model_rule``). The held-out
    documents' topic proportions are inferred, as are the training documents' (one E-step with
    the final topics for every document). The rule is written into the manifest.

    Parameters
    ----------
    inputs : TopicInputs
        Bag-of-words, vocabulary, texts and preprocessing key.
    documents : pandas.DataFrame
        ``doc_id, outlet, published, title`` (``meta`` optional) of the documents.
    out_dir : path
        Output folder (created).
    settings : TopicRunSettings
        Settings; ``settings.selection`` runs the K x seed grid and keeps the recommended K.
    provenance : mapping, optional
        Extra manifest entries (corpus path and hash, ...).
    n_jobs : int
        Processes for the K x seed grid (``-1``: one per core). The results, manifest included,
        do not depend on it.

    Returns
    -------
    dict
        The manifest written.
    """
    from secnews.analysis.plots.topics import (
        plot_outlet_heatmap,
        plot_prevalence_over_time,
        plot_selection,
    )
    from secnews.analysis.topics.topic_map import render_topic_map, topic_map_data
    from secnews.corpus.atomic import atomic_write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scorer = _scorer(inputs, counting=settings.coherence_counting)
    model_settings = settings.model
    manifest: dict[str, Any] = {
        "step": "topics",
        "preprocess_key": inputs.key,
        "settings": settings.to_dict(),
    }
    figures: dict[str, Any] = {}
    if settings.selection is not None:
        result = run_selection(
            inputs.bow,
            inputs.vocabulary,
            scorer=scorer,
            settings=settings.selection,
            model_settings=model_settings,
            n_jobs=n_jobs,
        )
        write_csv(result.table, out / "selection.csv")
        write_csv(result.topic_stability, out / "topic_stability.csv")
        figures["selection.png"] = plot_selection(result.table, recommended_k=result.recommended_k)
        seed, seed_reason = representative_seed(result.table, result.recommended_k)
        model_settings = model_settings.replace(k=result.recommended_k, random_state=seed)
        train = result.train_index
        manifest["recommended_k"] = result.recommended_k
        manifest["recommendation_rule"] = result.reason
        edge, next_ks = grid_edge(settings.selection.ks, result.recommended_k)
        manifest["recommended_k_at_grid_edge"] = edge
        manifest["suggested_next_ks"] = next_ks
        if edge is not None:
            logger.warning(
                "topics: the recommended K=%d is the %s value of the grid; try also %s",
                result.recommended_k,
                "smallest" if edge == "lower" else "largest",
                ", ".join(map(str, next_ks)),
            )
        manifest["grid_fit_documents"] = grid_fit_note(result, settings.selection)
        manifest["final_model_rule"] = _final_model_rule(
            result, seed_reason, n_docs=len(inputs.doc_ids)
        )
        model = TopicModel(model_settings).fit(inputs.bow[train], inputs.vocabulary)
        doc_topic = model.transform(inputs.bow)
    else:
        model = TopicModel(model_settings).fit(inputs.bow, inputs.vocabulary)
        doc_topic = model.doc_topic_
    if model.fit_trace_:  # Gibbs sampling: where the convergence rule stopped, and why
        manifest["gibbs_sweeps"] = int(model.fit_trace_[-1][0])
        manifest["gibbs_converged"] = rule_converged(model.fit_trace_, model.settings)
        manifest["gibbs_trace"] = [[int(n), round(float(ll), 6)] for n, ll in model.fit_trace_]
    stages = _Stages(out, manifest)
    stages.run("model", lambda: model.save_native(out / "model"))
    term_frequency = np.asarray(inputs.bow.sum(axis=0)).ravel().astype(np.float64)
    doc_lengths = np.asarray(inputs.bow.sum(axis=1)).ravel().astype(np.float64)
    tops = model.top_word_ids()
    coherence = {m: scorer.score(tops, measure=m) for m in ("c_npmi", "c_v", "u_mass")}
    labels = topic_labels(
        model.topic_word_,
        inputs.vocabulary,
        term_frequency,
        topn=settings.label_topn,
        lam=settings.lam,
        frex_weight=settings.frex_weight,
        frex_shrinkage=settings.frex_shrinkage,
    )
    theta = doc_topic_frame(doc_topic, inputs.doc_ids)
    labels["share"] = theta.drop(columns="doc_id").mean().to_numpy()
    for m, values in coherence.items():
        labels[m] = values
    write_csv(
        top_terms(model.topic_word_, inputs.vocabulary, topn=model_settings.topn),
        out / "topics.csv",
    )
    write_csv(labels, out / "labels.csv")
    write_parquet(theta, out / "doc_topics.parquet")
    manifest.update(
        {
            "final_model": model_settings.to_dict(),
            "n_documents": len(inputs.doc_ids),
            "n_terms": len(inputs.vocabulary),
            "n_unreachable_terms": int(model.unreachable_terms_.size),
            "coherence": {m: float(np.mean(v)) for m, v in coherence.items()},
            "coherence_counting": {
                "window": scorer.counting,
                "windows": {m: scorer.windows[m] for m in coherence},
                "note": (
                    "c_npmi and c_v count sliding windows as gensim does (a word leaves the "
                    "window set when one of its copies leaves)"
                    if scorer.counting == "gensim"
                    else "c_npmi and c_v count a word in every window holding one of its copies"
                ),
            },
            "versions": package_versions(TOPIC_PACKAGES),
            **dict(provenance or {}),
        }
    )
    label_map = dict(zip(labels["topic"], labels["label"], strict=True))
    docs = documents.copy()
    if "outlet" not in docs.columns:
        docs["outlet"] = "(all)"
    docs["period"] = assign_period(docs, freq=settings.period)
    stages.run(
        "representative_docs",
        lambda: write_csv(
            representative_documents(theta, docs, n=settings.n_representative),
            out / "representative_docs.csv",
        ),
    )
    seed = model_settings.random_state
    n_outlets = int(docs["outlet"].nunique(dropna=True))

    def outlets() -> None:
        by_outlet = prevalence(
            theta, docs, by=("outlet",), n_boot=settings.n_boot, random_state=seed
        )
        write_csv(by_outlet, out / "prevalence_outlet.csv")
        if n_outlets < 2:
            stages.note(
                "outlet_heatmap",
                f"skipped: the corpus has {n_outlets} outlet(s), nothing to compare",
            )
            return
        figures["outlet_heatmap.png"] = plot_outlet_heatmap(by_outlet, labels=label_map)

    stages.run("prevalence_outlet", outlets)
    n_periods = int(docs["period"].nunique(dropna=True))
    if n_periods < 2:
        stages.note(
            "prevalence_time",
            f"skipped: {n_periods} dated period(s) of {settings.period!r} among "
            f"{len(docs)} documents; the time analysis needs at least two",
        )
    else:

        def over_time() -> None:
            by_period = prevalence(
                theta, docs, by=("outlet", "period"), n_boot=settings.n_boot, random_state=seed
            )
            write_csv(
                by_period.assign(period=by_period["period"].dt.strftime("%Y-%m-%d")),
                out / "prevalence_period.csv",
            )
            figures["prevalence_time.png"] = plot_prevalence_over_time(
                by_period, labels=label_map, events={settings.event_date: "event"}
            )

        def shift() -> None:
            table = prevalence_shift(
                theta, docs, date=settings.event_date, n_boot=settings.n_boot, random_state=seed
            )
            if table.empty:
                stages.note(
                    "prevalence_shift",
                    f"skipped: no outlet has dated documents both before and after "
                    f"{settings.event_date}",
                )
                return
            write_csv(table, out / "prevalence_shift.csv")

        stages.run("prevalence_time", over_time)
        stages.run("prevalence_shift", shift)
    stages.run("figures", lambda: _figures(out, figures))

    def topic_map() -> None:
        map_data = topic_map_data(
            model.topic_word_,
            doc_topic,
            doc_lengths,
            term_frequency,
            inputs.vocabulary,
            labels=[label_map[t] for t in range(model_settings.k)],
            lam=settings.lam,
        )
        atomic_write_text(
            out / "topic_map.html", render_topic_map(map_data, title=settings.map_title)
        )

    stages.run("topic_map", topic_map)
    stages.finish()
    return manifest


# --- the topics step: its settings (the study's [topics] table, `secnews topics`) -------------


@dataclass(frozen=True)
class TopicsSettings(StepSettings):
    """Settings of the topics step (the study's ``[topics]`` table, ``secnews topics``).

    ``None`` for a model setting means the engine's own default (see
    :class:`~secnews.analysis.topics.model.TopicSettings`).
    """

    table = "topics"

    k: tuple[int, ...] = setting((10, 20, 30), "number(s) of topics, e.g. 5,10,20,30")
    seeds: int = setting(3, "seeds per K for model selection (seed, seed+1, ...)")
    engine: str = setting(
        TopicSettings.engine,
        "topic model engine: tomotopy (collapsed Gibbs sampling, chosen by measured topic "
        "quality), gensim (online variational Bayes), gensim-multicore, sklearn-lda (batch "
        "variational Bayes), sklearn-nmf (NMF on tf-idf)",
    )
    gibbs_iterations: int | None = setting(
        None,
        f"tomotopy: Gibbs sweeps over the corpus (default {TopicSettings.gibbs_iterations}); "
        "ignored by the other engines",
    )
    gibbs_tolerance: float | None = setting(
        None,
        "tomotopy: stop once the log-likelihood per word rose by less than this (nats) over "
        f"gibbs_window sweeps (default {TopicSettings.gibbs_tolerance}; 0: only when it no longer "
        "rises); at most gibbs_iterations sweeps; ignored by the other engines",
    )
    gibbs_window: int | None = setting(
        None,
        f"tomotopy: sweeps between convergence checks (default {TopicSettings.gibbs_window}); "
        "ignored by the other engines",
    )
    gibbs_threads: int | None = setting(
        None,
        f"tomotopy: sampling threads (default {TopicSettings.gibbs_threads}; tomotopy's PARTITION "
        "scheme; reproducible for a seed and this number, whatever the cores); ignored by the "
        "other engines",
    )
    passes: int | None = setting(
        None,
        "gensim: passes over the corpus (default 10); sklearn-lda: batch EM iterations (default "
        "50); ignored by tomotopy and sklearn-nmf",
    )
    iterations: int | None = setting(
        None, "gensim: maximum E-step iterations per document; ignored by the other engines"
    )
    chunksize: int | None = setting(
        None, "gensim: documents per online update (cut into equal chunks); ignored by the others"
    )
    alpha: float | str | None = setting(
        None,
        "document-topic prior: a number for every engine (tomotopy learns it from there); gensim "
        "also auto, symmetric, asymmetric; default: each engine's own",
    )
    eta: float | None = setting(None, "topic-word prior (default: each engine's own)")
    topn: int | None = setting(None, "top terms per topic for coherence")
    workers: int | None = setting(
        None, "processes per fit (-1: one per core; results do not depend on it)"
    )
    jobs: int = setting(-1, "processes for the K x seed grid (-1: one per core)")
    heldout: float = setting(0.1, "held-out share of documents for perplexity")
    grid_docs: int = setting(
        MAX_FIT_DOCS or 0,
        "most training documents each fit of the K x seed grid is trained on: with more, every "
        "fit of the grid uses the same seeded sample of this many (coherence and perplexity are "
        "scored as usual; the final model is fitted on all training documents); 0: all",
    )
    n_boot: int = setting(1000, "bootstrap replicates of the prevalence intervals")
    period: str = setting("month", "period of prevalence over time: week, month, quarter, year")
    event_date: str = setting("2022-02-24", "date of the before/after comparison (YYYY-MM-DD)")
    title: str = setting("Topic map", "title of the topic map")
    coherence_counting: Literal["gensim", "definition"] = setting(
        "gensim",
        "coherence windows counted as gensim does (comparable with published numbers) or by the "
        "definition",
    )
    frex_shrinkage: bool = setting(True, "shrink FREX exclusivity as stm's labelTopics does")
    preprocess: Mapping[str, Any] | None = setting(None, "preprocessing settings (a sub-table)")

    def check(self) -> None:
        """Known engine; positive K and counts; a period, a date, preprocessing keys."""
        from secnews.analysis.topics._base import ENGINES

        if self.engine not in ENGINES:
            raise SettingsError(
                f"{self._key('engine')} = {self.engine!r}; allowed: {', '.join(ENGINES)}"
            )
        if not self.k or min(self.k) < 1:
            raise SettingsError(f"{self._key('k')} = {list(self.k)}: positive integers")
        positive = (
            "seeds",
            "n_boot",
            "gibbs_iterations",
            "gibbs_window",
            "gibbs_threads",
            "passes",
            "iterations",
            "chunksize",
        )
        for name in (*positive, "topn"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise SettingsError(f"{self._key(name)} = {value} must be >= 1")
        if self.gibbs_tolerance is not None and self.gibbs_tolerance < 0:
            raise SettingsError(
                f"{self._key('gibbs_tolerance')} = {self.gibbs_tolerance} must be >= 0"
            )
        if self.grid_docs < 0:
            raise SettingsError(f"{self._key('grid_docs')} = {self.grid_docs} must be >= 0")
        if not 0 <= self.heldout < 1:
            raise SettingsError(f"{self._key('heldout')} = {self.heldout} must be in [0, 1)")
        if isinstance(self.alpha, str) and self.alpha not in ("auto", "symmetric", "asymmetric"):
            raise SettingsError(
                f"{self._key('alpha')} = {self.alpha!r}; allowed: auto, symmetric, asymmetric "
                "or a number"
            )
        check_period(
            self.period, allowed=("week", "month", "quarter", "year"), key=self._key("period")
        )
        object.__setattr__(
            self, "event_date", check_date(self.event_date, key=self._key("event_date"))
        )
        self.preprocess_settings()

    def preprocess_settings(self) -> Any:
        """The :class:`~secnews.analysis.preprocess.settings.PreprocessSettings` of the step."""
        from secnews.analysis.preprocess.settings import PreprocessSettings

        values = dict(self.preprocess or {})
        valid = [f.name for f in fields(PreprocessSettings)]
        unknown = sorted(set(values) - set(valid))
        if unknown:
            raise SettingsError(
                f"[topics.preprocess] unknown setting(s) {unknown}; valid: {', '.join(valid)}"
            )
        try:
            return PreprocessSettings(**values)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"[topics.preprocess] {exc}") from None

    def run_settings(self, *, seed: int) -> TopicRunSettings:
        """The settings of :func:`run_topics` for a study seed."""
        seeds = tuple(range(seed, seed + max(self.seeds, 1)))
        model_kwargs: dict[str, Any] = {"k": self.k[0], "random_state": seed, "engine": self.engine}
        names = (
            "gibbs_iterations",
            "gibbs_tolerance",
            "gibbs_window",
            "gibbs_threads",
            "passes",
            "iterations",
            "chunksize",
            "workers",
            "topn",
        )
        for name in (*names, "alpha", "eta"):
            if getattr(self, name) is not None:
                model_kwargs[name] = getattr(self, name)
        selection = None
        if len(self.k) > 1 or self.seeds > 1:
            selection = SelectionSettings(
                ks=self.k,
                seeds=seeds,
                heldout_fraction=self.heldout,
                random_state=seed,
                max_fit_docs=self.grid_docs or None,
            )
        return TopicRunSettings(
            model=TopicSettings(**model_kwargs),
            selection=selection,
            n_boot=self.n_boot,
            period=pandas_freq(self.period),
            event_date=self.event_date,
            map_title=self.title,
            coherence_counting=self.coherence_counting,
            frex_shrinkage=self.frex_shrinkage,
        )


def run_topics_step(
    corpus_dir: str | Path,
    out_dir: str | Path,
    *,
    settings: TopicsSettings | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Run the topics step on a corpus folder: preprocessing, the K x seed grid, the final model
    and every table, figure and the topic map (see :func:`run_topics`).

    Returns
    -------
    dict
        The manifest that was written.
    """
    from secnews.analysis.preprocess.core import preprocess
    from secnews.corpus import open_corpus

    settings = settings or TopicsSettings()
    corpus = open_corpus(corpus_dir)
    pre = preprocess(corpus, settings=settings.preprocess_settings())
    inputs = inputs_from_preprocessed(pre)
    documents = corpus.frame(["doc_id", "outlet", "published", "title", "meta"])
    provenance = {
        "corpus": {
            "path": str(corpus.path),
            "corpus_hash": corpus.corpus_hash,
            "n_documents": len(corpus),
        }
    }
    return run_topics(
        inputs,
        documents,
        out_dir,
        settings=settings.run_settings(seed=seed),
        provenance=provenance,
        n_jobs=settings.jobs,
    )


@dataclass(frozen=True)
class FittedTopics:
    """A topic model fitted on a corpus, with its results as DataFrames.

    Attributes
    ----------
    model
        The fitted :class:`~secnews.analysis.topics.model.TopicModel`.
    terms
        ``topic, rank, term, weight``: the most probable terms of each topic.
    labels
        One row per topic: top terms by probability, FREX and relevance, and a short label.
    doc_topics
        ``doc_id`` plus one column of topic shares per topic.
    """

    model: TopicModel
    terms: pd.DataFrame
    labels: pd.DataFrame
    doc_topics: pd.DataFrame


def fit_topics(
    corpus: Any,
    *,
    k: int = 10,
    random_state: int = 0,
    preprocess: Mapping[str, Any] | None = None,
    topn: int = 10,
) -> FittedTopics:
    """Fit one topic model on a corpus with the topics step's preprocessing and model defaults.

    Parameters
    ----------
    corpus
        A corpus from :func:`secnews.corpus.open_corpus` (duplicates left out).
    k
        Number of topics.
    random_state
        Seed of the fit.
    preprocess
        Preprocessing settings (the study's ``[topics.preprocess]`` table; default: the step's).
    topn
        Terms per topic in ``terms``.

    Returns
    -------
    FittedTopics

    Examples
    --------
    >>> from secnews.corpus import open_corpus
    >>> corpus = open_corpus("data/processed/demo/corpus")  # doctest: +SKIP
    >>> fitted = fit_topics(corpus, k=8, random_state=20220224)  # doctest: +SKIP
    >>> fitted.labels[["topic", "label"]]  # doctest: +SKIP
    """
    from secnews.analysis.preprocess.core import preprocess as run_preprocess

    step = TopicsSettings(k=(k,), seeds=1, preprocess=dict(preprocess) if preprocess else None)
    pre = run_preprocess(corpus, settings=step.preprocess_settings())
    inputs = inputs_from_preprocessed(pre)
    model = TopicModel(step.run_settings(seed=random_state).model).fit(
        inputs.bow, inputs.vocabulary
    )
    topic_word = model.topic_word_
    frequency = np.asarray(as_csr(inputs.bow).sum(axis=0)).ravel()
    return FittedTopics(
        model=model,
        terms=top_terms(topic_word, inputs.vocabulary, topn=topn),
        labels=topic_labels(topic_word, inputs.vocabulary, frequency, topn=topn),
        doc_topics=doc_topic_frame(model.transform(inputs.bow), inputs.doc_ids),
    )
