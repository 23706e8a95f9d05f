"""What every step shares: settings built once from a mapping (a study table, command-line
options or keyword arguments) and checked before any work starts.

A step's settings are a frozen dataclass that derives from :class:`StepSettings`. Its fields are
the step's settings, with their defaults; a field's ``metadata["help"]`` is its one-line
description (the command line's ``--help`` shows it). :meth:`StepSettings.from_mapping` rejects
unknown keys, naming the valid ones, converts values to the field's type (a comma-separated
string or a list for a tuple, ``"3"`` for an int) and runs the class's :meth:`~StepSettings.check`,
so that a misspelled key or an impossible value fails in a second, before a corpus is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin

__all__ = [
    "STEP_FILE",
    "SettingsError",
    "StepSettings",
    "check_date",
    "read_step_key",
    "setting",
    "step_of_folder",
    "write_step_folder",
]

S = TypeVar("S", bound="StepSettings")


class SettingsError(ValueError):
    """A study table or a set of options that a step cannot run with (the message says why)."""


def setting(default: Any, help: str, **kwargs: Any) -> Any:
    """A settings field with a default and a one-line description."""
    if isinstance(default, list | dict | set):
        raise TypeError("settings defaults are immutable: use a tuple")
    return dataclasses.field(default=default, metadata={"help": help, **kwargs})


def check_date(value: object, *, key: str) -> str:
    """Return an ISO date string (``YYYY-MM-DD``) or raise :class:`SettingsError`."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise SettingsError(f"{key} = {value!r} is not a date (YYYY-MM-DD)") from None


def _choices(annotation: Any) -> tuple[Any, ...] | None:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    return None


def _convert(value: Any, annotation: Any, key: str) -> Any:
    """``value`` as the type ``annotation`` (``X | None``, ``Literal``, tuples, scalars)."""
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = get_args(annotation)
        empty = value is None or (isinstance(value, str) and value.lower() in {"", "none"})
        if empty and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(value, option, key)
            except SettingsError as exc:
                errors.append(str(exc))
        raise SettingsError(errors[0] if errors else f"{key} = {value!r} is not allowed")
    choices = _choices(annotation)
    if choices is not None:
        if value not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            raise SettingsError(f"{key} = {value!r} is not allowed; allowed: {allowed}")
        return value
    if origin is tuple:
        items = (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )
        args = get_args(annotation)
        if isinstance(items, int | float) and len(args) == 2 and args[1] is Ellipsis:
            items = [items]  # one value for a list of any length
        if not isinstance(items, list | tuple):
            raise SettingsError(f"{key} = {value!r} should be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], key) for v in items)
        if len(items) != len(args):
            raise SettingsError(f"{key} = {value!r} should be a list of {len(args)} values")
        return tuple(_convert(v, a, key) for v, a in zip(items, args, strict=True))
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        raise SettingsError(f"{key} = {value!r} should be true or false")
    if annotation is int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise SettingsError(f"{key} = {value!r} should be a whole number")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{key} = {value!r} should be a whole number") from None
    if annotation is float:
        if isinstance(value, bool):
            raise SettingsError(f"{key} = {value!r} should be a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{key} = {value!r} should be a number") from None
    if annotation is str:
        if isinstance(value, dt.date):
            return value.isoformat()[:10]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise SettingsError(f"{key} = {value!r} should be text")
        return str(value)
    return value


@dataclasses.dataclass(frozen=True)
class StepSettings:
    """Base of every step's settings (see the module docstring)."""

    #: The study table (and command) these settings belong to, e.g. ``"stats"``.
    table: ClassVar[str] = ""
    #: Keys of earlier versions -> the setting that replaced them (named in the error).
    renamed: ClassVar[Mapping[str, str]] = {}

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            converted = _convert(value, hints[field.name], self._key(field.name))
            if converted is not value:
                object.__setattr__(self, field.name, converted)
        try:
            self.check()
        except SettingsError:
            raise
        except ValueError as exc:
            message = str(exc)
            prefix = "" if message.startswith(f"[{self.table}]") else f"[{self.table}] "
            raise SettingsError(prefix + message) from None

    def _key(self, name: str) -> str:
        return f"[{self.table}] {name}"

    def check(self) -> None:
        """Check values against each other (a subclass raises :class:`SettingsError`)."""

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The setting names, in definition order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_mapping(cls: type[S], values: Mapping[str, Any] | None = None, **overrides: Any) -> S:
        """Settings from a study table or options; unknown keys and bad values raise
        :class:`SettingsError` naming the key and what is allowed.

        Examples
        --------
        >>> from secnews.analysis.steps.stats import StatsSettings
        >>> StatsSettings.from_mapping({"period": "quarter"}).period
        'quarter'
        >>> StatsSettings.from_mapping({"perod": "quarter"})
        Traceback (most recent call last):
        ...
        secnews.analysis.steps._base.SettingsError: [stats] unknown setting 'perod' (did you mean 'period'?); valid: by, period, compare, kwic, window, kwic_sort, mattr_window, min_count, n_boot, top
        """
        merged = {**dict(values or {}), **overrides}
        valid = cls.keys()
        for key in merged:
            if key not in valid:
                close = difflib.get_close_matches(str(key), valid, n=1)
                if key in cls.renamed:
                    close = [cls.renamed[key]]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise SettingsError(
                    f"[{cls.table}] unknown setting {key!r}{hint}; valid: {', '.join(valid)}"
                )
        return cls(**merged)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a manifest (tuples as lists)."""
        return {k: _plain(v) for k, v in dataclasses.asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


#: The file every step folder holds beside its outputs: the step's name and key.
STEP_FILE = "step.json"


def read_step_key(out_dir: Path) -> str | None:
    """Return the key recorded in ``out_dir/step.json``, or ``None`` when there is none."""
    try:
        data = json.loads((out_dir / STEP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = data.get("key")
    return key if isinstance(key, str) else None


def step_of_folder(folder: Path) -> str | None:
    """The step that wrote ``folder`` (from its ``step.json`` or ``manifest.json``), or ``None``."""

    for name, keys in ((STEP_FILE, ("step",)), ("manifest.json", ("step", "command"))):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            for key in keys:
                if isinstance(data.get(key), str):
                    return str(data[key])
    return None


def write_step_folder(
    out_dir: str | Path, step: str, work: Callable[[Path], Any], *, key: str | None = None
) -> Any:
    """Run ``work(folder)`` in a new folder beside ``out_dir`` that replaces ``out_dir`` only when
    ``work`` succeeded, with a ``step.json`` recording ``step`` and ``key``.

    A failed step leaves no half-written folder and the previous outputs intact. ``out_dir`` is
    replaced only when it is missing, empty or a folder that the same step wrote: a folder of
    other files is never deleted.

    Returns
    -------
    Whatever ``work`` returned.

    Raises
    ------
    FileExistsError
        When ``out_dir`` holds files that this step did not write.
    """

    import shutil
    import tempfile
    from importlib.metadata import version

    from secnews.corpus.atomic import current_umask
    from secnews.corpus.store.write import replace_dir

    target = Path(out_dir).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        owner = step_of_folder(target) if target.is_dir() else None
        if owner != step:
            raise FileExistsError(
                f"{target} exists and was not written by the {step} step; "
                "refusing to replace it: choose another output folder"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{step}-", dir=target.parent))
    try:
        result = work(temp)
        payload = {"step": step, "key": key, "secnews": version("secnews")}
        (temp / STEP_FILE).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        temp.chmod(0o777 & ~current_umask())
        replace_dir(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return result
