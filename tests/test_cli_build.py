"""``secnews build`` and ``secnews datasets`` on the real corpora."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from secnews.analysis.cli.main import main
from secnews.corpus import open_corpus
from secnews.corpus.build.summary import COUNT_COLUMNS


def test_build_files_with_mapping_and_outlet(
    tmp_path: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = corpora_dir / "kremlin-ukraine-press-2021-2022/kremlin_putin.csv"
    out = tmp_path / "press"
    code = main(
        [
            "build",
            str(csv),
            "--out",
            str(out),
            "--format",
            "table",
            "--map",
            "url=link,title=headline,published=date,text=body",
            "--outlet",
            "kremlin.ru",
            "--no-progress",
        ]
    )
    stdout = capsys.readouterr().out
    assert code == 0
    header = next(line for line in stdout.splitlines() if line.strip().startswith("source"))
    # the columns themselves are pinned in test_build; the CLI prints the same table
    assert header.split() == list(COUNT_COLUMNS)
    row = next(line for line in stdout.splitlines() if line.strip().startswith(str(csv)))
    values = dict(zip(COUNT_COLUMNS[1:], row.split()[1:], strict=True))
    n_in, kept, dups, rejected = (values[k] for k in ("in", "kept", "duplicates", "rejected"))
    null_dates, share = values["null_dates"], values["null_date_share"]
    checks = ("unparsed_dates", "placeholder_dates", "truncated", "ignored", "id_collisions")
    assert [values[k] for k in checks] == ["0"] * 5
    assert int(n_in) == 816 == int(kept) + int(dups) + int(rejected)
    assert (null_dates, share) == ("0", "0.0%")
    assert f"{int(dups)} duplicate(s)" in stdout
    assert ("[exact]" in stdout) or ("[near]" in stdout)
    corpus = open_corpus(out)
    assert set(corpus.frame(["outlet"])["outlet"]) == {"kremlin.ru"}
    assert len(corpus) == int(kept)


def test_build_datasets_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    code = main(
        [
            "build",
            "--dataset",
            "tass-politics-2024",
            "--dataset",
            "seed-article",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    stdout = capsys.readouterr().out
    assert code == 0
    lines = {line.split()[0]: line.split()[1:] for line in stdout.splitlines() if line.strip()}
    assert lines["tass-politics-2024"][:4] == ["20", "20", "0", "0"]
    assert lines["seed-article"][:4] == ["1", "1", "0", "0"]
    assert lines["total"][:4] == ["21", "21", "0", "0"]
    assert lines["seed-article"][5] == "100.0%"  # the seed page has no date
    assert "no duplicates found" in stdout


def test_build_errors_are_reported_not_raised(
    tmp_path: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--out", str(tmp_path / "x")]) == 2
    assert "at least one SOURCE" in capsys.readouterr().err
    assert main(["build", "--dataset", "nope", "--out", str(tmp_path / "x")]) == 2
    assert "unknown dataset 'nope'" in capsys.readouterr().err
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    seed = corpora_dir / "seed-article"
    assert main(["build", str(seed), "--out", str(foreign), "--no-progress"]) == 2
    assert "refusing to replace" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_datasets_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    stdout = capsys.readouterr().out
    for name in (
        "seed-article",
        "kremlin-ukraine-press",
        "usgov-ukraine-2022",
        "tass-politics-2024",
        "ungdc",
        "html-news-pages",
    ):
        line = next(line for line in stdout.splitlines() if line.strip().startswith(name))
        assert line.rstrip().endswith("yes")
    assert (
        "https://github.com/adbar/trafilatura/tree/e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"
        in stdout
    )
    assert main(["datasets", "--json"]) == 0
    assert capsys.readouterr().out.count('"present": true') == 7


def test_build_folder_with_pattern(
    tmp_path: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = corpora_dir / "ungdc-1946-2024/TXT/Session 01 - 1946"
    names = sorted(p.name for p in session.iterdir())[:3]
    target = tmp_path / "un/TXT/Session 01 - 1946"
    target.mkdir(parents=True)
    for name in names:
        shutil.copyfile(session / name, target / name)
    pattern = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"
    out = tmp_path / "c"
    args = ["build", str(tmp_path / "un"), "--pattern", pattern, "--outlet", "UN General Debate"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    frame = open_corpus(out).frame(["outlet", "meta", "published"])
    assert list(frame["outlet"]) == ["UN General Debate"] * 3
    assert frame["published"].isna().all()
    countries = [json.loads(m)["country"] for m in frame["meta"]]
    assert countries == [n.split("_")[0] for n in names]
    assert {json.loads(m)["year"] for m in frame["meta"]} == {1946}
