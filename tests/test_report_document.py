"""The report as a document: value formatting, numbering of sections, figures and tables,
data-quality notes, summary findings, and figures that draw data text as plain text."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.figure
import matplotlib.text
import numpy as np
import pandas as pd
import pytest

from secnews.analysis.report.document import (
    ReportFigure,
    ReportTable,
    contents_placeholder,
    number_document,
    ref,
)
from secnews.analysis.report.quality import (
    described_ranges,
    main_period,
    parse_described_range,
    shared_dates,
    small_outlets,
)
from secnews.analysis.report.summary import (
    events_with_changepoints,
    strongest_keyness,
    topic_shifts,
)
from secnews.analysis.report.tables import format_date, format_number, format_p, format_table

HOSTILE = r"$\input{/etc/passwd}$ TV"


def test_values_are_formatted_for_readers() -> None:
    assert format_p(0.0) == "< 0.001"
    assert format_p(0.0123) == "0.012"
    assert format_p(float("nan")) is None
    assert format_number(1234.5678, 1) == "1,234.6"
    assert format_number(-0.5, 2) == "\u22120.50"
    assert format_number(0.00001234, 2) == "1.2 × 10^-5"
    assert format_number(float("inf")) is None
    assert format_date(pd.Timestamp("2022-02-24 23:30", tz="Europe/Kyiv")) == "2022-02-24"
    assert format_date(pd.NaT) is None
    table = format_table(
        pd.DataFrame({"id": ["org:nato"], "p": [0.0], "x": [np.nan]}),
        labels={"id": {"org:nato": "NATO"}},
        pvalues=["p"],
        digits={"x": 2},
    )
    assert table.iloc[0].tolist() == ["NATO", "< 0.001", None]


def test_tables_escape_text_and_print_missing_values_as_a_dash() -> None:
    table = ReportTable(
        pd.DataFrame({"title": ["<script>alert(1)</script>", None]}), key="tab-x", caption="a < b"
    )
    page = table._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<td>\u2014</td>" in page
    assert "a &lt; b" in page


def test_sections_figures_and_tables_are_numbered_and_referenced() -> None:
    figure = matplotlib.figure.Figure(figsize=(2, 2))
    figure.subplots().plot([1, 2])
    page = (
        contents_placeholder()
        + f"<p>See {ref('tab-b')} and {ref('fig-a')} and {ref('fig-missing')}.</p>"
        + '<h1 id="x">Intro<a class="anchor-link" href="#x"></a></h1>'
        + ReportFigure(figure, key="fig-a", caption="c", alt="a line")._repr_html_()
        + '<h2 id="y">Part<a class="anchor-link" href="#y"></a></h2>'
        + ReportTable(pd.DataFrame({"a": [1]}), key="tab-b", caption="t")._repr_html_()
    )
    out = number_document(page)
    assert '<a class="secnews-ref" href="#tab-b">Table 1</a>' in out
    assert '<a class="secnews-ref" href="#fig-a">Figure 1</a>' in out
    assert "and figure." in out  # a reference to a missing figure is plain text
    assert 'alt="a line"' in out
    assert '<h1 id="sec-1" class="secnews-h1"><span class="sec-num">1</span> Intro</h1>' in out
    assert 'href="#sec-1-1"><span class="toc-num">1.1</span> Part' in out
    with pytest.raises(ValueError):
        ref("figure 1")


def test_quality_notes_find_a_shared_date_a_bad_description_and_a_far_cluster() -> None:
    days = pd.to_datetime(
        ["2022-01-01", "2022-01-05", "2022-02-01", "2022-03-01"] * 5
        + ["2023-04-17"] * 12
        + ["2024-12-26"]
    ).tz_localize("UTC")
    documents = pd.DataFrame(
        {
            "outlet": ["A"] * 20 + ["Treasury"] * 12 + ["TASS"],
            "dataset": ["a"] * 20 + ["us"] * 12 + ["t"],
            "published": days,
        }
    )
    shared = shared_dates(documents, min_share=0.5, min_docs=10)
    assert shared[["outlet", "date", "docs"]].values.tolist() == [["Treasury", "2023-04-17", 12]]
    ranges = described_ranges(documents, {"a": "2022", "us": "2022 (as words)", "t": "none"})
    assert ranges.set_index("dataset")["outside"].to_dict() == {"a": 0, "us": 12}
    assert parse_described_range("2021-10-24 .. 2022-06-24").last == pd.Timestamp("2022-06-24")
    period = main_period(documents, max_gap_days=120, min_share=0.05)
    assert period.end == pd.Timestamp("2023-04-17")
    assert period.left_out[["outlet", "docs"]].values.tolist() == [["TASS", 1]]
    assert small_outlets({"A": 20, "TASS": 1}, min_docs=10) == ["TASS"]


def test_summary_findings_are_computed_from_the_tables() -> None:
    keyness = pd.DataFrame(
        {
            "term": ["a", "b", "c", "d"],
            "g2": [50.0, 40.0, 30.0, -5.0],
            "log_ratio": [2.0, 1.0, 3.0, -1.0],
            "log_ratio_low": [1.0, -0.5, 2.0, -2.0],
            "log_ratio_high": [3.0, 2.0, 4.0, 0.0],
        }
    )
    assert strongest_keyness(keyness, n=3)["term"].tolist() == ["a", "c"]  # b's CI includes 0
    shift = pd.DataFrame(
        {
            "outlet": ["x", "x", "tiny"],
            "topic": [0, 1, 0],
            "change": [0.1, -0.3, 0.9],
            "ci_low": [0.05, -0.4, 0.5],
            "ci_high": [0.15, 0.1, 1.0],
        }
    )
    assert topic_shifts(shift, exclude_outlets=["tiny"])["topic"].tolist() == [0]
    changepoints = pd.DataFrame(
        {
            "term": ["war", "war"],
            "outlet": ["x", "x"],
            "date": ["2022-02-21", "2022-06-01"],
            "method": ["pelt", "pelt"],
            "level_before": [1.0, 2.0],
            "level_after": [5.0, 1.0],
        }
    )
    events = pd.DataFrame({"date": pd.to_datetime(["2022-02-24"]), "label": ["invasion"]})
    near = events_with_changepoints(changepoints, events, within_days=14)
    assert near[["term", "days"]].values.tolist() == [["war", -3]]


def _hostile_figures() -> list[matplotlib.figure.Figure]:
    from secnews.analysis.plots.entities import plot_network_panels, plot_pair_heatmap
    from secnews.analysis.plots.stats import plot_keyness, plot_summary
    from secnews.analysis.plots.topics import (
        plot_outlet_heatmap,
        plot_prevalence_over_time,
        plot_topic_map,
    )
    from secnews.analysis.plots.trends import plot_trends

    periods = pd.to_datetime(["2022-01-03", "2022-01-10", "2022-03-07"])
    trends = pd.DataFrame(
        {
            "term": HOSTILE,
            "outlet": [HOSTILE, HOSTILE, "B"],
            "period": periods,
            "rate_per_10k": [1.0, 2.0, 3.0],
            "ci_low": [0.5, 1.0, 2.0],
            "ci_high": [2.0, 3.0, 4.0],
            "docs": [1, 9, 9],
        }
    )
    events = pd.DataFrame(
        {"date": pd.to_datetime(["2022-01-05", "2022-01-06"]), "label": [HOSTILE, "b"]}
    )
    prevalence = pd.DataFrame(
        {
            "outlet": [HOSTILE, "B"],
            "period": periods[:2],
            "topic": [0, 0],
            "prevalence": [0.2, 0.3],
            "ci_low": [0.1, 0.2],
            "ci_high": [0.3, 0.4],
            "n_docs": [1, 9],
        }
    )
    edges = pd.DataFrame(
        {"source": ["a", "a"], "target": ["b", "c"], "count": [3, 2], "npmi": [0.5, -0.2]}
    )
    entities = pd.DataFrame(
        {
            "entity_id": ["a", "b", "c"],
            "label": [HOSTILE, "B", "C"],
            "type": ["country"] * 3,
            "count": [5, 3, 2],
        }
    )
    keyness = pd.DataFrame(
        {
            "term": [HOSTILE, "x"],
            "g2": [5.0, -4.0],
            "log_ratio": [1.0, -1.0],
            "log_ratio_low": [0.5, -2.0],
            "log_ratio_high": [2.0, -0.5],
        }
    )
    return [
        plot_trends(trends, events=events, min_docs=5, xlim=(periods[0], periods[-1])),
        plot_prevalence_over_time(prevalence, labels={0: HOSTILE}, min_docs=5),
        plot_outlet_heatmap(prevalence, labels={0: HOSTILE}),
        plot_topic_map(
            pd.DataFrame(
                {
                    "topic": [0, 1],
                    "x": [0.0, 1.0],
                    "y": [0.0, 1.0],
                    "share": [0.4, 0.6],
                    "label": [HOSTILE, "b"],
                }
            )
        ),
        plot_network_panels({HOSTILE: edges}, entities),
        plot_pair_heatmap(edges, entities),
        plot_keyness(keyness, labels=(HOSTILE, "B")),
        plot_summary(pd.DataFrame({"group": [HOSTILE, "B"], "tokens": [3, 4]})),
    ]


def test_figures_draw_data_text_as_plain_text() -> None:
    """An outlet or term such as $\\input{/etc/passwd}$ TV is printed, not parsed as mathtext."""
    for figure in _hostile_figures():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=40)  # would raise if parsed as mathtext
        texts = [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
        # drawn as written: mathtext off, or (tick labels) its dollars escaped
        escaped = HOSTILE.replace("$", r"\$")
        assert any(HOSTILE in t or escaped in t for t in texts), figure


def test_number_ticks_keep_their_mathtext() -> None:
    """Log axes write 10^k as mathtext; plain_text must not print it raw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from secnews.analysis.plots._base import plain_text

    fig = Figure()
    ax = fig.add_subplot()
    ax.loglog([1, 10, 100], [100, 10, 1])
    ax.set_title(HOSTILE)
    plain_text(fig)
    FigureCanvasAgg(fig).draw()
    labels = [t.label1 for t in ax.yaxis.majorTicks if t.label1.get_text()]
    assert labels and all(label.get_parse_math() for label in labels)
    assert not ax.title.get_parse_math()


def test_summary_sentences_escape_data_and_stay_short() -> None:
    from secnews.analysis.report.summary import changepoint_sentence, keyness_sentence

    top = pd.DataFrame(
        {"term": ["a_b"], "log_ratio": [2.0], "log_ratio_low": [1.0], "log_ratio_high": [3.0]}
    )
    sentence = keyness_sentence(top, target="<img src=x onerror=alert(1)>", reference="B")
    assert sentence is not None and "<img" not in sentence and "&lt;img" in sentence
    assert "“a b” (log ratio 2.0, 95% CI [1.0,\u00a03.0])" in sentence
    near = pd.DataFrame(
        {
            "event": ["e"] * 5,
            "event_date": [pd.Timestamp("2022-02-24")] * 5,
            "term": list("vwxyz"),
            "outlet": ["o"] * 5,
        }
    )
    line = changepoint_sentence(near, within_days=14, max_pairs=3)
    assert line is not None and "and 2 more" in line and "“y”" not in line


def test_stream_outputs_are_joined_whatever_their_split() -> None:
    """The kernel splits stderr by timing; the stored notebook must not depend on it."""
    import nbformat

    from secnews.analysis.report.render import scrub_notebook

    def notebook(parts: list[str]) -> object:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=t) for t in parts]
        nb = nbformat.v4.new_notebook()
        nb.cells = [cell]
        return nb

    one = scrub_notebook(notebook(["a\nb\n"]))
    two = scrub_notebook(notebook(["a\n", "b\n"]))
    assert nbformat.writes(one) == nbformat.writes(two)
