# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
import html

import pandas as pd
from IPython.display import HTML

from secnews.analysis.plots.trends import read_events
from secnews.analysis.report.document import ref, title_page
from secnews.analysis.report.provenance import commit_date
from secnews.analysis.report.quality import small_outlets, study_quality_notes
from secnews.analysis.report.render import ReportSettings
from secnews.analysis.report.summary import (
    actors_sentence,
    central_actors,
    changepoint_sentence,
    events_with_changepoints,
    keyness_sentence,
    shift_sentence,
    strongest_keyness,
    topic_shifts,
)
from secnews.analysis.report.tables import format_date
from secnews.analysis.report.views import document_dates, source_description
from secnews.analysis.steps.study import load_study
from secnews.analysis.steps.topics import TopicRunSettings
from secnews.corpus import open_corpus
from secnews.corpus.registry import datasets

spec = load_study(study)
report = ReportSettings.from_mapping(spec.settings("report"))
documents = document_dates(open_corpus(spec.corpus_dir))
small = small_outlets(documents["outlet"].value_counts().to_dict(), min_docs=report.min_outlet_docs)
dated = documents["published"].dropna()


items = [
    ("Documents", f"{len(documents):,} after duplicates were removed, {documents['outlet'].nunique()} outlets"),
    ("Dates", f"{format_date(dated.min())} to {format_date(dated.max())}" if len(dated) else "no dated document"),
    ("Sources", "; ".join(source_description(entry) for entry in spec.sources)),
    ("Study file", f"{spec.path} (seed {spec.seed})"),
    ("Date of the code", commit_date() or "not a git checkout"),
]
HTML(title_page(spec.title, items))

# %% [markdown]
# # Summary of findings
#
# The strongest results of each part of the study, computed from the stored outputs. Intervals
# are 95% bootstrap intervals; each finding names the figure or table that shows it.

# %%
lines: list[str] = []
stats_dir, topics_dir = spec.step_dir("stats"), spec.step_dir("topics")
trends_dir, entities_dir = spec.step_dir("trends"), spec.step_dir("entities")
compare = spec.settings("stats").get("compare")
if compare and (stats_dir / "keyness.csv").is_file():
    see = f" ({ref('fig-keyness')}, {ref('tab-keyness')})"
    for table, (a, b) in (("keyness.csv", compare), ("keyness_reverse.csv", compare[::-1])):
        if (stats_dir / table).is_file():
            top = strongest_keyness(pd.read_csv(stats_dir / table), n=3)
            lines.append(keyness_sentence(top, target=a, reference=b, see=see))
event_date = spec.settings("topics").get("event_date", TopicRunSettings().event_date)
if (topics_dir / "prevalence_shift.csv").is_file():
    labels = pd.read_csv(topics_dir / "labels.csv")
    shifts = topic_shifts(pd.read_csv(topics_dir / "prevalence_shift.csv"), n=3, exclude_outlets=small)
    see = f" ({ref('tab-shift')}, {ref('fig-prevalence-time')})"
    lines.append(
        shift_sentence(shifts, labels=dict(zip(labels["topic"], labels["label"], strict=True)), event_date=event_date, see=see)
        or f"No topic share changed after {event_date} by more than its interval allows."
    )
events_file = spec.settings("trends").get("events")
if events_file and (trends_dir / "changepoints.csv").is_file():
    changepoints = pd.read_csv(trends_dir / "changepoints.csv")
    near = events_with_changepoints(changepoints, read_events(events_file), within_days=14, exclude_outlets=small)
    lines.append(changepoint_sentence(near, within_days=14, see=f" ({ref('fig-trends')}, {ref('tab-changepoints')})"))
if (entities_dir / "centralities.csv").is_file():
    actors = central_actors(pd.read_csv(entities_dir / "centralities.csv"), n=3, exclude_outlets=small)
    lines.append(actors_sentence(actors, measure="eigenvector", see=f" ({ref('tab-centrality')})"))
notes, _, _ = study_quality_notes(documents, {d.folder: d.dates for d in datasets()}, min_docs=report.min_outlet_docs)
if notes:
    lines.append(
        f"Data quality: section 2.1 lists {len(notes)} notes on the corpus; the first: " + html.escape(notes[0])
    )
if small:
    lines.append(
        f"Outlets with fewer than {report.min_outlet_docs} documents ({html.escape(', '.join(small))}) are too small "
        "to compare; they are left out of the comparisons (see the data-quality notes)."
    )
HTML('<ul class="secnews-summary">' + "".join(f"<li>{line}</li>" for line in lines if line) + "</ul>")
