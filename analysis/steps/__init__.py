"""The steps of a study (build, stats, topics, trends, entities, report): each a frozen settings
class checked before any work, and a function that writes the step's folder; the pipeline that
runs a study.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.steps._base import (
        STEP_FILE,
        SettingsError,
        StepSettings,
        check_date,
        read_step_key,
        setting,
        step_of_folder,
        write_step_folder,
    )
    from secnews.analysis.steps.build import (
        build_key,
        check_build,
        run_build,
    )
    from secnews.analysis.steps.entities import (
        EntitiesSettings,
        run_entities,
    )
    from secnews.analysis.steps.fingerprints import (
        code_fingerprint,
        settings_files,
        stable_hash,
    )
    from secnews.analysis.steps.pipeline import (
        ANALYSIS_STEPS,
        AnalysisStep,
        StepResult,
        check_study,
        run_study,
    )
    from secnews.analysis.steps.stats import (
        STATS_PREPROCESS,
        StatsSettings,
        keyness_between,
        run_stats,
    )
    from secnews.analysis.steps.study import (
        STEP_TABLES,
        Study,
        load_study,
    )
    from secnews.analysis.steps.topics import (
        FittedTopics,
        TopicInputs,
        TopicRunSettings,
        TopicsSettings,
        TopicStageError,
        fit_topics,
        inputs_from_preprocessed,
        inputs_from_texts,
        run_topics,
        run_topics_step,
    )
    from secnews.analysis.steps.trends import (
        TrendsSettings,
        run_trends,
        term_trends,
    )

_NAMES: dict[str, str] = {
    "ANALYSIS_STEPS": "secnews.analysis.steps.pipeline",
    "AnalysisStep": "secnews.analysis.steps.pipeline",
    "EntitiesSettings": "secnews.analysis.steps.entities",
    "FittedTopics": "secnews.analysis.steps.topics",
    "STATS_PREPROCESS": "secnews.analysis.steps.stats",
    "STEP_FILE": "secnews.analysis.steps._base",
    "STEP_TABLES": "secnews.analysis.steps.study",
    "SettingsError": "secnews.analysis.steps._base",
    "StatsSettings": "secnews.analysis.steps.stats",
    "StepResult": "secnews.analysis.steps.pipeline",
    "StepSettings": "secnews.analysis.steps._base",
    "Study": "secnews.analysis.steps.study",
    "TopicInputs": "secnews.analysis.steps.topics",
    "TopicRunSettings": "secnews.analysis.steps.topics",
    "TopicStageError": "secnews.analysis.steps.topics",
    "TopicsSettings": "secnews.analysis.steps.topics",
    "TrendsSettings": "secnews.analysis.steps.trends",
    "build_key": "secnews.analysis.steps.build",
    "check_build": "secnews.analysis.steps.build",
    "check_date": "secnews.analysis.steps._base",
    "check_study": "secnews.analysis.steps.pipeline",
    "code_fingerprint": "secnews.analysis.steps.fingerprints",
    "fit_topics": "secnews.analysis.steps.topics",
    "inputs_from_preprocessed": "secnews.analysis.steps.topics",
    "inputs_from_texts": "secnews.analysis.steps.topics",
    "keyness_between": "secnews.analysis.steps.stats",
    "load_study": "secnews.analysis.steps.study",
    "read_step_key": "secnews.analysis.steps._base",
    "run_build": "secnews.analysis.steps.build",
    "run_entities": "secnews.analysis.steps.entities",
    "run_stats": "secnews.analysis.steps.stats",
    "run_study": "secnews.analysis.steps.pipeline",
    "run_topics": "secnews.analysis.steps.topics",
    "run_topics_step": "secnews.analysis.steps.topics",
    "run_trends": "secnews.analysis.steps.trends",
    "setting": "secnews.analysis.steps._base",
    "settings_files": "secnews.analysis.steps.fingerprints",
    "stable_hash": "secnews.analysis.steps.fingerprints",
    "step_of_folder": "secnews.analysis.steps._base",
    "term_trends": "secnews.analysis.steps.trends",
    "write_step_folder": "secnews.analysis.steps._base",
}

__all__ = [
    "ANALYSIS_STEPS",
    "STATS_PREPROCESS",
    "STEP_FILE",
    "STEP_TABLES",
    "AnalysisStep",
    "EntitiesSettings",
    "FittedTopics",
    "SettingsError",
    "StatsSettings",
    "StepResult",
    "StepSettings",
    "Study",
    "TopicInputs",
    "TopicRunSettings",
    "TopicStageError",
    "TopicsSettings",
    "TrendsSettings",
    "build_key",
    "check_build",
    "check_date",
    "check_study",
    "code_fingerprint",
    "fit_topics",
    "inputs_from_preprocessed",
    "inputs_from_texts",
    "keyness_between",
    "load_study",
    "read_step_key",
    "run_build",
    "run_entities",
    "run_stats",
    "run_study",
    "run_topics",
    "run_topics_step",
    "run_trends",
    "setting",
    "settings_files",
    "stable_hash",
    "step_of_folder",
    "term_trends",
    "write_step_folder",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
