"""``secnews datasets``: list the named corpora, their provenance and whether they are here."""

from __future__ import annotations

import argparse
import sys
from typing import Any

HELP = "list the named datasets (docs, dates, licence, pinned URL, present locally)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``secnews datasets``."""
    parser.add_argument(
        "--verify", action="store_true", help="check local files against their sha256"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per dataset and line")


#: Widest a cell of the table may be before it is cut with an ellipsis.
MAX_CELL = 28


def _cut(value: object) -> str:
    text = "-" if value is None or value != value else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "\u2026"


def _table(frame: Any) -> str:
    """The registry as a table that fits an 80-column terminal: name, docs, dates, present."""
    header = ["name", "docs", "dates", "present"]
    rows = [
        [_cut(name), _cut(docs), _cut(dates), "yes" if present else "no"]
        for name, docs, dates, present in zip(
            frame["name"], frame["docs"], frame["dates"], frame["present"], strict=True
        )
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def run(args: argparse.Namespace) -> int:
    """Write the registry table (or JSON lines) to stdout."""
    import json

    from secnews.corpus.paths import cache_dir, data_dir
    from secnews.corpus.registry import datasets_frame, verify_dataset

    frame = datasets_frame()
    if args.json:
        for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
            sys.stdout.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(f"data folder: {data_dir()}\ncache: {cache_dir()}\n\n")
        sys.stdout.write(_table(frame) + "\n\nupstream, pinned to a commit:\n")
        for name, url in zip(frame["name"], frame["url"], strict=True):
            if isinstance(url, str):
                sys.stdout.write(f"  {name}: {url}\n")
        sys.stdout.write("(licences and citations: secnews datasets --json)\n")
    code = 0
    if args.verify:
        for name in frame["name"]:
            problems = verify_dataset(str(name))
            for problem in problems:
                sys.stdout.write(f"FAIL {problem}\n")
            if not problems:
                sys.stdout.write(f"ok   {name}: checksums match\n")
            else:
                code = 1
    return code
