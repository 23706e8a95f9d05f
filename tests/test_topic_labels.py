"""Topic labels: FREX and relevance against hand-computed values, representative documents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.topics.labels import (
    frex_scores,
    relevance_scores,
    representative_documents,
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
    # w = 0 is the frequency ECDF only, w = 1 the exclusivity ECDF only
    np.testing.assert_allclose(frex_scores(PHI, w=0.0)[0], [1.0, 2 / 3, 1 / 3])
    np.testing.assert_allclose(frex_scores(PHI, w=1.0)[0], [1 / 3, 1.0, 2 / 3])
    with pytest.raises(ValueError, match="w must be"):
        frex_scores(PHI, w=1.5)


def test_relevance_by_hand() -> None:
    freq = np.array([60.0, 20.0, 20.0])
    rel = relevance_scores(PHI, freq, lam=0.6)
    expected = 0.6 * np.log(0.35) + 0.4 * np.log(0.35 / 0.2)
    assert rel[0, 1] == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(relevance_scores(PHI, freq, lam=1.0), np.log(PHI))
    np.testing.assert_allclose(
        relevance_scores(PHI, freq, lam=0.0), np.log(PHI / (freq / freq.sum()))
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
