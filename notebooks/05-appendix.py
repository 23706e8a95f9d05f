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
# # Appendix: provenance and settings
#
# The data, settings and code this report was made from; with them the report can be rebuilt
# byte for byte (`secnews run` then `secnews report` on the same study file).

# %% tags=["parameters"]
study = "studies/demo.toml"

# %%
import json

import pandas as pd

from secnews.analysis.report.document import ReportTable
from secnews.analysis.report.provenance import provenance_table
from secnews.analysis.steps.study import load_study

spec = load_study(study)
ReportTable(
    provenance_table(spec),
    key="tab-provenance",
    caption="Provenance: the study file and its hash, the seed, the corpus hash and counts, the "
    "dates of the data, the code's git commit and the versions of the packages used.",
    numeric=[],
    widths={"item": "30%"},
)

# %%
rows = []
for step in ("build", "stats", "topics", "trends", "entities", "report"):
    for key, value in sorted(spec.settings(step).items()):
        rows.append((step, key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value))
ReportTable(
    pd.DataFrame(rows, columns=["step", "setting", "value"]),
    key="tab-settings",
    caption="The settings of the study file, by step (settings not named there take the package's "
    "defaults, recorded in each step's manifest.json).",
    numeric=[],
)
