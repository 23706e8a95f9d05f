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
# LDA topic models (gensim, deterministic for a seed) fitted over a grid of K and seeds. The
# number of topics is chosen from coherence (NPMI, C_V, UMass), held-out perplexity, topic
# diversity and stability across seeds (topics matched with the Hungarian method); the rule and
# its reason are stated below. Labels use FREX and relevance; prevalence by outlet and month has
# bootstrap intervals over documents.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import json

import pandas as pd

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
        "how the final model was chosen": manifest.get("final_model_rule", "fitted on all documents"),
        "terms in no topic": manifest.get("n_unreachable_terms"),
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
by_outlet = pd.read_csv(topics_dir / "prevalence_outlet.csv")
plot_outlet_heatmap(by_outlet, labels=label_map)

# %% [markdown]
# ## Prevalence over time
#
# Mean topic share per outlet and month with 95% bootstrap intervals; the dotted line marks
# 24 February 2022.

# %%
by_period = pd.read_csv(topics_dir / "prevalence_period.csv", parse_dates=["period"])
plot_prevalence_over_time(by_period, labels=label_map, events={"2022-02-24": "invasion"})

# %% [markdown]
# ## Before and after 24 February 2022
#
# Mean topic share per outlet before and after the date, the difference and its bootstrap
# interval.

# %%
pd.read_csv(topics_dir / "prevalence_shift.csv").set_index(["outlet", "topic"]).round(3)

# %% [markdown]
# ## Interactive topic map
#
# Intertopic distances (Jensen-Shannon, classical scaling) and the relevance of each topic's
# terms; it runs offline inside the HTML report.

# %%
InteractiveFrame(topics_dir / "topic_map.html", title="Topic map")
