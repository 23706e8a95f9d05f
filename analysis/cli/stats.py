"""``secnews stats CORPUS --out DIR``: the statistics step on a corpus folder
(:func:`secnews.analysis.steps.stats.run_stats`)."""

from __future__ import annotations

import argparse

from secnews.analysis.cli._options import (
    add_settings_arguments,
    fail,
    out_line,
    settings_from_args,
)
from secnews.analysis.steps.stats import StatsSettings

HELP = "corpus statistics: summary, frequencies, Zipf, keyness, collocations, KWIC"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``secnews stats``."""
    parser.add_argument("corpus", metavar="CORPUS", help="corpus folder (secnews build)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the bootstrap")
    add_settings_arguments(parser, StatsSettings)


def run(args: argparse.Namespace) -> int:
    """Run ``secnews stats``; return 0, or 2 with a one-line reason."""
    from secnews.analysis.steps._base import write_step_folder
    from secnews.analysis.steps.stats import run_stats

    try:
        settings = settings_from_args(StatsSettings, args)
        manifest = write_step_folder(
            args.out,
            "stats",
            lambda temp: run_stats(args.corpus, temp, settings=settings, seed=args.seed),
        )
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        return fail("stats", exc)
    out_line(
        "stats", args.out, f"{manifest['documents']} documents, {len(manifest['files'])} files"
    )
    return 0
