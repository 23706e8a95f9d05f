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

# %% [markdown]
# # Topics
#
# LDA topic models (deterministic for a seed; the engine and its settings are in the table below)
# fitted over a grid of K and seeds. The number of topics is the one with the highest topic
# quality, averaged over seeds: coherence (NPMI) times diversity (the share of distinct words
# among the topics' top words), so that neither a few broad topics nor many near-copies of one
# topic win. Other K within one standard error of it are named; stability across seeds (topics
# matched with the Hungarian method) is reported and picks the run shown. The rule, its reason
# and whether the choice sits at the edge of the grid are stated below. Labels use FREX and relevance; prevalence by outlet and month has
# bootstrap intervals over documents.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import html
import json

import pandas as pd
from IPython.display import HTML, display

from secnews.analysis.plots.topics import (
    plot_outlet_heatmap,
    plot_prevalence_over_time,
    plot_selection,
    plot_topic_map,
)
from secnews.analysis.report.document import ReportFigure, ReportTable
from secnews.analysis.report.quality import main_period, small_outlets
from secnews.analysis.report.render import InteractiveFrame, ReportSettings
from secnews.analysis.report.tables import format_interval, format_table, join_terms
from secnews.analysis.report.views import document_dates, topic_map_points
from secnews.analysis.steps.study import load_study
from secnews.analysis.steps.topics import TopicsSettings
from secnews.corpus import open_corpus

spec = load_study(study)
report = ReportSettings.from_mapping(spec.settings("report"))
topics_dir = spec.step_dir("topics")
manifest = json.loads((topics_dir / "manifest.json").read_text())
labels = pd.read_csv(topics_dir / "labels.csv")
label_map = {int(t): str(lab).replace("_", " ") for t, lab in zip(labels["topic"], labels["label"], strict=True)}
event_date = TopicsSettings.from_mapping(spec.settings("topics")).event_date
documents = document_dates(open_corpus(spec.corpus_dir))
small = small_outlets(documents["outlet"].value_counts().to_dict(), min_docs=report.min_outlet_docs)
period = main_period(documents) if documents["published"].notna().any() else None
SMALL_NOTE = f"Outlets with fewer than {report.min_outlet_docs} documents ({', '.join(small)}) are left out." if small else ""

# %% [markdown]
# ## Choosing the number of topics

# %%
has_grid = (topics_dir / "selection.csv").is_file()
if not has_grid:
    display(
        HTML(
            f"<p>The study fits a single model (K = {html.escape(str(manifest.get('final_model', {}).get('k', '?')))}, "
            "one seed), so there is no comparison of K.</p>"
        )
    )
else:
    selection = pd.read_csv(topics_dir / "selection.csv")
    recommended = manifest.get("recommended_k")
    display(
        ReportFigure(
            plot_selection(selection, recommended_k=recommended),
            key="fig-selection",
            caption="Each selection measure against the number of topics K: grey dots are single seeds, "
            "the blue line their mean"
            + (f", the dashed red line the recommended K = {recommended}." if recommended is not None else "."),
            alt="Six small panels: topic quality (NPMI times diversity), coherence (NPMI, C_V), held-out "
            "perplexity, topic diversity and seed stability against the number of topics.",
        )
    )
    display(
        ReportTable(
            format_table(
                selection,
                counts=["perplexity"],
                digits={"quality": 3, "c_npmi": 3, "c_v": 3, "u_mass": 2, "diversity": 2, "stability": 2},
                rename={
                    "k": "K",
                    "quality": "topic quality",
                    "c_npmi": "NPMI",
                    "c_v": "C_V",
                    "u_mass": "UMass",
                    "stability": "seed stability",
                },
            ),
            key="tab-selection",
            caption="The measures of every fitted model. Topic quality (NPMI times diversity) chooses K. "
            "Coherence: higher is better; perplexity on held-out "
            "documents: lower is better; diversity: share of unique words among the topics' top 25; seed "
            "stability: mean similarity (1 − Jensen-Shannon distance) of matched topics across seeds.",
            notes=["— not computed (seed stability needs at least two seeds)."],
        )
    )

# %%
final = manifest.get("final_model", {})
rule = manifest.get("recommendation_rule") or "No rule was applied (a single K was given)."
final_rule = manifest.get("final_model_rule") or "The final model was fitted on all documents."
display(HTML(f"<p><b>How K was chosen.</b> {html.escape(str(rule))}</p><p><b>The final model.</b> {html.escape(str(final_rule))}</p>"))
settings_rows = [(k, "not set" if v is None else str(v)) for k, v in sorted(final.items())]
if manifest.get("recommended_k_at_grid_edge"):
    next_ks = ", ".join(map(str, manifest.get("suggested_next_ks", []))) or "—"
    settings_rows.append(("chosen K at the edge of the grid", f"yes: try K = {next_ks}"))
window = manifest.get("coherence_counting", {}).get("window")
if window:
    settings_rows.append(("coherence window counting", str(window)))
if manifest.get("n_unreachable_terms") is not None:
    settings_rows.append(("terms in no topic", f"{manifest['n_unreachable_terms']:,} of {manifest.get('n_terms', 0):,}"))
ReportTable(
    pd.DataFrame(settings_rows, columns=["setting", "value"]),
    key="tab-final-model",
    caption="Settings of the final model (its engine and the engine's settings).",
    numeric=[],
)

# %% [markdown]
# ## What the topics are about

# %%
shown = labels.copy()
shown["share"] = [f"{100 * s:.1f}%" for s in shown["share"]]
shown["label"] = shown["label"].str.replace("_", " ")
shown["frex_terms"] = shown["frex_terms"].map(lambda t: join_terms(t, n=10))
shown["prob_terms"] = shown["prob_terms"].map(lambda t: join_terms(t, n=10))
ReportTable(
    format_table(
        shown[["topic", "label", "share", "prob_terms", "frex_terms", "c_npmi"]],
        digits={"c_npmi": 3},
        rename={"prob_terms": "most probable words", "frex_terms": "FREX words (frequent and exclusive)", "c_npmi": "NPMI"},
    ),
    key="tab-labels",
    caption="Each topic with its label (the top relevance words, λ = 0.6), its share of all words, "
    "its ten most probable words, its ten FREX words (frequent in the topic and rare in others) "
    "and its NPMI coherence.",
    widths={"label": "16%", "prob_terms": "30%", "frex_terms": "30%"},
)

# %%
points = topic_map_points(topics_dir / "topic_map.html")
points["label"] = points["label"].str.replace("_", " ")
ReportFigure(
    plot_topic_map(points),
    key="fig-topic-map",
    caption="Topic map: topics placed by the Jensen-Shannon distance of their word distributions "
    "(classical scaling; near topics use similar words), circle area proportional to the topic's "
    "share of all words. The HTML report has an interactive version that lists each topic's terms.",
    alt="Scatter of the topics as circles on two scaled axes, each labelled with its number and label.",
)

# %%
InteractiveFrame(topics_dir / "topic_map.html", title="Topic map")

# %% [markdown]
# ## The most representative documents of each topic

# %%
representative = pd.read_csv(topics_dir / "representative_docs.csv")
representative = representative[representative["rank"] <= 3].copy()
representative["topic"] = [f"{t}: {label_map.get(int(t), '')}" for t in representative["topic"]]
ReportTable(
    format_table(
        representative[["topic", "title", "outlet", "published", "weight"]],
        dates=["published"],
        digits={"weight": 2},
        rename={"published": "date", "weight": "topic share"},
    ),
    key="tab-representative",
    caption="The three documents with the largest share of each topic.",
    widths={"topic": "20%", "title": "48%"},
)

# %% [markdown]
# ## Prevalence by outlet

# %%
stages = manifest.get("stages", {})
if (topics_dir / "prevalence_outlet.csv").is_file():
    by_outlet = pd.read_csv(topics_dir / "prevalence_outlet.csv")
    display(ReportFigure(
        plot_outlet_heatmap(by_outlet[~by_outlet["outlet"].isin(small)], labels=label_map),
        key="fig-outlet-heatmap",
        caption="Mean topic share of the documents of each outlet (a row sums to about 1); the number "
        "in a cell is the share in percent. " + SMALL_NOTE,
        alt="Heatmap of mean topic shares, outlets in rows and topics in columns.",
    ))
else:
    display(HTML(f"<p>Outlet heatmap: {html.escape(str(stages.get('outlet_heatmap', 'not written')))}</p>"))

# %% [markdown]
# ## Prevalence over time

# %%
if (topics_dir / "prevalence_period.csv").is_file():
    by_period = pd.read_csv(topics_dir / "prevalence_period.csv", parse_dates=["period"])
    by_period = by_period[~by_period["outlet"].isin(small)]
    xlim = (period.start, period.end) if period is not None else None
    MIN_DOCS_BAND = 5
    display(ReportFigure(
        plot_prevalence_over_time(
            by_period, labels=label_map, events={event_date: "event"}, xlim=xlim, min_docs=MIN_DOCS_BAND
        ),
        key="fig-prevalence-time",
        caption=f"Mean topic share per outlet and month, one panel per topic, on a shared scale; bands "
        f"are 95% bootstrap intervals, drawn only for months with at least {MIN_DOCS_BAND} documents "
        f"of the outlet; lines break where an outlet has no document in a month; single months show "
        f"as dots. The dashed line marks {event_date}. " + SMALL_NOTE
        + (" Documents outside the main period are off the axis (see the data-quality notes)." if period is not None and not period.left_out.empty else ""),
        alt="Small multiples of topic share over time per outlet, one panel per topic.",
    ))
else:
    display(HTML(f"<p>Prevalence over time: {html.escape(str(stages.get('prevalence_time', 'not written')))}</p>"))

# %% [markdown]
# ## Before and after the study's event date

# %%
if (topics_dir / "prevalence_shift.csv").is_file():
    shift = pd.read_csv(topics_dir / "prevalence_shift.csv")
    shift = shift[~shift["outlet"].isin(small)].copy()
    shift["topic"] = [f"{t}: {label_map.get(int(t), '')}" for t in shift["topic"]]
    for column in ("before", "after", "change", "ci_low", "ci_high"):
        shift[column] = shift[column] * 100
    shift["95% CI"] = [
        format_interval(lo, hi, 1)
        for lo, hi in zip(shift["ci_low"], shift["ci_high"], strict=True)
    ]
    display(ReportTable(
        format_table(
            shift[["outlet", "topic", "before", "after", "change", "95% CI", "n_before", "n_after"]],
            digits={"before": 1, "after": 1, "change": 1},
            counts=["n_before", "n_after"],
            rename={"before": "before (%)", "after": "after (%)", "change": "change (points)", "n_before": "docs before", "n_after": "docs after"},
        ),
        key="tab-shift",
        caption=f"Mean topic share (percent) of each outlet's documents before and after {event_date}, "
        "the change in percentage points and its 95% bootstrap interval (an interval that excludes 0 "
        "is a clear change). " + SMALL_NOTE,
        notes=["— not computed: the outlet has no document on one side of the date."],
        widths={"topic": "28%"},
    ))
else:
    reason = stages.get("prevalence_shift", stages.get("prevalence_time", "not written"))
    display(HTML(f"<p>Before and after: {html.escape(str(reason))}</p>"))
