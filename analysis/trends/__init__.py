"""Term trends: counts per period and group (DuckDB), intervals, smoothing, change points and bursts.

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.trends.changepoints import (
        CHANGEPOINT_COLUMNS,
        ChangepointSettings,
        detect_changepoints,
        kleinberg_bursts,
        pelt_changepoints,
        pelt_penalty,
    )
    from secnews.analysis.trends.counts import (
        FREQUENCIES,
        TOKEN_PATTERN,
        DocumentCounts,
        TrendSettings,
        aggregate_counts,
        document_counts,
        match_text_sql,
        term_groups,
    )
    from secnews.analysis.trends.intervals import (
        SmoothSettings,
        bootstrap_rate_ci,
        clopper_pearson,
        outlet_gap,
        poisson_rate_ci,
        smooth_series,
        trend_table,
    )

_NAMES: dict[str, str] = {
    "CHANGEPOINT_COLUMNS": "secnews.analysis.trends.changepoints",
    "ChangepointSettings": "secnews.analysis.trends.changepoints",
    "DocumentCounts": "secnews.analysis.trends.counts",
    "FREQUENCIES": "secnews.analysis.trends.counts",
    "SmoothSettings": "secnews.analysis.trends.intervals",
    "TOKEN_PATTERN": "secnews.analysis.trends.counts",
    "TrendSettings": "secnews.analysis.trends.counts",
    "aggregate_counts": "secnews.analysis.trends.counts",
    "bootstrap_rate_ci": "secnews.analysis.trends.intervals",
    "clopper_pearson": "secnews.analysis.trends.intervals",
    "detect_changepoints": "secnews.analysis.trends.changepoints",
    "document_counts": "secnews.analysis.trends.counts",
    "kleinberg_bursts": "secnews.analysis.trends.changepoints",
    "match_text_sql": "secnews.analysis.trends.counts",
    "outlet_gap": "secnews.analysis.trends.intervals",
    "pelt_changepoints": "secnews.analysis.trends.changepoints",
    "pelt_penalty": "secnews.analysis.trends.changepoints",
    "poisson_rate_ci": "secnews.analysis.trends.intervals",
    "smooth_series": "secnews.analysis.trends.intervals",
    "term_groups": "secnews.analysis.trends.counts",
    "trend_table": "secnews.analysis.trends.intervals",
}

__all__ = [
    "CHANGEPOINT_COLUMNS",
    "FREQUENCIES",
    "TOKEN_PATTERN",
    "ChangepointSettings",
    "DocumentCounts",
    "SmoothSettings",
    "TrendSettings",
    "aggregate_counts",
    "bootstrap_rate_ci",
    "clopper_pearson",
    "detect_changepoints",
    "document_counts",
    "kleinberg_bursts",
    "match_text_sql",
    "outlet_gap",
    "pelt_changepoints",
    "pelt_penalty",
    "poisson_rate_ci",
    "smooth_series",
    "term_groups",
    "trend_table",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
