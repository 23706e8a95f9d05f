"""``secnews trends`` on a corpus built by ``secnews build`` from the real press releases."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from secnews.analysis.cli.main import main
from secnews.analysis.steps.trends import TrendsSettings, run_trends
from secnews.corpus.store.read import open_corpus

EXAMPLE_LEXICON = (
    Path(__file__).resolve().parents[1] / "analysis" / "data" / "lexicons_example.toml"
)


@pytest.fixture(scope="module")
def press_corpus(corpora_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Kremlin and Kyiv press releases built by ``secnews build`` (the named dataset)."""
    assert (corpora_dir / "kremlin-ukraine-press-2021-2022").is_dir()
    out = tmp_path_factory.mktemp("corpus") / "press"
    args = ["build", "--dataset", "kremlin-ukraine-press", "--no-download", "--no-language-id"]
    assert main([*args, "--no-relevance", "--no-progress", "--out", str(out)]) == 0
    return out


def _outlets(corpus: Path) -> list[str]:
    return sorted(open_corpus(corpus).frame(["outlet"], include_duplicates=True)["outlet"].unique())


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("date,label\n2022-02-24,Invasion\n", encoding="utf-8")
    return path


def _run(corpus: Path, out: Path, events: Path, *extra: str) -> int:
    outlets = _outlets(corpus)
    return main(
        [
            "trends",
            str(corpus),
            "--terms",
            "nato,special military operation,war",
            "--lexicon",
            str(EXAMPLE_LEXICON),
            "--period",
            "week",
            "--by",
            "outlet",
            "--events",
            str(events),
            "--compare",
            ",".join(outlets),
            "--n-boot",
            "200",
            "--out",
            str(out),
            *extra,
        ]
    )


def test_cli_writes_tables_figures_and_manifest(
    press_corpus: Path, events_file: Path, tmp_path: Path
) -> None:
    outlets = _outlets(press_corpus)
    assert len(outlets) == 2
    out = tmp_path / "trends"
    assert _run(press_corpus, out, events_file) == 0
    table = pd.read_csv(out / "trends.csv", keep_default_na=False)
    assert list(table.columns[:9]) == [
        "term", "outlet", "period", "count", "tokens", "docs", "rate_per_10k", "ci_low", "ci_high",
    ]  # fmt: skip
    assert set(table["term"]) == {
        "nato",
        "special military operation",
        "war",
        "escalation",
        "negotiation",
        "economic pressure",
    }
    assert set(table["outlet"]) == set(outlets)
    articles = open_corpus(press_corpus).frame(["dup_of"], include_duplicates=True)
    docs = table[table["term"] == "nato"]["docs"].sum()
    assert docs == int(articles["dup_of"].isna().sum())
    changes = pd.read_csv(out / "changepoints.csv")
    smo = changes[(changes["term"] == "special military operation") & (changes["method"] == "pelt")]
    smo_dates = pd.to_datetime(smo["date"])
    assert any(abs((d - pd.Timestamp("2022-02-24")).days) <= 7 for d in smo_dates)
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert "trends_01.png" in figures and "trends_01.svg" in figures and "gap_01.png" in figures
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["freq"] == "week" and manifest["settings"]["by"] == "outlet"
    assert manifest["changepoint_settings"]["penalty_c"] == 3.0
    assert manifest["source"]["corpus_hash"]
    assert manifest["source"]["corpus"] == press_corpus.name  # the folder name, never absolute
    assert {s["name"] for s in manifest["series"]} >= {"nato", "escalation"}
    assert set(manifest["outputs"]) >= {
        "trends.csv",
        "changepoints.csv",
        "gap.csv",
        "figures/trends_01.svg",
    }

    again = tmp_path / "again"
    assert _run(press_corpus, again, events_file) == 0
    for name in ["trends.csv", "changepoints.csv", "gap.csv", "smoothed.csv", "manifest.json"]:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    for name in figures:
        assert (out / "figures" / name).read_bytes() == (again / "figures" / name).read_bytes(), (
            name
        )


def test_cli_errors_are_one_line_with_exit_code_2(
    press_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x"
    assert (
        main(
            [
                "trends",
                str(press_corpus),
                "--terms",
                "nato",
                "--period",
                "fortnight",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "is not a period; allowed: day, week" in capsys.readouterr().err
    assert main(["trends", str(tmp_path / "nothing"), "--terms", "nato", "--out", str(out)]) == 2
    assert "not a secnews corpus" in capsys.readouterr().err
    assert main(["trends", str(press_corpus), "--out", str(out)]) == 2
    assert "needs terms and/or a lexicon" in capsys.readouterr().err
    assert not out.exists()


def test_pipeline_step(press_corpus: Path, events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "step"
    settings = {
        "terms": ["nato", "war"],
        "period": "month",
        "by": "outlet",
        "events": str(events_file),
    }
    run_trends(press_corpus, out, settings=TrendsSettings.from_mapping(settings), seed=7)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["random_state"] == 7 and manifest["settings"]["freq"] == "month"
    assert pd.read_csv(out / "trends.csv")["period"].str.endswith("-01").all()
    with pytest.raises(
        ValueError, match=r"unknown setting 'frequency'.*valid: terms, lexicon, period"
    ):
        TrendsSettings.from_mapping({"terms": ["nato"], "frequency": "week"})
