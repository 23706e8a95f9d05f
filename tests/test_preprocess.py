"""The shared preprocessing step: tokens, filters, NPMI phrases (against gensim), cache keys."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess, tokenize
from secnews.analysis.preprocess.phrases import apply_phrases, count_bigrams, score_phrases


@pytest.fixture(scope="module")
def small_frame(press_frame: pd.DataFrame) -> pd.DataFrame:
    """150 Kremlin and 150 Ukrainian press releases."""
    return pd.concat(
        [
            press_frame[press_frame["outlet"] == o].head(150)
            for o in ("kremlin.ru", "president.gov.ua")
        ],
        ignore_index=True,
    )


def test_tokenize_rules() -> None:
    text = "The U.S. said on Monday: Euro-Atlantic security, NATO's S-400s and 2,022 https://x.org/a ok"
    assert tokenize(text) == ["u.s.", "euro-atlantic", "security", "nato", "s-400s", "ok"]
    split = tokenize(text, settings=PreprocessSettings(split_hyphens=True))
    assert split[1:3] == ["euro", "atlantic"]
    keep = tokenize(
        text,
        settings=PreprocessSettings(
            keep_numbers=True, keep_urls=True, stopwords="none", min_token_length=1
        ),
    )
    assert "2" in keep and "022" in keep and "https://x.org/a" in keep and "said" in keep
    assert "ok" in tokenize(text)  # two letters: kept at min_token_length=2
    assert "ok" not in tokenize(text, settings=PreprocessSettings(min_token_length=3))
    cased = tokenize(text, settings=PreprocessSettings(lowercase=False))
    assert "NATO" in cased and "The" not in cased  # stopwords compared in lower case


def test_news_stopwords_and_extra() -> None:
    text = "Lavrov told reporters on Friday in March that sanctions stay"
    assert tokenize(text) == ["lavrov", "sanctions", "stay"]
    assert tokenize(text, settings=PreprocessSettings(stopwords="english")) == [
        "lavrov",
        "told",
        "reporters",
        "friday",
        "march",
        "sanctions",
        "stay",
    ]
    assert tokenize(text, settings=PreprocessSettings(extra_stopwords=("Stay",))) == [
        "lavrov",
        "sanctions",
    ]


def test_stopword_file_replaces_news_list(tmp_path: Path) -> None:
    words = tmp_path / "stop.txt"
    words.write_text("# mine\nsanctions\n", encoding="utf-8")
    settings = PreprocessSettings(stopwords_file=str(words))
    assert tokenize("Lavrov told reporters sanctions", settings=settings) == [
        "lavrov",
        "told",
        "reporters",
    ]


def test_npmi_score_by_hand() -> None:
    # stream: x y x y z | x y   (| = break): pairs x-y (3), y-x (1), y-z (1)
    ids = np.array([0, 1, 0, 1, 2, 0, 1])
    brk = np.array([True, False, False, False, False, True, False])
    keys, counts = count_bigrams(ids, brk)
    pairs = {(int(k) >> 32, int(k) & 0xFFFFFFFF): int(c) for k, c in zip(keys, counts, strict=True)}
    assert pairs == {(0, 1): 3, (1, 0): 1, (1, 2): 1}
    unigrams = np.bincount(ids)
    table = score_phrases(
        keys, counts, unigrams, n_tokens=7, min_count=2, threshold=0.0, first_new_id=3
    )
    pab, pa, pb = 3 / 7, 3 / 7, 3 / 7
    assert len(table) == 1
    assert table.scores[0] == pytest.approx(math.log(pab / (pa * pb)) / -math.log(pab))
    merged, new_brk, doc = apply_phrases(ids, brk, table, np.array([0, 0, 0, 0, 0, 1, 1]))
    assert merged.tolist() == [3, 3, 2, 3]
    assert new_brk.tolist() == [True, False, False, True]
    assert doc.tolist() == [0, 0, 0, 1]


def test_phrases_match_gensim(small_frame: pd.DataFrame, tmp_path: Path) -> None:
    """Without filters (no adjacency gaps) the phrases and the merged streams equal gensim's."""
    from gensim.models.phrases import Phrases

    settings = PreprocessSettings(
        stopwords="none",
        min_token_length=1,
        keep_numbers=True,
        phrase_passes=1,
        phrase_min_count=5,
        phrase_threshold=0.6,
        n_jobs=1,
    )
    result = preprocess(small_frame, settings=settings, cache_dir=tmp_path)
    sentences = [
        tokenize(t, settings=settings)
        for t in (small_frame["title"] + "\n\n" + small_frame["text"]).tolist()
    ]
    model = Phrases(
        sentences,
        min_count=5,
        threshold=0.6,
        scoring="npmi",
        connector_words=frozenset(),
        delimiter="_",
    )
    expected = model.export_phrases()
    ours = result.phrases()
    assert len(ours) > 50
    assert set(ours["phrase"]) == set(expected)
    for phrase, score in zip(ours["phrase"], ours["npmi"], strict=True):
        assert score == pytest.approx(expected[phrase], abs=1e-6)
    frozen = model.freeze()
    for got, sentence in zip(result.iter_tokens(), sentences, strict=True):
        assert got == frozen[sentence]


def test_stopword_gap_blocks_phrases() -> None:
    texts = ["security of the council"] * 20
    frame = pd.DataFrame({"doc_id": [str(i) for i in range(20)], "text": texts})
    result = preprocess(
        frame, settings=PreprocessSettings(phrase_min_count=2, n_jobs=1, no_below=1)
    )
    assert len(result.phrases()) == 0
    assert next(result.iter_tokens()) == ["security", "council"]


def test_outputs_agree_and_phrases_found(press_frame: pd.DataFrame, tmp_path: Path) -> None:
    result = preprocess(press_frame, settings=PreprocessSettings(n_jobs=2), cache_dir=tmp_path)
    assert result.path == tmp_path / result.key
    assert result.doc_ids == press_frame["doc_id"].tolist()
    phrases = set(result.phrases()["phrase"])
    for phrase in (
        "special_military_operation",
        "european_union",
        "security_council",
        "vladimir_putin",
    ):
        assert phrase in phrases
    dictionary = result.dictionary
    matrix = result.bow_matrix()
    assert matrix.shape == (len(press_frame), len(dictionary))
    for i, (tokens, bow) in enumerate(zip(result.iter_tokens(), result.iter_bow(), strict=True)):
        assert bow == dictionary.doc2bow(tokens)
        row = matrix.getrow(i)
        assert list(zip(row.indices.tolist(), row.data.tolist(), strict=True)) == bow
        if i > 300:
            break
    assert len(list(result.iter_bow())) == len(press_frame)
    counts = result.manifest["counts"]
    assert counts["bow_tokens"] == int(matrix.sum())
    assert result.terms[:3] == [dictionary[i] for i in range(3)]
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["settings"]["phrase_threshold"] == 0.5


def test_cache_reused_and_new_key_for_new_settings(
    small_frame: pd.DataFrame, tmp_path: Path
) -> None:
    first = preprocess(small_frame, settings=PreprocessSettings(n_jobs=1), cache_dir=tmp_path)
    assert first.path is not None
    stamp = (first.path / "tokens.parquet").stat().st_mtime_ns
    before = (first.path / "bow.parquet").read_bytes()
    again = preprocess(
        small_frame, settings=PreprocessSettings(n_jobs=2, batch_size=37), cache_dir=tmp_path
    )
    assert again.key == first.key  # n_jobs and batch_size are not part of the key
    assert (first.path / "tokens.parquet").stat().st_mtime_ns == stamp
    other = preprocess(
        small_frame, settings=PreprocessSettings(n_jobs=1, min_token_length=3), cache_dir=tmp_path
    )
    assert other.key != first.key and other.path != first.path
    assert (first.path / "bow.parquet").read_bytes() == before
    keys = sorted(p.name for p in tmp_path.iterdir())
    assert keys == sorted([first.key, other.key])  # no leftovers of the staging folders
    changed = small_frame.assign(text=small_frame["text"].str.replace("Ukraine", "Ukraina"))
    assert (
        preprocess(changed, settings=PreprocessSettings(n_jobs=1), cache_dir=tmp_path).key
        != first.key
    )


def test_same_output_for_any_batching(small_frame: pd.DataFrame, tmp_path: Path) -> None:
    one = preprocess(small_frame, settings=PreprocessSettings(n_jobs=1), cache_dir=tmp_path / "a")
    two = preprocess(
        small_frame, settings=PreprocessSettings(n_jobs=2, batch_size=41), cache_dir=tmp_path / "b"
    )
    assert one.path is not None and two.path is not None
    assert list(one.iter_tokens()) == list(two.iter_tokens())
    assert (one.path / "terms.tsv").read_bytes() == (two.path / "terms.tsv").read_bytes()
    assert (one.bow_matrix() != two.bow_matrix()).nnz == 0


def test_temporary_result_and_bad_input(tmp_path: Path) -> None:
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["NATO expands eastward", "", "   "]})
    result = preprocess(frame, settings=PreprocessSettings(no_below=1, n_jobs=1))
    assert result.path is None and result.folder.is_dir()
    assert list(result.iter_tokens()) == [["nato", "expands", "eastward"], [], []]
    assert list(result.iter_bow())[1:] == [[], []]
    assert result.manifest["counts"]["empty_documents"] == 2
    with pytest.raises(ValueError, match="unique"):
        preprocess(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}))
    with pytest.raises(KeyError, match="doc_id"):
        preprocess(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ValueError, match="NPMI"):
        PreprocessSettings(phrase_threshold=1.5)


def test_spacy_lemmas() -> None:
    settings = PreprocessSettings(lemmatize=True)
    tokens = tokenize(
        "The troops were attacking cities near the Euro-Atlantic border.", settings=settings
    )
    assert tokens == ["troop", "attack", "city", "near", "euro-atlantic", "border"]


def test_stop_terms_leave_the_dictionary_and_change_the_key(
    small_frame: pd.DataFrame, tmp_path: Path
) -> None:
    from secnews.analysis.preprocess.stopwords import load_stop_terms

    packaged, _ = load_stop_terms("news")
    assert {"like", "including", "message_reads", "e.o."} <= packaged
    extra, _ = load_stop_terms("none", extra=("Message Reads", "armed forces"))
    assert extra == {"message_reads", "armed_forces"}
    with pytest.raises(ValueError, match="stop_terms"):
        PreprocessSettings(stop_terms="all")
    plain = preprocess(
        small_frame, settings=PreprocessSettings(n_jobs=1, stop_terms="none"), cache_dir=tmp_path
    )
    news = preprocess(
        small_frame,
        settings=PreprocessSettings(n_jobs=1, extra_stop_terms=("nato",)),
        cache_dir=tmp_path,
    )
    assert plain.key != news.key
    assert {"like", "including", "nato"} <= set(plain.terms)
    assert not {"like", "including", "nato"} & set(news.terms)
    # the words stay in the token lists (windows for coherence keep their positions)
    assert any("like" in tokens for tokens in news.iter_tokens())
