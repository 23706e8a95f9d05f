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
# fitted over a grid of K and seeds. The number of topics is the one whose topics are most
# coherent (NPMI, averaged over seeds); when several K are within one standard error of the best,
# the one whose topics recur most reliably across seeds (stability, topics matched with the
# Hungarian method) is taken. The rule, its reason and whether the choice sits at the edge of the
# grid are stated below. Labels use FREX and relevance; prevalence by outlet and month has
# bootstrap intervals over documents.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import json

import pandas as pd
from IPython.display import Markdown, display

from secnews.analysis.plots.topics import (
    plot_outlet_heatmap,
    plot_prevalence_over_time,
    plot_selection,
)
from secnews.analysis.report.render import InteractiveFrame
from secnews.analysis.steps.study import load_study

spec = load_study(study)
topics_dir = spec.step_dir("topics")
manifest = json.loads((topics_dir / "manifest.json").read_text())
labels = pd.read_csv(topics_dir / "labels.csv")
label_map = dict(zip(labels["topic"], labels["label"], strict=True))

# %% [markdown]
# ## Choosing the number of topics

# %%
selection = pd.read_csv(topics_dir / "selection.csv")
recommended = manifest.get("recommended_k")
plot_selection(selection, recommended_k=recommended)

# %%
selection.set_index(["k", "seed"]).round(3)

# %%
pd.Series(
    {
        "recommended K": recommended,
        "rule and reason": manifest.get("recommendation_rule"),
        "final model": json.dumps(manifest.get("final_model", {}), sort_keys=True),
        "how the final model was chosen": manifest.get(
            "final_model_rule", "fitted on all documents"
        ),
        "at the edge of the grid": manifest.get("recommended_k_at_grid_edge") or "no",
        "K values to try next": ", ".join(map(str, manifest.get("suggested_next_ks", []))) or "-",
        "coherence window counting": manifest.get("coherence_counting", {}).get("window"),
        "stages": json.dumps(manifest.get("stages", {}), sort_keys=True),
    },
    name="value",
).to_frame()

# %% [markdown]
# ## Topic labels
#
# Top words by probability, by FREX (frequent and exclusive) and by relevance (λ = 0.6).

# %%
labels.set_index("topic")

# %% [markdown]
# ## The most representative documents of each topic

# %%
representative = pd.read_csv(topics_dir / "representative_docs.csv")
representative.groupby("topic").head(3).set_index("topic").round(3)

# %% [markdown]
# ## Prevalence by outlet

# %%
stages = manifest.get("stages", {})
if (topics_dir / "outlet_heatmap.png").is_file():
    by_outlet = pd.read_csv(topics_dir / "prevalence_outlet.csv")
    display(plot_outlet_heatmap(by_outlet, labels=label_map))
else:
    display(Markdown(f"Outlet heatmap: {stages.get('outlet_heatmap', 'not written')}"))

# %% [markdown]
# ## Prevalence over time
#
# Mean topic share per outlet and month with 95% bootstrap intervals; the dotted line marks
# 24 February 2022.

# %%
if (topics_dir / "prevalence_period.csv").is_file():
    by_period = pd.read_csv(topics_dir / "prevalence_period.csv", parse_dates=["period"])
    display(
        plot_prevalence_over_time(by_period, labels=label_map, events={"2022-02-24": "invasion"})
    )
else:
    display(Markdown(f"Prevalence over time: {stages.get('prevalence_time', 'not written')}"))

# %% [markdown]
# ## Before and after 24 February 2022
#
# Mean topic share per outlet before and after the date, the difference and its bootstrap
# interval.

# %%
if (topics_dir / "prevalence_shift.csv").is_file():
    display(
        pd.read_csv(topics_dir / "prevalence_shift.csv").set_index(["outlet", "topic"]).round(3)
    )
else:
    display(
        Markdown(f"Before/after: {stages.get('prevalence_shift', stages.get('prevalence_time'))}")
    )

# %% [markdown]
# ## Interactive topic map
#
# Intertopic distances (Jensen-Shannon, classical scaling) and the relevance of each topic's
# terms; it runs offline inside the HTML report.

# %%
InteractiveFrame(topics_dir / "topic_map.html", title="Topic map")
