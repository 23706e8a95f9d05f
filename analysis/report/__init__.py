"""Reports: executed notebooks to offline HTML and PDF, and the provenance block.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.report.provenance import (
        PACKAGES,
        git_commit,
        package_versions,
        provenance_table,
    )
    from secnews.analysis.report.render import (
        InteractiveFrame,
        ReportResult,
        ReportSettings,
        combine_notebooks,
        execute_notebook,
        html_to_pdf,
        notebook_to_html,
        read_notebook,
        render_report,
        render_study_report,
        report_key,
        scrub_notebook,
    )
    from secnews.analysis.report.views import (
        latest_titles,
    )

_NAMES: dict[str, str] = {
    "InteractiveFrame": "secnews.analysis.report.render",
    "PACKAGES": "secnews.analysis.report.provenance",
    "ReportResult": "secnews.analysis.report.render",
    "ReportSettings": "secnews.analysis.report.render",
    "combine_notebooks": "secnews.analysis.report.render",
    "execute_notebook": "secnews.analysis.report.render",
    "git_commit": "secnews.analysis.report.provenance",
    "html_to_pdf": "secnews.analysis.report.render",
    "latest_titles": "secnews.analysis.report.views",
    "notebook_to_html": "secnews.analysis.report.render",
    "package_versions": "secnews.analysis.report.provenance",
    "provenance_table": "secnews.analysis.report.provenance",
    "read_notebook": "secnews.analysis.report.render",
    "render_report": "secnews.analysis.report.render",
    "render_study_report": "secnews.analysis.report.render",
    "report_key": "secnews.analysis.report.render",
    "scrub_notebook": "secnews.analysis.report.render",
}

__all__ = [
    "PACKAGES",
    "InteractiveFrame",
    "ReportResult",
    "ReportSettings",
    "combine_notebooks",
    "execute_notebook",
    "git_commit",
    "html_to_pdf",
    "latest_titles",
    "notebook_to_html",
    "package_versions",
    "provenance_table",
    "read_notebook",
    "render_report",
    "render_study_report",
    "report_key",
    "scrub_notebook",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
