"""Where the real corpora and the download cache live (one setting each)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "DATA_ENV", "cache_dir", "data_dir"]

#: Environment variable naming the folder of named corpora (default ``../shared/corpora``).
DATA_ENV = "SECNEWS_DATA"
#: Environment variable naming the download cache (default ``~/.cache/secnews``).
CACHE_ENV = "SECNEWS_CACHE"
_DEFAULT_RELATIVE = Path("..") / "shared" / "corpora"


def data_dir() -> Path:
    """Return the folder that holds the named corpora.

    ``$SECNEWS_DATA`` when set; otherwise ``../shared/corpora`` seen from the working directory,
    then from the project checkout this package was installed from (editable installs). The path
    is returned even if it does not exist; callers decide whether that is an error.
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    candidates = [
        Path.cwd() / _DEFAULT_RELATIVE,
        Path(__file__).resolve().parents[1] / _DEFAULT_RELATIVE,
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return candidates[0].resolve()


def cache_dir() -> Path:
    """Return the download cache for corpora missing from :func:`data_dir`."""
    env = os.environ.get(CACHE_ENV)
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "secnews"
    return base.resolve()
