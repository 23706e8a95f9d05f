"""``secnews entities CORPUS --out DIR``: the entities step on a corpus folder
(:func:`secnews.analysis.steps.entities.run_entities`)."""

from __future__ import annotations

import argparse

from secnews.analysis.cli._options import (
    add_settings_arguments,
    fail,
    out_line,
    settings_from_args,
)
from secnews.analysis.steps.entities import EntitiesSettings

HELP = "actors (NER + gazetteer), who appears with whom (PMI, G², permutation p), networks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("corpus", help="a corpus folder written by `secnews build`")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of permutations, layout, Louvain"
    )
    add_settings_arguments(parser, EntitiesSettings)


def run(args: argparse.Namespace) -> int:
    """Run the command; return 0, or 2 with a one-line reason."""
    from secnews.analysis.steps._base import write_step_folder
    from secnews.analysis.steps.entities import run_entities

    try:
        settings = settings_from_args(EntitiesSettings, args)
        manifest = write_step_folder(
            args.out,
            "entities",
            lambda temp: run_entities(args.corpus, temp, settings=settings, seed=args.seed),
        )
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        return fail("entities", exc)
    counts = manifest["counts"]
    out_line(
        "entities",
        args.out,
        f"{counts['mentions']} mentions of {counts['entities']} entities in "
        f"{counts['documents']} documents",
    )
    return 0
