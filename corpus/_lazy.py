"""Lazy re-exports for package ``__init__`` modules: ``import secnews.corpus`` (or any
subpackage) imports nothing heavy; a public name is imported from its module on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` for a package whose public ``names`` map to the
    absolute module that defines each.

    Examples
    --------
    >>> getter, lister = lazy_exports("pkg", {"sqrt": "math"}, {})
    >>> getter("sqrt")(16.0)
    4.0
    """

    def __getattr__(name: str) -> Any:
        try:
            module = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
