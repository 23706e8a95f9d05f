"""Values as a reader should see them in a report table: meaningful digits, p-values as
"< 0.001", one date format, labels instead of ids, missing values left empty (printed as an em
dash by :class:`~secnews.analysis.report.document.ReportTable`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = [
    "format_count",
    "format_date",
    "format_interval",
    "format_number",
    "format_p",
    "format_table",
    "join_terms",
    "keyness_display",
    "mark_small",
]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number(value: Any, digits: int = 2) -> str | None:
    """``value`` with ``digits`` decimals (thousands separated); ``None`` when missing or not
    finite. A value that rounds to zero but is not zero keeps two significant digits."""
    if _missing(value):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    text = f"{number:,.{digits}f}"
    if number != 0 and float(text.replace(",", "")) == 0:
        text = f"{number:.2g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa} × 10^{int(exponent)}"
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return text


def format_count(value: Any) -> str | None:
    """A whole number with thousands separators; ``None`` when missing."""
    if _missing(value):
        return None
    return f"{round(float(value)):,}"


def format_p(value: Any, *, floor: float = 0.001) -> str | None:
    """A p-value: ``"< 0.001"`` under ``floor``, else three decimals; ``None`` when missing."""
    if _missing(value):
        return None
    number = float(value)
    if number < floor:
        return f"< {floor:g}"
    return f"{number:.3f}"


def format_date(value: Any) -> str | None:
    """A date as ``YYYY-MM-DD`` (UTC for aware timestamps); ``None`` when missing."""
    if _missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d")


def format_interval(low: Any, high: Any, digits: int = 2) -> str | None:
    """``"[low, high]"`` (a no-break space after the comma, so it never wraps); ``None`` when
    either end is missing."""
    a, b = format_number(low, digits), format_number(high, digits)
    if a is None or b is None:
        return None
    return f"[{a},\u00a0{b}]"


def join_terms(terms: Any, *, n: int = 10) -> str | None:
    """The first ``n`` terms of a comma-separated list (or a sequence), phrase underscores as
    spaces, separated by ", " so the cell wraps."""
    if isinstance(terms, str):
        items = [t.strip() for t in terms.split(",")]
    elif isinstance(terms, list | tuple):
        items = list(terms)
    else:
        return None
    return ", ".join(str(t).replace("_", " ") for t in items[:n] if str(t))


def format_table(
    frame: pd.DataFrame,
    *,
    digits: Mapping[str, int] | None = None,
    counts: Iterable[str] = (),
    pvalues: Iterable[str] = (),
    dates: Iterable[str] = (),
    labels: Mapping[str, Mapping[Any, str]] | None = None,
    rename: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with every named column formatted as text.

    Parameters
    ----------
    digits
        ``{column: decimals}`` for numbers.
    counts
        Whole-number columns.
    pvalues
        p-value columns (:func:`format_p`).
    dates
        Date columns (:func:`format_date`).
    labels
        ``{column: {id: label}}``: ids replaced by labels (ids without a label stay).
    rename
        New column names, applied last.
    """
    out = frame.copy()
    for column, mapping in (labels or {}).items():
        out[column] = [mapping.get(v, v) for v in out[column]]
    for column, n in (digits or {}).items():
        out[column] = [format_number(v, n) for v in out[column]]
    for column in counts:
        out[column] = [format_count(v) for v in out[column]]
    for column in pvalues:
        out[column] = [format_p(v) for v in out[column]]
    for column in dates:
        out[column] = [format_date(v) for v in out[column]]
    out = out.astype(object).where(out.notna(), None)
    return out.rename(columns=dict(rename or {}))


def mark_small(outlet: str, small: Iterable[str]) -> str:
    """An outlet's name, with † when it is one of the ``small`` outlets (too small to compare).

    Examples
    --------
    >>> mark_small("sputnik", ["sputnik"]), mark_small("tass.ru", ["sputnik"])
    ('sputnik\\xa0†', 'tass.ru')
    """
    return f"{outlet}\u00a0†" if outlet in set(small) else outlet


def keyness_display(
    table: pd.DataFrame, *, target: str, reference: str, n: int = 15
) -> pd.DataFrame:
    """The ``n`` most key terms of a keyness table (``keyness.csv``) formatted for a report:
    counts, G², log ratio with its 95% bootstrap interval and the BH-adjusted p-value."""
    shown = table.head(n).copy()
    shown["term"] = shown["term"].str.replace("_", " ")
    shown["95% CI"] = [
        format_interval(lo, hi, 2)
        for lo, hi in zip(shown["log_ratio_low"], shown["log_ratio_high"], strict=True)
    ]
    return format_table(
        shown[["term", "count_target", "count_reference", "g2", "log_ratio", "95% CI", "p_adj"]],
        counts=["count_target", "count_reference"],
        digits={"g2": 1, "log_ratio": 2},
        pvalues=["p_adj"],
        rename={
            "count_target": f"count in {target}",
            "count_reference": f"count in {reference}",
            "g2": "G²",
            "log_ratio": "log ratio",
            "p_adj": "p (BH)",
        },
    )
