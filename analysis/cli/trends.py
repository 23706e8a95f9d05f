"""``secnews trends CORPUS --out DIR``: the trends step on a corpus folder
(:func:`secnews.analysis.steps.trends.run_trends`)."""

from __future__ import annotations

import argparse

from secnews.analysis.cli._options import (
    add_settings_arguments,
    fail,
    out_line,
    settings_from_args,
)
from secnews.analysis.steps.trends import TrendsSettings

HELP = "term and lexicon trends per period and outlet, with CIs, change points and events"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("corpus", help="a corpus folder written by `secnews build`")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random_state of every bootstrap")
    add_settings_arguments(parser, TrendsSettings)


def run(args: argparse.Namespace) -> int:
    """Run the command; errors in the inputs are reported in one line with exit code 2."""
    from secnews.analysis.steps._base import write_step_folder
    from secnews.analysis.steps.trends import run_trends

    try:
        settings = settings_from_args(TrendsSettings, args)
        manifest = write_step_folder(
            args.out,
            "trends",
            lambda temp: run_trends(args.corpus, temp, settings=settings, seed=args.seed),
        )
    except (ValueError, KeyError, FileNotFoundError, FileExistsError) as exc:
        return fail("trends", exc)
    counts = manifest["counts"]
    out_line(
        "trends",
        args.out,
        f"{len(manifest['series'])} series, {counts['documents']} documents, "
        f"{counts['periods']} periods, {counts['groups']} groups",
    )
    return 0
