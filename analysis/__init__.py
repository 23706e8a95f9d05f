"""secnews.analysis: what a researcher calls on a corpus.

Every function below takes a corpus (:func:`secnews.corpus.open_corpus`) or a DataFrame and
returns DataFrames; plot functions take DataFrames and return a matplotlib ``Figure``. Their
defaults are those of the command line and of a study file, so calling them with defaults gives
the report's numbers.

Studies
    :func:`load_study`, :func:`run_study`, :func:`check_study`; the steps' settings
    :class:`StatsSettings`, :class:`TopicsSettings`, :class:`TrendsSettings`,
    :class:`EntitiesSettings` and their runners :func:`run_stats`, :func:`run_topics_step`,
    :func:`run_trends`, :func:`run_entities`.
Preprocessing
    :func:`preprocess` (tokens, phrases, dictionary, bag-of-words; cached), :func:`tokenize`.
Statistics
    :func:`corpus_summary`, :func:`keyness_between`, :func:`kwic`, :func:`collocations`.
Topics
    :func:`fit_topics` (one model with the step's defaults), :class:`TopicModel`.
Trends
    :func:`term_trends`, :func:`detect_changepoints`.
Entities
    :func:`extract_entities`, :func:`entity_table`, :func:`cooccurrence`.

The subpackages (``secnews.analysis.stats``, ``.topics``, ``.trends``, ``.entities``,
``.plots``, ``.preprocess``, ``.report``, ``.steps``) hold the rest. Names are imported lazily.

Examples
--------
>>> import secnews.analysis as sa
>>> sa.StatsSettings().period
'month'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.entities.cooccurrence import cooccurrence
    from secnews.analysis.entities.extract import entity_table, extract_entities
    from secnews.analysis.preprocess.core import preprocess, tokenize
    from secnews.analysis.preprocess.settings import PreprocessSettings
    from secnews.analysis.stats.collocations import collocations
    from secnews.analysis.stats.descriptive import corpus_summary
    from secnews.analysis.stats.kwic import kwic
    from secnews.analysis.steps.entities import EntitiesSettings, run_entities
    from secnews.analysis.steps.pipeline import check_study, run_study
    from secnews.analysis.steps.stats import StatsSettings, keyness_between, run_stats
    from secnews.analysis.steps.study import load_study
    from secnews.analysis.steps.topics import (
        FittedTopics,
        TopicsSettings,
        fit_topics,
        run_topics_step,
    )
    from secnews.analysis.steps.trends import TrendsSettings, run_trends, term_trends
    from secnews.analysis.topics.model import TopicModel
    from secnews.analysis.trends.changepoints import detect_changepoints

_NAMES: dict[str, str] = {
    "EntitiesSettings": "secnews.analysis.steps.entities",
    "FittedTopics": "secnews.analysis.steps.topics",
    "PreprocessSettings": "secnews.analysis.preprocess.settings",
    "StatsSettings": "secnews.analysis.steps.stats",
    "TopicModel": "secnews.analysis.topics.model",
    "TopicsSettings": "secnews.analysis.steps.topics",
    "TrendsSettings": "secnews.analysis.steps.trends",
    "check_study": "secnews.analysis.steps.pipeline",
    "collocations": "secnews.analysis.stats.collocations",
    "cooccurrence": "secnews.analysis.entities.cooccurrence",
    "corpus_summary": "secnews.analysis.stats.descriptive",
    "detect_changepoints": "secnews.analysis.trends.changepoints",
    "entity_table": "secnews.analysis.entities.extract",
    "extract_entities": "secnews.analysis.entities.extract",
    "fit_topics": "secnews.analysis.steps.topics",
    "keyness_between": "secnews.analysis.steps.stats",
    "kwic": "secnews.analysis.stats.kwic",
    "load_study": "secnews.analysis.steps.study",
    "preprocess": "secnews.analysis.preprocess.core",
    "run_entities": "secnews.analysis.steps.entities",
    "run_stats": "secnews.analysis.steps.stats",
    "run_study": "secnews.analysis.steps.pipeline",
    "run_topics_step": "secnews.analysis.steps.topics",
    "run_trends": "secnews.analysis.steps.trends",
    "term_trends": "secnews.analysis.steps.trends",
    "tokenize": "secnews.analysis.preprocess.core",
}

__all__ = [
    "EntitiesSettings",
    "FittedTopics",
    "PreprocessSettings",
    "StatsSettings",
    "TopicModel",
    "TopicsSettings",
    "TrendsSettings",
    "check_study",
    "collocations",
    "cooccurrence",
    "corpus_summary",
    "detect_changepoints",
    "entity_table",
    "extract_entities",
    "fit_topics",
    "keyness_between",
    "kwic",
    "load_study",
    "preprocess",
    "run_entities",
    "run_stats",
    "run_study",
    "run_topics_step",
    "run_trends",
    "term_trends",
    "tokenize",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
