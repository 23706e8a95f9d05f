"""Parsing the dates that tabular exports and file names really contain.

:func:`parse_date` returns a timezone-aware UTC :class:`~datetime.datetime`, or ``None`` when the
value is missing, cannot be parsed, or names less than a whole day. The rules, in order:

1. ``None``, ``NaN``, ``NaT`` and empty strings give ``None``.
2. :class:`~datetime.datetime` objects (also pandas ``Timestamp`` and the ``datetime`` cells that
   openpyxl returns) are used as they are; :class:`~datetime.date` objects become midnight of that
   day; ``numpy.datetime64`` values are converted.
3. Numbers: integers from 1000 to 2999 are *years* (``None``: only the year is known); other
   numbers from 3000 up to 2,958,465 are Excel serial dates (days since 1899-12-30, the
   1900 date system, fractions are the time of day); numbers from 10\\ :sup:`9` up to
   10\\ :sup:`11` are Unix seconds and from 10\\ :sup:`11` up to 10\\ :sup:`14` Unix
   milliseconds. Anything else gives ``None``. An Excel serial without a fraction is a date
   without a time of day (see the last paragraph).
4. Strings (``str`` and its subclasses, e.g. ``numpy.str_``) in ISO 8601 (``2022-06-24``,
   ``2022-06-24T17:30:00Z``, ``2024-12-26 21:09:18``, ``2022-06-24T17:30:00+03:00``) are read
   as ISO. This rule comes first, so ``YYYY-MM-DD`` is never ambiguous.
5. Partial dates give ``None`` -- a day is never invented: a year alone (``2022``), a year and a
   month (``2022-06``, ``06/2022``, ``September 2022``).
6. All-digit strings: eight digits are ``YYYYMMDD`` (``20220624``) when that is a valid date;
   otherwise a digit string is read like the integer it spells, but only as Unix seconds
   (``1656091800``) or milliseconds (10\\ :sup:`9` up to 10\\ :sup:`14`); other digit strings
   (``45000``, an identifier) give ``None`` -- a text cell is not taken for an Excel serial.
7. All-numeric dates with separators:

   - ``YYYY/MM/DD`` and ``YYYY.MM.DD`` (one- or two-digit month and day: ``2022/6/5``): year
     first, then month, then day;
   - dots (``28.02.2022``): **day first** (the European and Russian convention);
   - slashes and hyphens (``02/28/2022``, ``02-28-2022``): **month first** (the US convention),
     unless ``dayfirst=True``;
   - whichever convention applies, when only the other reading is a valid date (the first number
     is above 12, as in ``28/02/2022``, or the second is, as in ``02/28/2022`` read with
     ``dayfirst=True``), the valid reading is used;
   - two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999 (the POSIX ``%y`` rule).

8. Anything else (month names: ``September 30, 2022``, ``Aug. 9, 2022``, ``30 Sep 2022 10:00``)
   goes to :func:`dateutil.parser.parse` with the same ``dayfirst`` flag; a string that dateutil
   can only complete with a default day, month or year is partial and gives ``None``. The time
   zone names UTC, GMT, Z, MSK, EET, EEST, CET, CEST, EST, EDT, CST, CDT, MST, MDT, PST and PDT are
   understood; any other name (``BST``, which is British Summer Time or Bangladesh Standard Time,
   ``IST``, ``AEST``, ...) gives ``None`` rather than a time that may be hours off.

Naive times (a time of day but no offset in the value) are taken to be in ``default_tz`` (UTC
unless the caller says otherwise, e.g. ``ZoneInfo("Europe/Moscow")`` for an export written in
Moscow time) and converted to UTC. A value without a time of day (``24.02.2022``,
``2022-02-24``, ``September 30, 2022``, a :class:`~datetime.date`, an integral Excel serial) is
midnight UTC of that date whatever ``default_tz`` is: shifting it by the zone would move it to
another day. (:class:`~datetime.datetime` objects, including Excel date cells, always carry a time
and use ``default_tz``.)

Values whose conversion leaves the range of :class:`~datetime.datetime`
(``9999-12-31T23:59:59-05:00``) give ``None``, never an exception.

:func:`is_plausible` checks a parsed date against a year range; the loaders reject rows whose date
lies outside it (default 1800..2100, see :data:`DEFAULT_MIN_YEAR`), because a year such as 1066 or
2999 in a news export is a data error, not a date. A full date whose year no ``datetime`` can hold
(``0000-01-01``, ``99999-01-01``) does not parse, but :func:`stated_year` still reads its year, so
that the loaders reject it as implausible instead of storing a null date.

:func:`is_placeholder` recognizes the dates that systems write for "unknown": the Unix epoch
(1970-01-01 00:00 UTC, seen within 14 hours of it in any time zone) and the zero days of Excel
and of SQL databases (1899-12-30, 1899-12-31, 1900-01-01). They parse and lie in the plausible
range, so a build keeps them but flags them (``meta["placeholder_date"]``, counted as
``placeholder_dates`` in the build summary).
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

__all__ = [
    "DEFAULT_MAX_YEAR",
    "DEFAULT_MIN_YEAR",
    "is_partial_date",
    "is_placeholder",
    "is_plausible",
    "parse_date",
    "stated_year",
]

#: Earliest year a loader accepts as a publication date (inclusive).
DEFAULT_MIN_YEAR = 1800
#: Latest year a loader accepts as a publication date (inclusive).
DEFAULT_MAX_YEAR = 2100

_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
_EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_ISO_PARTS = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r"(?:[T ,]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?))?"
)
_YEAR_ONLY = re.compile(r"\d{4}")
_DIGITS = re.compile(r"[0-9]+")
_YEAR_MONTH = re.compile(r"\d{4}[-/.]\d{1,2}|\d{1,2}[-/.]\d{4}")
_TZINFOS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "MSK": 3 * 3600,
    "EET": 2 * 3600,
    "EEST": 3 * 3600,
    "CET": 3600,
    "CEST": 2 * 3600,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
}
# Two different defaults: a component that differs between both parses was not in the string.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2, 1, 1, 1)


class _UnknownZone(Exception):
    """A time zone name that :data:`_TZINFOS` does not define."""


def _zone(name: str | None, offset: int | None) -> int | None:
    """``tzinfos`` callable for dateutil: known names, explicit offsets, unknown names raise."""
    if name is not None and name.upper() in _TZINFOS:
        return _TZINFOS[name.upper()]
    if offset is not None:
        return offset
    if name is None:
        return None
    raise _UnknownZone(name)


def _to_utc(value: datetime, default_tz: tzinfo) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=default_tz)
    return value.astimezone(UTC)


def _day_utc(value: date) -> datetime:
    """Midnight UTC of a date without a time of day (``default_tz`` is not applied)."""
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _from_number(value: float, default_tz: tzinfo) -> datetime | None:
    if not math.isfinite(value) or value <= 0:
        return None
    if value.is_integer() and 1000 <= value <= 2999:
        return None  # a year: only the year is known
    try:
        if 3000 <= value <= _EXCEL_MAX_SERIAL:
            naive = _EXCEL_EPOCH.replace(tzinfo=None) + timedelta(days=value)
            if value.is_integer():
                return _day_utc(naive)
            return _to_utc(naive, default_tz)
        if 1e9 <= value < 1e11:
            return datetime.fromtimestamp(value, tz=UTC)
        if 1e11 <= value < 1e14:
            return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return None


def _from_iso(text: str, default_tz: tzinfo) -> datetime | None:
    match = _ISO_PARTS.fullmatch(text)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["date"])
        fraction = (match["f"] or "0")[:6].ljust(6, "0")
        naive = datetime(
            day.year,
            day.month,
            day.day,
            int(match["h"] or 0),
            int(match["m"] or 0),
            int(match["s"] or 0),
            int(fraction),
        )
    except ValueError:
        return None
    tz_text = match["tz"]
    if tz_text is None:
        return _to_utc(naive, default_tz) if match["h"] else _day_utc(naive)
    if tz_text.upper() == "Z":
        return naive.replace(tzinfo=UTC)
    digits = tz_text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    sign = -1 if tz_text[0] == "-" else 1
    return naive.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def _time_of(text: str | None) -> tuple[int, int, int] | None:
    if not text:
        return (0, 0, 0)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])?\.?(?:[Mm]\.?)?", text.strip())
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    half = (match[4] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return (hour, minute, second)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_numeric(match: re.Match[str], *, dayfirst: bool, default_tz: tzinfo) -> datetime | None:
    a, b, c, sep = match["a"], match["b"], match["c"], match["sep"]
    clock = _time_of(match["time"])
    if clock is None:
        return None
    if len(a) == 4:  # YYYY/MM/DD
        if len(c) > 2:
            return None
        day_value = _valid(int(a), int(b), int(c))
    else:
        if len(c) not in (2, 4):
            return None
        year = _year(c)
        first, second = int(a), int(b)
        day_first = True if sep == "." else dayfirst
        preferred = (second, first) if day_first else (first, second)  # (month, day)
        other = (preferred[1], preferred[0])
        day_value = _valid(year, *preferred) or _valid(year, *other)
    if day_value is None:
        return None
    if not match["time"]:
        return _day_utc(day_value)
    naive = datetime(day_value.year, day_value.month, day_value.day, *clock)
    return _to_utc(naive, default_tz)


def _from_digits(text: str) -> datetime | None:
    """``YYYYMMDD``, or Unix seconds or milliseconds written as a digit string."""
    if len(text) == 8:
        day_value = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
        if day_value is not None:
            return _day_utc(day_value)
    number = int(text)
    if 1e9 <= number < 1e14:
        return _from_number(float(number), UTC)
    return None


def _from_words(text: str, *, dayfirst: bool, default_tz: tzinfo) -> datetime | None:
    from dateutil import parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = parser.parse(text, dayfirst=dayfirst, default=_DEFAULT_A, tzinfos=_zone)
            second = parser.parse(text, dayfirst=dayfirst, default=_DEFAULT_B, tzinfos=_zone)
        except (ValueError, OverflowError, TypeError, parser.ParserError, _UnknownZone):
            return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # a day, month or year is missing from the string
    if first.hour != second.hour and first.utcoffset() is None:
        return _day_utc(first)  # no time of day in the string
    return _to_utc(first, default_tz)


def is_partial_date(value: Any) -> bool:
    """Return whether ``value`` names only a year or a year and month (no day).

    Parameters
    ----------
    value
        A raw cell value.

    Returns
    -------
    bool
        ``True`` for ``2022``, ``"2022"``, ``"2022-06"``, ``"06/2022"``, ``"September 2022"``.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return float(value).is_integer() and 1000 <= value <= 2999
    if not isinstance(value, str):
        return False
    text = value.strip()
    if _YEAR_ONLY.fullmatch(text) or _YEAR_MONTH.fullmatch(text):
        return True
    if not text or (text[0].isdigit() and _NUMERIC.fullmatch(text)):
        return False
    from dateutil import parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = parser.parse(text, default=_DEFAULT_A, tzinfos=_TZINFOS)
            second = parser.parse(text, default=_DEFAULT_B, tzinfos=_TZINFOS)
        except (ValueError, OverflowError, TypeError, parser.ParserError):
            return False
    return first.year == second.year and (first.month, first.day) != (second.month, second.day)


def parse_date(value: Any, *, dayfirst: bool = False, default_tz: tzinfo = UTC) -> datetime | None:
    """Parse a date in any of the forms of the module docstring.

    Parameters
    ----------
    value
        A string, number, ``datetime``/``date``, pandas ``Timestamp``, ``numpy.datetime64`` or
        ``None``.
    dayfirst
        Read ambiguous slash- or hyphen-separated dates (``03/04/2022``) day first. Dotted dates
        are always day first, ISO dates always year-month-day.
    default_tz
        Time zone of naive times.

    Returns
    -------
    datetime or None
        A timezone-aware UTC datetime, or ``None`` when the value is missing, unparseable or only
        a year or month.
    """
    try:
        return _parse(value, dayfirst=dayfirst, default_tz=default_tz)
    except (OverflowError, ValueError):
        return None  # e.g. a year-9999 time whose offset moves it past datetime.max


def _parse(value: Any, *, dayfirst: bool, default_tz: tzinfo) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        return None
    if isinstance(value, datetime):
        if type(value).__name__ == "NaTType":
            return None
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        return _to_utc(value, default_tz)
    if isinstance(value, date):
        return _day_utc(value)
    if type(value).__name__ == "datetime64":
        try:
            converted = value.astype("datetime64[us]").item()
        except (ValueError, OverflowError):
            return None
        return parse_date(converted, dayfirst=dayfirst, default_tz=default_tz)
    if isinstance(value, str):
        return _from_text(str(value), dayfirst=dayfirst, default_tz=default_tz)
    if isinstance(value, int | float) or type(value).__module__ == "numpy":
        try:
            return _from_number(float(value), default_tz)
        except (TypeError, ValueError):
            return None
    return None


def _from_text(value: str, *, dayfirst: bool, default_tz: tzinfo) -> datetime | None:
    text = value.strip()
    if not text or len(text) > 100:
        return None
    if _ISO.fullmatch(text):
        return _from_iso(text, default_tz)
    if _YEAR_ONLY.fullmatch(text) or _YEAR_MONTH.fullmatch(text):
        return None
    if _DIGITS.fullmatch(text):
        return _from_digits(text)
    numeric = _NUMERIC.fullmatch(text)
    if numeric is not None:
        return _from_numeric(numeric, dayfirst=dayfirst, default_tz=default_tz)
    if not any(ch.isalpha() for ch in text):
        return None
    return _from_words(text, dayfirst=dayfirst, default_tz=default_tz)


_STATED = (
    re.compile(r"(?P<y>\d{4,})[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ].*)?"),  # year first
    re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.](?P<y>\d{4,})(?:[T ,].*)?"),  # year last
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO_DAYS = frozenset({date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)})


def stated_year(value: Any) -> int | None:
    """The year written in a full numeric date, whether or not a ``datetime`` can hold it.

    Parameters
    ----------
    value
        A raw cell value.

    Returns
    -------
    int or None
        ``0`` for ``"0000-01-01"``, ``99999`` for ``"99999-01-01"`` or ``"01.02.99999"``;
        ``None`` for anything that is not a numeric day-month-year date.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 100:
        return None
    for pattern in _STATED:
        found = pattern.fullmatch(text)
        if found is not None:
            return int(found.group("y"))
    return None


def is_placeholder(value: datetime) -> bool:
    """Whether a parsed date is a placeholder for "unknown" (see the module docstring)."""
    if value.tzinfo is not None and abs((value - _EPOCH).total_seconds()) <= 14 * 3600:
        return True
    return value.date() in _ZERO_DAYS


def is_plausible(
    value: datetime, *, min_year: int = DEFAULT_MIN_YEAR, max_year: int = DEFAULT_MAX_YEAR
) -> bool:
    """Return whether a parsed date lies in ``min_year..max_year`` (both inclusive)."""
    return min_year <= value.year <= max_year
