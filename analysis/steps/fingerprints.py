"""What decides whether a step is stale: hashes of settings, of the files settings name and of
the package's code.

A step's key is the :func:`stable_hash` of its settings, the content of the files those settings
name (:func:`settings_files`: events, lexicons, alias tables), the study seed, the package's
source (:func:`code_fingerprint`) and the content hash of the corpus it reads.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from secnews.corpus.store.write import file_sha256

__all__ = ["code_fingerprint", "settings_files", "stable_hash"]


def stable_hash(value: Any) -> str:
    """Return the SHA-256 of a JSON-serialisable value, independent of dict order.

    Parameters
    ----------
    value
        Nested dicts, lists, strings and numbers (paths and other objects are turned into
        strings).

    Returns
    -------
    str
        64 hexadecimal characters.

    Examples
    --------
    >>> stable_hash({"b": 1, "a": [1, 2]}) == stable_hash({"a": [1, 2], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_fingerprint(package: str) -> str:
    """Return a hash of a package's source and data files (``secnews.corpus`` or
    ``secnews.analysis``), so that a changed algorithm makes its steps stale even while the
    version number stays the same."""
    root = Path(importlib.import_module(package).__file__ or "").parent
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )
    return stable_hash([[p.relative_to(root).as_posix(), file_sha256(p)] for p in files])


def settings_files(settings: Mapping[str, Any]) -> dict[str, str]:
    """Return ``{path: sha256}`` of every file a settings table names (events, lexicons, alias
    tables, ...), so that editing such a file makes the step stale."""
    found: dict[str, str] = {}

    def visit(value: Any) -> None:
        if isinstance(value, str) and value and len(value) < 4096:
            path = Path(value)
            if path.is_file():
                found[value] = file_sha256(path)
        elif isinstance(value, Mapping):
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(dict(settings))
    return found
