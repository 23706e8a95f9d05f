"""What the figure modules share: text is drawn as plain text, time axes are padded.

Outlet names, terms, labels and titles come from the data; a ``$`` pair in one of them would
otherwise be parsed as mathtext (and an unknown command such as ``\\input`` raises while the
figure is drawn). :func:`plain_text` switches mathtext off on every text of a figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["padded", "plain_text"]


def plain_text(fig: Figure) -> Figure:
    """Switch mathtext off for every text of ``fig`` (titles, labels, tick labels, legends,
    annotations) and return ``fig``.

    Call it last, after every tick label exists (fixed tick labels are created when set).
    """
    from matplotlib.ticker import LogFormatter, ScalarFormatter

    numeric: set[int] = set()  # tick labels a number formatter writes (log axes use mathtext)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for ticks, formatter in (
                # the ticks that exist (asking the locator for more can warn on odd ranges)
                (axis.majorTicks, axis.get_major_formatter()),
                (axis.minorTicks, axis.get_minor_formatter()),
            ):
                data = not isinstance(formatter, ScalarFormatter | LogFormatter)
                for tick in ticks:
                    for label in (tick.label1, tick.label2):
                        if data:
                            label.set_parse_math(False)
                        else:
                            numeric.add(id(label))
    for artist in fig.findobj(Text):
        if id(artist) not in numeric:
            artist.set_parse_math(False)
    return fig


def padded(xlim: tuple[Any, Any], share: float = 0.02) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The time axis ``xlim`` widened by ``share`` of its span on each side (points on the first
    and last day stay inside the panel)."""
    low, high = pd.Timestamp(xlim[0]), pd.Timestamp(xlim[1])
    pad = (high - low) * share if high > low else pd.Timedelta(days=7)
    return low - pad, high + pad
