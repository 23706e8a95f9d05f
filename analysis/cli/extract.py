"""``secnews extract FILE... [--json]``: print the cleaned article of page-text or saved HTML files.

Page-text files given together are cleaned together (lines repeated on pages of other articles
of the same folder are site template). With ``--json`` each file gives one JSON object per line:
``source_path``, ``title``, ``lede``, ``text``, ``outlet``, ``dateline_place``, ``published``,
``language``, ``removed`` (``[line, reason]`` pairs), plus ``url``, ``author`` and ``meta``; a file
that cannot be read gives ``{"source_path": ..., "error": reason}``. The exit code is 1 when any
file failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "print the cleaned article of page-text (.txt) or saved HTML files"
_HTML_SUFFIXES = frozenset({".htm", ".html", ".xhtml"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``secnews extract``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="page-text or HTML files")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--format",
        choices=("auto", "pagetext", "html"),
        default="auto",
        help="input format (auto: .htm/.html/.xhtml are HTML, anything else page text)",
    )
    parser.add_argument("--outlet", default=None, help="the outlet of every file")
    parser.add_argument(
        "--removed",
        "--explain",
        dest="removed",
        action="store_true",
        help="also list removed lines and why each was removed (text output)",
    )


def _kind(path: str, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    return "html" if Path(path).suffix.lower() in _HTML_SUFFIXES else "pagetext"


def _results(args: argparse.Namespace) -> list[tuple[str, Any]]:
    from secnews.corpus.loaders.html import extract_html
    from secnews.corpus.loaders.pagetext import extract_pagetexts
    from secnews.corpus.record import Reject

    files = [str(f) for f in args.files]
    out: dict[int, tuple[str, Any]] = {}
    text_index = [i for i, f in enumerate(files) if _kind(f, args.format) == "pagetext"]
    cleaned = extract_pagetexts([files[i] for i in text_index], outlet=args.outlet)
    for i, item in zip(text_index, cleaned, strict=True):
        out[i] = (files[i], item.reason if isinstance(item, Reject) else item)
    for i, path in enumerate(files):
        if i in out:
            continue
        try:
            out[i] = (path, extract_html(path, outlet=args.outlet))
        except ValueError as exc:
            out[i] = (path, str(exc))
    return [out[i] for i in range(len(files))]


def _as_text(result: Any, *, removed: bool) -> str:
    lines = [f"# {result.title or '(no title)'}", ""]
    if result.lede:
        lines += [result.lede, ""]
    lines += [result.text, ""]
    facts = {
        "source": result.source_path,
        "outlet": result.outlet,
        "dateline": result.dateline_place,
        "published": result.published.isoformat() if result.published else None,
        "language": result.language,
        "author": result.author,
        "url": result.url,
        "removed lines": len(result.removed),
    }
    lines += [f"{key}: {value}" for key, value in facts.items() if value is not None]
    if removed:
        lines += [f"  - [{reason}] {line}" for line, reason in result.removed]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print each file's cleaned article; return 1 when any file could not be extracted."""
    failed = 0
    for index, (path, result) in enumerate(_results(args)):
        if isinstance(result, str):
            failed += 1
            if args.json:
                sys.stdout.write(json.dumps({"source_path": path, "error": result}) + "\n")
            else:
                sys.stderr.write(f"{path}: {result}\n")
            continue
        if args.json:
            sys.stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
        else:
            if index:
                sys.stdout.write("\n" + "=" * 72 + "\n\n")
            sys.stdout.write(_as_text(result, removed=args.removed))
    return 1 if failed else 0
