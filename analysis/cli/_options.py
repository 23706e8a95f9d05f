"""Command-line options made from a step's settings class, so that the command line, the study
file and the Python API share one list of settings, one set of defaults and one check."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from secnews.analysis.steps._base import StepSettings

__all__ = ["add_settings_arguments", "fail", "out_line", "settings_from_args"]

S = TypeVar("S", bound=StepSettings)


def _is_bool(annotation: Any) -> bool:
    return annotation is bool


def _metavar(annotation: Any) -> str | None:
    origin = get_origin(annotation)
    if origin is typing.Literal:
        return None
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is tuple or any(get_origin(a) is tuple for a in args):
        return "A,B,..."
    return None


def add_settings_arguments(parser: argparse.ArgumentParser, cls: type[StepSettings]) -> None:
    """Add one ``--option`` per field of ``cls`` (``--no-NAME`` for a setting that is on by
    default); the help shows the field's description and default."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        annotation = hints[field.name]
        flag = "--" + field.name.replace("_", "-")
        help_text = str(field.metadata.get("help", ""))
        default = field.default
        if _is_bool(annotation):
            if default is True:
                parser.add_argument(
                    f"--no-{field.name.replace('_', '-')}",
                    dest=field.name,
                    action="store_const",
                    const=False,
                    default=None,
                    help=f"do not {help_text}" if help_text else None,
                )
            else:
                parser.add_argument(
                    flag, dest=field.name, action="store_const", const=True, default=None,
                    help=help_text,
                )  # fmt: skip
            continue
        choices = get_args(annotation) if get_origin(annotation) is typing.Literal else None
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        parser.add_argument(
            flag,
            dest=field.name,
            default=None,
            choices=choices,
            metavar=_metavar(annotation),
            help=f"{help_text} (default: {shown})" if shown not in (None, ()) else help_text,
        )


def settings_from_args(cls: type[S], args: argparse.Namespace) -> S:
    """The settings given on the command line, the defaults of ``cls`` for the others."""
    names = cls.keys()
    given = {k: v for k, v in vars(args).items() if k in names and v is not None}
    return cls.from_mapping(given)


def fail(command: str, error: BaseException) -> int:
    """Write a one-line error for ``secnews COMMAND`` and return the exit code 2."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if (
        isinstance(error, FileNotFoundError)
        and error.filename
        and str(error.filename) not in message
    ):
        message = f"{message}: {error.filename}"
    sys.stderr.write(f"secnews {command}: error: {message}\n")
    return 2


def out_line(command: str, out_dir: str | Path, detail: str = "") -> None:
    """Print what a command wrote: its summary, the folder and the files in it (one line)."""
    folder = Path(out_dir)
    names = sorted(
        p.name + ("/" if p.is_dir() else "") for p in folder.iterdir() if p.name != "step.json"
    )
    shown = ", ".join(names[:12]) + (f", ... ({len(names) - 12} more)" if len(names) > 12 else "")
    summary = f"{detail} " if detail else ""
    sys.stdout.write(f"{command:<9}{summary}-> {folder} ({len(names)} files: {shown})\n")
