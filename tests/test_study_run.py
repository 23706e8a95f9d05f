"""The whole study path on a small real subset: build, every analysis step, the executed
notebooks, HTML and PDF; reruns skip what did not change; hostile titles never run in a browser."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest

from secnews.analysis.report.render import ReportSettings, render_study_report
from secnews.analysis.steps.pipeline import ANALYSIS_STEPS, run_study
from secnews.analysis.steps.study import load_study

from ._browser import HOSTILE_TITLES, chromium_body_tag
from ._studies import SMALL_SOURCES

ROOT = Path(__file__).resolve().parents[1]


def _hostile_csv(corpora_dir: Path, target: Path) -> None:
    """Real Kremlin press releases (not otherwise in the study) re-published under hostile
    titles by a made-up outlet."""
    source = corpora_dir / "kremlin-ukraine-press-2021-2022" / "kremlin_putin.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [row for row, _ in zip(csv.DictReader(handle), range(4), strict=False)]
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "date", "text"])
        for index, row in enumerate(rows):
            title = HOSTILE_TITLES[index % len(HOSTILE_TITLES)] + f" {row['headline']}"
            writer.writerow([title, row["date"], row["body"]])


def _study_text(tmp: Path, hostile: Path, k: int) -> str:
    return f"""
[study]
name = "small"
title = "Small real study"
seed = 7
work_dir = "{tmp / "work"}"
reports_dir = "{tmp / "reports"}"
{SMALL_SOURCES}
[[sources]]
path = "{hostile}"
format = "table"
outlet = "Hostile Wire"

[build]

[stats]
compare = ["White House", "State"]
kwic = "nato"
n_boot = 100

[topics]
k = [{k}, {k + 1}]
seeds = 2
gibbs_iterations = 100
n_boot = 50

[trends]
terms = ["nato", "sanctions", "war"]
period = "month"
by = "outlet"
events = "{ROOT / "studies" / "events.csv"}"
n_boot = 100

[entities]
window = "sentence"
mode = "gazetteer"
by = "outlet"
n_permutations = 99
"""


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory, corpora_dir: Path) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("study")
    hostile = tmp / "hostile.csv"
    _hostile_csv(corpora_dir, hostile)
    path = tmp / "small.toml"
    path.write_text(_study_text(tmp, hostile, k=3))
    study = load_study(path)
    first = run_study(study)
    report, rendered = render_study_report(study, settings=ReportSettings(), cwd=ROOT)
    digests = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (report.html, report.pdf) if p
    }
    return {"tmp": tmp, "path": path, "hostile": hostile, "first": first, "report": report,
            "rendered": rendered, "digests": digests}  # fmt: skip


def test_every_step_ran_and_wrote_its_outputs(small_study: dict[str, object]) -> None:
    first = small_study["first"]
    assert [r.step for r in first] == ["build", *ANALYSIS_STEPS]  # type: ignore[attr-defined]
    assert all(r.ran for r in first)  # type: ignore[attr-defined]
    reports = Path(str(small_study["tmp"])) / "reports" / "small"
    for name in ("stats/keyness.csv", "topics/topics.csv", "topics/selection.csv",
                 "topics/doc_topics.parquet", "trends/trends.csv", "entities/edges.csv"):  # fmt: skip
        assert (reports / name).is_file(), name


def test_report_has_every_notebook_and_nothing_runs(
    small_study: dict[str, object], tmp_path: Path
) -> None:
    report = small_study["report"]
    html = report.html.read_text()  # type: ignore[attr-defined]
    for heading in ("The corpus", "Topics", "Term trends", "Actors and who appears with whom"):
        assert heading in html
    assert "Hostile Wire" in html
    assert "&lt;script&gt;document.body.setAttribute" in html
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html)
    assert "data-pwned" not in chromium_body_tag(report.html, tmp_path)  # type: ignore[attr-defined]
    for path in (Path(str(small_study["tmp"])) / "reports" / "small" / "topics").glob("*.html"):
        assert "data-pwned" not in chromium_body_tag(path, tmp_path)


def test_rerun_skips_everything_and_gives_the_same_bytes(small_study: dict[str, object]) -> None:
    study = load_study(Path(str(small_study["path"])))
    again = run_study(study)
    assert not any(r.ran for r in again)
    _, rendered = render_study_report(study, cwd=ROOT)
    assert not rendered
    forced, rendered = render_study_report(study, cwd=ROOT, force=True)
    assert rendered
    digests = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (forced.html, forced.pdf) if p
    }
    assert digests == small_study["digests"]


def test_changing_k_reruns_only_the_topic_step(small_study: dict[str, object]) -> None:
    tmp = Path(str(small_study["tmp"]))
    path = tmp / "small_k4.toml"
    path.write_text(
        _study_text(tmp, Path(str(small_study["hostile"])), k=4).replace(
            'name = "small"', 'name = "small"'
        )
    )
    ran = {r.step: r.ran for r in run_study(load_study(path))}
    assert ran == {
        "build": False,
        "stats": False,
        "topics": True,
        "trends": False,
        "entities": False,
    }


def _pdf_pages(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _pages_with_images(pdf: Path) -> set[int]:
    import subprocess

    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return {int(line.split()[0]) for line in listing if line.strip()}


def _without_headings_and_captions(page: str) -> list[str]:
    """The lines of a page that are neither a section heading, a caption, nor the page number."""
    rest, in_caption = [], False
    for raw in page.splitlines():
        line = raw.strip()
        if not line:
            in_caption = False
            continue
        if re.match(r"(Figure|Table) \d+\. ", line):
            in_caption = True
        elif re.search(r"\S {2,}\S", line):  # a table row (columns), not caption prose
            in_caption = False
        if in_caption or (re.fullmatch(r"\d+(\.\d+)? +\S.*", line) and len(line) < 80):
            continue
        if re.fullmatch(r"\d+ / \d+", line):
            continue
        rest.append(line)
    return rest


def test_pdf_reads_as_a_document(small_study: dict[str, object]) -> None:
    """Title page, contents, page numbers, no raw missing values or ids, no page with only a
    heading or a caption, numbered figures and tables referenced from the summary."""
    report = small_study["report"]
    pages = _pdf_pages(report.pdf)  # type: ignore[attr-defined]
    text = "\n".join(pages)
    assert "Small real study" in pages[0] and "Dates" in pages[0]
    assert "Contents" in pages[1] and "Summary of findings" in pages[1]
    for number, page in enumerate(pages[1:], start=2):
        assert re.search(rf"\b{number} / {len(pages)}\s*$", page.strip()), f"page {number}"
    for bad in ("NaN", "NaT", "None", "nan", "e+00", "e-0"):
        found = re.search(rf"(?<![A-Za-z]){re.escape(bad)}(?![A-Za-z])", text)
        assert not found, text[max(0, found.start() - 300) : found.end() + 100]
    assert not re.search(r"\b(country|org|person|place):[A-Za-z_]+", text), "raw entity id"
    with_images = _pages_with_images(report.pdf)  # type: ignore[attr-defined]
    for number, page in enumerate(pages, start=1):
        if number not in with_images:
            rest = _without_headings_and_captions(page)
            assert rest, f"page {number} holds only a heading or a caption: {page.strip()[:300]}"
    summary = next(p for p in pages if "Summary of findings" in p and "Contents" not in p)
    assert re.search(r"Figure \d+", summary) and re.search(r"Table \d+", summary)
    for kind in ("Figure", "Table"):
        numbers = [int(n) for n in re.findall(rf"^\s*{kind} (\d+)\. ", text, re.M)]
        assert numbers and numbers == list(range(1, len(numbers) + 1)), kind
    html = report.html.read_text()  # type: ignore[attr-defined]
    assert "No description has been provided" not in html
    assert 'class="secnews-ref" href="#' in html


def test_report_without_optional_settings(small_study: dict[str, object], tmp_path: Path) -> None:
    """A study without [stats] compare, with one K and one seed: the report still renders."""
    tmp = Path(str(small_study["tmp"]))
    text = _study_text(tmp, Path(str(small_study["hostile"])), k=3)
    text = text.replace('compare = ["White House", "State"]\n', "")
    text = text.replace("k = [3, 4]\nseeds = 2", "k = [3]\nseeds = 1")
    text = text.replace('name = "small"', 'name = "bare"')
    path = tmp / "bare.toml"
    path.write_text(text)
    study = load_study(path)
    run_study(study)
    report, _ = render_study_report(study, settings=ReportSettings(), cwd=ROOT)
    assert report.pdf is not None and report.pdf.stat().st_size > 0
    assert "no keyness analysis" in report.html.read_text()
