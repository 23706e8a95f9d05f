"""Trend figures: what is drawn, events on every panel, deterministic files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from secnews.analysis.lexicon import parse_terms
from secnews.analysis.output import save_figure
from secnews.analysis.plots.trends import plot_gap, plot_trends, read_events
from secnews.analysis.trends.changepoints import detect_changepoints
from secnews.analysis.trends.counts import TrendSettings, document_counts
from secnews.analysis.trends.intervals import outlet_gap, smooth_series, trend_table


@pytest.fixture(scope="module")
def press_tables(press_frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    settings = TrendSettings(freq="W", by="outlet", n_boot=200)
    counts = document_counts(
        press_frame, parse_terms("nato,special military operation,war"), settings=settings
    )
    table = trend_table(counts, settings=settings)
    return {
        "table": table,
        "changes": detect_changepoints(table),
        "smooth": smooth_series(table),
        "gap": outlet_gap(
            counts,
            term="war",
            outlet_a="president.gov.ua",
            outlet_b="kremlin.ru",
            settings=settings,
        ),
    }


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(
        "date,label\n2022-02-24,Invasion\n2021-12-17,Draft treaties\n", encoding="utf-8"
    )
    return path


def test_read_events(events_file: Path, tmp_path: Path) -> None:
    events = read_events(events_file)
    assert events["label"].tolist() == ["Draft treaties", "Invasion"]
    assert events["date"].tolist() == [pd.Timestamp("2021-12-17"), pd.Timestamp("2022-02-24")]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,label\n2022-02-24,ok\nnot a date,x\n2022-03-01, \n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"row 2: unparseable date 'not a date'; row 3: empty label"
    ):
        read_events(bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("day,label\n2022-02-24,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks column"):
        read_events(missing)


def test_small_multiples_draw_raw_series_smoothing_events_and_change_points(
    press_tables: dict[str, pd.DataFrame], events_file: Path
) -> None:
    table = press_tables["table"]
    events = read_events(events_file)
    fig = plot_trends(
        table, changepoints=press_tables["changes"], events=events, smooth=press_tables["smooth"]
    )
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["nato", "special military operation", "war"]
    for ax, term in zip(panels, ["nato", "special military operation", "war"], strict=True):
        raw = {
            line.get_label(): line
            for line in ax.get_lines()
            if not line.get_label().startswith("_")
        }
        assert set(raw) == {"kremlin.ru", "president.gov.ua"}
        expected = table[(table["term"] == term) & (table["outlet"] == "kremlin.ru")][
            "rate_per_10k"
        ]
        np.testing.assert_allclose(raw["kremlin.ru"].get_ydata(), expected.to_numpy())
        dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert len(dashed) == 2  # the smoothed lines, drawn beside the raw ones
        dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert len(dotted) == len(events)  # every event on every panel
    smo = panels[1]
    triangles = [
        line for line in smo.get_lines() if line.get_marker() == "v" and len(line.get_xdata())
    ]
    assert triangles  # the PELT change point of the Kremlin series
    assert len(fig.legends) == 2  # outlets, events


def test_gap_figure_and_deterministic_files(
    press_tables: dict[str, pd.DataFrame], events_file: Path, tmp_path: Path
) -> None:
    events = read_events(events_file)
    fig = plot_gap(press_tables["gap"], events=events)
    assert "president.gov.ua minus kremlin.ru" in fig.axes[0].get_title()
    first = save_figure(fig, tmp_path / "one" / "gap")
    second = save_figure(plot_gap(press_tables["gap"], events=events), tmp_path / "two" / "gap")
    assert [p.name for p in first] == ["gap.png", "gap.svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    with pytest.raises(ValueError, match="empty"):
        plot_gap(press_tables["gap"].iloc[0:0])
    with pytest.raises(ValueError, match="no term"):
        plot_trends(press_tables["table"], terms=[])
