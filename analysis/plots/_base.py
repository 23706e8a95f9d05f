"""What the figure modules share: text is drawn as plain text, time axes are padded.

Outlet names, terms, labels and titles come from the data; a ``$`` pair in one of them would
otherwise be parsed as mathtext (and an unknown command such as ``\\input`` raises while the
figure is drawn). :func:`plain_text` switches mathtext off on every text of a figure that can
come from the data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["padded", "plain_text"]


def _escaped(text: str) -> str:
    return text.replace("$", r"\$")


def plain_text(fig: Figure) -> Figure:
    """Draw every text of ``fig`` that can come from the data as plain text, and return ``fig``.

    Titles, axis labels, legends and annotations get mathtext switched off. Tick labels are made
    by their axis' formatter when the figure is drawn: the formatters that write data (fixed
    labels, categories, functions) are wrapped so that a ``$`` is escaped, while the number
    formatters keep the mathtext of their own (``10^5`` on a log axis).
    """
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.ticker import FixedFormatter, FuncFormatter, StrMethodFormatter

    data_formatters = (FixedFormatter, StrCategoryFormatter, FuncFormatter, StrMethodFormatter)
    ticks: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                formatter = get()
                if isinstance(formatter, data_formatters) and not getattr(
                    formatter, "_secnews_plain", False
                ):
                    wrapped = FuncFormatter(lambda x, pos, f=formatter: _escaped(str(f(x, pos))))
                    wrapped._secnews_plain = True  # type: ignore[attr-defined]
                    put(wrapped)
    texts = fig.findobj(Text)  # this also makes the ticks the locators ask for
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in (*axis.majorTicks, *axis.minorTicks):
                ticks.update((id(tick.label1), id(tick.label2)))
    for artist in texts:
        if id(artist) not in ticks:
            artist.set_parse_math(False)
    return fig


def padded(xlim: tuple[Any, Any], share: float = 0.02) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The time axis ``xlim`` widened by ``share`` of its span on each side (points on the first
    and last day stay inside the panel)."""
    low, high = pd.Timestamp(xlim[0]), pd.Timestamp(xlim[1])
    pad = (high - low) * share if high > low else pd.Timedelta(days=7)
    return low - pad, high + pad
