"""The public API: the README's examples run, the API's defaults give the steps' numbers, the
starting notebook runs on the public API only."""

from __future__ import annotations

import ast
import doctest
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import secnews.analysis as sa
from secnews.corpus import build_corpus, open_corpus
from secnews.corpus.registry import dataset_sources

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def press(corpora_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Kremlin and Kyiv press releases built from the named dataset (as in the README)."""
    assert (corpora_dir / "kremlin-ukraine-press-2021-2022").is_dir()
    out = tmp_path_factory.mktemp("api") / "press"
    build_corpus(dataset_sources("kremlin-ukraine-press"), out, progress=False)
    return out


def test_readme_examples_run(press: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(press.parent)
    result = doctest.testfile(
        str(ROOT / "README.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 10
    assert result.failed == 0


def test_api_defaults_give_the_stats_steps_keyness(press: Path, tmp_path: Path) -> None:
    """``keyness_between`` with its defaults equals the stats step's keyness.csv (the report's)."""
    settings = sa.StatsSettings(compare=("kremlin.ru", "president.gov.ua"))
    sa.run_stats(press, tmp_path / "stats", settings=settings, seed=20220224)
    step = pd.read_csv(tmp_path / "stats" / "keyness.csv")
    api = sa.keyness_between(
        open_corpus(press), "kremlin.ru", "president.gov.ua", random_state=20220224
    )
    assert list(api["term"]) == list(step["term"])
    for column in ("g2", "log_ratio", "log_ratio_low", "log_ratio_high", "p_adj"):
        assert api[column].to_numpy() == pytest.approx(step[column].to_numpy(), rel=1e-9)
    putin = api.set_index("term").loc["vladimir_putin", "g2"]
    assert putin == pytest.approx(1606.31, abs=0.01)


def test_help_lists_the_public_functions() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import secnews.analysis as a; help(a)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PAGER": "cat"},
    )
    for name in ("keyness_between", "term_trends", "fit_topics", "extract_entities", "run_study"):
        assert name in done.stdout
    assert set(sa.__all__) <= set(dir(sa))


def test_importing_the_api_imports_nothing_heavy() -> None:
    code = "import sys, secnews.analysis, secnews.corpus; print(sorted(sys.modules))"
    modules = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for heavy in ("'pandas'", "'numpy'", "'gensim'", "'matplotlib'", "'duckdb'"):
        assert heavy not in modules


def test_explore_notebook_uses_the_public_api_only() -> None:
    tree = ast.parse((ROOT / "notebooks" / "explore.py").read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {m for m in imported if m and m.startswith("secnews")} == {
        "secnews.analysis",
        "secnews.corpus",
    }
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]


@pytest.mark.slow
def test_explore_notebook_runs(press: Path, tmp_path: Path) -> None:
    import jupytext

    from secnews.analysis.report.render import execute_notebook

    notebook = jupytext.read(ROOT / "notebooks" / "explore.py")
    executed = execute_notebook(
        notebook, parameters={"corpus_dir": str(press), "k": 4, "seed": 1}, cwd=tmp_path
    )
    outputs = [o for cell in executed.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "vladimir_putin" in text and "kremlin.ru" in text


def test_docstring_examples_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every ``>>>`` example in the package's docstrings runs (those marked ``+SKIP`` need data)."""
    import importlib
    import pkgutil

    import secnews.corpus

    monkeypatch.chdir(tmp_path)
    attempted = 0
    for package in (secnews.corpus, sa):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            result = doctest.testmod(
                module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
            )
            assert result.failed == 0, info.name
            attempted += result.attempted
    assert attempted >= 10
