"""The report machinery: offline HTML, escaping checked in a real browser, PDF with Cyrillic,
byte-identical reruns."""

from __future__ import annotations

import hashlib
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from secnews.analysis.report.render import (
    ReportSettings,
    notebook_to_html,
    read_notebook,
    render_report,
)

from ._browser import HOSTILE_TITLES, chromium_body_tag


def _seed_cyrillic_line(corpora_dir: Path) -> str:
    lines = (corpora_dir / "seed-article" / "000_da4050e255aaa6b8.txt").read_text().splitlines()
    return next(line for line in reversed(lines) if re.search("[а-яА-Я]", line)).strip()


@pytest.fixture()
def notebook_project(tmp_path: Path, corpora_dir: Path) -> Path:
    """A project folder with one small notebook that shows real titles, hostile ones and a figure."""
    (tmp_path / "notebooks").mkdir()
    cyrillic = _seed_cyrillic_line(corpora_dir)
    source = textwrap.dedent(
        f"""\
        # %% [markdown]
        # # Report check

        # %% tags=["parameters"]
        study = "none"

        # %%
        import pandas as pd
        from matplotlib.figure import Figure

        titles = {[*HOSTILE_TITLES, cyrillic]!r}
        pd.DataFrame({{"title": titles, "study": [study] * len(titles)}})

        # %%
        fig = Figure(figsize=(4, 3))
        fig.subplots().plot([1, 2, 3])
        fig.axes[0].set_title({cyrillic!r})
        fig
        """
    )
    (tmp_path / "notebooks" / "01-check.py").write_text(source)
    return tmp_path


def _render(project: Path) -> tuple[Path, Path]:
    result = render_report(
        "studies/x.toml",
        reports_dir=project / "reports",
        name="check",
        title="Check",
        settings=ReportSettings(notebooks=("01-check",)),
        cwd=project,
    )
    assert result.pdf is not None
    return result.html, result.pdf


def test_report_is_offline_escaped_and_byte_identical(
    notebook_project: Path, tmp_path: Path, corpora_dir: Path
) -> None:
    html_path, pdf_path = _render(notebook_project)
    first = (
        hashlib.sha256(html_path.read_bytes()).digest(),
        hashlib.sha256(pdf_path.read_bytes()).digest(),
    )
    html = html_path.read_text()
    # nothing is loaded from the network: no script, stylesheet or image with a remote source
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", html)
    assert "<script" not in html  # the template adds no script at all
    # the hostile titles are in the page as text, and nothing ran in a real browser
    assert "&lt;script&gt;document.body.setAttribute" in html
    assert "data-pwned" not in chromium_body_tag(html_path, tmp_path)
    # the PDF carries the Cyrillic line as text
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _seed_cyrillic_line(corpora_dir) in text
    # a rerun gives the same bytes
    html_path, pdf_path = _render(notebook_project)
    second = (
        hashlib.sha256(html_path.read_bytes()).digest(),
        hashlib.sha256(pdf_path.read_bytes()).digest(),
    )
    assert first == second


def test_browser_check_detects_a_payload_that_runs(tmp_path: Path) -> None:
    """Control: the same check fails on a page where the payload is not escaped."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<html><body><p>{HOSTILE_TITLES[1]}</p></body></html>")
    assert 'data-pwned="img"' in chromium_body_tag(page, tmp_path)


def test_code_cells_are_hidden_by_default_and_shown_on_request(notebook_project: Path) -> None:
    notebook = read_notebook(notebook_project / "notebooks" / "01-check.py")
    hidden = notebook_to_html(notebook, title="t")
    shown = notebook_to_html(notebook, title="t", hide_code=False)
    assert "from matplotlib.figure import Figure" not in hidden
    assert "Figure" in shown and "import" in shown


def test_interactive_frame_text_output_has_no_memory_address(tmp_path: Path) -> None:
    """Notebooks store the plain-text repr beside the HTML; it must not change between runs."""
    from secnews.analysis.report.render import InteractiveFrame

    page = tmp_path / "map.html"
    page.write_text("<p>map</p>", encoding="utf-8")
    frame = InteractiveFrame(page, title="Topic map")
    assert repr(frame) == "InteractiveFrame('map.html', title='Topic map')"
    assert repr(frame) == repr(InteractiveFrame(page, title="Topic map"))
    assert 'srcdoc="&lt;p&gt;map&lt;/p&gt;"' in frame._repr_html_()
