"""The one vocabulary of period lengths used by every step: ``day``, ``week``, ``month``,
``quarter`` and ``year``.

Study files, the command line and the Python API all take these words. Libraries that want their
own codes get them from here (:func:`pandas_freq`), so a setting is checked once, with the same
message everywhere.

Examples
--------
>>> check_period("month")
'month'
>>> pandas_freq("quarter")
'Q'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PERIODS", "check_period", "pandas_freq"]

#: Period lengths, shortest first.
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")

_PANDAS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def check_period(value: object, *, allowed: Sequence[str] = PERIODS, key: str = "period") -> str:
    """Return ``value`` when it is one of ``allowed``; otherwise raise a ``ValueError`` that names
    the setting and the allowed words.

    Parameters
    ----------
    value
        The setting's value.
    allowed
        The period lengths this setting accepts (a subset of :data:`PERIODS`).
    key
        The setting's name, for the message.
    """
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{key} = {value!r} is not a period; allowed: {', '.join(allowed)}")
    return value


def pandas_freq(period: str) -> str:
    """The pandas period code of a period length (``"month"`` -> ``"M"``)."""
    return _PANDAS[check_period(period)]
