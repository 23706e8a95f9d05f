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
# # Term trends
#
# How often each term of the study is used, per 10,000 running words, by period and outlet, with
# 95% intervals (a document bootstrap, or the exact Poisson interval for small cells), a LOWESS
# line beside the raw series, change points (PELT) and bursts (Kleinberg), and the study's
# events.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import HTML, display

from secnews.analysis.plots.trends import plot_trends, read_events
from secnews.analysis.report.document import ReportFigure, ReportTable
from secnews.analysis.report.quality import main_period, shared_dates, small_outlets
from secnews.analysis.report.render import ReportSettings
from secnews.analysis.report.tables import format_interval, format_table
from secnews.analysis.report.views import document_dates
from secnews.analysis.steps.study import load_study
from secnews.corpus import open_corpus

spec = load_study(study)
report = ReportSettings.from_mapping(spec.settings("report"))
trends_dir = spec.step_dir("trends")
settings = spec.settings("trends")
trends = pd.read_csv(trends_dir / "trends.csv", parse_dates=["period"])
changepoints = pd.read_csv(trends_dir / "changepoints.csv", parse_dates=["date", "end_date"])
smoothed = pd.read_csv(trends_dir / "smoothed.csv", parse_dates=["period"])
events = read_events(settings["events"]) if settings.get("events") else None
documents = document_dates(open_corpus(spec.corpus_dir))
small = small_outlets(documents["outlet"].value_counts().to_dict(), min_docs=report.min_outlet_docs)
period = main_period(documents) if documents["published"].notna().any() else None
shared = shared_dates(documents, min_share=0.5, min_docs=10)
MIN_DOCS_BAND = 5
freq = settings.get("freq", "month")

# %%
big = trends[~trends["outlet"].isin(small)]
notes = []
if small:
    notes.append(f"Outlets with fewer than {report.min_outlet_docs} documents ({', '.join(small)}) are left out.")
if period is not None and not period.left_out.empty:
    notes.append(
        "Documents far outside the main period ("
        + ", ".join(f"{r.outlet} {r.first:%Y-%m-%d}" for r in period.left_out.itertuples())
        + ") are off the time axis."
    )
if not shared.empty:
    notes.append(
        "All or most documents of "
        + ", ".join(f"{r.outlet} carry {r.date}" for r in shared.itertuples())
        + " (see the data-quality notes), so their rates sit in one period."
    )
terms = list(dict.fromkeys(big["term"]))
halves = [terms[: (len(terms) + 1) // 2], terms[(len(terms) + 1) // 2 :]] if len(terms) > 4 else [terms]
how = (
    "Dots joined by thin lines: the raw rate (lines break where an outlet has "
    f"no document in a {freq}); shaded bands: 95% intervals, drawn only where the outlet has at "
    f"least {MIN_DOCS_BAND} documents in the {freq}; dashed lines: LOWESS smoothing; triangles: "
    "PELT change points; bars on the bottom edge: Kleinberg bursts; numbered dotted lines: the "
    "study's events, listed under the figure. " + " ".join(notes)
)
for number, chosen in enumerate(halves):
    display(
        ReportFigure(
            plot_trends(
                big,
                terms=chosen,
                changepoints=changepoints[~changepoints["outlet"].isin(small)],
                events=events,
                smooth=smoothed[~smoothed["outlet"].isin(small)],
                xlim=(period.start, period.end) if period is not None else None,
                min_docs=MIN_DOCS_BAND,
            ),
            key="fig-trends" if number == 0 else f"fig-trends-{number + 1}",
            caption=f"Rate per 10,000 running words by {freq} and outlet of "
            + ", ".join(f"“{t}”" for t in chosen)
            + " (each panel has its own scale). "
            + (how if number == 0 else "Read as the previous figure."),
            alt=f"Small multiples of the rates of {', '.join(chosen)} over time, one panel per term, "
            "one colour per outlet, with event lines and change points.",
        )
    )

# %% [markdown]
# ## Change points and bursts

# %%
pelt = changepoints[(changepoints["method"] == "pelt") & ~changepoints["outlet"].isin(small)]
ReportTable(
    format_table(
        pelt[["term", "outlet", "date", "level_before", "level_after"]].sort_values(["term", "outlet", "date"]),
        dates=["date"],
        digits={"level_before": 1, "level_after": 1},
        rename={"date": "from", "level_before": "rate before", "level_after": "rate after"},
    ),
    key="tab-changepoints",
    caption="Change points (PELT on the square root of the rate): the period from which a new "
    "level holds, and the mean rate per 10,000 words of the segments before and after.",
)

# %%
bursts = changepoints[(changepoints["method"] == "kleinberg") & ~changepoints["outlet"].isin(small)]
if bursts.empty:
    display(HTML("<p>No burst (Kleinberg) was found.</p>"))
else:
    display(
        ReportTable(
            format_table(
                bursts[["term", "outlet", "date", "end_date", "weight"]].sort_values(["term", "outlet", "date"]),
                dates=["date", "end_date"],
                digits={"weight": 1},
                rename={"date": "from", "end_date": "to"},
            ),
            key="tab-bursts",
            caption="Bursts (Kleinberg's two-state automaton): periods in which a term is used "
            "far more often than its base rate; the weight measures how strong the burst is.",
        )
    )

# %% [markdown]
# ## The largest rates

# %%
suspect_outlets = set(shared["outlet"])
top = (
    trends[trends["count"] > 0]
    .sort_values(["rate_per_10k", "term", "outlet"], ascending=[False, True, True])
    .groupby(["term", "outlet"], sort=True)
    .head(1)
    .sort_values(["term", "rate_per_10k"], ascending=[True, False])
    .copy()
)
top["period"] = [
    p.strftime("%Y-%m-%d") + ("\u00a0‡" if o in suspect_outlets else "")
    for o, p in zip(top["outlet"], top["period"], strict=True)
]
top["outlet"] = [f"{o}\u00a0†" if o in small else o for o in top["outlet"]]
top["95% CI"] = [format_interval(lo, hi, 1) for lo, hi in zip(top["ci_low"], top["ci_high"], strict=True)]
top["interval"] = top["ci_method"].map({"bootstrap": "bootstrap", "poisson_exact": "Poisson"})
ReportTable(
    format_table(
        top[["term", "outlet", "period", "count", "tokens", "docs", "rate_per_10k", "95% CI", "interval"]],
        counts=["count", "tokens", "docs"],
        digits={"rate_per_10k": 1},
        rename={"period": f"{freq} of", "rate_per_10k": "rate per 10k"},
    ),
    key="tab-largest-rates",
    caption=f"The {freq} with the highest rate of each term in each outlet where the term occurs at "
    "all, with the raw counts it rests on (a high rate from a handful of words in few documents is "
    "fragile).",
    notes=[
        "‡ the outlet's dates are mostly one shared date, not publication dates (see the data-quality notes).",
        *([f"† fewer than {report.min_outlet_docs} documents: too small to compare."] if small else []),
    ],
)
