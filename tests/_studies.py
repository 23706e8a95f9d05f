"""Pieces of study files shared by the tests that run real studies."""

from __future__ import annotations

from pathlib import Path

#: The three small real sources of the test studies (US statements, TASS, the seed page).
SMALL_SOURCES = """
[[sources]]
dataset = "usgov-ukraine-2022"

[[sources]]
dataset = "tass-politics-2024"

[[sources]]
dataset = "seed-article"
"""


def study_header(name: str, *, seed: int, work_dir: Path, reports_dir: Path) -> str:
    """The ``[study]`` table of a test study."""
    return (
        f'\n[study]\nname = "{name}"\nseed = {seed}\nwork_dir = "{work_dir}"\n'
        f'reports_dir = "{reports_dir}"\n'
    )
