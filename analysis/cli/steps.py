"""``secnews stats|topics|trends|entities CORPUS --out DIR``: one analysis step on a corpus folder.

Each command's options are the fields of the step's settings class (see
:mod:`secnews.analysis.cli._options`); the step writes into a new folder that replaces ``--out``
only when it succeeded.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from secnews.analysis.cli._options import (
    add_settings_arguments,
    fail,
    out_line,
    settings_from_args,
)
from secnews.analysis.steps._base import StepSettings, write_step_folder
from secnews.analysis.steps.entities import EntitiesSettings, run_entities
from secnews.analysis.steps.stats import StatsSettings, run_stats
from secnews.analysis.steps.topics import TopicsSettings, run_topics_step
from secnews.analysis.steps.trends import TrendsSettings, run_trends

__all__ = ["ENTITIES", "STATS", "TOPICS", "TRENDS", "StepCommand"]


@dataclass(frozen=True)
class StepCommand:
    """A ``secnews`` sub-command that runs one analysis step."""

    name: str
    HELP: str
    settings: type[StepSettings]
    runner: Callable[..., dict[str, Any]]
    seed_help: str
    describe: Callable[[dict[str, Any]], str]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """The corpus, ``--out``, ``--seed`` and one option per setting."""
        parser.add_argument("corpus", metavar="CORPUS", help="corpus folder (secnews build)")
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--seed", type=int, default=0, help=self.seed_help)
        add_settings_arguments(parser, self.settings)

    def run(self, args: argparse.Namespace) -> int:
        """Run the step; print what was written, or a one-line reason with exit code 2."""
        try:
            settings = settings_from_args(self.settings, args)
            manifest = write_step_folder(
                args.out,
                self.name,
                lambda temp: self.runner(args.corpus, temp, settings=settings, seed=args.seed),
            )
        except (ValueError, KeyError, OSError, RuntimeError) as exc:
            return fail(self.name, exc)
        out_line(self.name, args.out, self.describe(manifest))
        return 0


STATS = StepCommand(
    "stats",
    "corpus statistics: summary, frequencies, Zipf, keyness, collocations, KWIC",
    StatsSettings,
    run_stats,
    "random_state of the bootstrap",
    lambda m: f"{m['documents']} documents",
)
TOPICS = StepCommand(
    "topics",
    "fit topic models (K x seed selection, labels, prevalence, topic map)",
    TopicsSettings,
    run_topics_step,
    "first seed (seeds are seed, seed+1, ...)",
    lambda m: f"K={m.get('recommended_k', m.get('settings', {}).get('model', {}).get('k'))}",
)
TRENDS = StepCommand(
    "trends",
    "term and lexicon trends per period and outlet, with CIs, change points and events",
    TrendsSettings,
    run_trends,
    "random_state of every bootstrap",
    lambda m: (
        f"{len(m['series'])} series, {m['counts']['documents']} documents, "
        f"{m['counts']['periods']} periods, {m['counts']['groups']} groups"
    ),
)
ENTITIES = StepCommand(
    "entities",
    "actors (NER + gazetteer), who appears with whom (PMI, G², permutation p), networks",
    EntitiesSettings,
    run_entities,
    "random_state of permutations, layout, Louvain",
    lambda m: (
        f"{m['counts']['mentions']} mentions of {m['counts']['entities']} entities in "
        f"{m['counts']['documents']} documents"
    ),
)
