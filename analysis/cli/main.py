"""The ``secnews`` command line: one sub-command per step.

Every command (a module, or an object in one) exposes ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``; the analysis steps are
:mod:`secnews.analysis.cli.steps`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "main"]

#: Sub-command name -> the module (or ``module:object``) that implements it.
COMMANDS: dict[str, str] = {
    "datasets": "secnews.analysis.cli.datasets",
    "build": "secnews.analysis.cli.build",
    "extract": "secnews.analysis.cli.extract",
    "stats": "secnews.analysis.cli.steps:STATS",
    "topics": "secnews.analysis.cli.steps:TOPICS",
    "trends": "secnews.analysis.cli.steps:TRENDS",
    "entities": "secnews.analysis.cli.steps:ENTITIES",
    "run": "secnews.analysis.cli.run",
    "report": "secnews.analysis.cli.report",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secnews", description="Security-policy news corpora and their analysis."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, target in COMMANDS.items():
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        if attribute:
            module = getattr(module, attribute)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``secnews`` command line and return its exit code."""
    args = _parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    code: int = args._run(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
