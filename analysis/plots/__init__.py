"""Figures: every function takes DataFrames and returns a matplotlib ``Figure`` (never saved or
shown here).

Public names are imported lazily from their modules on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from secnews.corpus._lazy import lazy_exports

if TYPE_CHECKING:
    from secnews.analysis.plots._base import (
        padded,
        plain_text,
    )
    from secnews.analysis.plots.entities import (
        plot_ego_network,
        plot_network,
        plot_network_panels,
        plot_pair_heatmap,
    )
    from secnews.analysis.plots.stats import (
        plot_frequencies,
        plot_keyness,
        plot_summary,
        plot_zipf,
    )
    from secnews.analysis.plots.topics import (
        plot_outlet_heatmap,
        plot_prevalence_over_time,
        plot_selection,
        plot_topic_map,
    )
    from secnews.analysis.plots.trends import (
        plot_gap,
        plot_trends,
        read_events,
    )

_NAMES: dict[str, str] = {
    "padded": "secnews.analysis.plots._base",
    "plain_text": "secnews.analysis.plots._base",
    "plot_ego_network": "secnews.analysis.plots.entities",
    "plot_frequencies": "secnews.analysis.plots.stats",
    "plot_gap": "secnews.analysis.plots.trends",
    "plot_keyness": "secnews.analysis.plots.stats",
    "plot_network": "secnews.analysis.plots.entities",
    "plot_network_panels": "secnews.analysis.plots.entities",
    "plot_outlet_heatmap": "secnews.analysis.plots.topics",
    "plot_pair_heatmap": "secnews.analysis.plots.entities",
    "plot_prevalence_over_time": "secnews.analysis.plots.topics",
    "plot_selection": "secnews.analysis.plots.topics",
    "plot_summary": "secnews.analysis.plots.stats",
    "plot_topic_map": "secnews.analysis.plots.topics",
    "plot_trends": "secnews.analysis.plots.trends",
    "plot_zipf": "secnews.analysis.plots.stats",
    "read_events": "secnews.analysis.plots.trends",
}

__all__ = [
    "padded",
    "plain_text",
    "plot_ego_network",
    "plot_frequencies",
    "plot_gap",
    "plot_keyness",
    "plot_network",
    "plot_network_panels",
    "plot_outlet_heatmap",
    "plot_pair_heatmap",
    "plot_prevalence_over_time",
    "plot_selection",
    "plot_summary",
    "plot_topic_map",
    "plot_trends",
    "plot_zipf",
    "read_events",
]

__getattr__, __dir__ = lazy_exports(__name__, _NAMES, globals())
