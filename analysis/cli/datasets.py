"""``secnews datasets``: list the named corpora, their provenance and whether they are here."""

from __future__ import annotations

import argparse
import sys

HELP = "list the named datasets (docs, dates, licence, pinned URL, present locally)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``secnews datasets``."""
    parser.add_argument(
        "--verify", action="store_true", help="check local files against their sha256"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per dataset and line")


def run(args: argparse.Namespace) -> int:
    """Write the registry table (or JSON lines) to stdout."""
    import json

    from secnews.corpus.paths import cache_dir, data_dir
    from secnews.corpus.registry import datasets_frame, verify_dataset

    frame = datasets_frame()
    if args.json:
        for row in frame.to_dict(orient="records"):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        shown = frame.drop(columns=["folder"]).copy()
        shown["present"] = shown["present"].map({True: "yes", False: "no"})
        shown["url"] = shown["url"].fillna("-")
        sys.stdout.write(f"data folder: {data_dir()}\ncache: {cache_dir()}\n\n")
        sys.stdout.write(shown.to_string(index=False) + "\n")
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
