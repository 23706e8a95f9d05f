"""Every step's settings: unknown keys and impossible values fail at once, naming the key and what
is allowed; a study with such a table fails before anything is built."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from secnews.analysis.cli.main import main
from secnews.analysis.periods import PERIODS, check_period, pandas_freq
from secnews.analysis.steps._base import SettingsError, write_step_folder
from secnews.analysis.steps.entities import EntitiesSettings
from secnews.analysis.steps.pipeline import check_study
from secnews.analysis.steps.stats import StatsSettings
from secnews.analysis.steps.study import load_study
from secnews.analysis.steps.topics import TopicsSettings
from secnews.analysis.steps.trends import TrendsSettings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("cls", "values", "message"),
    [
        (StatsSettings, {"perod": "month"}, "unknown setting 'perod' (did you mean 'period'?)"),
        (StatsSettings, {"period": "week"}, "period = 'week' is not allowed; allowed: 'month'"),
        (StatsSettings, {"compare": ["a"]}, "compare = ['a'] should be a list of 2 values"),
        (StatsSettings, {"compare": "a,a"}, "compare needs two different outlets"),
        (StatsSettings, {"n_boot": 0}, "n_boot = 0 must be >= 1"),
        (TopicsSettings, {"passess": 3}, "unknown setting 'passess' (did you mean 'passes'?)"),
        (TopicsSettings, {"period": "M"}, "period = 'M' is not a period; allowed: week, month"),
        (TopicsSettings, {"k": [0, 5]}, "k = [0, 5]: positive integers"),
        (TopicsSettings, {"k": "5,x"}, "k = 'x' should be a whole number"),
        (TopicsSettings, {"engine": "mallet"}, "engine = 'mallet'; allowed: tomotopy, gensim"),
        (TopicsSettings, {"event_date": "24.02.2022"}, "is not a date (YYYY-MM-DD)"),
        (TopicsSettings, {"alpha": "flat"}, "alpha = 'flat'; allowed: auto, symmetric"),
        (TopicsSettings, {"preprocess": {"no_abve": 0.5}}, "[topics.preprocess] unknown"),
        (TrendsSettings, {"terms": "nato", "freq": "week"}, "(did you mean 'period'?)"),
        (TrendsSettings, {"terms": "nato", "period": "fortnight"}, "is not a period"),
        (TrendsSettings, {}, "needs terms and/or a lexicon"),
        (TrendsSettings, {"terms": "nato", "events": "no/such.csv"}, "no such file"),
        (TrendsSettings, {"terms": "nato", "ci_level": 95}, "must be in (0, 1)"),
        (TrendsSettings, {"terms": "nato", "by": "country"}, "use 'outlet' or 'meta.KEY'"),
        (EntitiesSettings, {"window": "page"}, "window = 'page' is not allowed"),
        (EntitiesSettings, {"by": "month"}, "by = 'month' is not allowed"),
        (EntitiesSettings, {"max_p": 2}, "max_p = 2.0 must be in (0, 1]"),
        (EntitiesSettings, {"top": "many"}, "top = 'many' should be a whole number"),
    ],
)
def test_bad_settings_name_the_key_and_what_is_allowed(
    cls: type, values: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError) as error:
        cls.from_mapping(values)
    assert message in str(error.value)
    assert str(error.value).startswith(f"[{cls.table}")


def test_values_are_converted_from_text_and_lists() -> None:
    settings = TopicsSettings.from_mapping({"k": "5,10", "seeds": "2", "alpha": "0.1"})
    assert settings.k == (5, 10) and settings.seeds == 2 and settings.alpha == 0.1
    assert TopicsSettings.from_mapping({"k": 7}).k == (7,)
    assert StatsSettings.from_mapping({"compare": ["a", "b"]}).compare == ("a", "b")
    assert EntitiesSettings.from_mapping({"figures": "false"}).figures is False
    assert TrendsSettings(terms=("nato",)).to_dict()["terms"] == ["nato"]


def test_one_period_vocabulary() -> None:
    assert PERIODS == ("day", "week", "month", "quarter", "year")
    assert [pandas_freq(p) for p in PERIODS] == ["D", "W", "M", "Q", "Y"]
    with pytest.raises(ValueError, match="allowed: day, week, month, quarter, year"):
        check_period("W")


@pytest.mark.parametrize("name", ["demo", "un"])
def test_the_shipped_studies_are_valid(name: str) -> None:
    checked = check_study(load_study(ROOT / "studies" / f"{name}.toml"))
    assert set(checked) == {"stats", "topics", "trends", "entities"}


def _study(tmp_path: Path, table: str) -> Path:
    study = tmp_path / "bad.toml"
    study.write_text(
        f'[study]\nname = "bad"\nwork_dir = "{tmp_path / "work"}"\n'
        f'reports_dir = "{tmp_path / "reports"}"\n\n'
        f'[[sources]]\ndataset = "kremlin-ukraine-press"\n\n{table}\n',
        encoding="utf-8",
    )
    return study


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[topics]\npassess = 3", "[topics] unknown setting 'passess'"),
        ('[topics]\nperiod = "month"\nk = [5, 0]', "[topics] k = [5, 0]"),
        ('[stats]\nperiod = "fortnight"', "[stats] period = 'fortnight' is not allowed"),
        ('[trends]\nterms = ["nato"]\nfreq = "week"', "[trends] unknown setting 'freq'"),
        ('[entities]\nwindow = "page"', "[entities] window = 'page'"),
        ("[build]\nlanguage_idd = true", "[build] unknown build settings ['language_idd']"),
        ('[report]\nnotebook = ["01-corpus"]', "[report] unknown report settings"),
    ],
)
def test_a_bad_study_fails_before_any_work(
    tmp_path: Path, table: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    assert main(["run", str(_study(tmp_path, table))]) == 2
    assert time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert err.startswith("secnews run: error: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "work").exists() and not (tmp_path / "reports").exists()


def test_a_step_never_replaces_a_folder_of_other_files(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="was not written by the stats step"):
        write_step_folder(out, "stats", lambda folder: None)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_step_leaves_the_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "stats"

    def first(folder: Path) -> None:
        (folder / "summary.csv").write_text("old\n", encoding="utf-8")

    def broken(folder: Path) -> None:
        (folder / "summary.csv").write_text("half\n", encoding="utf-8")
        raise RuntimeError("late stage failed")

    write_step_folder(out, "stats", first)
    with pytest.raises(RuntimeError):
        write_step_folder(out, "stats", broken)
    assert (out / "summary.csv").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stats"]


def test_a_corpus_with_its_cache_and_step_file_can_be_rebuilt(tmp_path: Path) -> None:
    """An analysis writes its preprocessing cache into the corpus folder and a study's build its
    step.json: rebuilding the corpus there must still be allowed."""
    from secnews.analysis.preprocess.core import preprocess
    from secnews.corpus import BuildSettings, build_corpus, open_corpus
    from secnews.corpus.registry import dataset_sources

    settings = BuildSettings(language_id=False, relevance=False)
    out = tmp_path / "tass"
    build_corpus(dataset_sources("tass-politics-2024"), out, settings=settings, progress=False)
    preprocess(open_corpus(out))
    (out / "step.json").write_text('{"step": "build"}\n', encoding="utf-8")
    assert (out / "preprocessed").is_dir()
    summary = build_corpus(
        dataset_sources("tass-politics-2024"), out, settings=settings, progress=False
    )
    assert sum(s.kept for s in summary.sources) == 20
