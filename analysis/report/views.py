"""Small read-only views of a stored corpus for notebooks and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from secnews.corpus.store.read import Corpus

__all__ = ["latest_titles"]


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
