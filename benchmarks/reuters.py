"""Reuters-21578 single-topic stories for the topic benchmark, read with the standard library.

Only the benchmark uses this reader (the library's loader is ``secnews.corpus.loaders``): it keeps
the stories with exactly one ``TOPICS`` label and a non-empty ``BODY``, and returns them as a
frame ``doc_id, title, text, label, split`` (``split`` is ``LEWISSPLIT``: TRAIN, TEST or
NOT-USED).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from benchmarks.bench_preprocess import data_dir

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_CONTROL = re.compile(r"&#\d+;")


def _clean(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    return html.unescape(text).replace("\x03", " ").strip()


def reuters_stories(root: Path | None = None) -> pd.DataFrame:
    """All stories with exactly one topic and a body."""
    folder = root or data_dir() / "reuters-21578-1987"
    if not folder.is_dir():
        raise FileNotFoundError(f"Reuters-21578 not found at {folder}")
    rows = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for attrs, inner in _STORY.findall(raw):
            meta = dict(_ATTR.findall(attrs))
            topics = _TOPICS.search(inner)
            labels = _D.findall(topics.group(1)) if topics else []
            body = _BODY.search(inner)
            if len(labels) != 1 or body is None or not _clean(body.group(1)):
                continue
            title = _TITLE.search(inner)
            rows.append(
                {
                    "doc_id": f"reuters-{meta['NEWID']}",
                    "title": _clean(title.group(1)) if title else "",
                    "text": _clean(body.group(1)),
                    "label": labels[0],
                    "split": meta.get("LEWISSPLIT", ""),
                }
            )
    return pd.DataFrame(rows)


def largest_topics(stories: pd.DataFrame, n: int) -> pd.DataFrame:
    """The stories of the ``n`` most frequent labels (ties by name), in corpus order."""
    counts = Counter(stories["label"])
    keep = {label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}
    return stories[stories["label"].isin(keep)].reset_index(drop=True)
