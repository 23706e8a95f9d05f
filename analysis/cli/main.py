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


#: Exit code after the reader of stdout went away (``secnews ... | head``): 128 + SIGPIPE, what a
#: shell reports for a process that SIGPIPE ended.
EXIT_BROKEN_PIPE = 141
#: Exit code of an error that the command did not handle itself.
EXIT_ERROR = 1


def one_line(exc: BaseException) -> str:
    """An exception as one line: the message of an ``OSError`` (it names the file), else the
    type and the message (``ValueError: ...``); white space runs become one space."""
    message = " ".join(str(exc).split())
    if isinstance(exc, OSError) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _stdout_gone() -> int:
    """The reader of stdout closed it: stop quietly (and let the interpreter's final flush of
    stdout write nowhere instead of raising again)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``secnews`` command line and return its exit code.

    An error that a command does not handle ends it with one line on stderr, ``secnews
    COMMAND: cause`` (the traceback with ``-v``), and exit code 1; a closed stdout (piping into
    ``head``) ends it quietly with exit code 141.
    """
    args = _parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args._run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_gone()
    except KeyboardInterrupt:
        sys.stderr.write(f"secnews {args.command}: interrupted\n")
        return 130
    except Exception as exc:  # one line with the cause, not a traceback
        if args.verbose:
            logging.getLogger("secnews").exception("secnews %s failed", args.command)
        sys.stderr.write(f"secnews {args.command}: {one_line(exc)} (run with -v for details)\n")
        return EXIT_ERROR
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
