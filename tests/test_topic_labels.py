"""Topic labels: FREX and relevance against hand-computed values, representative documents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.topics.labels import (
    frex_scores,
    representative_documents,
    term_relevance,
    top_terms,
    topic_labels,
)
from secnews.analysis.topics.prevalence import doc_topic_frame

PHI = np.array([[0.4, 0.35, 0.25], [0.7, 0.05, 0.25]])
VOCAB = ["russia", "nato", "grain"]


def test_frex_by_hand() -> None:
    # topic 0: frequency ECDF (1, 2/3, 1/3); exclusivity 0.4/1.1, 0.35/0.4, 0.25/0.5 -> ECDF (1/3, 1, 2/3)
    frex = frex_scores(PHI, w=0.5)
    np.testing.assert_allclose(frex[0], [0.5, 0.8, 1 / (0.75 + 1.5)], atol=1e-12)
    # stm's frexw is the weight of frequency: w = 1 is the frequency ECDF only, w = 0 the
    # exclusivity ECDF only
    np.testing.assert_allclose(frex_scores(PHI, w=1.0)[0], [1.0, 2 / 3, 1 / 3])
    np.testing.assert_allclose(frex_scores(PHI, w=0.0)[0], [1 / 3, 1.0, 2 / 3])
    # w = 0.8: 1 / (0.8 / F + 0.2 / E)
    np.testing.assert_allclose(
        frex_scores(PHI, w=0.8)[0],
        1 / (0.8 / np.array([1, 2 / 3, 1 / 3]) + 0.2 / np.array([1 / 3, 1, 2 / 3])),
    )
    with pytest.raises(ValueError, match="w must be"):
        frex_scores(PHI, w=1.5)


# -- a line-by-line port of stm's R code (stm 1.3.x, R/labelTopics.R and R/utils.R) ----------
def _r_rank(x: np.ndarray) -> np.ndarray:
    """R's ``rank`` / ``data.table::frank`` with ties.method "average" (1-based)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    sorted_x = x[order]
    i = 0
    while i < x.size:
        j = i
        while j + 1 < x.size and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _r_js_estimate(prob: np.ndarray, ct: float) -> np.ndarray:
    if ct <= 1:
        return np.full(prob.size, 1 / prob.size)
    mlvar = prob * (1 - prob) / (ct - 1)
    unif = np.full(prob.size, 1 / prob.size)
    deviation = np.sum((prob - unif) ** 2)
    if deviation == 0:
        return prob
    lam = np.sum(mlvar) / deviation
    if np.isnan(lam):
        return unif
    lam = min(max(lam, 0.0), 1.0)
    return lam * unif + (1 - lam) * prob


def _r_safelog(x: np.ndarray) -> np.ndarray:
    out = np.log(x)
    out[out < -1000] = -1000
    return out


def _r_calcfrex(logbeta: np.ndarray, w: float = 0.5, wordcounts: np.ndarray | None = None):
    """Returns the frex matrix (V x K) before ``apply(frex, 2, order)``."""
    col_lse = np.log(np.exp(logbeta).sum(axis=0))
    excl = logbeta - col_lse[None, :]
    if wordcounts is not None:
        excl = _r_safelog(
            np.column_stack(
                [_r_js_estimate(np.exp(excl[:, x]), wordcounts[x]) for x in range(excl.shape[1])]
            )
        )
    v = logbeta.shape[1]
    freqscore = np.column_stack([_r_rank(row) for row in logbeta]) / v
    exclscore = np.column_stack([_r_rank(row) for row in excl]) / v
    return 1 / (w / freqscore + (1 - w) / exclscore)


@pytest.mark.parametrize("w", [0.5, 0.7, 0.2])
@pytest.mark.parametrize("shrink", [False, True])
def test_frex_matches_stm_calcfrex_port(w: float, shrink: bool) -> None:
    rng = np.random.default_rng(3)
    phi = rng.dirichlet(np.full(60, 0.3), size=5)
    phi[:, 7] = phi[:, 8]  # ties in frequency and exclusivity
    phi /= phi.sum(axis=1, keepdims=True)
    counts = rng.integers(0, 40, size=60).astype(float)
    counts[:3] = [0, 1, 2]  # js.estimate's special cases
    mine = frex_scores(phi, w=w, word_counts=counts if shrink else None)
    port = _r_calcfrex(np.log(phi), w, counts if shrink else None).T
    np.testing.assert_allclose(mine, port, rtol=1e-12)
    # the order stm returns (apply(frex, 2, order, decreasing=TRUE)), ties aside
    assert (np.argsort(-mine, axis=1)[:, :10] == np.argsort(-port, axis=1)[:, :10]).mean() > 0.9
    if shrink:
        # shrinkage pulls the exclusivity of rare terms towards uniform
        assert not np.allclose(mine, frex_scores(phi, w=w))


def test_relevance_by_hand() -> None:
    freq = np.array([60.0, 20.0, 20.0])
    rel = term_relevance(PHI, freq, lam=0.6)
    expected = 0.6 * np.log(0.35) + 0.4 * np.log(0.35 / 0.2)
    assert rel[0, 1] == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(term_relevance(PHI, freq, lam=1.0), np.log(PHI))
    np.testing.assert_allclose(
        term_relevance(PHI, freq, lam=0.0), np.log(PHI / (freq / freq.sum()))
    )


def test_top_terms_and_labels_table() -> None:
    table = top_terms(PHI, VOCAB, topn=2)
    assert table.columns.tolist() == ["topic", "rank", "term", "weight"]
    assert table["term"].tolist() == ["russia", "nato", "russia", "grain"]
    labels = topic_labels(PHI, VOCAB, np.array([60.0, 20.0, 20.0]), topn=3, label_terms=2)
    assert labels.loc[0, "frex_terms"] == "nato, russia, grain"
    assert labels.loc[0, "prob_terms"] == "russia, nato, grain"
    assert labels["label"].str.count(" / ").eq(1).all()


def test_representative_documents() -> None:
    theta = np.array([[0.9, 0.1], [0.2, 0.8], [0.9, 0.1], [0.5, 0.5]])
    frame = doc_topic_frame(theta, ["d", "c", "b", "a"])
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "title": ["A <b>", "B", "C", "D"],
            "outlet": ["x", "y", "x", "y"],
        }
    )
    reps = representative_documents(frame, docs, n=2)
    # topic 0: tie 0.9 between b and d -> doc_id order
    assert reps[reps["topic"] == 0]["doc_id"].tolist() == ["b", "d"]
    assert reps[reps["topic"] == 1]["doc_id"].tolist() == ["c", "a"]
    assert reps.loc[reps["doc_id"] == "b", "title"].iloc[0] == "B"
