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
# # Exploring a corpus with secnews
#
# A starting point for your own questions. Every cell calls the public API
# (`secnews.corpus` and `secnews.analysis`); the functions take a corpus or a DataFrame and
# return DataFrames, with the same defaults as `secnews run` and the study files, so the numbers
# here are the report's.
#
# Build a corpus first, for example the demo study's:
#
# ```bash
# secnews run studies/demo.toml --steps build
# ```
#
# Then set `corpus_dir` below (or pass it with papermill: `-p corpus_dir PATH`).

# %% tags=["parameters"]
corpus_dir = "data/processed/demo/corpus"
outlet_a = "kremlin.ru"
outlet_b = "president.gov.ua"
terms = ["nato", "sanctions", "negotiations"]
k = 8
seed = 20220224

# %%
# %matplotlib inline

import secnews.analysis as sa
from secnews.corpus import open_corpus

corpus = open_corpus(corpus_dir)
documents = corpus.frame(["doc_id", "outlet", "published", "title", "text"])
len(documents)

# %% [markdown]
# ## What is in the corpus
#
# Documents, tokens and lexical diversity (MATTR over 500-token windows) per outlet.
# Duplicates (`dup_of`) are left out, as in every analysis.

# %%
sa.corpus_summary(documents, by="outlet")

# %% [markdown]
# ## How two outlets differ: keyness
#
# Terms that one outlet uses more than the other: log-likelihood G², Hardie's log ratio (a
# doubling is 1) with a document bootstrap interval, and Benjamini-Hochberg adjusted p-values.

# %%
key = sa.keyness_between(corpus, outlet_a, outlet_b, random_state=seed)
key.head(15)

# %% [markdown]
# ## A term in context
#
# Every occurrence with its left and right context (a concordance).

# %%
sa.kwic(documents, terms[0], window=8).head(10)

# %% [markdown]
# ## Terms over time
#
# Rates per 10,000 tokens per month and outlet, with intervals.

# %%
trends = sa.term_trends(corpus, terms, period="month", by="outlet", random_state=seed)
trends.head(10)

# %% [markdown]
# Change points (PELT) and bursts (Kleinberg) in those series:

# %%
sa.detect_changepoints(trends).head(10)

# %% [markdown]
# ## Topics
#
# One topic model with the topics step's preprocessing and defaults; `labels` names each topic
# by its most probable, FREX and relevance terms. (`secnews run` also chooses K over a grid of
# K and seeds; here K is fixed.)

# %%
fitted = sa.fit_topics(corpus, k=k, random_state=seed)
fitted.labels[["topic", "label"]]

# %% [markdown]
# The share of each topic per outlet:

# %%
shares = fitted.doc_topics.merge(documents[["doc_id", "outlet"]], on="doc_id")
shares.groupby("outlet").mean(numeric_only=True).round(3)

# %% [markdown]
# ## Actors
#
# Countries, organisations and officials found by the gazetteer, and who is named with whom
# within a sentence (PMI, log-likelihood and a permutation p-value).

# %%
extraction = sa.extract_entities(documents)
sa.entity_table(extraction.mentions).head(15)

# %%
edges = sa.cooccurrence(extraction.mentions, extraction.documents)
edges.sort_values("count", ascending=False).head(10)

# %%
corpus.close()
