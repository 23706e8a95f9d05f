"""What the command line prints (issue 17, point 16): valid JSON, a table that fits a terminal,
no traceback when stdout is closed (``| head``) or a command fails, and a success line for
``stats``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from secnews.analysis.cli import datasets as datasets_command
from secnews.analysis.cli.main import EXIT_BROKEN_PIPE, main
from secnews.corpus import BuildSettings, build_corpus
from secnews.corpus.registry import dataset_sources
from secnews.corpus.store.read import ARTICLES_SCHEMA
from secnews.corpus.store.write import CORPUS_FORMAT, ArticleWriter, write_manifest


def _strict(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"invalid JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def test_datasets_json_is_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets", "--json"]) == 0
    rows = [_strict(line) for line in capsys.readouterr().out.splitlines()]
    seed = next(r for r in rows if r["name"] == "seed-article")  # type: ignore[index]
    assert seed["url"] is None  # type: ignore[index]


def test_datasets_table_fits_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    table = out.split("\n\n")[1].splitlines()
    assert table[0].split() == ["name", "docs", "dates", "present"] and len(table) == 8
    assert max(len(line) for line in table) <= 80
    urls = out.split("upstream, pinned to a commit:\n")[1].splitlines()
    assert urls[3].startswith("  ungdc: https://github.com/")


def test_a_closed_stdout_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader (head) has gone
    saved = os.dup(1)
    try:
        stream = os.fdopen(write, "w", buffering=1)
        monkeypatch.setattr(sys, "stdout", stream)
        assert main(["datasets", "--json"]) == EXIT_BROKEN_PIPE
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def test_an_unhandled_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(args: object) -> int:
        raise ValueError("No objects to concatenate\n  (deep inside)")

    monkeypatch.setattr(datasets_command, "run", fail)
    assert main(["datasets"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "secnews datasets: ValueError: No objects to concatenate (deep inside) "
        "(run with -v for details)\n"
    )


def test_stats_on_an_empty_corpus_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "empty"
    corpus.mkdir()
    with ArticleWriter(corpus) as writer:
        writer.write(pa.Table.from_pylist([], schema=ARTICLES_SCHEMA))
        digest = writer.hasher.hexdigest()
    write_manifest(corpus / "manifest.json", {"format": CORPUS_FORMAT, "corpus_hash": digest})
    (corpus / "rejects.csv").write_text("source_path,row,reason\n")
    out = tmp_path / "stats"
    assert main(["stats", str(corpus), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no documents" in err
    assert not out.exists()


def test_stats_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "tass"
    settings = BuildSettings(language_id=False, relevance=False, dedupe=False)
    build_corpus(dataset_sources("tass-politics-2024"), corpus, settings=settings, progress=False)
    capsys.readouterr()
    out = tmp_path / "stats"
    assert main(["stats", str(corpus), "--out", str(out), "--n-boot", "10"]) == 0
    line = capsys.readouterr().out
    assert line.startswith("stats    20 documents -> ") and f"-> {out}" in line
    for name in ("summary.csv", "zipf.csv", "manifest.json"):
        assert name in line and (out / name).is_file()
