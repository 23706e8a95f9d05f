"""The provenance block every report opens with: what data, which settings, which code."""

from __future__ import annotations

import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from secnews.analysis.steps.study import Study

__all__ = ["PACKAGES", "commit_date", "git_commit", "package_versions", "provenance_table"]

#: Packages whose versions a report names.
PACKAGES: tuple[str, ...] = (
    "secnews",
    "numpy",
    "pandas",
    "pyarrow",
    "duckdb",
    "gensim",
    "tomotopy",
    "scikit-learn",
    "scipy",
    "statsmodels",
    "spacy",
    "networkx",
    "igraph",
    "ruptures",
    "trafilatura",
    "lingua-language-detector",
    "matplotlib",
)


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Return ``{package: version}``; packages that are not installed map to ``"not installed"``."""
    found = {}
    for name in packages:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit(path: str | Path = ".") -> str:
    """Return the git commit of ``path`` (with ``+dirty`` when tracked files changed), or
    ``"unknown"`` outside a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def provenance_table(study: Study, *, repo: str | Path = ".") -> pd.DataFrame:
    """Return the provenance block of a study's report as a two-column table.

    Rows: the study file and its SHA-256, the seed, the corpus hash, documents kept, duplicates
    and rejects, the date range of the data, the git commit, and package versions.

    Parameters
    ----------
    study
        The study whose corpus (``study.corpus_dir``) has been built.
    repo
        The project checkout, for the git commit.
    """
    from secnews.corpus.store.read import open_corpus

    with open_corpus(study.corpus_dir) as corpus:
        manifest = corpus.manifest
        ((first, last, years_low, years_high),) = corpus.fetch(
            "SELECT min(published), max(published), "
            "min(TRY_CAST(json_extract_string(meta, '$.year') AS INTEGER)), "
            "max(TRY_CAST(json_extract_string(meta, '$.year') AS INTEGER)) "
            "FROM articles WHERE dup_of IS NULL"
        )
    rows_by_source = {row.get("source"): row for row in manifest.get("counts", [])}
    counts = rows_by_source.get("total", {})
    rows: list[tuple[str, str]] = [
        ("study file", str(study.path)),
        ("study sha256", study.text_sha256),
        ("seed", str(study.seed)),
        ("corpus hash", str(manifest.get("corpus_hash"))),
        ("documents read", str(counts.get("in", ""))),
        ("documents kept", str(counts.get("kept", ""))),
        ("duplicates", str(counts.get("duplicates", ""))),
        ("rejected", str(counts.get("rejected", ""))),
        ("first date", "" if first is None else first.date().isoformat()),
        ("last date", "" if last is None else last.date().isoformat()),
        ("git commit", git_commit(repo)),
    ]
    if years_low is not None:
        rows.append(("years (undated sources)", f"{years_low}-{years_high}"))
    rows.extend((f"version: {name}", v) for name, v in package_versions().items())
    return pd.DataFrame(rows, columns=["item", "value"])


def commit_date(path: str | Path = ".") -> str | None:
    """Return the ISO date (``YYYY-MM-DD``) of the git commit of ``path``, or ``None`` outside a
    git checkout. Reports name it as their date so that a rerun gives the same bytes."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs"],
            cwd=path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None
