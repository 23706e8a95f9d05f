"""Datelines: the forms of the issue, real TASS datelines, and what must not be one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secnews.corpus.clean.datelines import parse_dateline, strip_dateline


@pytest.mark.parametrize(
    ("paragraph", "place", "region", "date", "outlet", "prefix"),
    [
        ("MOSCOW (Sputnik)\u00a0\u2014 The idea of creating", "MOSCOW", None, None, "Sputnik",
         "MOSCOW (Sputnik) - "),
        ("MOSCOW (Sputnik) - The idea of creating", "MOSCOW", None, None, "Sputnik",
         "MOSCOW (Sputnik) - "),
        ("IGORA /Leningrad Region/, December 26. /TASS/. Russia could use Oreshnik again",
         "IGORA", "Leningrad Region", "December 26", "TASS",
         "IGORA /Leningrad Region/, December 26. /TASS/. "),
        ("KYIV, Feb 24 (Reuters) - Russian forces launched", "KYIV", None, "Feb 24", "Reuters",
         "KYIV, Feb 24 (Reuters) - "),
        ("Geneva - The UN human rights chief said on Friday that", "Geneva", None, None, None,
         "Geneva - "),
        ("WASHINGTON (AP) \u2014 President Joe Biden said", "WASHINGTON", None, None, "AP",
         "WASHINGTON (AP) - "),
        ("KYIV, Ukraine (AP) \u2014 Russian troops pressed", "KYIV", "Ukraine", None, "AP",
         "KYIV, Ukraine (AP) - "),
        ("(Reuters) - Microsoft Corp said on Thursday", None, None, None, "Reuters",
         "(Reuters) - "),
        ("ST. PETERSBURG, June 17. /TASS/. Putin said", "ST. PETERSBURG", None, "June 17", "TASS",
         "ST. PETERSBURG, June 17. /TASS/. "),
        ("KYIV \u2013 President Volodymyr Zelenskyy said", "KYIV", None, None, None, "KYIV - "),
    ],
)  # fmt: skip
def test_dateline_forms(
    paragraph: str,
    place: str | None,
    region: str | None,
    date: str | None,
    outlet: str | None,
    prefix: str,
) -> None:
    dateline = parse_dateline(paragraph)
    assert dateline is not None
    assert (dateline.place, dateline.region, dateline.date_text, dateline.outlet) == (
        place,
        region,
        date,
        outlet,
    )
    assert dateline.prefix == prefix
    assert dateline.published is None  # no year given: never guessed


def test_full_date_becomes_utc_day() -> None:
    dateline = parse_dateline("LONDON, Feb. 24, 2022 (Reuters) - Oil prices jumped")
    assert dateline is not None
    assert dateline.published == datetime(2022, 2, 24, tzinfo=UTC)
    dateline = parse_dateline("BRUSSELS, 24 February 2022 (AFP) - NATO leaders")
    assert dateline is not None and dateline.published == datetime(2022, 2, 24, tzinfo=UTC)
    impossible = parse_dateline("BRUSSELS, 31 February 2022 (AFP) - NATO leaders")
    assert impossible is not None and impossible.published is None


@pytest.mark.parametrize(
    "paragraph",
    [
        "The President - who is here - said so.",
        "President Putin - This is what he says here today in full.",
        "NATO - the alliance said",
        "In May, Russia's Permanent Mission to the North Atlantic Treaty Organization",
        "Moscow has repeatedly expressed concern over NATO's eastward expansion.",
        "Geneva - Short",
        "MOSCOW (Sputnik) - ",
    ],
)
def test_not_datelines(paragraph: str) -> None:
    assert parse_dateline(paragraph) is None


def test_every_tass_article_has_its_dateline(corpora_dir: Path) -> None:
    articles = json.loads(
        (corpora_dir / "tass-politics-2024" / "politics_20.json").read_text("utf-8")
    )
    places = []
    for article in articles:
        dateline = parse_dateline(article["content"][1])
        assert dateline is not None, article["content"][1][:80]
        assert dateline.outlet == "TASS" and dateline.date_text == "December 26"
        places.append(dateline.place)
        # the description (first paragraph) is not a dateline
        assert parse_dateline(article["content"][0]) is None
    assert set(places) == {"IGORA", "BRUSSELS", "MOSCOW", "HANOI", "HAVANA", "DONETSK"}


def test_strip_dateline() -> None:
    assert (
        strip_dateline("WASHINGTON (AP) \u2014 President Joe Biden said")
        == "President Joe Biden said"
    )
    assert strip_dateline("No dateline here.") == "No dateline here."


def test_to_meta() -> None:
    dateline = parse_dateline("IGORA /Leningrad Region/, December 26. /TASS/. Russia could")
    assert dateline is not None
    assert dateline.to_meta() == {
        "dateline": "IGORA /Leningrad Region/, December 26. /TASS/.",
        "dateline_region": "Leningrad Region",
        "dateline_date": "December 26",
        "dateline_outlet": "TASS",
    }
