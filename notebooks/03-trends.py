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
# Rates per 10,000 tokens by period and outlet with 95% intervals (a document bootstrap, or the
# exact Poisson interval for small cells: the `ci_method` column says which), a LOWESS line drawn
# beside the raw series, change points (PELT, ▼) and bursts (Kleinberg, bars at the bottom), and
# the study's events as numbered dotted lines.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import pandas as pd

from secnews.analysis.plots.trends import plot_trends, read_events
from secnews.analysis.steps.study import load_study

spec = load_study(study)
trends_dir = spec.step_dir("trends")
settings = spec.settings("trends")
trends = pd.read_csv(trends_dir / "trends.csv", parse_dates=["period"])
changepoints = pd.read_csv(trends_dir / "changepoints.csv", parse_dates=["date", "end_date"])
smoothed = pd.read_csv(trends_dir / "smoothed.csv", parse_dates=["period"])
events = read_events(settings["events"]) if settings.get("events") else None

# %%
plot_trends(trends, changepoints=changepoints, events=events, smooth=smoothed)

# %% [markdown]
# ## Change points and bursts

# %%
changepoints.set_index("term").round({"level_before": 2, "level_after": 2, "weight": 2})

# %% [markdown]
# ## The largest rates
#
# The periods with the highest rate of each term and outlet (raw counts beside the rate).

# %%
columns = ["term", "outlet", "period", "count", "tokens", "docs", "rate_per_10k", "ci_low", "ci_high", "ci_method"]
(
    trends.sort_values("rate_per_10k", ascending=False)
    .groupby(["term", "outlet"], sort=True)
    .head(1)[columns]
    .sort_values(["term", "outlet"])
    .set_index("term")
    .round({"rate_per_10k": 2, "ci_low": 2, "ci_high": 2})
)
