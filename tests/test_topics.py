"""Topic models on real press releases: engines, determinism, stored results, map and CLI."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
from secnews.analysis.steps.topics import (
    TopicInputs,
    TopicRunSettings,
    inputs_from_preprocessed,
    run_topics,
)
from secnews.analysis.topics.model import TopicModel, TopicSettings
from secnews.analysis.topics.selection import SelectionSettings
from secnews.analysis.topics.topic_map import classical_mds, render_topic_map, topic_map_data
from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.record import make_doc_id


def _us_frame(corpora_dir: Path, n: int) -> pd.DataFrame:
    """A slice of the US government statements (.xlsx), as records like ``press_frame``."""
    raw = pd.read_excel(
        corpora_dir / "usgov-ukraine-2022" / "Government_Data.xlsx", dtype=str
    ).fillna("")
    raw = raw[raw["article"].str.strip() != ""].iloc[:n]
    outlet = "usgov:" + raw["source"].str.strip().str.lower()
    frame = pd.DataFrame(
        {
            "outlet": outlet.to_numpy(),
            "url": raw["url"].to_numpy(),
            "title": [normalize_inline(t) for t in raw["title"]],
            "lede": None,
            "text": [normalize_text(t) for t in raw["article"]],
            "published": pd.to_datetime(
                raw["date"], format="mixed", errors="coerce", utc=True
            ).to_numpy(),
            "meta": "{}",
        }
    )
    frame.insert(
        0,
        "doc_id",
        [
            make_doc_id(outlet=o, url=u, text=t)
            for o, u, t in zip(frame["outlet"], frame["url"], frame["text"], strict=True)
        ],
    )
    return frame


@pytest.fixture(scope="module")
def docs(press_frame: pd.DataFrame, corpora_dir: Path) -> pd.DataFrame:
    press = press_frame.iloc[::8]
    frame = pd.concat([press, _us_frame(corpora_dir, 60)], ignore_index=True)
    return frame.drop_duplicates("doc_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def inputs(docs: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> TopicInputs:
    pre = preprocess(
        docs, settings=PreprocessSettings(n_jobs=1), cache_dir=tmp_path_factory.mktemp("pre")
    )
    return inputs_from_preprocessed(pre)


FAST = TopicSettings(k=4, engine="gensim", passes=2, iterations=50, chunksize=200, random_state=7)


def test_gensim_engine_is_deterministic(inputs: TopicInputs) -> None:
    a = TopicModel(FAST).fit(inputs.bow, inputs.vocabulary)
    b = TopicModel(FAST).fit(inputs.bow, inputs.vocabulary)
    np.testing.assert_array_equal(a.topic_word_, b.topic_word_)
    np.testing.assert_array_equal(a.doc_topic_, b.doc_topic_)
    assert a.topic_word_.shape == (4, len(inputs.vocabulary))
    np.testing.assert_allclose(a.topic_word_.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(a.doc_topic_.sum(axis=1), 1.0, atol=1e-9)
    # transform does not depend on earlier calls
    np.testing.assert_array_equal(a.transform(inputs.bow[:5]), a.transform(inputs.bow[:5]))
    other = TopicModel(FAST.replace(random_state=8)).fit(inputs.bow, inputs.vocabulary)
    assert not np.array_equal(a.topic_word_, other.topic_word_)


@pytest.mark.parametrize("engine", ["sklearn-lda", "sklearn-nmf", "tomotopy"])
def test_comparison_engines_share_the_interface(
    inputs: TopicInputs, engine: str, tmp_path: Path
) -> None:
    model = TopicModel(FAST.replace(engine=engine)).fit(inputs.bow, inputs.vocabulary)
    assert model.topic_word_.shape == (4, len(inputs.vocabulary))
    assert model.doc_topic_.shape == (inputs.bow.shape[0], 4)
    np.testing.assert_allclose(model.topic_word_.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(model.transform(inputs.bow[:3]).sum(axis=1), 1.0, atol=1e-9)
    assert model.save_native(tmp_path)


def test_multicore_warns_it_is_not_reproducible(
    inputs: TopicInputs, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="secnews.analysis.topics.model"):
        TopicModel(FAST.replace(engine="gensim-multicore", workers=1, passes=1)).fit(
            inputs.bow[:60], inputs.vocabulary
        )
    assert "not bit-reproducible" in caplog.text


def test_bad_inputs_are_explained(inputs: TopicInputs) -> None:
    with pytest.raises(ValueError, match="columns"):
        TopicModel(FAST).fit(inputs.bow, inputs.vocabulary[:-1])
    with pytest.raises(ValueError, match="empty"):
        TopicModel(FAST).fit(inputs.bow[:0], inputs.vocabulary)
    with pytest.raises(ValueError, match="unknown engine"):
        TopicSettings(engine="mallet")


def _run(inputs: TopicInputs, docs: pd.DataFrame, out: Path) -> dict[str, object]:
    settings = TopicRunSettings(
        model=FAST, selection=SelectionSettings(ks=(3, 4), seeds=(0, 1), random_state=0), n_boot=50
    )
    return run_topics(
        inputs, docs, out, settings=settings, provenance={"corpus": {"corpus_hash": "test"}}
    )


def test_run_writes_identical_bytes_for_the_same_seed(
    inputs: TopicInputs, docs: pd.DataFrame, tmp_path: Path
) -> None:
    first = _run(inputs, docs, tmp_path / "a")
    second = _run(inputs, docs, tmp_path / "b")
    for name in (
        "topics.csv",
        "doc_topics.parquet",
        "selection.csv",
        "labels.csv",
        "prevalence_period.csv",
        "manifest.json",
        "topic_map.html",
        "model/model.gensim",  # gensim's pickles too (its lifecycle log holds the time of day)
        "model/model.gensim.state",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first == second
    out = tmp_path / "a"
    selection = pd.read_csv(out / "selection.csv")
    assert selection.columns.tolist() == [
        "k",
        "seed",
        "quality",
        "c_npmi",
        "c_v",
        "u_mass",
        "perplexity",
        "diversity",
        "stability",
        "fit_docs",
        "sweeps",
    ]
    # a small corpus: the grid's fits saw every training document (no sample)
    n_train = len(inputs.doc_ids) - round(0.1 * len(inputs.doc_ids))
    assert selection["fit_docs"].eq(n_train).all() and selection["sweeps"].isna().all()
    np.testing.assert_allclose(selection["quality"], selection["c_npmi"] * selection["diversity"])
    assert selection[["k", "seed"]].values.tolist() == [[3, 0], [3, 1], [4, 0], [4, 1]]
    assert selection["perplexity"].gt(1).all() and selection["diversity"].between(0, 1).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recommended_k"] in (3, 4) and "c_npmi" in manifest["recommendation_rule"]
    # The final model is the representative grid run itself: its coherence is that row's.
    final = manifest["final_model"]
    row = selection[(selection["k"] == final["k"]) & (selection["seed"] == final["random_state"])]
    assert len(row) == 1 and "held-out" in manifest["final_model_rule"]
    assert manifest["coherence"]["c_npmi"] == pytest.approx(float(row["c_npmi"].iloc[0]), abs=1e-6)
    assert manifest["coherence"]["u_mass"] == pytest.approx(float(row["u_mass"].iloc[0]), abs=1e-6)
    assert manifest["preprocess_key"] == inputs.key and "gensim" in manifest["versions"]
    topics = pd.read_csv(out / "topics.csv")
    assert topics.columns.tolist() == ["topic", "rank", "term", "weight"]
    assert topics["topic"].nunique() == manifest["recommended_k"]
    theta = pd.read_parquet(out / "doc_topics.parquet")
    assert theta["doc_id"].tolist() == inputs.doc_ids
    assert pq.read_schema(out / "doc_topics.parquet").metadata is None
    by_outlet = pd.read_csv(out / "prevalence_outlet.csv")
    assert set(by_outlet["outlet"]) >= {"kremlin.ru", "president.gov.ua"}
    assert any(o.startswith("usgov:") for o in by_outlet["outlet"])
    assert (by_outlet["ci_low"] <= by_outlet["prevalence"] + 1e-12).all()
    reps = pd.read_csv(out / "representative_docs.csv")
    assert {"title", "outlet", "weight"} <= set(reps.columns)
    assert (out / "model" / "model.gensim").is_file()
    for name in ("selection.png", "prevalence_time.png", "outlet_heatmap.png"):
        assert (out / name).stat().st_size > 10_000


def test_topic_map_is_offline_and_escaped() -> None:
    evil = "</script><script>alert(1)</script>"
    phi = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.3, 0.4, 0.3]])
    theta = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    data = topic_map_data(
        phi,
        theta,
        np.array([100.0, 50.0]),
        np.array([50.0, 40.0, 60.0]),
        [evil, "nato", "a&b"],
        labels=["x", "<b>y</b>", "z"],
        n_terms=3,
    )
    page = render_topic_map(data, title="<img src=x onerror=alert(1)>")
    assert "<script>alert" not in page and "<img" not in page and "<b>y" not in page
    assert page.count("<script") == 2 and "src=" not in page.replace("&lt;img src=x", "")
    assert "https://" not in page and "cdn" not in page.lower()
    start = page.index('type="application/json">') + len('type="application/json">')
    embedded = json.loads(page[start : page.index("</script>", start)])
    assert evil in embedded["vocab"] and embedded["topics"][1]["label"] == "<b>y</b>"
    assert abs(sum(t["share"] for t in embedded["topics"]) - 1.0) < 1e-5


def test_classical_mds_recovers_distances() -> None:
    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0]])
    dist = np.linalg.norm(points[:, None] - points[None], axis=2)
    coords = classical_mds(dist)
    np.testing.assert_allclose(
        np.linalg.norm(coords[:, None] - coords[None], axis=2), dist, atol=1e-9
    )


def _write_corpus(frame: pd.DataFrame, folder: Path) -> None:
    from secnews.corpus.store.write import ArticleWriter, write_manifest

    folder.mkdir()
    rows = frame.assign(
        dateline_place=None,
        author=None,
        language="en",
        source_path="test",
        loader="test",
        n_chars=frame["text"].str.len(),
        n_words=[len(t.split()) for t in frame["text"]],
        dup_of=None,
        relevance=np.nan,
    )
    with ArticleWriter(folder) as writer:
        writer.write(pa.Table.from_pandas(rows, preserve_index=False))
        digest = writer.hasher.hexdigest()
    write_manifest(folder / "manifest.json", {"corpus_hash": digest})


def test_cli_on_a_corpus_folder(docs: pd.DataFrame, tmp_path: Path) -> None:
    from secnews.analysis.cli.main import main

    corpus = tmp_path / "corpus"
    _write_corpus(docs.iloc[::2].reset_index(drop=True), corpus)
    out = tmp_path / "out"
    code = main(
        [
            "topics",
            str(corpus),
            "--k",
            "3",
            "--seeds",
            "1",
            "--passes",
            "1",
            "--n-boot",
            "20",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["final_model"]["k"] == 3 and manifest["corpus"]["n_documents"] == len(
        docs.iloc[::2]
    )
    assert "selection.csv" not in {p.name for p in out.iterdir()}
    assert main(["topics", str(tmp_path / "missing"), "--out", str(out)]) == 2


def test_run_settings_from_study_options() -> None:
    from secnews.analysis.steps.topics import TopicsSettings

    def run_settings(options: dict[str, object], seed: int = 0) -> Any:
        return TopicsSettings.from_mapping(options).run_settings(seed=seed)

    settings = run_settings({"k": "5,10", "seeds": 2, "passes": 3, "alpha": "symmetric"}, seed=4)
    assert settings.selection is not None
    assert settings.selection.ks == (5, 10) and settings.selection.seeds == (4, 5)
    assert settings.model.passes == 3 and settings.model.alpha == "symmetric"
    single = run_settings({"k": 7, "seeds": 1})
    assert single.selection is None and single.model.k == 7


def test_grid_in_parallel_equals_the_grid_in_one_process(inputs: TopicInputs) -> None:
    """The worker processes change only the wall time: same table, same topics, same order."""
    from secnews.analysis.steps.topics import _scorer
    from secnews.analysis.topics.selection import run_selection

    grid = SelectionSettings(ks=(3, 5), seeds=(0, 1), random_state=0)
    runs = [
        run_selection(
            inputs.bow,
            inputs.vocabulary,
            scorer=_scorer(inputs),
            settings=grid,
            model_settings=FAST,
            n_jobs=n_jobs,
        )
        for n_jobs in (1, 2)
    ]
    pd.testing.assert_frame_equal(runs[0].table, runs[1].table, check_exact=True)
    assert (
        list(runs[0].topic_words) == list(runs[1].topic_words) == [(3, 0), (3, 1), (5, 0), (5, 1)]
    )
    for key, words in runs[0].topic_words.items():
        np.testing.assert_array_equal(words, runs[1].topic_words[key])


def test_default_engine_is_deterministic_and_exports_to_gensim(
    inputs: TopicInputs, tmp_path: Path
) -> None:
    from gensim.models import LdaModel

    settings = TopicSettings(k=4, gibbs_iterations=100, random_state=3)
    assert settings.engine == "tomotopy" and settings.prior("eta") == 0.01
    a = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    b = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    np.testing.assert_array_equal(a.topic_word_, b.topic_word_)
    np.testing.assert_array_equal(a.transform(inputs.bow[:5]), b.transform(inputs.bow[:5]))
    files = {p.name for p in a.save_native(tmp_path)}
    assert {"model.tomotopy.bin", "model.gensim", "model.gensim.state"} <= files
    loaded = LdaModel.load(str(tmp_path / "model.gensim"))
    # gensim's topics are tomotopy's (n_kw + eta) / (n_k + V eta), to float32 rounding
    np.testing.assert_allclose(loaded.get_topics(), a.topic_word_, atol=1e-6)
    assert loaded.num_topics == 4 and loaded.id2word[0] == inputs.vocabulary[0]


def test_no_chunk_artefact_just_above_a_chunk_boundary(
    inputs: TopicInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus 2 % larger than the chunk size: the API cuts it into two equal chunks (gensim's
    own chunking would end in a tiny chunk scaled up ~50 times in the last M-step), and its
    topics are as coherent as those of a fit in one chunk."""
    from secnews.analysis.steps.topics import _scorer
    from secnews.analysis.topics import vb

    n = inputs.bow.shape[0]
    chunksize = int(n / 1.02)
    sizes: list[int] = []
    original = vb._EStep.run

    def spy(self: object, rows: np.ndarray, gamma: np.ndarray) -> object:
        sizes.append(int(rows.size))
        return original(self, rows, gamma)  # type: ignore[arg-type]

    monkeypatch.setattr(vb._EStep, "run", spy)
    base = FAST.replace(k=4, passes=4, workers=1, random_state=0)
    near = TopicModel(base.replace(chunksize=chunksize)).fit(inputs.bow, inputs.vocabulary)
    assert sorted(set(sizes[:2])) in ([n // 2], [n // 2, n - n // 2])
    one = TopicModel(base.replace(chunksize=n)).fit(inputs.bow, inputs.vocabulary)
    scorer = _scorer(inputs)
    npmi_near = float(np.mean(scorer.score(near.top_word_ids(), measure="c_npmi")))
    npmi_one = float(np.mean(scorer.score(one.top_word_ids(), measure="c_npmi")))
    assert npmi_near > npmi_one - 0.03, (npmi_near, npmi_one)


def test_undated_one_outlet_corpus_runs_and_says_what_it_skipped(
    inputs: TopicInputs, docs: pd.DataFrame, tmp_path: Path
) -> None:
    undated = docs.assign(published=None, outlet="one outlet")
    settings = TopicRunSettings(model=FAST.replace(k=3), n_boot=20)
    manifest = run_topics(inputs, undated, tmp_path, settings=settings)
    written = {p.name for p in tmp_path.iterdir()}
    assert {"manifest.json", "topics.csv", "labels.csv", "topic_map.html"} <= written
    assert {"prevalence_outlet.csv", "representative_docs.csv"} <= written
    assert not {"prevalence_period.csv", "prevalence_time.png", "outlet_heatmap.png"} & written
    stages = manifest["stages"]
    assert stages["prevalence_time"].startswith("skipped") and "period" in stages["prevalence_time"]
    assert stages["outlet_heatmap"].startswith("skipped") and stages["topic_map"] == "done"
    assert manifest["coherence_counting"]["window"] == "gensim"


def test_a_failing_late_stage_leaves_results_and_manifest(
    inputs: TopicInputs, docs: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from secnews.analysis.steps.topics import TopicStageError
    from secnews.analysis.topics import topic_map

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no map today")

    monkeypatch.setattr(topic_map, "render_topic_map", broken)
    settings = TopicRunSettings(model=FAST.replace(k=3), n_boot=20)
    with pytest.raises(TopicStageError, match="topic_map"):
        run_topics(inputs, docs, tmp_path, settings=settings)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["stages"]["topic_map"].startswith("failed: RuntimeError: no map today")
    assert manifest["stages"]["prevalence_time"] == "done"
    assert (tmp_path / "prevalence_period.csv").is_file() and (tmp_path / "topics.csv").is_file()


def test_grid_sample_is_seeded_of_the_stated_size_and_within_the_training_split() -> None:
    from secnews.analysis.topics.selection import grid_fit_documents, split_heldout

    train, test = split_heldout(500, fraction=0.1, random_state=3)
    first = grid_fit_documents(train, max_docs=120, random_state=3)
    assert first.size == 120 and np.unique(first).size == 120
    assert np.all(np.diff(first) > 0) and np.isin(first, train).all()
    assert not np.isin(first, test).any()
    np.testing.assert_array_equal(first, grid_fit_documents(train, max_docs=120, random_state=3))
    assert not np.array_equal(first, grid_fit_documents(train, max_docs=120, random_state=4))
    # the draw itself: a sorted choice without replacement from the seed's own stream
    rng = np.random.default_rng([3, 1])
    np.testing.assert_array_equal(first, train[np.sort(rng.choice(450, 120, replace=False))])
    # no sample when the training split is not larger than the cap, or without a cap
    np.testing.assert_array_equal(grid_fit_documents(train, max_docs=450, random_state=3), train)
    np.testing.assert_array_equal(grid_fit_documents(train, max_docs=None, random_state=3), train)
    with pytest.raises(ValueError, match="max_fit_docs"):
        SelectionSettings(max_fit_docs=0)


def test_the_grid_fits_on_the_sample_and_says_so(inputs: TopicInputs) -> None:
    from secnews.analysis.steps.topics import _scorer
    from secnews.analysis.topics.selection import run_selection

    settings = SelectionSettings(ks=(3,), seeds=(0, 1), random_state=2, max_fit_docs=40)
    result = run_selection(
        inputs.bow,
        inputs.vocabulary,
        scorer=_scorer(inputs),
        settings=settings,
        model_settings=FAST,
        n_jobs=1,
    )
    assert result.fit_index.size == 40 < result.train_index.size
    assert np.isin(result.fit_index, result.train_index).all()
    assert result.table["fit_docs"].tolist() == [40, 40]
    # each grid fit is the fit on exactly those documents (the perplexity split unchanged)
    alone = TopicModel(FAST.replace(k=3, random_state=1, workers=1)).fit(
        inputs.bow[result.fit_index], inputs.vocabulary
    )
    np.testing.assert_array_equal(result.topic_words[(3, 1)], alone.topic_word_)
    full = run_selection(
        inputs.bow,
        inputs.vocabulary,
        scorer=_scorer(inputs),
        settings=SelectionSettings(ks=(3,), seeds=(0, 1), random_state=2, max_fit_docs=None),
        model_settings=FAST,
        n_jobs=1,
    )
    np.testing.assert_array_equal(full.train_index, result.train_index)
    np.testing.assert_array_equal(full.fit_index, full.train_index)


def test_manifest_says_the_grid_sampled_and_the_final_model_saw_all(
    inputs: TopicInputs, docs: pd.DataFrame, tmp_path: Path
) -> None:
    grid = SelectionSettings(ks=(3, 4), seeds=(0, 1), random_state=0, max_fit_docs=40)
    manifest = run_topics(
        inputs, docs, tmp_path, settings=TopicRunSettings(model=FAST, selection=grid, n_boot=20)
    )
    n_train = len(inputs.doc_ids) - round(0.1 * len(inputs.doc_ids))
    note = manifest["grid_fit_documents"]
    assert note["n_documents"] == 40 and note["n_training_documents"] == n_train
    assert note["max_fit_docs"] == manifest["settings"]["selection"]["max_fit_docs"] == 40
    assert "sample of 40" in note["sample"] and "sample of 40" in manifest["final_model_rule"]
    selection = pd.read_csv(tmp_path / "selection.csv")
    assert selection["fit_docs"].eq(40).all()
    # the final model: the recommended K and representative seed, fitted on all training docs
    final = manifest["final_model"]
    model = TopicModel(FAST.replace(k=final["k"], random_state=final["random_state"]))
    from secnews.analysis.topics.selection import split_heldout

    train, _ = split_heldout(len(inputs.doc_ids), fraction=0.1, random_state=0)
    model.fit(inputs.bow[train], inputs.vocabulary)
    assert train.size == n_train
    from gensim.models import LdaModel

    saved = LdaModel.load(str(tmp_path / "model" / "model.gensim"))
    np.testing.assert_allclose(saved.get_topics(), model.native_.get_topics())


def test_grid_docs_is_one_setting_from_study_to_api() -> None:
    from secnews.analysis.steps._base import SettingsError
    from secnews.analysis.steps.topics import TopicsSettings
    from secnews.analysis.topics.selection import MAX_FIT_DOCS

    assert SelectionSettings().max_fit_docs == MAX_FIT_DOCS is None  # default: all documents
    assert TopicsSettings().grid_docs == 0
    default = TopicsSettings.from_mapping({"k": "5,10"}).run_settings(seed=0)
    assert default.selection is not None and default.selection.max_fit_docs == MAX_FIT_DOCS
    every = TopicsSettings.from_mapping({"k": "5,10", "grid_docs": 0}).run_settings(seed=0)
    assert every.selection is not None and every.selection.max_fit_docs is None
    capped = TopicsSettings.from_mapping({"k": "5,10", "grid_docs": "300"}).run_settings(seed=0)
    assert capped.selection is not None and capped.selection.max_fit_docs == 300
    with pytest.raises(SettingsError, match="grid_docs"):
        TopicsSettings.from_mapping({"k": "5,10", "grid_docs": -1})
