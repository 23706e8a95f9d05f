"""Choosing the number of topics: a K x seed grid scored by coherence, held-out perplexity,
topic diversity and seed stability, and a documented rule that recommends one K.

* Coherence (c_npmi, c_v, u_mass) is gensim's, computed by :mod:`secnews.analysis.topics.coherence`
  on the full corpus with the counts cached across the whole grid.
* The grid's fits are trained on the training documents, or on a seeded sample of at most
  ``SelectionSettings.max_fit_docs`` of them (:func:`grid_fit_documents`), the same sample for
  every K and seed; scoring is the same either way.
* Held-out perplexity uses one fixed split of documents (``SelectionSettings.random_state``) for
  every K and seed; the models are trained on the rest. It is the document-completion estimate
  (Wallach et al. 2009): each held-out document's tokens are split at random in two halves, the
  topic proportions are inferred from the first and the second is scored,
  ``exp(-sum log p(w) / n_tokens)`` with ``p(w) = sum_k theta_k phi_kw``.
* Diversity (Dieng et al. 2020): share of unique terms among the top 25 terms of all topics.
* Topic quality (Dieng et al. 2020): c_npmi times diversity; the recommendation rule
  (:func:`recommend_k`) takes the K with the highest mean quality.
* Stability: the topics of two runs are matched one-to-one with the Hungarian method
  (``scipy.optimize.linear_sum_assignment``) on their Jensen-Shannon distances (base 2, in
  [0, 1]); a matched pair's similarity is ``1 - distance``. A run's stability is the mean matched
  similarity against every other seed with the same K.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from secnews.analysis.topics.coherence import CoherenceScorer
from secnews.analysis.topics.model import TopicModel, TopicSettings, as_csr
from secnews.analysis.workers import limit_blas_threads, n_processes, process_pool

__all__ = [
    "SELECTION_COLUMNS",
    "SelectionResult",
    "SelectionSettings",
    "grid_edge",
    "grid_fit_documents",
    "grid_fit_note",
    "heldout_perplexity",
    "js_distance_matrix",
    "match_topics",
    "recommend_k",
    "representative_seed",
    "run_selection",
    "split_heldout",
    "stability_table",
    "topic_diversity",
]

logger = logging.getLogger(__name__)

SELECTION_COLUMNS = [
    "k",
    "seed",
    "quality",
    "c_npmi",
    "c_v",
    "u_mass",
    "perplexity",
    "diversity",
    "stability",
    "fit_docs",
    "sweeps",
]

#: Default of :attr:`SelectionSettings.max_fit_docs`: None, every fit on all training documents
#: (a sample of 4,000 UN speeches changed the recommended K: ``benchmarks/topics.md``).
MAX_FIT_DOCS: int | None = None


@dataclass(frozen=True)
class SelectionSettings:
    """Settings of a model-selection grid.

    Attributes
    ----------
    ks : tuple of int
        Numbers of topics to try.
    seeds : tuple of int
        Seeds per K (``random_state`` of each fit).
    heldout_fraction : float
        Share of documents kept out of training for perplexity.
    coherence_topn : int
        Top words per topic for coherence (gensim's default, 20).
    diversity_topn : int
        Top words per topic for diversity (25, as Dieng et al.).
    random_state : int
        Seed of the held-out split and of the document-completion halves.
    se_multiplier : float
        Recommendation rule (:func:`recommend_k`): K values whose mean topic quality is within
        this many standard errors of the best are named in the reason as not separated from it.
    measures : tuple of str
        Coherence measures scored for every fit.
    max_fit_docs : int or None
        Most training documents a fit of the grid is trained on (default
        :data:`MAX_FIT_DOCS`). With more training documents, every fit of the grid (each K and
        seed) is trained on the same sample of this many, drawn without replacement with
        ``random_state`` (:func:`grid_fit_documents`); coherence is still scored on the whole
        corpus and perplexity on the held-out documents. It bounds the grid's cost, which grows
        with the tokens sampled; the final model of the topics step is fitted on all training
        documents whatever this is. None: every fit on all training documents.
    """

    ks: tuple[int, ...] = (10, 20, 30, 40, 50)
    seeds: tuple[int, ...] = (0, 1, 2)
    heldout_fraction: float = 0.1
    coherence_topn: int = 20
    diversity_topn: int = 25
    random_state: int = 0
    se_multiplier: float = 1.0
    measures: tuple[str, ...] = field(default=("c_npmi", "c_v", "u_mass"))
    max_fit_docs: int | None = MAX_FIT_DOCS

    def __post_init__(self) -> None:
        if not self.ks or min(self.ks) < 1:
            raise ValueError(f"ks must be positive integers, got {self.ks}")
        if not self.seeds:
            raise ValueError("at least one seed is needed")
        if not 0.0 <= self.heldout_fraction < 1.0:
            raise ValueError(f"heldout_fraction must be in [0, 1), got {self.heldout_fraction}")
        if self.max_fit_docs is not None and self.max_fit_docs < 1:
            raise ValueError(f"max_fit_docs must be >= 1 or None, got {self.max_fit_docs}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a JSON manifest."""
        return asdict(self)


def split_heldout(
    n_docs: int, *, fraction: float, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split document positions into sorted ``(train, heldout)`` index arrays."""
    rng = np.random.default_rng(random_state)
    n_test = round(n_docs * fraction)
    if n_docs - n_test < 1:
        raise ValueError("the held-out fraction leaves no training documents")
    test = (
        np.sort(rng.choice(n_docs, size=n_test, replace=False)) if n_test else np.zeros(0, np.int64)
    )
    mask = np.ones(n_docs, dtype=bool)
    mask[test] = False
    return np.flatnonzero(mask), test.astype(np.int64)


def grid_fit_documents(train: np.ndarray, *, max_docs: int | None, random_state: int) -> np.ndarray:
    """The training documents the grid's fits are trained on: all of ``train`` when there are at
    most ``max_docs`` (or ``max_docs`` is None), else a sorted sample of ``max_docs`` of them
    without replacement, drawn from ``numpy.random.default_rng([random_state, 1])`` (a stream
    apart from the held-out split's, so the same seed gives the same sample)."""
    train = np.asarray(train, dtype=np.int64)
    if max_docs is None or train.size <= max_docs:
        return train
    rng = np.random.default_rng([random_state, 1])
    return train[np.sort(rng.choice(train.size, size=max_docs, replace=False))]


def _split_tokens(bow: sp.csr_matrix, random_state: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split every document's token counts at random into two halves (binomial, p = 0.5)."""
    rng = np.random.default_rng(random_state)
    matrix = sp.csr_matrix(bow)
    matrix.sum_duplicates()
    data = matrix.data.astype(np.int64)
    first = rng.binomial(data, 0.5)
    # Own copies of the index arrays: eliminate_zeros works in place and must not touch ``bow``.
    a = sp.csr_matrix((first, matrix.indices.copy(), matrix.indptr.copy()), shape=bow.shape)
    b = sp.csr_matrix((data - first, matrix.indices.copy(), matrix.indptr.copy()), shape=bow.shape)
    a.eliminate_zeros()
    b.eliminate_zeros()
    return a, b


def heldout_perplexity(model: TopicModel, bow: Any, *, random_state: int) -> float:
    """Document-completion perplexity of held-out documents (lower is better).

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    bow : sparse matrix
        Held-out documents x terms counts (same vocabulary as the model).
    random_state : int
        Seed of the split of each document into an observed and a scored half.
    """
    matrix = as_csr(bow, n_terms=len(model.vocabulary_))
    observed, scored = _split_tokens(matrix, random_state)
    keep = (np.asarray(observed.sum(axis=1)).ravel() > 0) & (
        np.asarray(scored.sum(axis=1)).ravel() > 0
    )
    if not keep.any():
        return float("nan")
    theta = model.transform(observed[keep])
    scored = scored[keep].tocoo()
    phi = model.topic_word_
    # p(w | d) for the scored tokens only, in chunks to bound memory.
    loglik = 0.0
    step = 200_000
    for start in range(0, scored.nnz, step):
        rows, cols = scored.row[start : start + step], scored.col[start : start + step]
        prob = np.einsum("nk,kn->n", theta[rows], phi[:, cols])
        loglik += float(
            np.sum(scored.data[start : start + step] * np.log(np.maximum(prob, 1e-300)))
        )
    return float(np.exp(-loglik / scored.data.sum()))


def topic_diversity(topic_word: np.ndarray, *, topn: int = 25) -> float:
    """Share of unique terms among the ``topn`` most probable terms of all topics."""
    order = np.argsort(-np.asarray(topic_word), axis=1, kind="stable")[:, :topn]
    return float(np.unique(order).size / order.size)


def js_distance_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distances (base 2, in [0, 1]) between the rows of ``a`` and of ``b``."""
    p = np.asarray(a, dtype=np.float64)
    q = np.asarray(b, dtype=np.float64)
    p = p / p.sum(axis=1, keepdims=True)
    q = q / q.sum(axis=1, keepdims=True)

    def plogp(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, x * np.log2(np.where(x > 0, x, 1.0)), 0.0)

    out = np.empty((p.shape[0], q.shape[0]))
    hp = plogp(p).sum(axis=1)
    hq = plogp(q).sum(axis=1)
    for i in range(p.shape[0]):
        m = 0.5 * (p[i] + q)
        out[i] = 0.5 * (hp[i] + hq) - plogp(m).sum(axis=1)
    return np.sqrt(np.clip(out, 0.0, 1.0))


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics of run ``b`` to those of run ``a`` (Hungarian method).

    Returns
    -------
    match : numpy.ndarray
        ``match[i]`` is the topic of ``b`` paired with topic ``i`` of ``a``.
    similarity : numpy.ndarray
        ``1 - JS distance`` of each matched pair.
    """
    dist = js_distance_matrix(a, b)
    rows, cols = linear_sum_assignment(dist)
    match = np.empty(dist.shape[0], dtype=np.int64)
    match[rows] = cols
    return match, 1.0 - dist[rows, cols]


def stability_table(runs: Sequence[tuple[int, np.ndarray]]) -> pd.DataFrame:
    """Per-topic stability of each run against all other runs with the same K.

    Parameters
    ----------
    runs : sequence of (seed, topic_word)
        Runs of one K.

    Returns
    -------
    pandas.DataFrame
        ``seed, topic, stability`` (mean matched similarity of the topic across the other runs;
        NaN with a single run).
    """
    records: list[dict[str, Any]] = []
    for i, (seed, tw) in enumerate(runs):
        sims = [match_topics(tw, other)[1] for j, (_, other) in enumerate(runs) if j != i]
        per_topic = np.mean(sims, axis=0) if sims else np.full(tw.shape[0], np.nan)
        records.extend(
            {"seed": seed, "topic": t, "stability": float(v)} for t, v in enumerate(per_topic)
        )
    return pd.DataFrame.from_records(records, columns=["seed", "topic", "stability"])


@dataclass
class SelectionResult:
    """Outputs of :func:`run_selection`."""

    table: pd.DataFrame
    topic_stability: pd.DataFrame
    recommended_k: int
    reason: str
    topic_words: dict[tuple[int, int], np.ndarray]
    #: Positions of the training documents (the rest were held out for perplexity).
    train_index: np.ndarray
    #: Positions of the documents the grid's fits were trained on (``train_index`` or a sample
    #: of it: :attr:`SelectionSettings.max_fit_docs`).
    fit_index: np.ndarray


@dataclass(frozen=True)
class _GridJob:
    """What every fit of a grid shares (inherited by forked workers, pickled for spawned ones)."""

    train_bow: sp.csr_matrix
    test_bow: sp.csr_matrix
    vocabulary: list[str]
    model_settings: TopicSettings
    settings: SelectionSettings


_WORKER_JOB: list[_GridJob] = []


def _init_worker(job: _GridJob) -> None:
    limit_blas_threads()
    _WORKER_JOB[:] = [job]


def _fit_point(job: _GridJob, k: int, seed: int) -> tuple[dict[str, Any], np.ndarray]:
    """Fit one (K, seed) and score what needs the model (perplexity, diversity)."""
    started = time.perf_counter()
    # One process per fit: the grid's parallelism is across fits.
    settings = job.model_settings.replace(k=k, random_state=seed, workers=1)
    model = TopicModel(settings).fit(job.train_bow, job.vocabulary)
    logger.info("K=%d seed=%d fitted in %.1f s", k, seed, time.perf_counter() - started)
    perplexity = (
        heldout_perplexity(model, job.test_bow, random_state=job.settings.random_state)
        if job.test_bow.shape[0]
        else np.nan
    )
    row = {
        "k": k,
        "seed": seed,
        "perplexity": perplexity,
        "diversity": topic_diversity(model.topic_word_, topn=job.settings.diversity_topn),
        "fit_docs": job.train_bow.shape[0],
        "sweeps": model.fit_trace_[-1][0] if model.fit_trace_ else np.nan,
    }
    return row, model.topic_word_


def _fit_in_worker(k: int, seed: int) -> tuple[dict[str, Any], np.ndarray]:
    return _fit_point(_WORKER_JOB[0], k, seed)


def _grid_processes(model_settings: TopicSettings, n_jobs: int) -> int:
    """Processes for the fits of a grid: ``n_jobs`` as given, or with ``-1`` one per core
    divided by the sampling threads of each fit (tomotopy's ``gibbs_threads``), so that the
    grid does not start more threads than there are cores."""
    if n_jobs > 0:
        return n_jobs
    threads = model_settings.gibbs_threads if model_settings.engine == "tomotopy" else 1
    return max(1, n_processes(n_jobs) // threads)


def _fit_grid(
    job: _GridJob, grid: list[tuple[int, int]], *, n_jobs: int
) -> Iterator[tuple[dict[str, Any], np.ndarray]]:
    """Yield the fit of every grid point, in completion order; the largest K start first so
    that the workers finish together."""
    from tqdm.auto import tqdm

    workers = min(_grid_processes(job.model_settings, n_jobs), len(grid))
    progress = tqdm(total=len(grid), desc="topic grid", disable=None)
    if workers <= 1:
        for k, seed in grid:
            yield _fit_point(job, k, seed)
            progress.update()
        progress.close()
        return
    if job.model_settings.engine == "gensim":
        from secnews.analysis.topics.estep import compile_kernel

        compile_kernel()  # once, here: forked workers inherit the compiled E-step
    order = sorted(grid, key=lambda point: (-point[0], point[1]))
    with process_pool(workers, initializer=_init_worker, initargs=(job,)) as pool:
        futures = [pool.submit(_fit_in_worker, k, seed) for k, seed in order]
        for future in as_completed(futures):
            yield future.result()
            progress.update()
    progress.close()


def run_selection(
    bow: Any,
    vocabulary: Sequence[str],
    *,
    scorer: CoherenceScorer,
    settings: SelectionSettings,
    model_settings: TopicSettings,
    n_jobs: int = -1,
) -> SelectionResult:
    """Fit every (K, seed) of the grid and score it.

    The fits run in ``n_jobs`` worker processes, each fit in one process (``workers=1``; a
    tomotopy fit keeps its ``gibbs_threads`` sampling threads). Each fit is independent and
    deterministic, so the results do not depend on ``n_jobs``.

    Parameters
    ----------
    bow : sparse matrix
        Documents x terms counts of the whole corpus.
    vocabulary : sequence of str
        Term of each column.
    scorer : CoherenceScorer
        Built on the same corpus (texts for window measures, ``bow`` for u_mass).
    settings : SelectionSettings
        The grid.
    model_settings : TopicSettings
        Settings of each fit; ``k`` and ``random_state`` are replaced by the grid's.
    n_jobs : int
        Worker processes for the fits (``1``: fit in this process; ``-1``: one per core, divided
        by tomotopy's ``gibbs_threads`` per fit).
    """
    matrix = as_csr(bow, n_terms=len(vocabulary))
    train, test = split_heldout(
        matrix.shape[0], fraction=settings.heldout_fraction, random_state=settings.random_state
    )
    fit = grid_fit_documents(
        train, max_docs=settings.max_fit_docs, random_state=settings.random_state
    )
    if fit.size < train.size:
        logger.info(
            "topic grid: every fit on a sample of %d of the %d training documents "
            "(max_fit_docs, seed %d)",
            fit.size,
            train.size,
            settings.random_state,
        )
    grid = [(k, s) for k in settings.ks for s in settings.seeds]
    job = _GridJob(matrix[fit], matrix[test], list(vocabulary), model_settings, settings)
    fitted = {(row["k"], row["seed"]): (row, tw) for row, tw in _fit_grid(job, grid, n_jobs=n_jobs)}
    # Grid order from here on, whatever order the workers finished in.
    rows = [fitted[point][0] for point in grid]
    topic_words = {point: fitted[point][1] for point in grid}
    tops = {key: _top_ids(tw, settings.coherence_topn) for key, tw in topic_words.items()}
    scorer.prepare(np.concatenate([np.concatenate(t) for t in tops.values()]), settings.measures)
    for row in rows:
        for measure in settings.measures:
            row[measure] = float(
                np.mean(scorer.score(tops[(row["k"], row["seed"])], measure=measure))
            )
    stab = []
    for k in settings.ks:
        part = stability_table([(s, topic_words[(k, s)]) for s in settings.seeds])
        stab.append(part.assign(k=k))
    topic_stability = pd.concat(stab, ignore_index=True)[["k", "seed", "topic", "stability"]]
    mean_stab = topic_stability.groupby(["k", "seed"])["stability"].mean()
    for row in rows:
        row["stability"] = float(mean_stab.loc[(row["k"], row["seed"])])
    table = pd.DataFrame.from_records(rows)
    for measure in ("c_npmi", "c_v", "u_mass"):
        if measure not in table:
            table[measure] = np.nan
    table["quality"] = table["c_npmi"] * table["diversity"]
    table = (
        table[SELECTION_COLUMNS].sort_values(["k", "seed"], kind="stable").reset_index(drop=True)
    )
    k_best, reason = recommend_k(table, se_multiplier=settings.se_multiplier)
    return SelectionResult(table, topic_stability, k_best, reason, topic_words, train, fit)


def representative_seed(table: pd.DataFrame, k: int) -> tuple[int, str]:
    """The seed of the most representative run of ``k`` in a selection table, and why.

    Rule: the run with the highest mean stability, i.e. whose topics match the other seeds'
    topics best; ties (always the case with two seeds) go to the seed listed first. The rule
    never looks at coherence, so the chosen run's coherence is not the best of several draws.
    """
    rows = table[table["k"] == k].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"K={k} is not in the selection table")
    stability = rows["stability"].fillna(-np.inf).to_numpy()
    # Within float rounding counts as a tie: with two seeds, A-vs-B and B-vs-A are the same
    # matching summed in a different order.
    top = stability >= stability.max() - 1e-9
    best = int(np.flatnonzero(top)[0])
    seed = int(rows["seed"].to_numpy()[best])
    best_stability = float(stability[best])
    if len(rows) == 1:
        return seed, f"seed {seed}, the only run of K={k}"
    tied = int(top.sum())
    how = "first seed of the tied runs" if tied > 1 else "highest mean stability"
    return seed, (
        f"seed {seed}, the run of K={k} whose topics best match the other seeds' "
        f"({how}; stability {best_stability:.3f})"
    )


def _top_ids(topic_word: np.ndarray, topn: int) -> list[np.ndarray]:
    order = np.argsort(-topic_word, axis=1, kind="stable")[:, :topn]
    return [row.astype(np.int64) for row in order]


def _by_k(series: pd.Series) -> dict[int, float]:
    return {int(k): float(v) for k, v in zip(series.index.tolist(), series.tolist(), strict=True)}


def grid_edge(ks: Sequence[int], k: int) -> tuple[str | None, list[int]]:
    """Whether ``k`` is the smallest (``"lower"``) or largest (``"upper"``) value of a grid of
    several K, and the next values to try beyond it (the grid's step at that edge)."""
    grid = sorted(set(int(x) for x in ks))
    if len(grid) < 2 or grid[0] < k < grid[-1] or k not in grid:
        return None, []
    if k == grid[0]:
        step = grid[1] - grid[0]
        return "lower", [v for v in (k - step, k - 2 * step) if v >= 2]
    step = grid[-1] - grid[-2]
    return "upper", [k + step, k + 2 * step]


def recommend_k(table: pd.DataFrame, *, se_multiplier: float = 1.0) -> tuple[int, str]:
    """Recommend a K from a selection table, and say why.

    Rule: the K with the highest *topic quality* averaged over seeds, where a run's quality is
    its mean c_npmi times its topic diversity (Dieng, Ruiz and Blei 2020). Coherence alone
    rewards splitting a topic into near-copies that share their top words, and stability falls
    with K by construction, so either alone drifts to the largest or the smallest K; diversity
    penalises the copies. K whose mean quality is within ``se_multiplier`` standard errors
    (over seeds) of the best are reported as not separated from it by the data; stability is
    reported, never used to choose. When the recommended K is at the edge of the grid, the
    reason says so and names the next values to try.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [5, 5, 8, 8], "seed": [0, 1, 0, 1],
    ...     "c_npmi": [0.15, 0.15, 0.17, 0.17], "diversity": [1.0, 1.0, 0.65, 0.65],
    ...     "stability": [0.98, 0.98, 0.72, 0.72]})
    >>> recommend_k(table)[0]
    5
    """
    if table.empty:
        raise ValueError("empty selection table")
    scored = table.assign(quality=table["c_npmi"] * table["diversity"])
    agg = scored.groupby("k").agg(
        quality=("quality", "mean"),
        se=("quality", lambda s: float(s.std(ddof=1) / np.sqrt(len(s))) if len(s) > 1 else 0.0),
        c_npmi=("c_npmi", "mean"),
        stability=("stability", "mean"),
        diversity=("diversity", "mean"),
    )
    agg["se"] = agg["se"].fillna(0.0)
    quality = _by_k(agg["quality"])
    if not any(np.isfinite(v) for v in quality.values()):
        raise ValueError("no K has a finite c_npmi and diversity")
    k = max(quality, key=lambda key: (np.nan_to_num(quality[key], nan=-np.inf), -key))
    best, se = quality[k], _by_k(agg["se"])[k]
    npmi, div, stab = (_by_k(agg[name])[k] for name in ("c_npmi", "diversity", "stability"))
    tied = sorted(key for key, v in quality.items() if key != k and v >= best - se_multiplier * se)
    reason = (
        f"K={k}: the highest mean topic quality, c_npmi x diversity ({best:.4f}, SE {se:.4f}; "
        f"c_npmi {npmi:.4f}, diversity {div:.3f}, stability {stab:.3f})."
    )
    if tied:
        reason += (
            f" {_k_list(tied)} {'is' if len(tied) == 1 else 'are'} within {se_multiplier:g} SE "
            "of it, so the data do not clearly separate them."
        )
    edge, nxt = grid_edge(list(quality), k)
    if edge is not None:
        side = "smallest" if edge == "lower" else "largest"
        reason += (
            f" K={k} is the {side} value of the grid, so the best K may lie beyond it: "
            f"try also {', '.join(str(x) for x in nxt)}."
        )
    return k, reason


def _k_list(ks: Sequence[int]) -> str:
    names = [f"K={x}" for x in ks]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def grid_fit_note(result: SelectionResult, selection: SelectionSettings) -> dict[str, Any]:
    """What the grid's fits were trained on, for a step's manifest."""
    sampled = result.fit_index.size < result.train_index.size
    return {
        "n_documents": int(result.fit_index.size),
        "n_training_documents": int(result.train_index.size),
        "max_fit_docs": selection.max_fit_docs,
        "sample": (
            f"every fit of the grid on the same sample of {result.fit_index.size} of the "
            f"{result.train_index.size} training documents (max_fit_docs, seed "
            f"{selection.random_state})"
            if sampled
            else "every fit of the grid on all training documents"
        ),
        "gibbs_sweeps": sorted({int(x) for x in result.table["sweeps"].dropna()}),
    }
