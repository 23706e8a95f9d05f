"""The build step of a study: its sources and ``[build]`` table, checked before anything is
read, and the key that decides whether a built corpus is stale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from secnews.analysis.steps._base import SettingsError
from secnews.analysis.steps.fingerprints import code_fingerprint, settings_files, stable_hash

__all__ = ["build_key", "check_build", "run_build"]


def check_build(sources: Sequence[Mapping[str, Any]], settings: Mapping[str, Any]) -> None:
    """Check a study's sources and ``[build]`` table without reading any input.

    Raises
    ------
    SettingsError
        Naming the source or key that is wrong and what is allowed.
    """
    from secnews.corpus.build.config import build_settings_from_config, sources_from_config

    try:
        build_settings_from_config(settings)
        sources_from_config(sources)
    except (ValueError, TypeError, KeyError) as exc:
        raise SettingsError(f"[build] {exc}") from None


def build_key(sources: Sequence[Mapping[str, Any]], settings: Mapping[str, Any]) -> str:
    """The build step's key: sources, build settings, the inputs' content hashes and the code."""
    from secnews.corpus.build.config import source_fingerprints

    plain = [dict(source) for source in sources]
    return stable_hash(
        {
            "step": "build",
            "sources": plain,
            "inputs": source_fingerprints(plain),
            "settings": dict(settings),
            "settings_files": settings_files(settings),
            "code": code_fingerprint("secnews.corpus"),
            "secnews": version("secnews"),
        }
    )


def run_build(
    sources: Sequence[Mapping[str, Any]], out_dir: str | Path, settings: Mapping[str, Any]
) -> Any:
    """Build the corpus of a study's sources into ``out_dir``
    (:func:`secnews.corpus.build.config.build_from_config`) and return its summary."""
    from secnews.corpus.build.config import build_from_config

    return build_from_config([dict(s) for s in sources], out_dir, settings)
