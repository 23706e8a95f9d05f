"""``secnews build``: build a corpus folder from files, folders and named datasets."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secnews.corpus.loaders.sources import Source

HELP = (
    "build a corpus (articles/ part files, manifest.json, rejects.csv) from files, folders or "
    "datasets"
)

#: How many duplicates the summary lists by name before it only counts them.
SHOW_DUPLICATES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``secnews build``."""
    parser.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="files or folders to read (one source each)"
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="corpus folder to create or replace"
    )
    parser.add_argument(
        "--dataset",
        action="append",
        default=[],
        metavar="NAME",
        help="add a named dataset (repeatable; see `secnews datasets`)",
    )
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", "pagetext", "html", "table", "folder", "xml"],
        help="input format of the SOURCE paths (default: auto, from the file extension)",
    )
    parser.add_argument(
        "--map",
        dest="mapping",
        metavar="FIELD=COLUMN,...",
        help="column mapping for tables, e.g. title=headline,text=body,published=date; for xml, "
        "element paths: title=TITLE,text=BODY,published=DATE,meta=TOPICS,PLACES",
    )
    parser.add_argument(
        "--record",
        metavar="ELEMENT",
        help="record element of XML/SGML files (--format xml), e.g. REUTERS",
    )
    parser.add_argument("--outlet", help="outlet name for every document of the SOURCE paths")
    parser.add_argument(
        "--pattern",
        help="path pattern of a folder, e.g. 'Session {session} - {year}/{country}_{session}_{year}.txt'",
    )
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read symbolic links that lead out of a SOURCE folder (default: reject them)",
    )
    parser.add_argument(
        "--title",
        choices=["auto", "first-line", "none"],
        default=None,
        help="title of page-text and folder files: first-line (the first line), auto (page "
        "text: the first line the clean-up keeps; folder: the first line when it is short and "
        "set off by a blank line), none (default: auto for page text, none for folders)",
    )
    parser.add_argument("--no-dedupe", action="store_true", help="skip duplicate detection")
    parser.add_argument(
        "--no-language-id", action="store_true", help="skip language identification"
    )
    parser.add_argument("--no-relevance", action="store_true", help="skip the relevance score")
    parser.add_argument(
        "--lexicon", metavar="FILE", help="relevance lexicon (default: the packaged one)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=1000, help="documents per batch and row group"
    )
    parser.add_argument(
        "--part-mb",
        type=_positive_mb,
        default=None,
        metavar="MB",
        help="bound of each part file of the corpus, in MiB of row data (default: 128)",
    )
    parser.add_argument(
        "--no-download", action="store_true", help="never download missing datasets"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _positive_mb(text: str) -> int:
    """``--part-mb``: a positive number of MiB, as bytes."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of MiB, got {text!r}")
    return max(1, round(value * 1024 * 1024))


def _sources(args: argparse.Namespace) -> list[Source]:
    from pathlib import Path

    from secnews.corpus.loaders.sources import Source
    from secnews.corpus.registry import dataset_sources

    out: list[Source] = []
    for name in args.dataset:
        out.extend(dataset_sources(name, download=not args.no_download))
    for path in args.sources:
        out.append(
            Source(
                paths=(Path(path),),
                format=args.format,
                mapping=args.mapping,
                outlet=args.outlet,
                pattern=args.pattern,
                name=path,
                record=args.record,
            )
        )
    return out


def _report(summary: object, out: str) -> str:
    from secnews.corpus.build.run import BuildSummary

    assert isinstance(summary, BuildSummary)
    table = summary.table(total=True)
    table["null_date_share"] = table["null_date_share"].map(
        lambda x: "" if x is None or x != x else f"{x:.1%}"
    )
    lines = [f"corpus {out}  hash {summary.corpus_hash}", "", table.to_string(index=False), ""]
    dups = summary.duplicates_frame()
    if len(dups):
        lines.append(
            f"{len(dups)} duplicate(s) (kept in the corpus with dup_of, left out of analyses):"
        )
        shown = dups.head(SHOW_DUPLICATES)
        for row in shown.itertuples(index=False):
            title = (row.title or "")[:70]
            lines.append(f"  {row.doc_id} -> {row.dup_of}  [{row.kind}]  {row.source}  {title}")
        if len(dups) > SHOW_DUPLICATES:
            lines.append(
                f"  ... and {len(dups) - SHOW_DUPLICATES} more (manifest.json lists them all)"
            )
    else:
        lines.append("no duplicates found")
    rejected = int(sum(c.rejected for c in summary.sources))
    if rejected:
        lines.append(f"{rejected} reject(s), with reasons, in {out}/rejects.csv")
    return "\n".join(lines) + "\n"


def _title_settings(title: str | None) -> dict[str, Any]:
    """Loader settings for ``--title`` (none when the option is not given)."""
    if title is None:
        return {}
    from secnews.corpus.loaders._folder_settings import FolderSettings
    from secnews.corpus.loaders.pagetext import PageTextSettings

    return {"pagetext": PageTextSettings(title=title), "folder": FolderSettings(title=title)}


def run(args: argparse.Namespace) -> int:
    """Build the corpus and write the summary table to stdout."""
    from secnews.corpus.build.run import BuildSettings, build_corpus
    from secnews.corpus.registry import DatasetError

    if not args.sources and not args.dataset:
        sys.stderr.write("secnews build: give at least one SOURCE or --dataset NAME\n")
        return 2
    try:
        sources = _sources(args)
        settings = BuildSettings(
            batch_size=args.batch_size,
            dedupe=not args.no_dedupe,
            language_id=not args.no_language_id,
            relevance=not args.no_relevance,
            lexicon=args.lexicon,
            follow_symlinks=args.follow_symlinks,
            **_title_settings(args.title),
            **({} if args.part_mb is None else {"part_bytes": args.part_mb}),
        )
        summary = build_corpus(
            sources, args.out, settings=settings, progress=False if args.no_progress else None
        )
    except (DatasetError, FileExistsError, ValueError, OSError) as exc:
        sys.stderr.write(f"secnews build: {exc}\n")
        return 2
    sys.stdout.write(_report(summary, args.out))
    return 0
