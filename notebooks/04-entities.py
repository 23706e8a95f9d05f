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
# # Actors and who appears with whom
#
# Actors found by the security-policy gazetteer (countries from pycountry with their short
# names, demonyms and capitals used for their governments; alliances and international
# organizations; leading officials), aliases resolved to one id each. Two actors co-occur when
# they are named in the same sentence; each pair has its count, PMI, NPMI, log-likelihood G² and
# a permutation p-value (actors shuffled across sentences within an outlet).

# %% tags=["parameters"]
study = "studies/demo.toml"
ego_actor = "org:nato"

# %%
# %matplotlib inline
import pandas as pd

from secnews.analysis.plots.entities import plot_ego_network, plot_network, plot_pair_heatmap
from secnews.analysis.steps.study import load_study

spec = load_study(study)
entities_dir = spec.step_dir("entities")
entities = pd.read_csv(entities_dir / "entities.csv")
edges = pd.read_csv(entities_dir / "edges.csv")
centralities = pd.read_csv(entities_dir / "centralities.csv")
outlet_a, outlet_b = spec.settings("stats").get("compare", sorted(set(edges["group"]) - {"all"})[:2])

# %% [markdown]
# ## The most frequent actors
#
# `count` is mentions, `docs` documents; `aliases` are the surface forms that were resolved to
# the actor.

# %%
entities.head(25).set_index("entity_id")

# %% [markdown]
# ## Strongest associations
#
# Pairs named together at least twice, by G². `p_value` is the permutation p-value
# ((1 + #permutations at least as extreme) / (1 + permutations)); `p_adj` adjusts it for the
# number of pairs tested (Benjamini-Hochberg).

# %%
columns = ["group", "source", "target", "count", "pmi", "npmi", "llr", "p_value", "p_adj"]
(
    edges[edges["group"] != "all"]
    .sort_values(["group", "llr"], ascending=[True, False])
    .groupby("group")
    .head(8)[columns]
    .set_index("group")
    .round(3)
)

# %% [markdown]
# ## Networks per outlet
#
# The two outlets the study compares, side by side: node size is weighted degree, colours are
# Louvain communities.

# %%
plot_network(edges[edges["group"] == outlet_a], entities, top_n=30, seed=spec.seed, title=outlet_a)

# %%
plot_network(edges[edges["group"] == outlet_b], entities, top_n=30, seed=spec.seed, title=outlet_b)

# %% [markdown]
# ## Who stands next to one actor
#
# The ego network of the actor named by the `ego_actor` parameter (default NATO) in all
# documents.

# %%
plot_ego_network(edges[edges["group"] == "all"], entities, ego_actor, seed=spec.seed, title=f"{ego_actor}, all outlets")

# %% [markdown]
# ## Pairs by NPMI

# %%
plot_pair_heatmap(edges[edges["group"] == "all"], entities, top_n=20, title="Strongest pairs (all outlets)")

# %% [markdown]
# ## Centrality per outlet
#
# Degree, betweenness and eigenvector centrality of the five most central actors of each outlet.

# %%
(
    centralities[centralities["group"] != "all"]
    .sort_values(["group", "betweenness"], ascending=[True, False])
    .groupby("group")
    .head(5)[["group", "label", "degree", "strength", "betweenness", "eigenvector", "community"]]
    .set_index("group")
    .round(3)
)
