"""``secnews run STUDY``: build the corpus and run every analysis step the study names."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from secnews.analysis.cli._options import fail

HELP = "run a study's steps (build, stats, topics, trends, entities), redoing only what changed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("study", help="study file, e.g. studies/demo.toml")
    parser.add_argument("--steps", help="comma-separated steps to run (default: all)")
    parser.add_argument("--force", action="store_true", help="rerun steps whose key is unchanged")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the per-document stages on Dask: tcp://HOST:8786 (a running scheduler), "
        "local:N (a local cluster of N processes) or none (default: $SECNEWS_SCHEDULER, else "
        "the study's [run] scheduler, else none)",
    )


def _progress(step: str, result: Any) -> None:
    """One line when a step starts and one when it ends (standard error, flushed)."""
    if result is None:
        sys.stderr.write(f"{step:<9}running ...\n")
    else:
        state = f"ran in {result.seconds:.1f} s" if result.ran else "unchanged, skipped"
        sys.stderr.write(f"{step:<9}{state}\n")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """Run the study and print one line per step."""
    from secnews.analysis.distributed import DistributedError
    from secnews.analysis.steps.pipeline import run_study
    from secnews.analysis.steps.study import load_study

    steps = [s.strip() for s in args.steps.split(",")] if args.steps else None
    try:
        study = load_study(args.study)
        results = run_study(
            study, steps=steps, force=args.force, on_step=_progress, scheduler=args.scheduler
        )
    except (ValueError, FileNotFoundError, FileExistsError, DistributedError) as exc:
        return fail("run", exc)
    for result in results:
        state = f"ran in {result.seconds:.1f} s" if result.ran else "unchanged, skipped"
        sys.stdout.write(f"{result.step:<9} {state:<22} {result.out_dir}\n")
    return 0
