"""Date parsing: every form the real exports contain, the day-first rule, partial and bad dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from secnews.corpus.clean.dates import is_partial_date, is_plausible, parse_date


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the forms of the real corpora
        ("September 30, 2022", utc(2022, 9, 30)),  # usgov xlsx
        ("Aug. 9, 2022", utc(2022, 8, 9)),  # usgov xlsx
        ("October 04, 2022", utc(2022, 10, 4)),
        ("2022-06-24T17:30:00Z", utc(2022, 6, 24, 17, 30)),  # kremlin / president.gov.ua
        ("2024-12-26 21:09:18", utc(2024, 12, 26, 21, 9, 18)),  # TASS
        ("02/28/2022", utc(2022, 2, 28)),
        ("28.02.2022", utc(2022, 2, 28)),
        # ISO with offsets and fractions
        ("2022-06-24T17:30:00+03:00", utc(2022, 6, 24, 14, 30)),
        ("2022-06-24T17:30:00-0500", utc(2022, 6, 24, 22, 30)),
        ("2022-06-24T17:30:00.123456Z", utc(2022, 6, 24, 17, 30, 0, 123456)),
        ("2022-06-24", utc(2022, 6, 24)),
        # year-first with slashes, two-digit years, clock times
        ("2022/02/28", utc(2022, 2, 28)),
        ("12/31/99 5:30 PM", utc(1999, 12, 31, 17, 30)),
        ("01/02/05", utc(2005, 1, 2)),
        ("30 Sep 2022 10:00 MSK", utc(2022, 9, 30, 7, 0)),
        ("Feb 24, 2022 10:00 AM EST", utc(2022, 2, 24, 15, 0)),
        # Excel serials, Unix times
        (44620, utc(2022, 2, 28)),
        (44620.75, utc(2022, 2, 28, 18, 0)),
        (1656091800, utc(2022, 6, 24, 17, 30)),
        (1656091800000, utc(2022, 6, 24, 17, 30)),
        # objects
        (datetime(2022, 2, 24, 5, 0), utc(2022, 2, 24, 5, 0)),
        (date(2022, 1, 2), utc(2022, 1, 2)),
        (pd.Timestamp("2022-02-28 10:00", tz="Europe/Moscow"), utc(2022, 2, 28, 7, 0)),
        (pd.Timestamp("2022-02-28 10:00"), utc(2022, 2, 28, 10, 0)),
        (np.datetime64("2022-02-28T10:00"), utc(2022, 2, 28, 10, 0)),
    ],
)
def test_parse_date_forms(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "dayfirst", "expected"),
    [
        ("03/04/2022", False, utc(2022, 3, 4)),  # slashes: month first by default
        ("03/04/2022", True, utc(2022, 4, 3)),
        ("03-04-2022", False, utc(2022, 3, 4)),
        ("28/02/2022", False, utc(2022, 2, 28)),  # first number > 12: the only valid reading
        ("02/28/2022", True, utc(2022, 2, 28)),  # second number > 12: the only valid reading
        ("03.04.2022", False, utc(2022, 4, 3)),  # dots: always day first
        ("03.04.2022", True, utc(2022, 4, 3)),
        ("2022-03-04", True, utc(2022, 3, 4)),  # ISO is never ambiguous
        ("3 April 2022", False, utc(2022, 4, 3)),
    ],
)
def test_day_first_rule(value: str, dayfirst: bool, expected: datetime) -> None:
    assert parse_date(value, dayfirst=dayfirst) == expected


def test_naive_times_use_default_tz() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    assert parse_date("2022-02-24 05:00", default_tz=moscow) == utc(2022, 2, 24, 2, 0)
    # a date without a time of day is midnight UTC of that date, never shifted to another day
    assert parse_date("24.02.2022", default_tz=moscow) == utc(2022, 2, 24)
    assert parse_date("24.02.2022 01:00", default_tz=moscow) == utc(2022, 2, 23, 22, 0)
    # an explicit offset wins over the default
    assert parse_date("2022-02-24T05:00:00Z", default_tz=moscow) == utc(2022, 2, 24, 5, 0)


@pytest.mark.parametrize(
    "value", ["2022", 2022, "2022-06", "06/2022", "September 2022", "Sept. 2022"]
)
def test_partial_dates_are_none_never_a_guessed_day(value: object) -> None:
    assert parse_date(value) is None
    assert is_partial_date(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        float("nan"),
        pd.NaT,
        "garbage",
        "02/30/2022",  # no such day in either reading
        "13/13/2022",
        "2022-13-01",
        "2022-06-24T25:00:00Z",
        -5,
        10**20,
        True,
        ["2022-01-01"],
    ],
)
def test_unparseable_values_are_none(value: object) -> None:
    assert parse_date(value) is None


def test_full_dates_are_not_partial() -> None:
    assert not is_partial_date("September 30, 2022")
    assert not is_partial_date("2022-06-24")
    assert not is_partial_date(44620)


def test_is_plausible_range() -> None:
    assert is_plausible(utc(1946, 1, 1))
    assert is_plausible(utc(1800, 1, 1)) and is_plausible(utc(2100, 12, 31))
    assert not is_plausible(utc(1066, 10, 14))
    assert not is_plausible(utc(2999, 1, 1))
    assert not is_plausible(utc(2022, 1, 1), max_year=2021)


# --- review fixes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-05:00",  # past datetime.max once converted to UTC
        "0001-01-01T00:00:00+01:00",  # before datetime.min
        "31 Dec 9999 23:00 EST",
    ],
)
def test_out_of_range_values_give_none_not_overflow(value: str) -> None:
    assert parse_date(value) is None
    assert parse_date("9999-12-31 23:59", default_tz=ZoneInfo("America/New_York")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022/6/5", utc(2022, 6, 5)),
        ("2022.6.5", utc(2022, 6, 5)),
        ("2022/06/5", utc(2022, 6, 5)),
        ("20220624", utc(2022, 6, 24)),
        ("1656091800", utc(2022, 6, 24, 17, 30)),  # Unix seconds, like the int
        ("1656091800000", utc(2022, 6, 24, 17, 30)),  # Unix milliseconds
        (np.str_("2022-06-24"), utc(2022, 6, 24)),
        (np.str_("20220624"), utc(2022, 6, 24)),
        ("30 Sep 2022 10:00 MSK", utc(2022, 9, 30, 7, 0)),
        ("30 Sep 2022 10:00 +0300", utc(2022, 9, 30, 7, 0)),
    ],
)
def test_more_forms(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "30 Sep 2022 10:00 BST",  # British Summer Time or Bangladesh: never a guessed time
        "30 Sep 2022 10:00 IST",
        "20221340",  # eight digits that are no date, and not in the Unix range
        "45000",  # a digit string is not an Excel serial
        "123456",
        "2022/6/5/1",
    ],
)
def test_unknown_zones_and_bad_digit_strings_give_none(value: str) -> None:
    assert parse_date(value) is None


def test_dates_without_time_ignore_default_tz() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    new_york = ZoneInfo("America/New_York")
    for tz in (moscow, new_york):
        assert parse_date("24.02.2022", default_tz=tz) == utc(2022, 2, 24)
        assert parse_date("2022-02-24", default_tz=tz) == utc(2022, 2, 24)
        assert parse_date("02/24/2022", default_tz=tz) == utc(2022, 2, 24)
        assert parse_date("February 24, 2022", default_tz=tz) == utc(2022, 2, 24)
        assert parse_date(date(2022, 2, 24), default_tz=tz) == utc(2022, 2, 24)
        assert parse_date(44616, default_tz=tz) == utc(2022, 2, 24)  # integral Excel serial
    # with a time of day the zone applies (midnight included)
    assert parse_date("February 24, 2022 00:00", default_tz=moscow) == utc(2022, 2, 23, 21)
    assert parse_date("2022-02-24 00:00", default_tz=new_york) == utc(2022, 2, 24, 5)
    assert parse_date(44616.5, default_tz=moscow) == utc(2022, 2, 24, 9)
