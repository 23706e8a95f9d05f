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
# Where the documents come from, what was kept, left out as a duplicate or rejected, and how the
# outlets differ in what they say: corpus statistics, keyness with bootstrap intervals,
# collocations and a concordance. Every table and figure is read from the stored outputs of
# `secnews run`; nothing is computed here that the package does not also write to disk.

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import pandas as pd

from secnews.analysis.plots.stats import plot_keyness, plot_summary, plot_zipf
from secnews.analysis.report.provenance import provenance_table
from secnews.analysis.report.views import latest_titles
from secnews.analysis.stats.descriptive import fit_zipf
from secnews.analysis.steps.study import load_study
from secnews.corpus import open_corpus

pd.set_option("display.max_colwidth", 80)
spec = load_study(study)
stats_dir = spec.step_dir("stats")
stats_manifest = pd.read_json(stats_dir / "manifest.json", typ="series")

# %% [markdown]
# ## Provenance
#
# The data, settings and code this report was made from.

# %%
provenance_table(spec).set_index("item")

# %% [markdown]
# ## Sources
#
# Documents read per source, kept, marked as duplicates (kept in the store with `dup_of`, left out
# of every analysis) and rejected (with a reason in `rejects.csv`); `null_dates` are documents
# without a publication date.

# %%
pd.read_csv(stats_dir / "sources.csv").set_index("source").round(3)

# %% [markdown]
# ## The latest documents of each outlet
#
# Titles as stored (after clean-up), newest first, three per outlet.

# %%
latest_titles(open_corpus(spec.corpus_dir), per_outlet=3).set_index("outlet")

# %% [markdown]
# ## Size and vocabulary by outlet
#
# Running words (lowercased regex tokens, hyphenated words whole, no stopword filter); MATTR is
# the moving-average type-token ratio over windows of 500 tokens (comparable across documents
# of different length).

# %%
summary = pd.read_csv(stats_dir / "summary.csv")
summary.set_index("group").round(3)

# %%
plot_summary(summary, title="Tokens by outlet")

# %% [markdown]
# ## Zipf's law
#
# Rank-frequency of running words with the exponent fitted by maximum likelihood.

# %%
zipf = pd.read_csv(stats_dir / "zipf.csv")
plot_zipf(zipf, fit_zipf(zipf["count"].to_numpy(), method="mle"), title="Rank-frequency")

# %% [markdown]
# ## Keyness: what sets one outlet apart from the other
#
# G² log-likelihood with quanteda's conventions, Hardie's log ratio (binary logarithm of the ratio
# of relative frequencies) with a 95% bootstrap interval resampled by document, and p-values
# adjusted by Benjamini-Hochberg. Terms are sorted by G².

# %%
compare = list(stats_manifest["compare"])
keyness = pd.read_csv(stats_dir / "keyness.csv")
reverse = pd.read_csv(stats_dir / "keyness_reverse.csv")
columns = ["term", "count_target", "count_reference", "g2", "log_ratio", "log_ratio_low", "log_ratio_high", "p_adj"]
plot_keyness(keyness, n=15, labels=(compare[0], compare[1]))

# %% [markdown]
# ### Key terms of the first outlet

# %%
keyness[columns].head(15).set_index("term").round({"g2": 1, "log_ratio": 2, "log_ratio_low": 2, "log_ratio_high": 2})

# %% [markdown]
# ### Key terms of the second outlet

# %%
reverse[columns].head(15).set_index("term").round({"g2": 1, "log_ratio": 2, "log_ratio_low": 2, "log_ratio_high": 2})

# %% [markdown]
# ## Collocations
#
# Word pairs by G², with PMI, NPMI and t-score.

# %%
pd.read_csv(stats_dir / "collocations.csv").drop(columns=["w1", "w2"]).head(20).set_index("collocation").round(2)

# %% [markdown]
# ## Concordance
#
# Keyword in context, sorted by the right context.

# %%
kwic = pd.read_csv(stats_dir / "kwic.csv")
kwic[["outlet", "left", "match", "right"]].head(25).set_index("outlet")
