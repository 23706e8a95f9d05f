"""tomotopy's Gibbs sampler in secnews: the word lists it is given, the convergence rule, and
reproducibility for a seed with one and with two sampling threads, on real press releases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
from secnews.analysis.steps.topics import TopicInputs, TopicsSettings, inputs_from_preprocessed
from secnews.analysis.topics.engines import _token_lists, _tomotopy_words
from secnews.analysis.topics.model import TopicModel, TopicSettings


@pytest.fixture(scope="module")
def inputs(press_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> TopicInputs:
    pre = preprocess(
        press_frame.iloc[::4].reset_index(drop=True),
        settings=PreprocessSettings(n_jobs=1),
        cache_dir=tmp_path_factory.mktemp("pre"),
    )
    return inputs_from_preprocessed(pre)


def _settings(**changes: object) -> TopicSettings:
    return TopicSettings(k=6, random_state=5).replace(**changes)


def test_token_lists_are_the_rows_words(inputs: TopicInputs) -> None:
    lists = _token_lists(inputs.bow, inputs.vocabulary)
    assert len(lists) == inputs.bow.shape[0]
    for i in range(inputs.bow.shape[0]):
        assert lists[i] == _tomotopy_words(inputs.bow[i], inputs.vocabulary)
    assert sum(map(len, lists)) == int(inputs.bow.sum())


def test_convergence_rule_stops_at_the_first_small_rise(inputs: TopicInputs) -> None:
    settings = _settings(gibbs_iterations=400, gibbs_tolerance=0.01, gibbs_window=20)
    model = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    trace = model.fit_trace_
    sweeps = [s for s, _ in trace]
    assert sweeps == list(range(20, 20 * len(trace) + 1, 20))
    rises = np.diff([ll for _, ll in trace])
    assert sweeps[-1] < 400, "the log-likelihood per word of a small corpus converges"
    assert rises[-1] < 0.01 and (rises[:-1] >= 0.01).all()
    # stopping is truncation (tomotopy keeps its state between blocks): the same sample as one
    # call of exactly that many sweeps
    fixed = TopicModel(_settings(gibbs_iterations=sweeps[-1], gibbs_tolerance=None)).fit(
        inputs.bow, inputs.vocabulary
    )
    np.testing.assert_array_equal(model.topic_word_, fixed.topic_word_)
    assert fixed.native_.ll_per_word == pytest.approx(trace[-1][1])


@pytest.mark.parametrize("threads", [1, 2])
def test_reproducible_for_a_seed_and_a_number_of_threads(inputs: TopicInputs, threads: int) -> None:
    settings = _settings(gibbs_iterations=60, gibbs_tolerance=None, gibbs_threads=threads)
    a = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    b = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    np.testing.assert_array_equal(a.topic_word_, b.topic_word_)
    np.testing.assert_array_equal(a.doc_topic_, b.doc_topic_)
    other = TopicModel(settings.replace(random_state=6)).fit(inputs.bow, inputs.vocabulary)
    assert not np.array_equal(a.topic_word_, other.topic_word_)
    # the number of threads is part of the sample (PARTITION samples by parts of the vocabulary)
    third = TopicModel(settings.replace(gibbs_threads=3 - threads)).fit(
        inputs.bow, inputs.vocabulary
    )
    assert not np.array_equal(a.topic_word_, third.topic_word_)


def test_step_settings_pass_the_rule_on_and_check_it() -> None:
    from secnews.analysis.steps._base import SettingsError

    model = TopicsSettings(k=(5,), seeds=1, gibbs_tolerance=0.002, gibbs_window=25, gibbs_threads=1)
    run = model.run_settings(seed=0).model
    assert (run.gibbs_tolerance, run.gibbs_window, run.gibbs_threads) == (0.002, 25, 1)
    default = TopicsSettings(k=(5,), seeds=1).run_settings(seed=0).model
    api = TopicSettings(k=5)
    names = ("gibbs_tolerance", "gibbs_window", "gibbs_iterations", "gibbs_threads")
    assert [getattr(default, n) for n in names] == [getattr(api, n) for n in names]
    with pytest.raises(SettingsError, match="gibbs_tolerance"):
        TopicsSettings(gibbs_tolerance=-1.0).check()
    with pytest.raises(SettingsError, match="gibbs_threads"):
        TopicsSettings(gibbs_threads=0).check()
    with pytest.raises(ValueError, match="gibbs_window"):
        TopicSettings(gibbs_window=0)


def test_the_topics_manifest_says_where_sampling_stopped(
    inputs: TopicInputs, press_frame: pd.DataFrame, tmp_path: Path
) -> None:
    import json

    from secnews.analysis.steps.topics import TopicRunSettings, run_topics

    model = _settings(gibbs_iterations=60, gibbs_tolerance=0.01, gibbs_window=20)
    docs = pd.DataFrame({"doc_id": inputs.doc_ids})
    run_topics(inputs, docs, tmp_path, settings=TopicRunSettings(model=model, n_boot=0))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    trace = TopicModel(model).fit(inputs.bow, inputs.vocabulary).fit_trace_
    assert manifest["gibbs_sweeps"] == trace[-1][0] <= 60
    assert [n for n, _ in manifest["gibbs_trace"]] == [n for n, _ in trace]
    stopped_early = trace[-1][0] < 60
    assert manifest["gibbs_converged"] is (stopped_early or trace[-1][1] - trace[-2][1] < 0.01)


def test_rule_converged_tells_the_rule_from_the_cap() -> None:
    from secnews.analysis.topics.engines import rule_converged

    rule = TopicSettings(gibbs_tolerance=0.005)
    assert rule_converged([(100, -9.80), (200, -9.797)], rule)  # rose by 0.003 < 0.005
    assert not rule_converged([(100, -9.80), (200, -9.79)], rule)  # rose by 0.01: the cap
    assert not rule_converged([(200, -9.80)], rule)  # a single block: nothing to compare
    assert not rule_converged([(100, -9.80), (200, -9.80)], rule.replace(gibbs_tolerance=None))
