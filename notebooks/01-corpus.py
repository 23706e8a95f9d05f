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
# # The corpus
#
# Where the documents come from, what was kept, what the data's dates can and cannot support,
# and how the outlets differ in what they say: corpus statistics, keyness with bootstrap
# intervals, collocations and a concordance. Every table and figure is read from the stored
# outputs of `secnews run`.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import html

import pandas as pd
from IPython.display import HTML, display

from secnews.analysis.plots.stats import plot_keyness, plot_summary, plot_zipf
from secnews.analysis.report.document import ReportFigure, ReportTable
from secnews.analysis.report.quality import small_outlets, study_quality_notes
from secnews.analysis.report.render import ReportSettings
from secnews.analysis.report.tables import (
    format_table,
    keyness_display,
    mark_small,
)
from secnews.analysis.report.views import document_dates, latest_titles
from secnews.analysis.stats.descriptive import fit_zipf
from secnews.analysis.steps.study import load_study
from secnews.corpus import open_corpus
from secnews.corpus.registry import datasets

spec = load_study(study)
report = ReportSettings.from_mapping(spec.settings("report"))
stats_dir = spec.step_dir("stats")
corpus = open_corpus(spec.corpus_dir)
documents = document_dates(corpus)
sizes = documents["outlet"].value_counts().to_dict()
small = small_outlets(sizes, min_docs=report.min_outlet_docs)


SMALL_NOTE = f"† fewer than {report.min_outlet_docs} documents: too small to compare."

# %% [markdown]
# ## Sources and data quality

# %%
sources = pd.read_csv(stats_dir / "sources.csv")
ReportTable(
    format_table(
        sources[["source", "in", "kept", "duplicates", "rejected", "null_dates"]],
        counts=["in", "kept", "duplicates", "rejected", "null_dates"],
        rename={"in": "read", "null_dates": "undated"},
    ),
    key="tab-sources",
    caption="Documents per source: read, kept, marked as duplicates (kept in the store, left out "
    "of every analysis), rejected (a reason for each is in rejects.csv) and kept without a "
    "publication date.",
)

# %%
notes, shared, _ = study_quality_notes(
    documents, {d.folder: d.dates for d in datasets()}, min_docs=report.min_outlet_docs
)
HTML(
    "<p><b>Data-quality notes</b> (computed from the corpus and the datasets' descriptions):</p>"
    + "<ul>"
    + "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    + "</ul>"
    if notes
    else "<p>No data-quality problem was found in the dates or sizes of the outlets.</p>"
)

# %%
suspect = {(row.outlet, row.date) for row in shared.itertuples()}
latest = latest_titles(corpus, per_outlet=3)
latest["published"] = [
    None if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d") + ("\u00a0‡" if (o, pd.Timestamp(d).strftime("%Y-%m-%d")) in suspect else "")
    for o, d in zip(latest["outlet"], latest["published"], strict=True)
]
latest["outlet"] = [mark_small(o, small) for o in latest["outlet"]]
ReportTable(
    latest.rename(columns={"published": "date"}),
    key="tab-latest",
    caption="The newest three documents of each outlet, titles as stored after clean-up.",
    notes=[
        "‡ a date most of the outlet's documents share (see the data-quality notes); — no date.",
        *([SMALL_NOTE] if small else []),
    ],
    widths={"title": "70%"},
)

# %% [markdown]
# ## Size and vocabulary by outlet

# %%
summary = pd.read_csv(stats_dir / "summary.csv")
shown = summary.assign(group=[("all outlets" if g == "all" else mark_small(g, small)) for g in summary["group"]])
ReportTable(
    format_table(
        shown[["group", "documents", "tokens", "types", "mean_tokens", "median_tokens", "mattr"]],
        counts=["documents", "tokens", "types", "mean_tokens", "median_tokens"],
        digits={"mattr": 3},
        rename={"group": "outlet", "mean_tokens": "mean length", "median_tokens": "median length", "mattr": "MATTR"},
    ),
    key="tab-summary",
    caption="Size and vocabulary by outlet. Tokens are running words (lowercased regex tokens, "
    "hyphenated words whole, no stopword filter); lengths are tokens per document; MATTR is the "
    "moving-average type-token ratio over windows of 500 tokens, comparable across documents of "
    "different length (higher: more varied vocabulary).",
    notes=[SMALL_NOTE] if small else [],
)

# %%
ReportFigure(
    plot_summary(summary[~summary["group"].isin(small)], title="Running words per outlet"),
    key="fig-summary",
    caption="Running words (tokens) per outlet, largest first"
    + (f"; outlets under {report.min_outlet_docs} documents are left out." if small else "."),
    alt="Bar chart of the number of running words per outlet.",
)

# %% [markdown]
# ## Zipf's law
#
# A check that the tokenised text behaves like natural language: word frequency falls as a power
# of rank.

# %%
zipf = pd.read_csv(stats_dir / "zipf.csv")
fit = fit_zipf(zipf["count"].to_numpy(), method="mle")
ReportFigure(
    plot_zipf(zipf, fit, title="Rank-frequency of running words"),
    key="fig-zipf",
    caption=f"Frequency of each word against its rank on log-log axes (grey dots) and the Zipf law "
    f"fitted by maximum likelihood (red line, exponent s = {fit.exponent:.2f}). Natural text "
    "gives a nearly straight line with s close to 1.",
    alt=f"Log-log rank-frequency plot of the corpus with a fitted Zipf exponent of {fit.exponent:.2f}.",
)

# %% [markdown]
# ## Keyness: what sets one outlet apart from the other

# %%
compare = spec.settings("stats").get("compare")
has_keyness = bool(compare) and (stats_dir / "keyness.csv").is_file()
if not has_keyness:
    display(HTML("<p>The study compares no two outlets (<code>[stats] compare</code> is not set), so there is no keyness analysis.</p>"))
else:
    keyness = pd.read_csv(stats_dir / "keyness.csv")
    display(
        ReportFigure(
            plot_keyness(keyness, n=15, labels=(compare[0], compare[1])),
            key="fig-keyness",
            caption=f"The 15 most key terms in each direction by G². Bars give Hardie's log ratio "
            f"(binary logarithm of the ratio of relative frequencies: 1 = twice as often; right: "
            f"more in {compare[0]}, left: more in {compare[1]}); lines give 95% bootstrap "
            "intervals resampled by document.",
            alt=f"Horizontal bar chart of log ratios of the key terms of {compare[0]} against {compare[1]}.",
        )
    )

# %%
KEYNESS_CAPTION = (
    "Key terms of {target} against {reference}, by G² (log-likelihood, quanteda's conventions). "
    "p (BH): p-value adjusted for the number of terms tested (Benjamini-Hochberg)."
)
if has_keyness:
    pairs = [("keyness.csv", "tab-keyness", compare[0], compare[1])]
    if (stats_dir / "keyness_reverse.csv").is_file():
        pairs.append(("keyness_reverse.csv", "tab-keyness-reverse", compare[1], compare[0]))
    for name, key, target, reference in pairs:
        display(
            ReportTable(
                keyness_display(pd.read_csv(stats_dir / name), target=target, reference=reference),
                key=key,
                caption=KEYNESS_CAPTION.format(target=target, reference=reference),
                notes=["— the bootstrap interval was not computed for the term."],
            )
        )

# %% [markdown]
# ## Collocations

# %%
collocations = pd.read_csv(stats_dir / "collocations.csv").head(20)
ReportTable(
    format_table(
        collocations[["collocation", "count", "pmi", "npmi", "t_score", "g2"]],
        counts=["count"],
        digits={"pmi": 2, "npmi": 2, "t_score": 1, "g2": 0},
        rename={"pmi": "PMI", "npmi": "NPMI", "t_score": "t-score", "g2": "G²"},
    ),
    key="tab-collocations",
    caption="The 20 word pairs most strongly bound together, by G². PMI: log2 of observed over "
    "expected co-occurrence; NPMI scales it to [−1, 1] (1: the words only occur together).",
)

# %% [markdown]
# ## Concordance

# %%
kwic_term = spec.settings("stats").get("kwic")
if kwic_term and (stats_dir / "kwic.csv").is_file():
    kwic = pd.read_csv(stats_dir / "kwic.csv", keep_default_na=False).head(25)
    kwic["outlet"] = [mark_small(o, small) for o in kwic["outlet"]]
    kwic = kwic[["outlet", "left", "match", "right"]].replace("", None)
    display(
        ReportTable(
            kwic,
            key="tab-kwic",
            caption=f"The keyword “{kwic_term}” in context: eight words either side, sorted by the "
            "words to the right; the first 25 lines.",
            notes=["— the keyword ends (or starts) its document.", *([SMALL_NOTE] if small else [])],
            numeric=[],
            widths={"left": "38%", "right": "38%"},
        )
    )
else:
    display(HTML("<p>The study names no keyword for a concordance (<code>[stats] kwic</code>).</p>"))
