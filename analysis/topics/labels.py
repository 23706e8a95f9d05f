"""Labels for topics: top terms by probability, FREX, relevance, and representative documents.

* FREX (Bischof & Airoldi 2012; Roberts, Stewart & Airoldi 2016), exactly as ``stm::calcfrex``:
  ``1 / (w / F + (1 - w) / E)`` with ``F`` a term's rank by probability within the topic and
  ``E`` its rank by exclusivity ``phi_kw / sum_j phi_jw``, both average ranks divided by the
  vocabulary size (``data.table::frank``). ``w`` is the weight of *frequency*, as stm's
  ``frexw`` (0.5 by default). With corpus word counts, exclusivity is first shrunk towards the
  uniform distribution over topics by stm's James-Stein estimator (``js.estimate``, Hausser &
  Strimmer 2009), as ``stm::labelTopics`` does, so that rare terms are not all fully exclusive.
* Relevance (Sievert & Shirley 2014, LDAvis): ``lambda log phi_kw + (1 - lambda) log(phi_kw / p_w)``
  with ``p_w`` the term's share of all corpus tokens; lambda 0.6 by default (their user study).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

__all__ = [
    "frex_scores",
    "js_shrink",
    "representative_documents",
    "term_relevance",
    "top_terms",
    "topic_labels",
]


def _ranked_terms(
    scores: np.ndarray, vocabulary: Sequence[str], topn: int, weights: np.ndarray | None = None
) -> pd.DataFrame:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :topn]
    k = scores.shape[0]
    values = np.take_along_axis(scores if weights is None else weights, order, axis=1)
    return pd.DataFrame(
        {
            "topic": np.repeat(np.arange(k), order.shape[1]),
            "rank": np.tile(np.arange(1, order.shape[1] + 1), k),
            "term": [vocabulary[int(i)] for i in order.ravel()],
            "weight": values.ravel(),
        }
    )


def top_terms(topic_word: np.ndarray, vocabulary: Sequence[str], *, topn: int = 20) -> pd.DataFrame:
    """Most probable terms of each topic: ``topic, rank, term, weight`` (weight = probability)."""
    return _ranked_terms(np.asarray(topic_word, dtype=np.float64), vocabulary, topn)


def _safelog(x: np.ndarray) -> np.ndarray:
    """stm's ``safelog``: ``log(x)`` floored at -1000."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), -1000.0)


def js_shrink(prob: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """stm's ``js.estimate`` applied to every column: each column of ``prob`` (a distribution
    over topics) is shrunk towards the uniform distribution by the James-Stein weight
    ``lambda = sum(p (1 - p) / (n - 1)) / sum((p - 1/K)^2)``, truncated to [0, 1], where ``n``
    is the term's corpus count; a term seen at most once becomes uniform.

    Parameters
    ----------
    prob : numpy.ndarray
        ``k x n_terms``, columns summing to 1.
    counts : numpy.ndarray
        Corpus count of each term.
    """
    p = np.asarray(prob, dtype=np.float64)
    ct = np.asarray(counts, dtype=np.float64)
    k = p.shape[0]
    unif = 1.0 / k
    with np.errstate(divide="ignore", invalid="ignore"):
        mlvar = (p * (1.0 - p)).sum(axis=0) / (ct - 1.0)
        deviation = ((p - unif) ** 2).sum(axis=0)
        lam = np.clip(mlvar / deviation, 0.0, 1.0)
    out = lam * unif + (1.0 - lam) * p
    out = np.where(np.isnan(lam), unif, out)
    out = np.where(deviation == 0, p, out)
    return np.where(ct <= 1, unif, out)


def frex_scores(
    topic_word: np.ndarray, *, w: float = 0.5, word_counts: np.ndarray | None = None
) -> np.ndarray:
    """FREX score of every term in every topic (``k x n_terms``; higher is more FREX), as
    ``stm::calcfrex(logbeta, w, wordcounts)``.

    Parameters
    ----------
    topic_word : numpy.ndarray
        Topic-word probabilities.
    w : float
        Weight of frequency in the harmonic mean (stm's ``frexw``); ``1 - w`` is the weight of
        exclusivity.
    word_counts : numpy.ndarray, optional
        Corpus count of each term: shrink exclusivity as ``stm::labelTopics`` does
        (:func:`js_shrink`).
    """
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"w must be in [0, 1], got {w}")
    from scipy.special import logsumexp

    with np.errstate(divide="ignore"):
        logbeta = np.log(np.asarray(topic_word, dtype=np.float64))
    n_terms = logbeta.shape[1]
    with np.errstate(invalid="ignore"):
        excl = logbeta - logsumexp(logbeta, axis=0, keepdims=True)
    if word_counts is not None:
        excl = _safelog(js_shrink(np.exp(excl), np.asarray(word_counts)))
    excl = np.nan_to_num(excl, nan=-np.inf)
    freq_score = rankdata(logbeta, method="average", axis=1) / n_terms
    excl_score = rankdata(excl, method="average", axis=1) / n_terms
    return 1.0 / (w / freq_score + (1.0 - w) / excl_score)


def term_relevance(
    topic_word: np.ndarray, term_frequency: np.ndarray, *, lam: float = 0.6
) -> np.ndarray:
    """LDAvis relevance of every term in every topic (``k x n_terms``).

    Parameters
    ----------
    topic_word : numpy.ndarray
        Topic-word probabilities.
    term_frequency : numpy.ndarray
        Corpus count of each term (its share of all tokens is the marginal ``p_w``).
    lam : float
        lambda in [0, 1]; 1 ranks by probability, 0 by lift.
    """
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"lam must be in [0, 1], got {lam}")
    phi = np.asarray(topic_word, dtype=np.float64)
    freq = np.asarray(term_frequency, dtype=np.float64)
    p_w = freq / freq.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_phi = np.log(phi)
        lift = log_phi - np.log(p_w)[None, :]
        out = lam * log_phi + (1.0 - lam) * lift
    return np.where(np.isfinite(out), out, -np.inf)


def topic_labels(
    topic_word: np.ndarray,
    vocabulary: Sequence[str],
    term_frequency: np.ndarray,
    *,
    topn: int = 10,
    lam: float = 0.6,
    frex_weight: float = 0.5,
    frex_shrinkage: bool = True,
    label_terms: int = 3,
    label_pool: int = 30,
) -> pd.DataFrame:
    """One row per topic: top terms by probability, FREX and relevance, and a short label.

    FREX uses ``frex_weight`` as the weight of frequency (stm's ``frexw``) and, with
    ``frex_shrinkage``, exclusivity shrunk by the corpus counts ``term_frequency``
    (``stm::labelTopics``).

    The label is the first ``label_terms`` terms by relevance among the topic's ``label_pool``
    most probable terms (relevance over the whole vocabulary tends to put rare names first:
    a term seen 5 times gets a large lift from any topic that holds it).

    Returns
    -------
    pandas.DataFrame
        ``topic, label, prob_terms, frex_terms, relevance_terms`` (terms joined by ``", "``;
        the label joined by ``" / "``).
    """
    phi = np.asarray(topic_word, dtype=np.float64)
    tables = {
        "prob_terms": _ranked_terms(phi, vocabulary, topn),
        "frex_terms": _ranked_terms(
            frex_scores(
                phi,
                w=frex_weight,
                word_counts=np.asarray(term_frequency) if frex_shrinkage else None,
            ),
            vocabulary,
            topn,
        ),
        "relevance_terms": _ranked_terms(
            term_relevance(phi, term_frequency, lam=lam), vocabulary, topn
        ),
    }
    out = pd.DataFrame({"topic": np.arange(phi.shape[0])})
    for name, table in tables.items():
        out[name] = table.groupby("topic", sort=True)["term"].agg(", ".join).to_numpy()
    relevance = term_relevance(phi, term_frequency, lam=lam)
    pool = np.argsort(-phi, axis=1, kind="stable")[:, :label_pool]
    in_pool = np.zeros(phi.shape, dtype=bool)
    np.put_along_axis(in_pool, pool, True, axis=1)
    rel = _ranked_terms(np.where(in_pool, relevance, -np.inf), vocabulary, label_terms)
    out.insert(
        1,
        "label",
        rel[rel["rank"] <= label_terms]
        .groupby("topic", sort=True)["term"]
        .agg(" / ".join)
        .to_numpy(),
    )
    return out


def representative_documents(
    doc_topics: pd.DataFrame, documents: pd.DataFrame, *, n: int = 5
) -> pd.DataFrame:
    """The ``n`` documents with the highest share of each topic.

    Parameters
    ----------
    doc_topics : pandas.DataFrame
        ``doc_id`` plus one column per topic (``topic_0``...), as from
        :func:`secnews.analysis.topics.prevalence.doc_topic_frame`.
    documents : pandas.DataFrame
        ``doc_id, title, outlet`` (``published`` is kept when present).

    Returns
    -------
    pandas.DataFrame
        ``topic, rank, doc_id, weight, title, outlet[, published]``; ties broken by ``doc_id``.
    """
    topic_cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    keep = [c for c in ("doc_id", "title", "outlet", "published") if c in documents.columns]
    meta = documents[keep].drop_duplicates("doc_id")
    parts = []
    for col in topic_cols:
        part = doc_topics[["doc_id", col]].rename(columns={col: "weight"})
        part = part.sort_values(["weight", "doc_id"], ascending=[False, True], kind="stable").head(
            n
        )
        parts.append(part.assign(topic=int(col.split("_", 1)[1]), rank=np.arange(1, len(part) + 1)))
    if not parts:
        return pd.DataFrame(columns=["topic", "rank", "doc_id", "weight", *keep[1:]])
    out = pd.concat(parts, ignore_index=True)[["topic", "rank", "doc_id", "weight"]]
    return out.merge(meta, on="doc_id", how="left", validate="many_to_one")
