"""``secnews stats`` on a corpus built from the Kremlin and Ukrainian press releases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from secnews.analysis.cli.main import main
from secnews.corpus.build.run import BuildSettings, build_corpus
from secnews.corpus.loaders.sources import Source

MAPPING = "url=link,title=headline,published=date,text=body"


@pytest.fixture(scope="module")
def press_corpus(corpora_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = corpora_dir / "kremlin-ukraine-press-2021-2022"
    out = tmp_path_factory.mktemp("corpus") / "press"
    build_corpus(
        [
            Source(
                paths=folder / "kremlin_putin.csv",
                format="table",
                mapping=MAPPING,
                outlet="kremlin.ru",
            ),
            Source(
                paths=folder / "president_ua_zelenskyy.csv",
                format="table",
                mapping=MAPPING,
                outlet="president.gov.ua",
            ),
        ],
        out,
        settings=BuildSettings(language_id=False, relevance=False),
        progress=False,
    )
    return out


def _run(corpus: Path, out: Path) -> int:
    return main(
        [
            "stats",
            str(corpus),
            "--out",
            str(out),
            "--compare",
            "kremlin.ru,president.gov.ua",
            "--kwic",
            "special military operation",
            "--n-boot",
            "100",
        ]
    )


def test_stats_outputs_and_determinism(press_corpus: Path, tmp_path: Path) -> None:
    assert _run(press_corpus, tmp_path / "a") == 0
    out = tmp_path / "a"
    for name in ("summary", "frequencies", "zipf", "keyness"):
        assert (out / f"{name}.png").stat().st_size > 1000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")
    forward = pd.read_csv(out / "keyness.csv")
    reverse = pd.read_csv(out / "keyness_reverse.csv")
    required = [
        "term",
        "count_target",
        "count_reference",
        "g2",
        "log_ratio",
        "log_ratio_low",
        "log_ratio_high",
        "p_adj",
    ]
    assert list(forward.columns[:3]) == required[:3] and set(required) <= set(forward.columns)
    assert forward["g2"].is_monotonic_decreasing and reverse["g2"].is_monotonic_decreasing
    both = forward.merge(reverse, on="term", suffixes=("_f", "_r"))
    assert len(both) == len(forward) == len(reverse)
    assert (both["g2_f"] + both["g2_r"]).abs().max() < 1e-6
    assert (both["count_target_f"] == both["count_reference_r"]).all()
    assert "donbass" in set(forward.head(15)["term"])
    assert {"war", "kyiv", "occupiers"} <= set(reverse.head(15)["term"])
    summary = pd.read_csv(out / "summary.csv").set_index("group")
    assert (
        summary.loc["all", "documents"]
        == summary.loc[["kremlin.ru", "president.gov.ua"], "documents"].sum()
    )
    sources = pd.read_csv(out / "sources.csv")
    assert list(sources.columns[:5]) == ["source", "in", "kept", "duplicates", "rejected"]
    assert sources.set_index("source").loc["total", "in"] == 1796
    kwic = pd.read_csv(out / "kwic.csv")
    assert len(kwic) > 50 and set(kwic["match"].str.lower()) == {"special military operation"}
    assert _run(press_corpus, tmp_path / "b") == 0
    for path in sorted(out.iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_stats_bad_arguments(
    press_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["stats", str(press_corpus), "--out", str(tmp_path), "--compare", "kremlin.ru,tass.ru"]
    )
    assert code == 2 and "[stats] compare: no documents of ['tass.ru']" in capsys.readouterr().err
    assert main(["stats", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
