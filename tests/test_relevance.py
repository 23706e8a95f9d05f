"""Security-policy relevance score: hand-computed scores on real sentences, lexicon rules."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnews.corpus.clean.relevance import (
    RelevanceLexicon,
    load_relevance_lexicon,
    match_counts,
    parse_relevance_lexicon,
    relevance_scores,
)
from secnews.corpus.clean.terms import ascii_term_pattern

# Real sentences (kremlin_putin.csv row 409, president_ua_zelenskyy.csv rows 459 and 533, UN
# speeches UKR_77_2022 and RUS_77_2022, kremlin_putin.csv row 0) with their hand-computed scores
# under the packaged lexicon: 1000 * sum(weights) / words.
SENTENCES: list[tuple[str, str, float]] = [
    (
        "kremlin_putin.csv",
        "Furthermore, it was made explicitly clear to us that only NATO",
        # NATO (alliances 1.5) + security guarantees (ceasefire 1.5) = 3.0 over 18 words
        1000 * 3.0 / 18,
    ),
    (
        "president_ua_zelenskyy.csv",
        "At the same time, he noted that the issues of guarantees",
        # security (0.5) + nuclear[-free] (2.0) + NATO enlargement (1.5) + invading (1.5) = 5.5
        # over 35 words
        1000 * 5.5 / 35,
    ),
    (
        "president_ua_zelenskyy.csv",
        "Last year, I made a clear warning to NATO leaders",
        # NATO (1.5) + sanctions (1.0) + war (1.5); "warning" is not "war" = 4.0 over 25 words
        1000 * 4.0 / 25,
    ),
    (
        "UKR_77_2022",
        "But it is a permanent member of the Security Council.",
        # Security Council (institutions 1.0), "security" not counted again; 10 words
        1000 * 1.0 / 10,
    ),
    (
        "RUS_77_2022",
        "We are concerned about the situations in Kosovo",
        # Security Council (1.0) + Peace Agreement (ceasefire 1.5) = 2.5 over 41 words
        1000 * 2.5 / 41,
    ),
    (
        "kremlin_putin.csv",
        "The meeting's topic is Foster Partnership for Global Development",
        0.0,
    ),
]


def _sentence(corpora_dir: Path, source: str, start: str) -> str:
    """The real sentence that starts with ``start`` in one of the corpora."""
    if source.endswith(".csv"):
        path = corpora_dir / "kremlin-ukraine-press-2021-2022" / source
        text = "\n".join(pd.read_csv(path, dtype=str, keep_default_na=False)["body"])
    else:
        session = source.split("_")[1]
        year = source.split("_")[2]
        path = corpora_dir / "ungdc-1946-2024" / "TXT" / f"Session {session} - {year}"
        text = (path / f"{source}.txt").read_text(encoding="utf-8")
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if sentence.startswith(start):
            return sentence
    raise AssertionError(f"no sentence starting {start!r} in {source}")


@pytest.fixture(scope="module")
def sentences(corpora_dir: Path) -> list[str]:
    return [_sentence(corpora_dir, source, start) for source, start, _ in SENTENCES]


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_hand_computed_scores_on_real_sentences(sentences: list[str], engine: str) -> None:
    expected = np.array([score for _, _, score in SENTENCES])
    got = relevance_scores(sentences, engine=engine, progress=False)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_counts_per_category(sentences: list[str]) -> None:
    counts = match_counts(sentences, progress=False)
    assert counts["n_words"].tolist() == [18, 35, 25, 10, 41, 23]
    assert counts.loc[1, ["security", "nuclear", "alliances", "war"]].tolist() == [1, 1, 1, 1]
    assert counts.loc[3].drop("n_words").tolist() == [0, 0, 0, 0, 0, 0, 1, 0]
    assert int(counts.drop(columns="n_words").to_numpy().sum()) == 2 + 4 + 3 + 1 + 2 + 0


def test_given_word_counts_and_empty_texts(sentences: list[str]) -> None:
    scores = relevance_scores(["", *sentences[:1]], n_words=[0, 36], progress=False)
    assert scores.tolist() == [0.0, 1000 * 3.0 / 36]
    with pytest.raises(ValueError, match="n_words"):
        relevance_scores(sentences[:2], n_words=[5], progress=False)


def test_duckdb_and_python_engines_agree_on_real_speeches(corpora_dir: Path) -> None:
    folder = corpora_dir / "ungdc-1946-2024" / "TXT" / "Session 77 - 2022"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*_77_2022.txt"))[:40]]
    fast = match_counts(texts, engine="duckdb", progress=False)
    slow = match_counts(texts, engine="python", progress=False)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.drop(columns="n_words").to_numpy().sum() > 1000


def test_packaged_lexicon_is_documented_and_valid() -> None:
    lexicon = load_relevance_lexicon()
    assert lexicon.source == "package:relevance_lexicon.toml" and len(lexicon.sha256) == 64
    names = [c.name for c in lexicon.categories]
    assert names[:2] == ["nuclear", "war"] and "alliances" in names and "sanctions" in names
    weights = {c.name: c.weight for c in lexicon.categories}
    assert weights["nuclear"] == 2.0 and weights["security"] == 0.5
    terms = [t for c in lexicon.categories for t in c.terms]
    assert len(terms) == len(set(terms))
    assert {"nato", "csto", "ceasefire*", "security council"} <= set(terms)
    assert lexicon.to_dict()["categories"]["war"]["weight"] == 1.5


def test_term_rules(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text(
        '[talks]\nweight = 2\nterms = ["cease-fire", "peace talks", "sanction*", "NATO"]\n'
        '[generic]\nterms = ["peace"]\n',
        encoding="utf-8",
    )
    lexicon = load_relevance_lexicon(path)
    texts = [
        "Ceasefire, cease fire, CEASE-FIRE.",  # hyphen: hyphen, space or nothing
        "peace-talks and peace\ntalks, not peace. Talks",  # space: white space or hyphen runs
        "sanctioned sanctions; unsanctioned",  # wildcard, whole words only
        "NATO's pro-NATO natoire",  # apostrophes and hyphens are word boundaries
        "peace peace talks",  # longest term wins at each place
    ]
    counts = match_counts(texts, lexicon=lexicon, progress=False)
    assert counts["talks"].tolist() == [3, 2, 2, 2, 1]
    assert counts["generic"].tolist() == [0, 1, 0, 0, 1]
    scores = relevance_scores(texts, lexicon=lexicon, progress=False)
    assert scores[4] == pytest.approx(1000 * (2 + 1) / 3)
    assert ascii_term_pattern("cease-fire") == r"\bcease(?:-|\s+)?fire\b"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[a]\nterms = []\n", "no terms"),
        ("[a]\nweight = 0\nterms = ['war']\n", "weight must be"),
        ("[a]\nterms = ['war']\n[b]\nterms = ['War']\n", "also in category"),
        ("[a]\nterms = ['re:w.r']\n", "regular-expression"),
        ("[a]\nterms = ['***']\n", "no word character"),
        ("[a]\nterm = ['war']\n", "unknown key"),
        ("a = 1\n", "expected a table"),
        ("[a\n", "not valid TOML"),
        ("", "no category"),
    ],
)
def test_bad_lexicons_get_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_relevance_lexicon(text, source="bad.toml")


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_relevance_lexicon(tmp_path / "missing.toml")


def test_lexicon_is_hashable_and_reused() -> None:
    lexicon = load_relevance_lexicon()
    assert isinstance(lexicon, RelevanceLexicon)
    assert hash(lexicon) == hash(load_relevance_lexicon())


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_non_ascii_terms_match_whole_words(engine: str) -> None:
    lexicon = parse_relevance_lexicon(
        '[ru]\nweight = 1.0\nterms = ["НАТО", "безопасност*", "совет безопасности"]\n'
        '[fr]\nweight = 2.0\nterms = ["sécurité", "OTAN", "défense"]\n'
    )
    texts = [
        # НАТО x2 (incl. adjacent to punctuation), безопасности (wildcard), not "НАТОвский"
        "Расширение НАТО угрожает безопасности России; НАТО, как и НАТОвский блок.",
        # "Совет Безопасности" counts once as the phrase; "sécurité" x2, "défense"; not "sécuritéx"
        "Совет Безопасности ООН. La sécurité, la défense et la Sécurité de l'OTAN; sécuritéx.",
        "NATO security",  # ASCII text: nothing
    ]
    counts = match_counts(texts, lexicon=lexicon, engine=engine)
    assert counts[["ru", "fr"]].to_numpy().tolist() == [[3, 0], [1, 4], [0, 0]]
    scores = relevance_scores(texts, lexicon=lexicon, engine=engine)
    assert scores[1] == pytest.approx(1000 * (1 + 4 * 2.0) / len(texts[1].split()))
