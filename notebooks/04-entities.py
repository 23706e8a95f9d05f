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
# organizations; leading officials), aliases resolved to one actor each. Two actors co-occur when
# they are named in the same sentence; each pair has its count, PMI, NPMI, log-likelihood G² and
# a permutation p-value (actors shuffled across sentences within an outlet).

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import HTML, display

from secnews.analysis.plots.entities import plot_ego_network, plot_network_panels, plot_pair_heatmap
from secnews.analysis.report.document import ReportFigure, ReportTable
from secnews.analysis.report.quality import small_outlets
from secnews.analysis.report.render import ReportSettings
from secnews.analysis.report.tables import format_table
from secnews.analysis.report.views import document_dates
from secnews.analysis.steps.study import load_study
from secnews.corpus import open_corpus

spec = load_study(study)
report = ReportSettings.from_mapping(spec.settings("report"))
entities_dir = spec.step_dir("entities")
entities = pd.read_csv(entities_dir / "entities.csv")
edges = pd.read_csv(entities_dir / "edges.csv")
centralities = pd.read_csv(entities_dir / "centralities.csv")
names = dict(zip(entities["entity_id"], entities["label"], strict=True))
documents = document_dates(open_corpus(spec.corpus_dir))
sizes = documents["outlet"].value_counts()
small = small_outlets(sizes.to_dict(), min_docs=report.min_outlet_docs)
groups = [g for g in sorted(set(edges["group"]) - {"all"}) if g not in small]
compare = [o for o in (spec.settings("stats").get("compare") or []) if o in groups]
if len(compare) < 2:  # the two largest outlets with edges
    compare = sorted(groups, key=lambda g: (-int(sizes.get(g, 0)), g))[:2]
overall = centralities[centralities["group"] == "all"].sort_values(["eigenvector", "entity_id"], ascending=[False, True])
ego_actor = report.ego_actor or (overall["entity_id"].iloc[0] if len(overall) else None)
SMALL_NOTE = f"Outlets with fewer than {report.min_outlet_docs} documents ({', '.join(small)}) are left out." if small else ""
TYPE_NOTE = "Node colour: the actor's type (country, organization, person, ...; legend in the panel); node size: weighted degree (the number of co-occurrences with the actors shown); line width: the pair's count."

# %% [markdown]
# ## The most frequent actors

# %%
top = entities.head(25).copy()
top["aliases"] = [", ".join(str(a).split("|")[:6]) + (", …" if len(str(a).split("|")) > 6 else "") for a in top["aliases"]]
ReportTable(
    format_table(top[["label", "type", "count", "docs", "aliases"]], counts=["count", "docs"], rename={"label": "actor", "count": "mentions", "docs": "documents", "aliases": "surface forms (first six)"}),
    key="tab-actors",
    caption="The 25 actors named most often: mentions, documents that name them, and the surface "
    "forms resolved to each.",
    widths={"aliases": "45%"},
)

# %% [markdown]
# ## Strongest associations

# %%
columns = ["group", "source", "target", "count", "npmi", "llr", "p_value", "p_adj"]
pairs = (
    edges[edges["group"].isin(groups)]
    .sort_values(["group", "llr", "source", "target"], ascending=[True, False, True, True])
    .groupby("group")
    .head(5)[columns]
)
ReportTable(
    format_table(
        pairs,
        labels={"source": names, "target": names},
        counts=["count"],
        digits={"npmi": 2, "llr": 1},
        pvalues=["p_value", "p_adj"],
        rename={"group": "outlet", "source": "actor", "target": "named with", "npmi": "NPMI", "llr": "G²", "p_value": "p", "p_adj": "p (BH)"},
    ),
    key="tab-pairs",
    caption="The five most strongly associated pairs of each outlet (named in the same sentence), "
    "by G². p: permutation p-value ((1 + permutations at least as extreme) / (1 + permutations)); "
    "p (BH): adjusted for the number of pairs tested (Benjamini-Hochberg). " + SMALL_NOTE,
)

# %% [markdown]
# ## Networks of the compared outlets

# %%
if len(compare) == 2:
    a, b = compare
    display(
        ReportFigure(
            plot_network_panels({o: edges[edges["group"] == o] for o in compare}, entities, top_n=25, seed=spec.seed),
            key="fig-networks",
            caption=f"Co-occurrence networks of the 25 most connected actors in {a} (top) and {b} "
            f"(bottom). {TYPE_NOTE}",
            alt=f"Two network diagrams of actors named together, {a} above {b}.",
        )
    )
else:
    display(HTML("<p>The study has fewer than two outlets with actor pairs to compare.</p>"))

# %% [markdown]
# ## Who stands next to one actor

# %%
whole = edges[edges["group"] == "all"]
if ego_actor is not None and ((whole["source"] == ego_actor) | (whole["target"] == ego_actor)).any():
    ego_label = names.get(ego_actor, ego_actor)
    display(
        ReportFigure(
            plot_ego_network(whole, entities, ego_actor, top_n=20, seed=spec.seed, title=f"{ego_label} and its 20 most frequent partners, all outlets"),
            key="fig-ego",
            caption=f"The ego network of {ego_label} in all documents: the 20 actors named most "
            f"often in the same sentence as {ego_label} (outlined in black) and the ties among "
            f"them. {TYPE_NOTE}"
            + ("" if report.ego_actor else " The actor is the most central one overall (eigenvector centrality); "
               "the study's [report] ego_actor setting names another."),
            alt=f"Network diagram centred on {ego_label}.",
        )
    )

# %% [markdown]
# ## Pairs by NPMI

# %%
if len(whole):
    display(
        ReportFigure(
            plot_pair_heatmap(whole, entities, top_n=16, measure="npmi", title="NPMI of the pairs among the most named actors (all outlets)"),
            key="fig-pair-heatmap",
            caption="Normalised PMI of the pairs among the actors of the most frequent pairs, all "
            "outlets: red, named together more often than chance; blue, less often; blank: never "
            "in the same sentence. The number in a cell is how many sentences name both.",
            alt="Heatmap of NPMI between pairs of actors, with pair counts in the cells.",
        )
    )

# %% [markdown]
# ## Centrality per outlet

# %%
central = (
    centralities[centralities["group"].isin(groups)]
    .sort_values(["group", "eigenvector", "label"], ascending=[True, False, True])
    .groupby("group")
    .head(5)
)
ReportTable(
    format_table(
        central[["group", "label", "degree", "strength", "betweenness", "eigenvector"]],
        counts=["degree", "strength"],
        digits={"betweenness": 3, "eigenvector": 3},
        rename={"group": "outlet", "label": "actor", "degree": "partners", "strength": "co-occurrences"},
    ),
    key="tab-centrality",
    caption="The five most central actors of each outlet by eigenvector centrality (high: tied to "
    "actors that are themselves central), with the number of distinct partners, co-occurrences, "
    "and betweenness (share of shortest paths through the actor). " + SMALL_NOTE,
)
