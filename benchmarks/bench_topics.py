"""Benchmark of the topic models: labelled Reuters-21578 stories (the default) and the UN General
Debate corpus (10,952 speeches) at K=50 (``--corpus un``).

Reuters (``--corpus reuters``, the default): the single-topic stories of the ``--labels`` (8)
largest editorial topics, K = number of topics, in two held-apart parts: ``choose`` (the
LEWISSPLIT TRAIN and NOT-USED stories, on which the default was chosen) and ``confirm`` (the
TEST stories, looked at after the choice). On one bag of words per part (secnews' preprocessing),
every engine of ``--labelled-engines`` is fitted with each seed in its own child process:
``default`` (:class:`TopicSettings` defaults), ``sklearn-lda`` (batch VB, max_iter 50),
``sklearn-nmf`` (NMF on tf-idf), ``tomotopy-1000`` (tomotopy's priors, 1,000 sweeps, one thread: the former default),
``gensim-plain`` (``LdaModel`` defaults) and ``gensim-online`` (secnews' gensim engine). Printed
per fit and as means over seeds: wall time of the fit, peak resident memory of the process,
c_npmi of the top 20 terms (gensim's window counting), and NMI and ARI between each document's
main topic and its editorial label.

UN:

Side by side, each in its own child process (so peak memory is per engine): the default engine
(:class:`secnews.analysis.topics.model.TopicSettings` defaults), plain gensim ``LdaModel`` defaults
(one pass, symmetric alpha) and tomotopy (collapsed Gibbs, 2 workers, if installed). For each:
wall time of the fit, peak resident memory of the process, and c_npmi of the top-20 words
(window 10, computed by :mod:`secnews.analysis.topics.coherence`). The default engine and tomotopy also
report c_npmi at intermediate passes/iterations (time-to-quality curves; the evaluation time is
excluded from their clocks). Every engine runs with each of ``--seeds`` (default 0, 1, 2): the
c_npmi of one seed varies by several thousandths, so the race "default engine vs tomotopy" is
printed per seed and on the mean curves of the seeds.

Gibbs sampling on UN (``--corpus un --task gibbs-curve [--workers 2] [--seeds 0,1,2]``): one
tomotopy model of the default engine per seed, trained in blocks of 10 sweeps; CPU and wall
seconds, log-likelihood per word every 10 sweeps, c_npmi at each of ``--checkpoints``, and where
the convergence rule (``gibbs_tolerance`` per 50 sweeps) would stop for several tolerances.
``--task gibbs-threads``: one thread against two (``PARTITION``) for ``--sweeps`` sweeps, and
whether two two-thread runs of a seed are identical. The table is in ``benchmarks/topics.md``.

Coherence: the fast implementation against gensim ``CoherenceModel`` on the same topics (value
difference and time). Grid: the selection grid K in 10..50 x 3 seeds (``--grid``), each fit on
at most ``--grid-docs`` training documents (default: ``SelectionSettings.max_fit_docs``; 0: all).

The shared preprocessing of the corpus is cached in ``--cache`` (default
``/tmp/secnews-bench-topics``). Run ``python -m benchmarks.bench_topics [--grid] [--gensim-coherence]``.
Timings on a shared machine are pessimistic.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_CACHE = Path("/tmp/secnews-bench-topics")


def _tomotopy_1000() -> Any:
    """The peer ``tomotopy-1000``: 1,000 sweeps, one thread, no convergence stop (the former
    default)."""
    from secnews.analysis.topics.model import TopicSettings

    return TopicSettings(
        engine="tomotopy",
        gibbs_iterations=1000,
        gibbs_tolerance=None,
        gibbs_threads=1,
        alpha=0.1,
        eta=0.01,
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the E-step workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _preprocessed(cache: Path) -> Any:
    from benchmarks.bench_preprocess import TxtFolderCorpus, un_files
    from secnews.analysis.preprocess.core import PreprocessSettings, preprocess

    corpus = TxtFolderCorpus(un_files(), Path("."))
    return preprocess(corpus, settings=PreprocessSettings(n_jobs=2), cache_dir=cache)


def _inputs(cache: Path) -> tuple[Any, Any, Any]:
    from secnews.analysis.steps.topics import inputs_from_preprocessed
    from secnews.analysis.topics.coherence import CoherenceScorer, encode_texts

    pre = _preprocessed(cache)
    inputs = inputs_from_preprocessed(pre)
    start = time.perf_counter()
    stream = encode_texts(inputs.texts(), inputs.token2id)
    encode_s = time.perf_counter() - start
    scorer = CoherenceScorer(stream=stream, doc_term=inputs.bow)
    return inputs, scorer, encode_s


def _npmi(scorer: Any, topic_word: np.ndarray) -> float:
    from secnews.analysis.topics.coherence import top_word_ids

    return float(np.mean(scorer.score(top_word_ids(topic_word, 20), measure="c_npmi")))


def default_is_tomotopy_1000() -> bool:
    """Whether the default settings are tomotopy's defaults at 1,000 iterations."""
    from secnews.analysis.topics.model import TopicSettings

    default = TopicSettings(k=8)
    peer = _tomotopy_1000().replace(k=8)
    fields = ("engine", "gibbs_iterations", "gibbs_tolerance", "gibbs_threads")
    return all(getattr(default, f) == getattr(peer, f) for f in fields) and all(
        default.prior(p) == peer.prior(p) for p in ("alpha", "eta")
    )


def default_engine() -> str:
    """The default engine of :class:`TopicSettings`."""
    from secnews.analysis.topics.model import TopicSettings

    return TopicSettings().engine


def task_fit(
    engine: str,
    cache: Path,
    k: int,
    tomotopy_iters: int,
    overrides: dict[str, Any] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit one engine at K with one seed and measure it (run in a child process)."""
    inputs, scorer, _ = _inputs(cache)
    base_mb = _peak_mb()
    curve: list[tuple[float, float]] = []
    start = time.perf_counter()
    cpu_start = _cpu()
    if engine == "default" and default_engine() != "gensim":
        from secnews.analysis.topics.model import TopicModel, TopicSettings

        settings = TopicSettings(k=k, random_state=seed).replace(**(overrides or {}))
        model = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
        wall = time.perf_counter() - start
        cpu = _cpu() - cpu_start
        topic_word = model.topic_word_
        detail = settings.to_dict()
    elif engine in ("default", "gensim-online"):
        from secnews.analysis.topics.model import GensimEngine, TopicSettings

        settings = TopicSettings(k=k, random_state=seed, engine="gensim").replace(
            **(overrides or {})
        )
        clock = {"eval": 0.0, "eval_cpu": 0.0}

        def on_pass(_pass: int, native: Any) -> None:
            t0, c0 = time.perf_counter(), time.process_time()
            value = _npmi(scorer, native.get_topics())
            clock["eval"] += time.perf_counter() - t0
            clock["eval_cpu"] += time.process_time() - c0
            curve.append((time.perf_counter() - start - clock["eval"], value))

        # What TopicModel(settings).fit runs, with a per-pass hook (its time is not counted).
        _native, topic_word, _theta = GensimEngine(on_pass=on_pass).fit(
            inputs.bow, inputs.vocabulary, settings
        )
        wall = time.perf_counter() - start - clock["eval"]
        cpu = _cpu() - cpu_start - clock["eval_cpu"]
        from secnews.analysis.topics.vb import unreachable_terms

        detail = {
            **settings.to_dict(),
            "unreachable_terms": int(unreachable_terms(_native.expElogbeta).size),
        }
    elif engine == "gensim-plain":
        from gensim.matutils import Sparse2Corpus
        from gensim.models import LdaModel

        lda = LdaModel(
            Sparse2Corpus(inputs.bow, documents_columns=False),
            num_topics=k,
            id2word=dict(enumerate(inputs.vocabulary)),
            random_state=seed,
        )
        wall = time.perf_counter() - start
        cpu = _cpu() - cpu_start
        topic_word = lda.get_topics()
        detail = {"passes": 1, "alpha": "symmetric", "chunksize": 2000, "iterations": 50}
    elif engine == "tomotopy":
        import tomotopy as tp

        from secnews.analysis.topics.engines import _tomotopy_words

        mdl = tp.LDAModel(k=k, alpha=0.1, eta=0.01, seed=seed)
        for i in range(inputs.bow.shape[0]):
            words = _tomotopy_words(inputs.bow[i], inputs.vocabulary)
            if words:
                mdl.add_doc(words)
        add_s = time.perf_counter() - start
        train_s = 0.0
        cpu = _cpu() - cpu_start
        step = 50
        for _done in range(step, tomotopy_iters + 1, step):
            t0, c0 = time.perf_counter(), time.process_time()
            mdl.train(step, workers=2, parallel=tp.ParallelScheme.PARTITION)
            train_s += time.perf_counter() - t0
            cpu += time.process_time() - c0
            tw = np.zeros((k, len(inputs.vocabulary)))
            index = {w: j for j, w in enumerate(inputs.vocabulary)}
            cols = np.array([index[w] for w in mdl.used_vocabs])
            for t in range(k):
                tw[t, cols] = mdl.get_topic_word_dist(t)
            curve.append((add_s + train_s, _npmi(scorer, tw)))
        wall = add_s + train_s
        topic_word = tw
        detail = {
            "iterations": tomotopy_iters,
            "workers": 2,
            "parallel": "partition",
            "alpha": 0.1,
            "eta": 0.01,
            "optimize_interval": 10,
        }
    else:
        raise ValueError(engine)
    start_c = time.perf_counter()
    value = _npmi(scorer, topic_word)
    return {
        "engine": engine,
        "k": k,
        "seed": seed,
        "fit_s": round(wall, 1),
        "fit_cpu_s": round(cpu, 1),
        "peak_mb": round(_peak_mb(), 0),
        "peak_mb_before_fit": round(base_mb, 0),
        "c_npmi": round(value, 4),
        "npmi_s": round(time.perf_counter() - start_c, 2),
        "curve": [(round(t, 1), round(v, 4)) for t, v in curve],
        "settings": detail,
        "topics": [
            " ".join(inputs.vocabulary[j] for j in np.argsort(-row)[:8]) for row in topic_word[:6]
        ],
    }


def _tomotopy_model(inputs: Any, k: int, seed: int) -> Any:
    """tomotopy's ``LDAModel`` as the default engine builds it (its priors, secnews' words)."""
    import tomotopy as tp

    from secnews.analysis.topics.engines import _token_lists
    from secnews.analysis.topics.model import TopicSettings

    settings = TopicSettings(k=k, random_state=seed)
    mdl = tp.LDAModel(
        k=k, alpha=float(settings.prior("alpha")), eta=float(settings.prior("eta")), seed=seed
    )
    for words in _token_lists(inputs.bow, inputs.vocabulary):
        if words:
            mdl.add_doc(words)
    return mdl


def _tomotopy_topic_word(mdl: Any, vocabulary: list[str]) -> np.ndarray:
    from secnews.analysis.topics.engines import TomotopyEngine

    return TomotopyEngine._topic_word(mdl, vocabulary)


def rule_stop(trace: list[tuple[int, float]], tolerance: float, window: int) -> int | None:
    """Where :func:`secnews.analysis.topics.engines.train_until_converged` would stop on a
    log-likelihood trace recorded at least every ``window`` sweeps (None: not within it)."""
    at = dict(trace)
    checks = [s for s in range(window, max(at) + 1, window) if s in at]
    for before, after in itertools.pairwise(checks):
        if at[after] - at[before] < tolerance:
            return after
    return None


def task_gibbs_curve(
    cache: Path, k: int, seed: int, workers: int, checkpoints: list[int]
) -> dict[str, Any]:
    """One tomotopy model of the default engine trained in blocks of 10 sweeps with ``workers``
    threads (``PARTITION`` when more than one): CPU and wall seconds, log-likelihood per word
    every 10 sweeps, c_npmi of the top 20 terms at each checkpoint (scoring not timed), and where
    the convergence rule would stop for a few tolerances (window 50)."""
    import tomotopy as tp

    inputs, scorer, _ = _inputs(cache)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    mdl = _tomotopy_model(inputs, k, seed)
    add = {"wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0}
    scheme = tp.ParallelScheme.PARTITION if workers > 1 else tp.ParallelScheme.NONE
    wall, cpu, done = add["wall_s"], add["cpu_s"], 0
    trace: list[tuple[int, float]] = []
    points: list[dict[str, Any]] = []
    while done < max(checkpoints):
        t0, c0 = time.perf_counter(), time.process_time()
        mdl.train(10, workers=workers, parallel=scheme, show_progress=False)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        done += 10
        trace.append((done, round(float(mdl.ll_per_word), 5)))
        if done in checkpoints:
            value = _npmi(scorer, _tomotopy_topic_word(mdl, inputs.vocabulary))
            points.append(
                {
                    "sweeps": done,
                    "cpu_s": round(cpu, 1),
                    "wall_s": round(wall, 1),
                    "ll_per_word": trace[-1][1],
                    "c_npmi": round(value, 4),
                }
            )
            print(json.dumps({"seed": seed, "workers": workers, **points[-1]}), file=sys.stderr)
    return {
        "task": "gibbs-curve",
        "k": k,
        "seed": seed,
        "workers": workers,
        "docs": int(inputs.bow.shape[0]),
        "tokens": int(inputs.bow.sum()),
        "terms": int(inputs.bow.shape[1]),
        "add_docs_cpu_s": round(add["cpu_s"], 1),
        "cpu_s_per_sweep": round((cpu - add["cpu_s"]) / done, 3),
        "load_average": round(os.getloadavg()[0], 1),
        "checkpoints": points,
        "rule_stops": {
            str(tol): rule_stop(trace, tol, 50) for tol in (0.02, 0.01, 0.005, 0.002, 0.001)
        },
        "trace": trace,
    }


def task_gibbs_threads(cache: Path, k: int, seed: int, sweeps: int) -> dict[str, Any]:
    """Seconds of ``sweeps`` sweeps with one thread and with two (``PARTITION``), and whether
    two two-thread runs of one seed give the same topic-word counts."""
    import tomotopy as tp

    inputs, _scorer, _ = _inputs(cache)
    out: dict[str, Any] = {"task": "gibbs-threads", "k": k, "seed": seed, "sweeps": sweeps}
    counts = []
    for run, workers in (("one_thread", 1), ("two_threads", 2), ("two_threads_again", 2)):
        mdl = _tomotopy_model(inputs, k, seed)
        scheme = tp.ParallelScheme.PARTITION if workers > 1 else tp.ParallelScheme.NONE
        t0, c0 = time.perf_counter(), time.process_time()
        mdl.train(sweeps, workers=workers, parallel=scheme, show_progress=False)
        out[run] = {
            "wall_s": round(time.perf_counter() - t0, 1),
            "cpu_s": round(time.process_time() - c0, 1),
            "load_average": round(os.getloadavg()[0], 1),
        }
        counts.append(np.array([mdl.get_topic_word_dist(t, normalize=False) for t in range(k)]))
    out["two_threads_reproducible"] = bool(np.array_equal(counts[1], counts[2]))
    out["two_threads_equal_one_thread"] = bool(np.array_equal(counts[0], counts[1]))
    return out


LABELLED_ENGINES = (
    "default",
    "sklearn-lda",
    "sklearn-nmf",
    "tomotopy-1000",
    "gensim-plain",
    "gensim-online",
)


def _reuters_part(part: str, n_labels: int, cache: Path) -> tuple[Any, Any, np.ndarray]:
    """Preprocessed stories of one part (``choose`` or ``confirm``) and their labels."""
    from benchmarks.reuters import largest_topics, reuters_stories
    from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
    from secnews.analysis.steps.topics import inputs_from_preprocessed

    stories = largest_topics(reuters_stories(), n_labels)
    keep = stories["split"] == "TEST" if part == "confirm" else stories["split"] != "TEST"
    stories = stories[keep].reset_index(drop=True)
    pre = preprocess(
        stories[["doc_id", "title", "text"]],
        settings=PreprocessSettings(n_jobs=1),
        cache_dir=cache / f"reuters-{n_labels}-{part}",
    )
    labels = stories.set_index("doc_id").loc[[str(d) for d in pre.doc_ids], "label"].to_numpy()
    return pre, inputs_from_preprocessed(pre), labels


def _fit_labelled(engine: str, inputs: Any, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(topic_word, doc_topic)`` of one engine."""
    from secnews.analysis.topics.model import TopicModel, TopicSettings

    bow, vocabulary = inputs.bow, inputs.vocabulary
    if engine == "gensim-plain":
        from gensim.matutils import Sparse2Corpus
        from gensim.models import LdaModel

        from secnews.analysis.topics.vb import infer_gamma

        lda = LdaModel(
            Sparse2Corpus(bow, documents_columns=False),
            num_topics=k,
            id2word=dict(enumerate(vocabulary)),
            random_state=seed,
        )
        theta = infer_gamma(lda, bow, chunksize=2000, random_state=seed)
        return lda.get_topics(), theta
    settings = {
        "default": TopicSettings(k=k, random_state=seed),
        "sklearn-lda": TopicSettings(k=k, random_state=seed, engine="sklearn-lda", passes=50),
        "sklearn-nmf": TopicSettings(k=k, random_state=seed, engine="sklearn-nmf"),
        "tomotopy-1000": _tomotopy_1000().replace(k=k, random_state=seed),
        "gensim-online": TopicSettings(k=k, random_state=seed, engine="gensim", workers=1),
    }[engine]
    model = TopicModel(settings).fit(bow, vocabulary)
    return model.topic_word_, model.doc_topic_


def task_labelled(engine: str, part: str, n_labels: int, seed: int, cache: Path) -> dict[str, Any]:
    """Fit one engine on one part of Reuters with one seed and score it (a child process)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from secnews.analysis.topics.coherence import CoherenceScorer

    _pre, inputs, labels = _reuters_part(part, n_labels, cache)
    scorer = CoherenceScorer(stream=inputs.stream(), doc_term=inputs.bow)
    base_mb = _peak_mb()
    start, cpu_start = time.perf_counter(), _cpu()
    topic_word, doc_topic = _fit_labelled(engine, inputs, n_labels, seed)
    wall = time.perf_counter() - start
    cpu = _cpu() - cpu_start
    main_topic = np.asarray(doc_topic).argmax(axis=1)
    return {
        "corpus": "reuters",
        "part": part,
        "engine": engine,
        "seed": seed,
        "k": n_labels,
        "n_docs": int(inputs.bow.shape[0]),
        "fit_s": round(wall, 1),
        "fit_cpu_s": round(cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "peak_mb": round(_peak_mb(), 0),
        "peak_mb_before_fit": round(base_mb, 0),
        "c_npmi": round(_npmi(scorer, np.asarray(topic_word)), 4),
        "nmi": round(float(normalized_mutual_info_score(labels, main_topic)), 4),
        "ari": round(float(adjusted_rand_score(labels, main_topic)), 4),
        "topics": [
            " / ".join(inputs.vocabulary[j] for j in np.argsort(-row)[:5])
            for row in np.asarray(topic_word)
        ],
    }


def summarize_labelled(fits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean (and min-max) over seeds per part and engine, and whether the default's mean NMI and
    ARI are at least the best other engine's."""
    rows: list[dict[str, Any]] = []
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for fit in fits:
        if "error" not in fit:
            by.setdefault((fit["part"], fit["engine"]), []).append(fit)
    for (part, engine), group in sorted(by.items()):
        row: dict[str, Any] = {"part": part, "engine": engine, "seeds": len(group)}
        if all(g.get("same_fit_as") == "default" for g in group):
            row["same_fit_as"] = "default"
        for name in ("fit_s", "fit_cpu_s", "peak_mb", "c_npmi", "nmi", "ari"):
            if any(name not in g for g in group):
                continue
            values = [g[name] for g in group]
            row[name] = round(float(np.mean(values)), 4)
            row[f"{name}_range"] = [min(values), max(values)]
        rows.append(row)
    for part in sorted({r["part"] for r in rows}):
        mine = next((r for r in rows if r["part"] == part and r["engine"] == "default"), None)
        peers = [
            r
            for r in rows
            if r["part"] == part and r["engine"] != "default" and "same_fit_as" not in r
        ]
        if mine is None or not peers:
            continue
        for metric in ("nmi", "ari"):
            best = max(peers, key=lambda r: r[metric])
            rows.append(
                {
                    "part": part,
                    "target": f"default mean {metric} >= best peer's",
                    "default": mine[metric],
                    "best_peer": best["engine"],
                    "best_peer_value": best[metric],
                    "met": mine[metric] >= best[metric],
                }
            )
    return rows


def task_coherence(cache: Path, k: int, with_gensim: bool) -> dict[str, Any]:
    """Fast coherence vs gensim's CoherenceModel on the topics of a one-pass LDA."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    from secnews.analysis.topics.coherence import CoherenceScorer, top_word_ids

    inputs, scorer, encode_s = _inputs(cache)
    lda = LdaModel(
        Sparse2Corpus(inputs.bow, documents_columns=False),
        num_topics=k,
        id2word=dict(enumerate(inputs.vocabulary)),
        random_state=0,
    )
    tops = top_word_ids(lda.get_topics(), 20)
    out: dict[str, Any] = {"encode_texts_s": round(encode_s, 1), "k": k}
    for measure in ("c_npmi", "c_v", "u_mass"):
        fresh = CoherenceScorer(stream=scorer.stream, doc_term=scorer.doc_term)
        t0 = time.perf_counter()
        mine = fresh.score(tops, measure=measure)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        fresh.score(tops, measure=measure)
        cached = time.perf_counter() - t0
        out[measure] = {
            "value": round(float(np.mean(mine)), 6),
            "first_s": round(first, 2),
            "cached_s": round(cached, 4),
        }
        if with_gensim and measure in ("c_npmi", "u_mass"):
            from gensim.corpora import Dictionary
            from gensim.models import CoherenceModel

            dictionary = Dictionary.from_corpus(
                [[(0, 1)]], id2word=dict(enumerate(inputs.vocabulary))
            )
            texts = list(inputs.texts()) if measure != "u_mass" else None
            t0 = time.perf_counter()
            cm = CoherenceModel(
                topics=[list(t) for t in tops],
                texts=texts,
                corpus=Sparse2Corpus(inputs.bow, documents_columns=False),
                dictionary=dictionary,
                coherence=measure,
                processes=1,
            )
            ref = np.array(cm.get_coherence_per_topic())
            out[measure]["gensim_s"] = round(time.perf_counter() - t0, 1)
            out[measure]["max_abs_diff"] = float(np.max(np.abs(ref - mine)))
    return out


def task_grid(cache: Path, passes: int | None, max_fit_docs: int | None) -> dict[str, Any]:
    """The selection grid K in 10..50 x 3 seeds, each fit on at most ``max_fit_docs`` training
    documents (None: all; ``SelectionSettings.max_fit_docs``)."""
    from secnews.analysis.topics.model import TopicSettings
    from secnews.analysis.topics.selection import SelectionSettings, run_selection

    inputs, scorer, encode_s = _inputs(cache)
    settings = TopicSettings() if passes is None else TopicSettings(passes=passes)
    start, cpu_start = time.perf_counter(), _cpu()
    load_start = os.getloadavg()
    result = run_selection(
        inputs.bow,
        inputs.vocabulary,
        scorer=scorer,
        settings=SelectionSettings(
            ks=(10, 20, 30, 40, 50), seeds=(0, 1, 2), max_fit_docs=max_fit_docs
        ),
        model_settings=settings,
    )
    wall = time.perf_counter() - start
    return {
        "grid_s": round(wall, 1),
        "grid_cpu_s": round(_cpu() - cpu_start, 1),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "encode_texts_s": round(encode_s, 1),
        "peak_mb": round(_peak_mb(), 0),
        "max_fit_docs": max_fit_docs,
        "fit_docs": int(result.fit_index.size),
        "train_docs": int(result.train_index.size),
        "passes": settings.passes,
        "recommended_k": result.recommended_k,
        "reason": result.reason,
        "table": result.table.round(4).to_dict(orient="records"),
    }


def _grid_docs(value: int | None) -> int | None:
    """``--grid-docs``: None -> SelectionSettings' default, 0 -> all training documents."""
    from secnews.analysis.topics.selection import SelectionSettings

    if value is None:
        return SelectionSettings().max_fit_docs
    return value or None


def time_to_reach(curve: list[tuple[float, float]], value: float) -> float | None:
    """Seconds of the first point of a time-to-quality curve at or above ``value``."""
    return next((t for t, v in curve if v >= value), None)


def race(default: dict[str, Any], tomotopy: dict[str, Any]) -> dict[str, Any]:
    """The target "the default engine reaches tomotopy's c_npmi in less wall time": for each
    point of tomotopy's curve, the time the default engine needed to reach the same c_npmi."""
    if "curve" not in default or "curve" not in tomotopy:
        return {
            "race": "missing curve",
            "default": default.get("error"),
            "tomotopy": tomotopy.get("error"),
        }
    points = []
    for t_tomo, value in tomotopy["curve"]:
        t_default = time_to_reach(default["curve"], value)
        points.append(
            {
                "c_npmi": value,
                "tomotopy_s": t_tomo,
                "default_s": t_default,
                "default_faster": t_default is not None and t_default < t_tomo,
            }
        )
    final = points[-1] if points else {}
    return {
        "race": "default engine vs tomotopy: wall seconds to reach tomotopy's c_npmi",
        "tomotopy_final": final,
        "target_met": bool(final.get("default_faster")),
        "points": points,
    }


def mean_curve(fits: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean time-to-quality curve of several seeds: at each checkpoint (pass or block of
    iterations), the mean of the seeds' times and of their c_npmi."""
    curves = [fit["curve"] for fit in fits if "curve" in fit]
    if not curves:
        return {"error": "no curve"}
    n = min(len(c) for c in curves)
    points = np.asarray([c[:n] for c in curves], dtype=float)  # seeds x checkpoints x 2
    mean = points.mean(axis=0)
    return {"curve": [(round(float(t), 1), round(float(v), 4)) for t, v in mean]}


def _number_or_name(value: str | None) -> str | float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return value


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_topics", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr[-2000:], "args": args}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one JSON line per measurement."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--corpus", choices=["reuters", "un"], default="reuters")
    parser.add_argument("--labels", type=int, default=8, help="reuters: the N largest topics")
    parser.add_argument("--parts", default="choose,confirm", help="reuters: parts to run")
    parser.add_argument("--part", default="choose", help="with --task labelled")
    parser.add_argument("--labelled-engines", default=",".join(LABELLED_ENGINES))
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument(
        "--task",
        choices=["fit", "coherence", "grid", "labelled", "gibbs-curve", "gibbs-threads"],
        default=None,
        help="un: gibbs-curve (c_npmi per checkpoint of one tomotopy fit, per --seeds) and "
        "gibbs-threads (one vs two sampling threads)",
    )
    parser.add_argument("--workers", type=int, default=1, help="gibbs-curve: sampling threads")
    parser.add_argument(
        "--checkpoints", default="50,100,150,200,300,400", help="gibbs-curve: sweeps to score at"
    )
    parser.add_argument("--sweeps", type=int, default=30, help="gibbs-threads: sweeps per run")
    parser.add_argument("--engine", default="default")
    parser.add_argument("--engines", default="default,gensim-plain,tomotopy")
    parser.add_argument("--seed", type=int, default=0, help="with --task fit: the seed of that fit")
    parser.add_argument(
        "--seeds", default="0,1,2", help="seeds of each engine; the race also on their mean curves"
    )
    parser.add_argument("--tomotopy-iters", type=int, default=1000)
    parser.add_argument("--alpha", default=None, help="default engine: override alpha")
    parser.add_argument("--passes", type=int, default=None, help="default engine: override passes")
    parser.add_argument(
        "--chunksize", type=int, default=None, help="default engine: override chunksize"
    )
    parser.add_argument("--eta", type=float, default=None, help="default engine: override eta")
    parser.add_argument(
        "--iterations", type=int, default=None, help="default engine: override iterations"
    )
    parser.add_argument("--decay", type=float, default=None, help="default engine: override decay")
    parser.add_argument("--grid", action="store_true", help="also run the K x seed selection grid")
    parser.add_argument("--grid-passes", type=int, default=None)
    parser.add_argument(
        "--grid-docs",
        type=int,
        default=None,
        help="grid: most training documents per fit (default: SelectionSettings' default; 0: all)",
    )
    parser.add_argument(
        "--gensim-coherence", action="store_true", help="also time gensim's CoherenceModel"
    )
    args = parser.parse_args(argv)
    if args.task == "fit":
        overrides = {
            name: value
            for name, value in (
                ("alpha", _number_or_name(args.alpha)),
                ("passes", args.passes),
                ("chunksize", args.chunksize),
                ("eta", args.eta),
                ("iterations", args.iterations),
                ("decay", args.decay),
            )
            if value is not None
        }
        fit = task_fit(args.engine, args.cache, args.k, args.tomotopy_iters, overrides, args.seed)
        print(json.dumps(fit))
        return
    if args.task == "gibbs-curve":
        points = [int(x) for x in args.checkpoints.split(",")]
        for seed in (int(x) for x in args.seeds.split(",")):
            curve = task_gibbs_curve(args.cache, args.k, seed, args.workers, points)
            print(json.dumps(curve), flush=True)
        return
    if args.task == "gibbs-threads":
        print(json.dumps(task_gibbs_threads(args.cache, args.k, args.seed, args.sweeps)))
        return
    if args.task == "labelled":
        print(json.dumps(task_labelled(args.engine, args.part, args.labels, args.seed, args.cache)))
        return
    if args.corpus == "reuters" and args.task is None:
        fits_l: list[dict[str, Any]] = []
        for part in args.parts.split(","):
            for seed in (int(x) for x in args.seeds.split(",")):
                for engine in args.labelled_engines.split(","):
                    same = next(
                        (
                            f
                            for f in fits_l
                            if engine == "tomotopy-1000"
                            and default_is_tomotopy_1000()
                            and f.get("engine") == "default"
                            and f.get("part") == part
                            and f.get("seed") == seed
                        ),
                        None,
                    )
                    if same is not None:
                        # The same settings: the default's fit is tomotopy's at 1,000 iterations.
                        fits_l.append({**same, "engine": engine, "same_fit_as": "default"})
                        print(json.dumps(fits_l[-1]), flush=True)
                        continue
                    cmd = ["--task", "labelled", "--engine", engine, "--part", part]
                    cmd += ["--seed", str(seed), "--labels", str(args.labels)]
                    fits_l.append(_child([*cmd, "--cache", str(args.cache)]))
                    print(json.dumps(fits_l[-1]), flush=True)
        for row in summarize_labelled(fits_l):
            print(json.dumps(row), flush=True)
        return
    if args.task == "coherence":
        print(json.dumps(task_coherence(args.cache, args.k, args.gensim_coherence)))
        return
    if args.task == "grid":
        print(json.dumps(task_grid(args.cache, args.grid_passes, _grid_docs(args.grid_docs))))
        return
    start = time.perf_counter()
    _preprocessed(args.cache)
    print(json.dumps({"preprocess_s": round(time.perf_counter() - start, 1)}), flush=True)
    coh = ["--task", "coherence", "--k", str(args.k), "--cache", str(args.cache)]
    print(
        json.dumps(_child(coh + (["--gensim-coherence"] if args.gensim_coherence else []))),
        flush=True,
    )
    fits: dict[str, list[dict[str, Any]]] = {}
    for seed in (int(x) for x in args.seeds.split(",")):
        for engine in args.engines.split(","):
            fit_args = [
                "--task",
                "fit",
                "--engine",
                engine,
                "--seed",
                str(seed),
                "--k",
                str(args.k),
                "--cache",
                str(args.cache),
                "--tomotopy-iters",
                str(args.tomotopy_iters),
            ]
            fits.setdefault(engine, []).append(_child(fit_args))
            print(json.dumps(fits[engine][-1]), flush=True)
        if "default" in fits and "tomotopy" in fits:
            print(json.dumps({"seed": seed, **race(fits["default"][-1], fits["tomotopy"][-1])}))
    if len(fits.get("default", [])) > 1 and len(fits.get("tomotopy", [])) > 1:
        means = {name: mean_curve(fits[name]) for name in ("default", "tomotopy")}
        print(json.dumps({"seeds": args.seeds, **race(means["default"], means["tomotopy"])}))
    if args.grid:
        grid = ["--task", "grid", "--cache", str(args.cache)] + (
            ["--grid-passes", str(args.grid_passes)] if args.grid_passes else []
        )
        if args.grid_docs is not None:
            grid += ["--grid-docs", str(args.grid_docs)]
        print(json.dumps(_child(grid)), flush=True)


if __name__ == "__main__":
    main()
