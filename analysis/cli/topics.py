"""``secnews topics CORPUS --k 5,10,20,30 --seeds 3 --out DIR``: the topics step on a corpus
folder (:func:`secnews.analysis.steps.topics.run_topics_step`)."""

from __future__ import annotations

import argparse

from secnews.analysis.cli._options import (
    add_settings_arguments,
    fail,
    out_line,
    settings_from_args,
)
from secnews.analysis.steps.topics import TopicsSettings

HELP = "fit topic models (K x seed selection, labels, prevalence, topic map)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``topics`` options to a parser."""
    parser.add_argument("corpus", help="corpus folder (articles.parquet, manifest.json)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--seed", type=int, default=0, help="first seed (seeds are seed, seed+1, ...)"
    )
    add_settings_arguments(parser, TopicsSettings)


def run(args: argparse.Namespace) -> int:
    """Run ``secnews topics``; return 0, or 2 with a one-line reason."""
    from secnews.analysis.steps._base import write_step_folder
    from secnews.analysis.steps.topics import run_topics_step

    try:
        settings = settings_from_args(TopicsSettings, args)
        manifest = write_step_folder(
            args.out,
            "topics",
            lambda temp: run_topics_step(args.corpus, temp, settings=settings, seed=args.seed),
        )
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        return fail("topics", exc)
    k = manifest.get("recommended_k", settings.k[0])
    out_line("topics", args.out, f"K={k}")
    return 0
