"""Build sources and settings from plain configuration (a study file's ``[[sources]]`` and
``[build]`` tables), and the fingerprint of the inputs that decides whether a build is stale.

A source entry is either ``{dataset = "NAME"}`` (a registry dataset) or ``{path = "..." | paths =
[...], format = "auto", map = "title=headline,...", outlet = "...", pattern = "..."}`` with the
meaning of the ``secnews build`` options.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from secnews.corpus.build.run import BuildSettings, BuildSummary, build_corpus
from secnews.corpus.loaders.sources import Source
from secnews.corpus.store.write import file_sha256

__all__ = [
    "build_from_config",
    "build_settings_from_config",
    "source_fingerprints",
    "sources_from_config",
]

_SOURCE_KEYS = {"dataset", "path", "paths", "format", "map", "outlet", "pattern", "name", "record"}


def sources_from_config(configs: Sequence[Mapping[str, Any]]) -> list[Source]:
    """Turn source entries into :class:`~secnews.corpus.loaders.sources.Source` objects.

    Raises
    ------
    ValueError
        For an entry with unknown keys, or with neither or both of ``dataset`` and a path.
    """
    from secnews.corpus.registry import dataset_sources

    sources: list[Source] = []
    for index, config in enumerate(configs, start=1):
        unknown = set(config) - _SOURCE_KEYS
        if unknown:
            raise ValueError(f"source {index}: unknown keys {sorted(unknown)}")
        has_path = "path" in config or "paths" in config
        if ("dataset" in config) == has_path:
            raise ValueError(f"source {index}: give exactly one of dataset and path(s)")
        if "dataset" in config:
            sources.extend(dataset_sources(str(config["dataset"])))
            continue
        paths = config.get("paths") or [config["path"]]
        sources.append(
            Source(
                paths=tuple(Path(p) for p in paths),
                format=str(config.get("format", "auto")),
                mapping=config.get("map"),
                outlet=config.get("outlet"),
                pattern=config.get("pattern"),
                name=config.get("name"),
                record=config.get("record"),
            )
        )
    return sources


def build_settings_from_config(values: Mapping[str, Any]) -> BuildSettings:
    """Return :class:`~secnews.corpus.build.run.BuildSettings` from a ``[build]`` table.

    Raises
    ------
    ValueError
        When a key is not a build setting.
    """
    known = {f.name for f in fields(BuildSettings)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown build settings {sorted(unknown)}; known: {sorted(known)}")
    return BuildSettings(**dict(values))


def source_fingerprints(configs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return, per source, the SHA-256 of every input file (folders walked in sorted order).

    Two builds with the same fingerprints and settings read the same bytes.
    """
    out = []
    for source in sources_from_config(configs):
        files: list[Path] = []
        for path in source.paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
            else:
                files.append(path)
        out.append(
            {
                "source": source.describe(),
                "files": [
                    [source.relative(p), file_sha256(p) if p.exists() else None] for p in files
                ],
            }
        )
    return out


def build_from_config(
    configs: Sequence[Mapping[str, Any]],
    out: str | Path,
    settings: Mapping[str, Any],
    *,
    progress: bool | None = None,
) -> BuildSummary:
    """Build a corpus from source entries and a ``[build]`` table (see the module docstring)."""
    return build_corpus(
        sources_from_config(configs),
        out,
        settings=build_settings_from_config(settings),
        progress=progress,
    )
