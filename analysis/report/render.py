"""Executed notebooks -> one HTML report (offline, code hidden) and a PDF (WeasyPrint).

The notebooks are jupytext ``py:percent`` files with a cell tagged ``parameters``; papermill's
parameterisation injects the study path after it and nbclient executes them. Everything that
changes between runs (timings, kernel ids, papermill metadata) is removed so that the same study
gives byte-identical HTML and PDF.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from secnews.analysis.report.document import number_document
from secnews.analysis.steps.study import Study, stable_hash
from secnews.corpus.atomic import atomic_write, atomic_write_bytes, atomic_write_text

__all__ = [
    "InteractiveFrame",
    "ReportResult",
    "ReportSettings",
    "combine_notebooks",
    "execute_notebook",
    "html_to_pdf",
    "notebook_to_html",
    "read_notebook",
    "render_report",
    "render_study_report",
    "report_key",
    "scrub_notebook",
]

logger = logging.getLogger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "secnews_report"
_VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets", "jupytext")
_VOLATILE_CELL_METADATA = ("execution", "papermill", "collapsed", "scrolled", "ExecuteTime")


@dataclass(frozen=True)
class ReportSettings:
    """How a report is made.

    Attributes
    ----------
    notebooks
        Notebook names (without ``.py``) under ``notebook_dir``, in report order.
    notebook_dir
        Folder of the jupytext ``py:percent`` notebooks.
    hide_code
        Leave code cells out of the HTML and PDF (outputs stay).
    timeout
        Seconds one cell may run.
    kernel_name
        Jupyter kernel that executes the notebooks.
    pdf
        Also write the PDF.
    min_outlet_docs
        Outlets with fewer documents are too small to compare: figures leave them out and
        tables flag them (the corpus section names them).
    ego_actor
        Entity id at the centre of the ego network (default: the most central actor overall).
    """

    notebooks: tuple[str, ...] = (
        "00-summary",
        "01-corpus",
        "02-topics",
        "03-trends",
        "04-entities",
        "05-appendix",
    )
    notebook_dir: str = "notebooks"
    hide_code: bool = True
    timeout: int = 1200
    kernel_name: str = "python3"
    pdf: bool = True
    min_outlet_docs: int = 10
    ego_actor: str | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ReportSettings:
        """Build settings from a study's ``[report]`` table (unknown keys are an error)."""
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown report settings {sorted(unknown)}; known: {sorted(known)}")
        data = dict(values)
        if "notebooks" in data:
            data["notebooks"] = tuple(data["notebooks"])
        return cls(**data)


@dataclass(frozen=True)
class ReportResult:
    """Paths a report run wrote."""

    html: Path
    pdf: Path | None
    notebooks: tuple[Path, ...]


def read_notebook(path: str | Path) -> Any:
    """Read a jupytext ``py:percent`` file (or an ``.ipynb``) as an ``nbformat`` notebook."""
    import jupytext

    return jupytext.read(str(path))


def execute_notebook(
    notebook: Any,
    *,
    parameters: Mapping[str, Any],
    cwd: str | Path,
    timeout: int = 1200,
    kernel_name: str = "python3",
) -> Any:
    """Inject ``parameters`` after the cell tagged ``parameters`` and execute every cell.

    Parameters
    ----------
    notebook
        An ``nbformat`` notebook (it is not modified; a copy is executed).
    parameters
        Values for the parameters cell (papermill's rules).
    cwd
        Working directory of the kernel.
    timeout
        Seconds one cell may run.
    kernel_name
        Jupyter kernel to start.

    Returns
    -------
    nbformat.NotebookNode
        The executed copy. A failing cell raises ``nbclient.exceptions.CellExecutionError``.
    """
    from nbclient import NotebookClient
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(notebook)
    notebook.metadata["kernelspec"] = {
        "name": kernel_name,
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata.setdefault("papermill", {})
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])
    notebook = parameterize_notebook(notebook, dict(parameters), kernel_name=kernel_name)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        # the kernel runs on this machine's loopback; its warning about unencrypted TCP is noise
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    client.execute()
    return notebook


def _merge_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive stream outputs of one stream: how the kernel's messages were split
    depends on timing, so the split is not kept."""
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = previous.get("text", "") + output.get("text", "")
        else:
            merged.append(output)
    return merged


def scrub_notebook(notebook: Any) -> Any:
    """Return a copy without volatile metadata (timings, papermill data, kernel ids).

    Execution counts are renumbered 1, 2, ... over the code cells so they do not depend on
    how the kernel was driven, and consecutive stream outputs are joined.
    """
    notebook = copy.deepcopy(notebook)
    for key in _VOLATILE_NOTEBOOK_METADATA:
        notebook.metadata.pop(key, None)
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.get("outputs", []))
    for index, cell in enumerate(notebook.cells):
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if not cell.metadata.get("tags", True):
            del cell.metadata["tags"]
        cell["id"] = f"cell-{index}"
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count
                output.get("metadata", {}).pop("execution", None)
    return notebook


def combine_notebooks(notebooks: Sequence[Any], *, title: str) -> Any:
    """Concatenate executed notebooks into one (the report), titled ``title``."""
    import nbformat

    combined = nbformat.v4.new_notebook()
    combined.metadata = copy.deepcopy(notebooks[0].metadata) if notebooks else {}
    combined.metadata["title"] = title
    for number, notebook in enumerate(notebooks):
        for cell in notebook.cells:
            cell = copy.deepcopy(cell)
            cell["id"] = f"nb{number}-{cell.get('id', len(combined.cells))}"
            combined.cells.append(cell)
    return combined


def notebook_to_html(notebook: Any, *, title: str, hide_code: bool = True) -> str:
    """Convert a notebook to a self-contained HTML page that loads nothing from the network.

    Images are embedded as data URIs; the template (``templates/secnews_report``) removes
    require.js, MathJax, Mermaid and widget scripts. Output HTML produced by the notebook is
    inserted as is: the package's display functions escape article text themselves.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=hide_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )
    # Report figures carry their own alt text; images without one (plain notebook outputs)
    # get nbconvert's placeholder, and its warning about them is not for the report's reader.
    exporter.log.setLevel(logging.ERROR)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    html: str = body
    return number_document(html)


def html_to_pdf(html: str, target: str | Path, *, base_url: str | Path) -> Path:
    """Render HTML to PDF with WeasyPrint (no LaTeX, so Cyrillic renders), atomically."""
    from weasyprint import HTML

    # JupyterLab's style sheet uses properties WeasyPrint ignores; its warnings are noise here.
    weasyprint_logger = logging.getLogger("weasyprint")
    level = weasyprint_logger.level
    weasyprint_logger.setLevel(logging.ERROR)
    try:
        data = HTML(string=html, base_url=str(base_url)).write_pdf()
    finally:
        weasyprint_logger.setLevel(level)
    assert data is not None
    return atomic_write_bytes(target, data)


def _write_notebook(notebook: Any, path: Path) -> None:
    import nbformat

    nbformat.write(notebook, str(path))


def render_report(
    study_path: str | Path,
    *,
    reports_dir: Path,
    name: str,
    title: str,
    settings: ReportSettings = ReportSettings(),
    cwd: str | Path = ".",
) -> ReportResult:
    """Execute the study's notebooks and write ``NAME.html``, ``NAME.pdf`` and the notebooks.

    Parameters
    ----------
    study_path
        The study file handed to every notebook as the ``study`` parameter.
    reports_dir
        Folder for ``NAME.html`` and ``NAME.pdf``; executed notebooks go to
        ``reports_dir/NAME/notebooks/``.
    name, title
        File stem and title of the report.
    settings
        Which notebooks, code hidden or not, timeouts.
    cwd
        Working directory of the notebooks (the project root).
    """
    from tqdm.auto import tqdm

    notebook_dir = Path(cwd) / settings.notebook_dir
    executed = []
    notebook_paths = []
    for stem in tqdm(settings.notebooks, desc="notebooks", unit="nb", disable=None):
        source = notebook_dir / f"{stem}.py"
        logger.info("executing %s", source)
        notebook = execute_notebook(
            read_notebook(source),
            parameters={"study": str(study_path)},
            cwd=cwd,
            timeout=settings.timeout,
            kernel_name=settings.kernel_name,
        )
        notebook = scrub_notebook(notebook)
        executed.append(notebook)
        target = reports_dir / name / "notebooks" / f"{stem}.ipynb"
        atomic_write(target, partial(_write_notebook, notebook))
        notebook_paths.append(target)
    report = combine_notebooks(executed, title=title)
    html = notebook_to_html(report, title=title, hide_code=settings.hide_code)
    html_path = atomic_write_text(reports_dir / f"{name}.html", html)
    pdf_path = None
    if settings.pdf:
        pdf_path = html_to_pdf(html, reports_dir / f"{name}.pdf", base_url=reports_dir)
    return ReportResult(html=html_path, pdf=pdf_path, notebooks=tuple(notebook_paths))


def report_key(study: Study, settings: ReportSettings, *, cwd: str | Path = ".") -> str:
    """Return the key of a study's report: every step's key, the notebooks, settings and commit."""
    import hashlib
    from dataclasses import asdict
    from importlib.metadata import version

    from secnews.analysis.report.provenance import git_commit
    from secnews.analysis.steps._base import read_step_key
    from secnews.analysis.steps.fingerprints import code_fingerprint
    from secnews.analysis.steps.study import STEP_TABLES

    notebook_dir = Path(cwd) / settings.notebook_dir
    return stable_hash(
        {
            "study": study.text_sha256,
            "steps": {
                step: read_step_key(study.step_dir(step) if step != "build" else study.corpus_dir)
                for step in STEP_TABLES
                if step != "report"
            },
            "notebooks": {
                stem: hashlib.sha256((notebook_dir / f"{stem}.py").read_bytes()).hexdigest()
                for stem in settings.notebooks
            },
            "template": sorted(
                (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
                for p in (TEMPLATE_DIR / TEMPLATE_NAME).iterdir()
            ),
            "settings": asdict(settings),
            "commit": git_commit(cwd),
            "code": [code_fingerprint("secnews.corpus"), code_fingerprint("secnews.analysis")],
            "secnews": version("secnews"),
        }
    )


def render_study_report(
    study: Study,
    *,
    settings: ReportSettings = ReportSettings(),
    force: bool = False,
    cwd: str | Path = ".",
) -> tuple[ReportResult, bool]:
    """Render a study's report unless its key (see :func:`report_key`) is unchanged.

    Returns
    -------
    tuple of (ReportResult, bool)
        The paths, and whether the report was rendered (``False``: skipped).
    """
    key = report_key(study, settings, cwd=cwd)
    reports_dir = study.reports_dir
    state_file = reports_dir / study.name / "report.json"
    html = reports_dir / f"{study.name}.html"
    pdf = reports_dir / f"{study.name}.pdf" if settings.pdf else None
    notebooks = tuple(
        reports_dir / study.name / "notebooks" / f"{stem}.ipynb" for stem in settings.notebooks
    )
    try:
        previous = json.loads(state_file.read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError):
        previous = None
    outputs = [html, *([pdf] if pdf else []), *notebooks]
    if not force and previous == key and all(p.is_file() for p in outputs):
        logger.info("report unchanged (key %s), skipped", key[:12])
        return ReportResult(html=html, pdf=pdf, notebooks=notebooks), False
    result = render_report(
        study.path,
        reports_dir=reports_dir,
        name=study.name,
        title=study.title,
        settings=settings,
        cwd=cwd,
    )
    atomic_write_text(state_file, json.dumps({"key": key}, indent=2) + "\n")
    return result, True


class InteractiveFrame:
    """A self-contained HTML page shown inside a notebook or report in a sandboxed iframe.

    The page goes into the iframe's ``srcdoc`` attribute, escaped, and ``sandbox="allow-scripts"``
    runs its scripts in an opaque origin that cannot reach the report around it. Print media
    (the PDF) hide the frame.
    """

    def __init__(self, path: str | Path, *, title: str = "interactive figure") -> None:
        self.path = Path(path)
        self.title = title

    def __repr__(self) -> str:
        # The plain-text output stored in notebooks: no memory address, so reruns are identical.
        return f"InteractiveFrame({self.path.name!r}, title={self.title!r})"

    def _repr_html_(self) -> str:
        import html

        page = self.path.read_text(encoding="utf-8")
        return (
            f'<iframe class="secnews-interactive" title="{html.escape(self.title)}" '
            f'sandbox="allow-scripts" srcdoc="{html.escape(page, quote=True)}"></iframe>'
            '<p class="secnews-print-only">An interactive version of this figure, with the terms of '
            "each topic for any weight of relevance, is in the HTML report.</p>"
        )
