"""``secnews topics CORPUS --k 5,10,20,30 --seeds 3 --out DIR``: topic models with model selection,
labels, prevalence by outlet and period, and an offline topic map."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["HELP", "add_arguments", "run", "run_settings", "run_step"]

HELP = "fit topic models (K x seed selection, labels, prevalence, topic map)"

logger = logging.getLogger(__name__)


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _alpha(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``topics`` options to a parser."""
    parser.add_argument("corpus", type=Path, help="corpus folder (articles.parquet, manifest.json)")
    parser.add_argument(
        "--k", type=_int_list, default=(10, 20, 30), help="number(s) of topics, e.g. 5,10,20,30"
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="seeds per K (model selection; default 3)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="first seed (seeds are seed, seed+1, ...)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    from secnews.analysis.topics.model import ENGINES, TopicSettings

    default = TopicSettings()
    parser.add_argument(
        "--engine",
        default=None,
        choices=ENGINES,
        help=f"topic model engine (default {default.engine}: collapsed Gibbs sampling, chosen by "
        "measured topic quality, reproducible for a seed); gensim: online variational Bayes; "
        "sklearn-lda: batch variational Bayes; sklearn-nmf: NMF on tf-idf",
    )
    parser.add_argument(
        "--gibbs-iterations",
        type=int,
        default=None,
        help=f"tomotopy: Gibbs sweeps over the corpus (default {default.gibbs_iterations}); "
        "ignored by the other engines",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=None,
        help="gensim: passes over the corpus (default 10); sklearn-lda: batch EM iterations, "
        "each one pass (default 50); ignored by tomotopy and sklearn-nmf",
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="gensim: maximum E-step iterations per document; ignored by the other engines",
    )
    parser.add_argument(
        "--chunksize",
        type=int,
        default=None,
        help="gensim: documents per online update (cut into equal chunks); ignored by the others",
    )
    parser.add_argument(
        "--alpha",
        type=_alpha,
        default=None,
        help="document-topic prior: a number for every engine (tomotopy learns it from there); "
        "gensim also auto, symmetric, asymmetric; default: each engine's own",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes per fit (gensim E-step; -1, the default: one per core; results do not "
        "depend on it) or threads (gensim-multicore, tomotopy)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=-1,
        help="processes for the K x seed grid (-1: one per core; results do not depend on it)",
    )
    parser.add_argument(
        "--heldout", type=float, default=0.1, help="held-out share of documents for perplexity"
    )
    parser.add_argument(
        "--n-boot", type=int, default=1000, help="bootstrap replicates for prevalence CIs"
    )
    parser.add_argument("--period", default="M", help="period of prevalence over time: W, M, Q, Y")
    parser.add_argument(
        "--event-date", default="2022-02-24", help="date for the before/after comparison"
    )


def run_settings(options: Mapping[str, Any], *, seed: int = 0) -> Any:
    """Build :class:`TopicRunSettings` from plain options (CLI arguments or a study table).

    Keys: ``k`` (int or list), ``seeds`` (count), ``engine``, ``gibbs_iterations``, ``passes``,
    ``iterations``,
    ``chunksize``, ``alpha``, ``eta``, ``workers``, ``heldout``, ``n_boot``, ``period``,
    ``event_date``, ``title``.
    """
    from secnews.analysis.steps.topics import TopicRunSettings
    from secnews.analysis.topics.model import TopicSettings
    from secnews.analysis.topics.selection import SelectionSettings

    ks = options.get("k", (10, 20, 30))
    if isinstance(ks, str):
        ks = _int_list(ks)
    ks = (int(ks),) if isinstance(ks, int) else tuple(int(k) for k in ks)
    n_seeds = int(options.get("seeds", 3))
    seeds = tuple(range(seed, seed + max(n_seeds, 1)))
    model_kwargs: dict[str, Any] = {
        "k": ks[0],
        "random_state": seed,
        "engine": str(options.get("engine") or TopicSettings().engine),
    }
    for name in ("passes", "iterations", "chunksize", "workers", "topn", "gibbs_iterations"):
        if options.get(name) is not None:
            model_kwargs[name] = int(options[name])
    for name in ("alpha", "eta"):
        if options.get(name) is not None:
            model_kwargs[name] = options[name]
    model = TopicSettings(**model_kwargs)
    selection = None
    if len(ks) > 1 or n_seeds > 1:
        selection = SelectionSettings(
            ks=ks,
            seeds=seeds,
            heldout_fraction=float(options.get("heldout", 0.1)),
            random_state=seed,
        )
    return TopicRunSettings(
        model=model,
        selection=selection,
        n_boot=int(options.get("n_boot", 1000)),
        period=str(options.get("period", "M")),
        event_date=str(options.get("event_date", "2022-02-24")),
        map_title=str(options.get("title", "Topic map")),
    )


def run_step(corpus_dir: Path, out_dir: Path, settings: Mapping[str, Any], *, seed: int) -> None:
    """Pipeline entry point: topics of the corpus in ``corpus_dir`` into ``out_dir``."""
    from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
    from secnews.analysis.steps.topics import inputs_from_preprocessed, run_topics
    from secnews.corpus import open_corpus

    options = dict(settings)
    pre_options = options.pop("preprocess", {}) or {}
    n_jobs = int(options.pop("jobs", -1))
    corpus = open_corpus(corpus_dir)
    pre = preprocess(corpus, settings=PreprocessSettings(**pre_options))
    inputs = inputs_from_preprocessed(pre)
    documents = corpus.frame(["doc_id", "outlet", "published", "title", "meta"])
    provenance = {
        "corpus": {
            "path": str(corpus.path),
            "corpus_hash": corpus.corpus_hash,
            "n_documents": len(corpus),
        }
    }
    run_topics(
        inputs,
        documents,
        out_dir,
        settings=run_settings(options, seed=seed),
        provenance=provenance,
        n_jobs=n_jobs,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``secnews topics``."""
    if not (args.corpus / "articles.parquet").is_file():
        logger.error("%s is not a corpus folder (no articles.parquet)", args.corpus)
        return 2
    options = {
        "k": args.k,
        "seeds": args.seeds,
        "engine": args.engine,
        "passes": args.passes,
        "gibbs_iterations": args.gibbs_iterations,
        "iterations": args.iterations,
        "chunksize": args.chunksize,
        "alpha": args.alpha,
        "workers": args.workers,
        "heldout": args.heldout,
        "n_boot": args.n_boot,
        "period": args.period,
        "event_date": args.event_date,
        "jobs": args.jobs,
    }
    try:
        run_step(args.corpus, args.out, options, seed=args.seed)
    except ValueError as exc:
        logger.error("topics failed: %s", exc)
        return 2
    return 0
