"""``secnews entities``: a real (small) corpus built from the press releases, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from secnews.analysis.cli.main import main
from secnews.corpus import BuildSettings, Source, build_corpus

FOLDER = "kremlin-ukraine-press-2021-2022"


@pytest.fixture(scope="module")
def small_corpus(corpora_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 60 press releases of each president, built with the corpus builder."""
    tmp = tmp_path_factory.mktemp("entities_cli")
    sources = []
    for name, outlet, mapping in (
        ("kremlin_putin.csv", "kremlin.ru", "url=link,title=headline,published=date,text=body"),
        (
            "president_ua_zelenskyy.csv",
            "president.gov.ua",
            "url=link,title=headline,published=date,text=body",
        ),
    ):
        raw = pd.read_csv(corpora_dir / FOLDER / name, dtype=str, keep_default_na=False).head(60)
        path = tmp / name
        raw.to_csv(path, index=False)
        sources.append(Source((path,), format="table", outlet=outlet, mapping=mapping, name=outlet))
    out = tmp / "corpus"
    build_corpus(
        sources, out, settings=BuildSettings(language_id=False, relevance=False), progress=False
    )
    return out


def _run(corpus: Path, out: Path, *extra: str) -> None:
    code = main(
        [
            "entities",
            str(corpus),
            "--window",
            "sentence",
            "--by",
            "outlet",
            "--out",
            str(out),
            "--n-permutations",
            "49",
            *extra,
        ]
    )
    assert code == 0


def test_cli_outputs(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    _run(small_corpus, out, "--ego", "person:vladimir_putin")
    entities = pd.read_csv(out / "entities.csv")
    assert list(entities.columns) == ["entity_id", "label", "type", "count", "docs", "aliases"]
    assert {"country:RUS", "country:UKR", "person:vladimir_putin"} <= set(entities["entity_id"])
    edges = pd.read_csv(out / "edges.csv")
    assert list(edges.columns)[:8] == [
        "source",
        "target",
        "window",
        "count",
        "pmi",
        "npmi",
        "llr",
        "p_value",
    ]
    assert set(edges["group"]) == {"all", "kremlin.ru", "president.gov.ua"}
    assert (edges["source"] < edges["target"]).all()
    assert edges["p_value"].between(1 / 50, 1).all()
    graph = nx.read_gexf(out / "network.gexf")
    assert graph.number_of_edges() == (edges["group"] == "all").sum()
    for name in (
        "networks/kremlin.ru.gexf",
        "networks/president.gov.ua.graphml",
        "centralities.csv",
        "mentions.parquet",
        "figures/network.png",
        "figures/heatmap_kremlin.ru.png",
        "figures/ego_person_vladimir_putin_kremlin.ru.png",
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["cooccurrence"]["n_permutations"] == 49
    assert manifest["settings"]["extraction"]["mode"] == "gazetteer"
    counts = manifest["counts"]
    assert counts["documents"] == 120
    assert counts["mentions"] == counts["resolved_mentions"] + counts["unresolved_mentions"]
    assert manifest["source"]["corpus_hash"]
    assert manifest["source"]["corpus"] == small_corpus.name  # never the absolute path
    assert str(small_corpus.parent) not in (out / "manifest.json").read_text(encoding="utf-8")
    cents = pd.read_csv(out / "centralities.csv")
    assert list(dict.fromkeys(cents["group"])) == ["all", "kremlin.ru", "president.gov.ua"]


def test_cli_is_deterministic(small_corpus: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _run(small_corpus, first, "--no-figures")
    _run(small_corpus, second, "--no-figures")
    for name in (
        "entities.csv",
        "edges.csv",
        "centralities.csv",
        "network.gexf",
        "network.graphml",
        "manifest.json",
    ):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_local_extraction_in_batches_equals_one_call(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # batches of 7 texts (several per part, the last one short) give the rows of one call on the
    # whole frame, with the same dtypes: the step streams the texts instead of loading them
    from secnews.analysis.entities.extract import extract_entities
    from secnews.analysis.entities.gazetteer import build_gazetteer
    from secnews.analysis.steps import entities as step
    from secnews.corpus import open_corpus

    monkeypatch.setattr(step, "_BATCH_SIZE", 7)
    corpus = open_corpus(small_corpus)
    settings = step.EntitiesSettings()
    ex_settings, _, _ = step._library_settings(settings, 0)
    gazetteer = build_gazetteer(ex_settings.gazetteer)
    mentions, documents = step._extract(
        corpus, settings=settings, ex_settings=ex_settings, gazetteer=gazetteer, cluster=None
    )
    wanted = ["doc_id", "outlet", "published", "meta", "title", "lede", "text", "dateline_place"]
    frame = corpus.frame([c for c in wanted if c in corpus.columns])
    whole = extract_entities(frame, settings=ex_settings, gazetteer=gazetteer, progress=False)
    corpus.close()
    assert len(documents) == len(frame) > 7 * 10 and len(mentions) > 500
    pd.testing.assert_frame_equal(mentions, whole.mentions)
    pd.testing.assert_frame_equal(documents, whole.documents)
