"""gensim's online VB with the E-step in worker processes, on the real press releases: the same
topics for any number of workers, and gensim's own ``LdaModel.update`` up to float rounding."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from secnews.analysis.preprocess.core import PreprocessSettings, preprocess
from secnews.analysis.steps.topics import TopicInputs, inputs_from_preprocessed
from secnews.analysis.topics._base import equal_chunks
from secnews.analysis.topics.model import TopicModel, TopicSettings
from secnews.analysis.topics.vb import (
    BLOCK_DOCS,
    OnlineVBSchedule,
    estep_block,
    infer_gamma,
    train_online_vb,
)


@pytest.fixture(scope="module")
def inputs(press_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> TopicInputs:
    docs = press_frame.iloc[::2].reset_index(drop=True)  # ~900 releases of both presidencies
    pre = preprocess(
        docs, settings=PreprocessSettings(n_jobs=1), cache_dir=tmp_path_factory.mktemp("pre")
    )
    return inputs_from_preprocessed(pre)


def _gensim_kwargs(inputs: TopicInputs) -> dict[str, object]:
    return dict(
        num_topics=8,
        id2word=dict(enumerate(inputs.vocabulary)),
        chunksize=600,
        iterations=50,
        eta=0.01,
        alpha="auto",
        random_state=3,
        eval_every=None,
    )


SCHEDULE = OnlineVBSchedule(
    passes=2,
    chunksize=600,
    update_every=1,
    decay=0.5,
    offset=1.0,
    iterations=50,
    gamma_threshold=0.001,
)


def test_schedule_is_read_from_the_model(inputs: TopicInputs) -> None:
    """GensimEngine trains with the schedule the LdaModel was built with (gensim's defaults for
    what _gensim_kwargs leaves out: passes 1, decay 0.5, offset 1, threshold 0.001)."""
    from gensim.models import LdaModel

    model = LdaModel(corpus=None, passes=2, **_gensim_kwargs(inputs))  # type: ignore[arg-type]
    assert OnlineVBSchedule.of(model) == SCHEDULE


def test_chunks_span_several_blocks(inputs: TopicInputs) -> None:
    """The other tests only mean something if a chunk is cut into blocks for the workers."""
    assert inputs.bow.shape[0] > SCHEDULE.chunksize > 2 * BLOCK_DOCS


def test_workers_do_not_change_the_topics(inputs: TopicInputs) -> None:
    from gensim.models import LdaModel

    topics = []
    for workers in (1, 2):
        model = LdaModel(corpus=None, **_gensim_kwargs(inputs))
        train_online_vb(model, inputs.bow, schedule=SCHEDULE, workers=workers)
        topics.append((model.get_topics(), np.asarray(model.alpha)))
    np.testing.assert_array_equal(topics[0][0], topics[1][0])
    np.testing.assert_array_equal(topics[0][1], topics[1][1])


def test_equals_gensims_own_update(inputs: TopicInputs) -> None:
    """Same seed, same chunks: gensim's ``LdaModel(corpus=...)`` and ours agree to float32
    rounding (only the order of the additions differs). The corpus is cut to a multiple of the
    chunk size, where gensim's chunks and our equal chunks are the same."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    kwargs = {**_gensim_kwargs(inputs), "chunksize": 300}
    bow = inputs.bow[: (inputs.bow.shape[0] // 300) * 300]
    reference = LdaModel(
        corpus=Sparse2Corpus(bow, documents_columns=False),
        passes=SCHEDULE.passes,
        **kwargs,
    )
    ours = LdaModel(corpus=None, **kwargs)
    schedule = dataclasses.replace(SCHEDULE, chunksize=300)
    train_online_vb(ours, bow, schedule=schedule, workers=2)
    expected, got = reference.get_topics(), ours.get_topics()
    assert np.abs(got - expected).max() < 1e-4 * expected.max()
    np.testing.assert_allclose(ours.alpha, reference.alpha, rtol=1e-3)

    # Not trivially equal: a different seed gives different topics.
    other = LdaModel(corpus=None, **{**kwargs, "random_state": 4})
    train_online_vb(other, inputs.bow, schedule=SCHEDULE, workers=1)
    assert np.abs(other.get_topics() - expected).max() > 100 * np.abs(got - expected).max()


def test_estep_block_equals_gensim_inference(inputs: TopicInputs) -> None:
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    model = LdaModel(corpus=None, **_gensim_kwargs(inputs))
    train_online_vb(model, inputs.bow[:300], schedule=SCHEDULE, workers=1)
    block = inputs.bow[300:340]
    model.random_state = np.random.RandomState(11)
    expected_gamma, expected_sstats = model.inference(
        list(Sparse2Corpus(block, documents_columns=False)), collect_sstats=True
    )
    start = np.random.RandomState(11).gamma(100.0, 1.0 / 100.0, (40, 8)).astype(model.dtype)
    gamma, columns, sstats = estep_block(
        block,
        model.expElogbeta,
        start,
        np.asarray(model.alpha),
        iterations=50,
        gamma_threshold=1e-3,
    )
    np.testing.assert_allclose(gamma, expected_gamma, rtol=5e-4)
    full = np.zeros_like(expected_sstats)
    full[:, columns] = sstats
    np.testing.assert_allclose(full, expected_sstats, rtol=1e-3, atol=1e-6)
    assert set(columns) == set(np.unique(block.indices))


def test_transform_is_repeatable_and_worker_independent(inputs: TopicInputs) -> None:
    settings = TopicSettings(
        k=6, engine="gensim", passes=1, chunksize=600, random_state=2, workers=1
    )
    model = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    native = model.native_
    a = infer_gamma(native, inputs.bow, chunksize=600, random_state=2, workers=1)
    b = infer_gamma(native, inputs.bow, chunksize=600, random_state=2, workers=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(
        model.doc_topic_, a / a.sum(axis=1, keepdims=True), rtol=1e-6, atol=1e-9
    )
    parallel = TopicModel(settings.replace(workers=2)).fit(inputs.bow, inputs.vocabulary)
    np.testing.assert_array_equal(parallel.topic_word_, model.topic_word_)
    np.testing.assert_array_equal(parallel.doc_topic_, model.doc_topic_)


def test_empty_training_matrix_is_refused() -> None:
    from gensim.models import LdaModel

    model = LdaModel(corpus=None, num_topics=2, id2word={0: "a", 1: "b"}, random_state=0)
    with pytest.raises(ValueError, match="no documents"):
        train_online_vb(model, sp.csr_matrix((0, 2)), schedule=SCHEDULE)


def test_saved_model_is_plain_gensim(inputs: TopicInputs, tmp_path: Path) -> None:
    from gensim.models import LdaModel

    model = TopicModel(TopicSettings(k=4, engine="gensim", passes=1, chunksize=600)).fit(
        inputs.bow, inputs.vocabulary
    )
    model.save_native(tmp_path)
    loaded = LdaModel.load(str(tmp_path / "model.gensim"))
    assert type(loaded) is LdaModel
    np.testing.assert_allclose(
        loaded.get_topics() / loaded.get_topics().sum(axis=1, keepdims=True),
        model.topic_word_,
        rtol=1e-6,
    )


def test_saved_model_bytes_do_not_depend_on_the_hash_seed() -> None:
    """gensim's files, written by two interpreters with different string hashing, are equal
    byte for byte (a set in gensim's ``save`` and its dated lifecycle log once made them
    differ)."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, pathlib, sys, tempfile\n"
        "import numpy as np, scipy.sparse as sp\n"
        "from secnews.analysis.topics.model import TopicModel, TopicSettings\n"
        "bow = sp.csr_matrix(np.random.default_rng(0).poisson(0.3, (60, 40)))\n"
        'model = TopicModel(TopicSettings(k=3, engine="gensim", passes=1, workers=1))\n'
        "model.fit(bow, [f'w{i}' for i in range(40)])\n"
        "files = model.save_native(pathlib.Path(tempfile.mkdtemp()))\n"
        "print(sorted((f.name, hashlib.sha256(f.read_bytes()).hexdigest()) for f in files))\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert "model.gensim.state" in outputs[0]
    assert outputs[0] == outputs[1]


def test_compiled_estep_is_cached_on_disk(tmp_path: Path) -> None:
    """The second process loads the E-step's machine code from numba's cache instead of compiling
    it again (a ctypes pointer held in a global would silently make it uncacheable)."""
    import os
    import subprocess
    import sys

    code = (
        "import warnings; warnings.simplefilter('error');"
        "from secnews.analysis.topics.estep import _kernel, compile_kernel;"
        "compile_kernel(); print(sum(_kernel.stats.cache_hits.values()))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout.strip()
        for _ in range(2)
    ]
    assert any(tmp_path.rglob("*.nbi")), "numba wrote no cache index"
    assert runs == ["0", "1"]


def test_terms_absent_from_the_first_chunk_are_unreachable(inputs: TopicInputs) -> None:
    """With a small eta, gensim's first M-step (learning rate 1) leaves every term that is not in
    the first chunk at lambda = eta in every topic, where exp(E[log beta]) underflows to 0: such
    terms never enter a topic. A large eta keeps them."""
    settings = TopicSettings(
        k=6, engine="gensim", eta=0.001, chunksize=150, passes=2, shuffle=False, workers=1
    )
    absent = np.flatnonzero(np.asarray(inputs.bow[:150].sum(axis=0)).ravel() == 0)
    assert absent.size > 100
    model = TopicModel(settings).fit(inputs.bow, inputs.vocabulary)
    assert set(absent) <= set(model.unreachable_terms_)
    assert np.all(model.native_.expElogbeta[:, model.unreachable_terms_] == 0)
    reachable = np.setdiff1d(np.arange(len(inputs.vocabulary)), model.unreachable_terms_)
    assert np.all(model.native_.expElogbeta[:, reachable].max(axis=0) > 0)
    soft = TopicModel(settings.replace(eta=0.5)).fit(inputs.bow, inputs.vocabulary)
    assert soft.unreachable_terms_.size == 0


def test_equal_chunks() -> None:
    assert equal_chunks(2068, 2000) == [(0, 1034), (1034, 2068)]
    assert equal_chunks(600, 300) == [(0, 300), (300, 600)]
    assert equal_chunks(5, 10) == [(0, 5)]
    sizes = [b - a for a, b in equal_chunks(4001, 2000)]
    assert sizes == [1333, 1334, 1334] and sum(sizes) == 4001
    assert equal_chunks(0, 10) == []
