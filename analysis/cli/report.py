"""``secnews report STUDY``: execute the notebooks and write the HTML and PDF reports."""

from __future__ import annotations

import argparse
import sys

HELP = "execute the study's notebooks and write reports/NAME.html and reports/NAME.pdf"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the command's options."""
    parser.add_argument("study", help="study file, e.g. studies/demo.toml")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the report")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML report only")
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing changed")


def run(args: argparse.Namespace) -> int:
    """Render the report (skipped when its inputs are unchanged) and print where it is."""
    from dataclasses import replace

    from secnews.analysis.report.render import ReportSettings, render_study_report
    from secnews.analysis.steps.study import load_study

    study = load_study(args.study)
    settings = ReportSettings.from_mapping(study.settings("report"))
    if args.show_code:
        settings = replace(settings, hide_code=False)
    if args.no_pdf:
        settings = replace(settings, pdf=False)
    result, ran = render_study_report(study, settings=settings, force=args.force)
    state = "written" if ran else "unchanged, skipped"
    sys.stdout.write(
        f"report   {state}: {result.html}" + (f", {result.pdf}" if result.pdf else "") + "\n"
    )
    return 0
