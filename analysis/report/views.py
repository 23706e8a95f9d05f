"""Small read-only views of a stored corpus for notebooks and reports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from secnews.corpus.store.read import Corpus

__all__ = ["document_dates", "latest_titles", "source_description", "topic_map_points"]


def latest_titles(corpus: Corpus, *, per_outlet: int = 3) -> pd.DataFrame:
    """Return the newest titles of each outlet (duplicates left out).

    Parameters
    ----------
    corpus
        An opened corpus (:func:`secnews.corpus.open_corpus`).
    per_outlet
        Titles per outlet; documents without a date come last, ties broken by ``doc_id``.

    Returns
    -------
    pandas.DataFrame
        Columns ``outlet, published`` (UTC date) and ``title``, sorted by outlet then recency.
    """
    if per_outlet < 1:
        raise ValueError("per_outlet must be at least 1")
    return corpus.query(
        "SELECT outlet, CAST(timezone('UTC', published) AS DATE) AS published, title FROM ("
        " SELECT outlet, published, title, doc_id, row_number() OVER ("
        "  PARTITION BY outlet ORDER BY published DESC NULLS LAST, doc_id) AS n"
        " FROM articles WHERE dup_of IS NULL)"
        f" WHERE n <= {int(per_outlet)} ORDER BY outlet, n"
    )


def document_dates(corpus: Corpus) -> pd.DataFrame:
    """Return one row per document (duplicates left out): ``outlet``, ``dataset`` (the first
    folder of its source path) and ``published`` (UTC timestamp or missing)."""
    return corpus.query(
        "SELECT outlet, split_part(source_path, '/', 1) AS dataset, published"
        " FROM articles WHERE dup_of IS NULL ORDER BY doc_id"
    )


def topic_map_points(path: str | Path) -> pd.DataFrame:
    """Read the topics' coordinates from a topic-map page written by
    :func:`secnews.analysis.topics.topic_map.render_topic_map`.

    Returns
    -------
    pandas.DataFrame
        ``topic, x, y, share, label``.
    """
    import html
    import json
    import re

    import pandas as pd

    page = Path(path).read_text(encoding="utf-8")
    match = re.search(r'<script id="topic-data" type="application/json">(.*?)</script>', page, re.S)
    if match is None:
        raise ValueError(f"{path}: no topic data in the page")
    data = json.loads(
        html.unescape(match.group(1)) if "&quot;" in match.group(1) else match.group(1)
    )
    rows = [(t["id"], t["x"], t["y"], t["share"], t["label"]) for t in data["topics"]]
    return pd.DataFrame(rows, columns=["topic", "x", "y", "share", "label"])


def source_description(entry: Mapping[str, Any]) -> str:
    """One line on a study source: a registry dataset's title, name and dates, or a file's outlet
    and path."""
    from secnews.corpus.registry import get_dataset

    if "dataset" in entry:
        dataset = get_dataset(str(entry["dataset"]))
        return f"{dataset.title} (dataset {dataset.name}; dates: {dataset.dates})"
    return f"{entry.get('outlet', 'own file')}: {entry.get('path', '')}"
