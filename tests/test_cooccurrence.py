"""Co-occurrence measures against hand-computed values and reference implementations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from secnews.analysis.entities.cooccurrence import (
    EDGE_COLUMNS,
    CooccurrenceSettings,
    assign_period,
    bh_adjust,
    cooccurrence,
    cooccurrence_by,
    pair_measures,
)
from secnews.analysis.entities.extract import MENTION_COLUMNS


def _mentions(rows: list[tuple[str, int, int, str]]) -> pd.DataFrame:
    """(doc_id, paragraph, sentence, entity_id) -> a mention table."""
    return pd.DataFrame(
        [(d, p, s, 0, 1, e, e, e, "x", "gazetteer") for d, p, s, e in rows],
        columns=list(MENTION_COLUMNS),
    )


def _documents(
    n: int, *, outlet: str = "o", n_par: int = 1, n_sent: int = 1, start: int = 1
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(start, start + n)],
            "n_paragraphs": n_par,
            "n_sentences": n_sent,
            "n_words": 10,
            "outlet": outlet,
        }
    )


# Toy corpus of five documents: A in d1 d2 d3, B in d1 d2 d4, C in d1 d5.
TOY = _mentions(
    [
        ("d1", 0, 0, "A"),
        ("d1", 0, 0, "A"),  # a repeated mention counts once per unit
        ("d1", 0, 0, "B"),
        ("d1", 0, 0, "C"),
        ("d2", 0, 0, "A"),
        ("d2", 0, 0, "B"),
        ("d3", 0, 0, "A"),
        ("d4", 0, 0, "B"),
        ("d5", 0, 0, "C"),
    ]
)


def test_toy_measures_by_hand() -> None:
    settings = CooccurrenceSettings(
        window="document", min_count=1, min_entity_count=1, n_permutations=0
    )
    edges = cooccurrence(TOY, _documents(5), settings=settings)
    assert tuple(edges.columns) == EDGE_COLUMNS
    ab = edges[(edges["source"] == "A") & (edges["target"] == "B")].iloc[0]
    # n11 = 2, n1 = 3, n2 = 3, N = 5
    assert ab["count"] == 2 and ab["n_source"] == 3 and ab["n_target"] == 3 and ab["n_units"] == 5
    assert ab["pmi"] == pytest.approx(math.log2(2 * 5 / (3 * 3)))  # 0.152003
    assert ab["pmi"] == pytest.approx(0.152003, abs=1e-6)
    assert ab["npmi"] == pytest.approx(math.log2(10 / 9) / -math.log2(2 / 5))  # 0.114986
    assert ab["npmi"] == pytest.approx(0.114986, abs=1e-6)
    assert ab["jaccard"] == pytest.approx(2 / (3 + 3 - 2))
    assert ab["expected"] == pytest.approx(9 / 5)
    # G² = 2 [2 ln(2/1.8) + 1 ln(1/1.2) + 1 ln(1/1.2) + 1 ln(1/0.8)] = 0.138443
    g2 = 2 * (2 * math.log(2 / 1.8) + 2 * math.log(1 / 1.2) + math.log(1 / 0.8))
    assert ab["llr"] == pytest.approx(g2)
    assert ab["llr"] == pytest.approx(0.138443, abs=1e-6)
    assert np.isnan(ab["p_value"])
    # A and C: n11 = 1 (d1), n1 = 3, n2 = 2 -> pmi = log2(5/6) < 0; cells 1, 2, 1, 1
    ac = edges[(edges["source"] == "A") & (edges["target"] == "C")].iloc[0]
    assert ac["pmi"] == pytest.approx(math.log2(5 / 6))
    e = [6 / 5, 9 / 5, 4 / 5, 6 / 5]
    o = [1, 2, 1, 1]
    assert ac["llr"] == pytest.approx(
        2 * sum(oi * math.log(oi / ei) for oi, ei in zip(o, e, strict=True))
    )
    assert edges[["source", "target"]].values.tolist() == [["A", "B"], ["A", "C"], ["B", "C"]]


def test_llr_matches_scipy_and_npmi_bounds() -> None:
    rng = np.random.default_rng(1)
    n = 200
    n1 = rng.integers(5, 100, 50)
    n2 = rng.integers(5, 100, 50)
    n11 = np.array(
        [rng.integers(max(0, a + b - n), min(a, b) + 1) for a, b in zip(n1, n2, strict=True)]
    )
    n11 = np.maximum(n11, 1)
    got = pair_measures(n11, n1, n2, n)
    for i in range(50):
        table = np.array([[n11[i], n1[i] - n11[i]], [n2[i] - n11[i], n - n1[i] - n2[i] + n11[i]]])
        g2, *_ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert got["llr"][i] == pytest.approx(g2, rel=1e-9, abs=1e-9)
    assert np.all(got["npmi"] <= 1 + 1e-12) and np.all(got["npmi"] >= -1 - 1e-12)
    # perfect association: n11 = n1 = n2 -> npmi = 1; present in every unit -> npmi = 1 too
    assert pair_measures(np.array([4]), np.array([4]), np.array([4]), 10)["npmi"][
        0
    ] == pytest.approx(1.0)
    assert pair_measures(np.array([10]), np.array([10]), np.array([10]), 10)["npmi"][
        0
    ] == pytest.approx(1.0)


def test_windows_count_units() -> None:
    # one document, two paragraphs, three sentences: A+B in sentence 0; C in sentence 1 (same
    # paragraph); B in sentence 2 (second paragraph)
    mentions = _mentions(
        [("d1", 0, 0, "A"), ("d1", 0, 0, "B"), ("d1", 0, 1, "C"), ("d1", 1, 2, "B")]
    )
    docs = _documents(1, n_par=2, n_sent=3)
    base = {"min_count": 1, "min_entity_count": 1, "n_permutations": 0}
    pairs = {}
    for window in ("sentence", "paragraph", "document"):
        edges = cooccurrence(mentions, docs, settings=CooccurrenceSettings(window=window, **base))
        pairs[window] = {
            (s, t): (c, n) for s, t, c, n in edges[["source", "target", "count", "n_units"]].values
        }
    assert pairs["sentence"] == {("A", "B"): (1, 3)}
    assert pairs["paragraph"] == {("A", "B"): (1, 2), ("A", "C"): (1, 2), ("B", "C"): (1, 2)}
    assert pairs["document"] == {("A", "B"): (1, 1), ("A", "C"): (1, 1), ("B", "C"): (1, 1)}


def test_minimum_count_filters_and_unresolved() -> None:
    mentions = pd.concat(
        [TOY, _mentions([("d1", 0, 0, "unresolved:PERSON:X"), ("d2", 0, 0, "unresolved:PERSON:X")])]
    )
    docs = _documents(5)
    edges = cooccurrence(
        mentions,
        docs,
        settings=CooccurrenceSettings(window="document", min_count=2, n_permutations=0),
    )
    assert edges[["source", "target"]].values.tolist() == [["A", "B"]]
    edges = cooccurrence(
        mentions,
        docs,
        settings=CooccurrenceSettings(
            window="document",
            min_count=2,
            min_entity_count=3,
            n_permutations=0,
            include_unresolved=True,
        ),
    )
    assert edges[["source", "target"]].values.tolist() == [
        ["A", "B"]
    ]  # C (2 docs) and X (2) are out
    edges = cooccurrence(
        mentions,
        docs,
        settings=CooccurrenceSettings(
            window="document", min_count=2, n_permutations=0, include_unresolved=True
        ),
    )
    assert ["A", "unresolved:PERSON:X"] in edges[["source", "target"]].values.tolist()
    with pytest.raises(ValueError, match="window must be"):
        CooccurrenceSettings(window="line")


def _planted(
    n_docs: int, a: list[int], b: list[int], *, outlet: str = "o", start: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(f"d{start + i}", 0, 0, "A") for i in a] + [(f"d{start + i}", 0, 0, "B") for i in b]
    return _mentions(rows), _documents(n_docs, outlet=outlet, start=start)


def test_permutation_p_value_approximates_fisher() -> None:
    # 40 documents, A in 10, B in 12, both in 6: one stratum, so the permutation null is the
    # hypergeometric distribution and p = P(X >= 6) (Fisher's one-sided exact test)
    mentions, docs = _planted(40, list(range(10)), list(range(4, 16)))
    settings = CooccurrenceSettings(
        window="document", min_count=1, n_permutations=2999, random_state=3
    )
    p = cooccurrence(mentions, docs, settings=settings)["p_value"].iloc[0]
    exact = stats.hypergeom.sf(6 - 1, 40, 10, 12)
    assert exact == pytest.approx(0.0256, abs=1e-4)
    assert p == pytest.approx(exact, abs=0.008)
    again = cooccurrence(mentions, docs, settings=settings)["p_value"].iloc[0]
    assert again == p  # same seed, same p-value


def test_p_value_formula_and_minimum() -> None:
    # A and B together in all 10 of 100 documents: no permutation reaches 10
    mentions, docs = _planted(100, list(range(10)), list(range(10)))
    settings = CooccurrenceSettings(window="document", min_count=1, n_permutations=9)
    assert cooccurrence(mentions, docs, settings=settings)["p_value"].iloc[0] == pytest.approx(
        1 / 10
    )
    # A and B in every document: every permutation reaches the observed count -> p = 1
    mentions, docs = _planted(5, list(range(5)), list(range(5)))
    assert cooccurrence(mentions, docs, settings=settings)["p_value"].iloc[0] == pytest.approx(1.0)


def test_permutations_are_stratified_by_outlet() -> None:
    # outlet X: 20 documents, A in 10, B in 10, both in 5 = exactly what independence predicts;
    # outlet Y: 60 documents without A or B. Pooled, A and B look attracted (expected 1.25 of 80
    # units), but within the outlet they are not, and the stratified test says so.
    m_x, d_x = _planted(20, list(range(10)), list(range(5, 15)), outlet="X")
    d_y = _documents(60, outlet="Y", start=21)
    mentions, docs = m_x, pd.concat([d_x, d_y], ignore_index=True)
    settings = CooccurrenceSettings(window="document", min_count=1, n_permutations=999)
    edge = cooccurrence(mentions, docs, settings=settings).iloc[0]
    assert edge["pmi"] == pytest.approx(math.log2(5 * 80 / (10 * 10)))  # 2 bits
    assert edge["p_value"] > 0.4
    unstratified = cooccurrence(mentions, docs.assign(outlet="all"), settings=settings).iloc[0]
    assert unstratified["p_value"] < 0.01


def test_by_outlet_and_period() -> None:
    m1, d1 = _planted(10, [0, 1, 2], [0, 1, 2], outlet="X")
    m2, d2 = _planted(10, [0, 1], [0, 1], outlet="Y", start=11)
    mentions = pd.concat([m1, m2], ignore_index=True)
    docs = pd.concat([d1, d2], ignore_index=True)
    docs["published"] = pd.to_datetime(["2021-03-01"] * 10 + ["2022-11-01"] * 10, utc=True)
    settings = CooccurrenceSettings(window="document", min_count=1, n_permutations=0)
    by_outlet = cooccurrence_by(mentions, docs, by="outlet", settings=settings)
    assert by_outlet[["group", "count", "n_units"]].values.tolist() == [["X", 3, 10], ["Y", 2, 10]]
    by_period = cooccurrence_by(mentions, docs, by="period", settings=settings)
    assert by_period["group"].tolist() == ["2021", "2022"]


def test_assign_period() -> None:
    docs = pd.DataFrame(
        {
            "published": pd.to_datetime(pd.Series(["2022-02-24T03:00:00Z", None, None]), utc=True),
            "meta": ["{}", '{"year": 1991}', "not json"],
        }
    )
    assert assign_period(docs).tolist() == ["2022", "1991", "unknown"]
    assert assign_period(docs, freq="quarter").tolist()[0] == "2022Q1"
    assert assign_period(docs, freq="month").tolist()[0] == "2022-02"


def test_p_adj_is_benjamini_hochberg_of_p_value() -> None:
    # by hand: sorted p 0.01, 0.03, 0.04, 0.2 (m = 4) -> 0.04, min(0.06, 0.0533), 0.0533, 0.2
    assert bh_adjust(np.array([0.01, 0.04, 0.03, 0.2])) == pytest.approx(
        [0.04, 0.16 / 3, 0.16 / 3, 0.2]
    )
    assert np.isnan(bh_adjust(np.array([np.nan, 0.5]))[0])
    assert bh_adjust(np.array([np.nan, 0.5]))[1] == pytest.approx(0.5)
    # a toy table: four entities in 30 documents, every pair reported
    rng = np.random.default_rng(0)
    rows = [(f"d{d}", 0, 0, e) for d in range(30) for e in "ABCD" if rng.random() < 0.5 or e == "A"]
    docs = _documents(30)
    settings = CooccurrenceSettings(window="document", min_count=1, n_permutations=199)
    edges = cooccurrence(_mentions(rows), docs, settings=settings)
    assert list(edges.columns[:9]) == [*EDGE_COLUMNS[:8], "p_adj"]
    assert len(edges) == 6
    from statsmodels.stats.multitest import multipletests

    expected = multipletests(edges["p_value"], method="fdr_bh")[1]
    assert edges["p_adj"].to_numpy() == pytest.approx(expected)
    assert (edges["p_adj"] >= edges["p_value"]).all()


def test_stratified_permutation_p_value_matches_the_exact_null() -> None:
    # two outlets; A and B share 4 of 30 documents in one and 3 of 20 in the other. The exact
    # null of the pair count is the convolution of two hypergeometric distributions.
    from scipy.stats import hypergeom

    rows = []
    layout = {"x": (30, 9, 10, 4), "y": (20, 6, 7, 3)}  # units, A, B, both
    docs = []
    for outlet, (n, a, b, both) in layout.items():
        for i in range(n):
            doc = f"{outlet}{i}"
            docs.append(
                {
                    "doc_id": doc,
                    "n_paragraphs": 1,
                    "n_sentences": 1,
                    "n_words": 10,
                    "outlet": outlet,
                }
            )
            if i < a:
                rows.append((doc, 0, 0, "A"))
            if a - both <= i < a - both + b:
                rows.append((doc, 0, 0, "B"))
    mentions = _mentions(rows)
    settings = CooccurrenceSettings(
        window="document", min_count=1, min_entity_count=1, n_permutations=19999, random_state=5
    )
    p = cooccurrence(mentions, pd.DataFrame(docs), settings=settings)["p_value"].iloc[0]
    px = hypergeom(30, 9, 10).pmf(np.arange(11))
    py = hypergeom(20, 6, 7).pmf(np.arange(8))
    exact = np.convolve(px, py)[7:].sum()
    assert p == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / 19999))
