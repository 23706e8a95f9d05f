from __future__ import annotations

from pathlib import Path

import pytest

from secnews.analysis.steps.study import load_study, stable_hash

ROOT = Path(__file__).resolve().parents[1]


def test_demo_study_parses() -> None:
    study = load_study(ROOT / "studies" / "demo.toml")
    assert study.name == "demo"
    assert [s["dataset"] for s in study.sources] == [
        "kremlin-ukraine-press",
        "usgov-ukraine-2022",
        "tass-politics-2024",
        "seed-article",
    ]
    assert study.settings("topics")["seeds"] == 2
    assert study.step_dir("topics") == Path("reports/demo/topics")
    assert len(study.text_sha256) == 64


def test_stable_hash_ignores_key_order_but_not_values() -> None:
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": [1, 2], "a": 1})
    assert stable_hash({"a": 1}) != stable_hash({"a": 2})
    assert stable_hash({"k": [5, 10]}) != stable_hash({"k": [10, 5]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[study]\ntitle='x'\n[[sources]]\ndataset='a'\n", "needs a name"),
        ("[study]\nname='x'\n", "at least one"),
        ("[study]\nname='x'\n[[sources]]\ndataset='a'\npath='b'\n", "exactly one"),
        ("[study]\nname='x'\n[[sources]]\ndataset='a'\n[topicz]\nk=1\n", "unknown tables"),
    ],
)
def test_bad_study_files_are_refused_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_study(path)


def test_settings_files_hash_the_files_a_step_names(tmp_path: Path) -> None:
    from secnews.analysis.steps.pipeline import settings_files

    events = tmp_path / "events.csv"
    events.write_text("date,label\n2022-02-24,invasion\n")
    settings = {"events": str(events), "terms": ["nato"], "nested": {"aliases": [str(events)]}}
    first = settings_files(settings)
    assert list(first) == [str(events)]
    events.write_text("date,label\n2022-02-24,full-scale invasion\n")
    assert settings_files(settings)[str(events)] != first[str(events)]
    assert settings_files({"terms": "nato,war"}) == {}


def test_code_fingerprint_names_the_package_sources() -> None:
    from secnews.analysis.steps.pipeline import code_fingerprint

    corpus_code = code_fingerprint("secnews.corpus")
    assert len(corpus_code) == 64
    assert corpus_code != code_fingerprint("secnews.analysis")
