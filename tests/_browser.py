"""Headless Chromium for the tests that check that article text never runs as code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

HOSTILE_TITLES = [
    "<script>document.body.setAttribute('data-pwned','script')</script>",
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=3000",
]


def chromium_body_tag(html_path: Path, tmp_path: Path) -> str:
    """Load a page in headless Chromium and return its ``<body>`` tag after scripts ran."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Debian's chromium is needed for the browser check (make setup installs it)")
    profile = tmp_path / "chromium-profile"
    completed = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", html_path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    match = re.search(r"<body[^>]*>", completed.stdout)
    assert match, completed.stdout[:500]
    return match.group(0)
