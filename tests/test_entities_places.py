"""Look-alike guards, validity dates, places and levels, and the dateline rule, on real stories
(Reuters-21578 of 1987 and the Kremlin/Zelenskyy press releases of 2021-2022)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from secnews.analysis.entities.extract import ExtractionSettings, extract_entities
from secnews.analysis.entities.gazetteer import Gazetteer, build_gazetteer
from secnews.analysis.entities.levels import mentions_at_level
from secnews.corpus.loaders.records import load_records
from secnews.corpus.record import Article

MAPPING = "title=TITLE,text=BODY,published=DATE,dateline_place=DATELINE"
REUTERS_FILES = (
    "reut2-001.sgm",
    "reut2-003.sgm",
    "reut2-008.sgm",
    "reut2-010.sgm",
    "reut2-017.sgm",
    "reut2-019.sgm",
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer()


@pytest.fixture(scope="module")
def reuters(corpora_dir: Path) -> pd.DataFrame:
    rows = []
    for name in REUTERS_FILES:
        for item in load_records(
            corpora_dir / "reuters-21578-1987" / name, mapping=MAPPING, record="REUTERS"
        ):
            if isinstance(item, Article):
                rows.append(
                    {
                        "doc_id": item.doc_id,
                        "title": item.title or "",
                        "text": item.text,
                        "published": item.published,
                        "dateline_place": item.dateline_place or "",
                    }
                )
    return pd.DataFrame(rows).drop_duplicates("doc_id").reset_index(drop=True)


def _stories(frame: pd.DataFrame, needle: str, *, limit: int = 3) -> pd.DataFrame:
    body = frame["title"] + "\n" + frame["text"] if "title" in frame.columns else frame["text"]
    hit = frame[body.str.contains(needle, regex=False)]
    assert len(hit), f"no story with {needle!r}"
    return hit.head(limit)


def _mentions(frame: pd.DataFrame, gazetteer: Gazetteer, **options: object) -> pd.DataFrame:
    settings = ExtractionSettings(**options)  # type: ignore[arg-type]
    return extract_entities(frame, settings=settings, gazetteer=gazetteer, progress=False).mentions


def _at(mentions: pd.DataFrame, surface: str) -> set[str]:
    return set(mentions.loc[mentions["surface"] == surface, "entity_id"])


@pytest.mark.parametrize(
    ("needle", "surface", "country"),
    [
        ("U.S. CAR SALES", "CAR", "country:CAF"),  # all-caps headline
        ("<ROK>", "ROK", "country:KOR"),  # ticker
        ("NEW MEXICO", "MEXICO", "country:MEX"),  # all-caps form of an ignore entry
        ("NEW JERSEY", "JERSEY", "country:JEY"),
        ("Georgia-Pacific", "Georgia", "country:GEO"),  # company name
        ("GEORGIA GULF", "GEORGIA", "country:GEO"),
        ("British Petroleum's", "British", "country:GBR"),  # country word in a company name
        ("David M. Holland", "Holland", "country:NLD"),  # a person, in the whole story
    ],
)
def test_lookalikes_are_not_countries(
    reuters: pd.DataFrame, gazetteer: Gazetteer, needle: str, surface: str, country: str
) -> None:
    stories = _stories(reuters, needle)
    mentions = _mentions(stories, gazetteer)
    for doc_id, title, text in zip(
        stories["doc_id"], stories["title"], stories["text"], strict=True
    ):
        body = f"{title}\n\n{text}"
        own = mentions[mentions["doc_id"] == doc_id]
        spans = own[(own["surface"] == surface) & (own["entity_id"] == country)]
        # no mention of that country sits inside the look-alike
        for start in spans["start"]:
            assert needle not in body[max(0, start - len(needle)) : start + len(needle)]


@pytest.mark.parametrize(
    ("needle", "surface", "country"),
    [
        ("U.S. GULF OF MEXICO", "U.S.", "country:USA"),  # "Gulf of": a place, not a company
        ("UAE OIL MINISTER", "UAE", "country:ARE"),  # an all-caps headline, no company word
        ("U.S. Army Corp", "U.S.", "country:USA"),  # the state, not a company
        ("U.S. Treasury", "U.S.", "country:USA"),
    ],
)
def test_country_words_before_state_and_place_words_stay_countries(
    reuters: pd.DataFrame, gazetteer: Gazetteer, needle: str, surface: str, country: str
) -> None:
    stories = _stories(reuters, needle, limit=2)
    mentions = _mentions(stories, gazetteer)
    for doc_id, title, text in zip(
        stories["doc_id"], stories["title"], stories["text"], strict=True
    ):
        body = f"{title}\n\n{text}"
        at = body.index(needle)
        own = mentions[(mentions["doc_id"] == doc_id) & (mentions["start"] == at)]
        assert (own["surface"] == surface).any(), (needle, own)
        assert set(own.loc[own["surface"] == surface, "entity_id"]) == {country}


def test_georgia_without_caucasus_is_the_us_state(
    reuters: pd.DataFrame, gazetteer: Gazetteer
) -> None:
    stories = reuters[
        reuters["text"].str.contains(r"\bGeorgia\b(?![-\s][A-Z])")
        & ~reuters["text"].str.contains("Tbilisi|Caucasus|Georgian")
    ]
    mentions = _mentions(stories.head(20), gazetteer)
    assert "country:GEO" not in _at(mentions, "Georgia")
    assert _at(mentions, "Georgia") <= {"place:US-GA"}


def test_nested_country_in_organisation(reuters: pd.DataFrame, gazetteer: Gazetteer) -> None:
    mentions = _mentions(_stories(reuters, "U.S. Congress", limit=1), gazetteer)
    congress = mentions[mentions["surface"] == "U.S. Congress"]
    assert set(congress["entity_id"]) == {"org:us_congress"}
    start = int(congress["start"].iloc[0])
    inner = mentions[(mentions["start"] == start) & (mentions["surface"] == "U.S.")]
    assert inner["entity_id"].tolist() == ["country:USA"]


def test_validity_dates_choose_the_entity_of_the_day(
    reuters: pd.DataFrame, gazetteer: Gazetteer
) -> None:
    east = _mentions(_stories(reuters, "East Germany", limit=2), gazetteer)
    assert _at(east, "East Germany") == {"country:DDR"}
    stolt = _stories(reuters, "Stoltenberg", limit=2)
    assert (stolt["published"].dt.year == 1987).all()
    dated = _mentions(stolt, gazetteer)
    assert _at(dated, "Stoltenberg") == {"person:gerhard_stoltenberg"}
    undated = _mentions(stolt.drop(columns="published"), gazetteer)
    bare = undated[undated["surface"] == "Stoltenberg"]
    # no guess from the surname alone: it joins the full name of its own story, if any
    assert set(bare["method"]) <= {"ner_coref", "unresolved"}
    assert set(_at(undated, "Gerhard Stoltenberg")) <= {"person:gerhard_stoltenberg"}
    later = _mentions(stolt.assign(published=pd.Timestamp("2019-06-01", tz="UTC")), gazetteer)
    assert _at(later, "Stoltenberg") == {"person:jens_stoltenberg"}
    bonn = _mentions(_stories(reuters, "Bonn", limit=2), gazetteer)
    assert _at(bonn, "Bonn") <= {"country:BRD"}  # capital of West Germany until 1990
    ec = _mentions(_stories(reuters, " EC ", limit=2), gazetteer)
    assert _at(ec, "EC") == {"org:ec"}


@pytest.fixture(scope="module")
def press(corpora_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        corpora_dir / "kremlin-ukraine-press-2021-2022" / "president_ua_zelenskyy.csv"
    )
    return pd.DataFrame(
        {
            "doc_id": [f"z{i}" for i in range(len(frame))],
            "text": frame["body"].fillna("").astype(str),
            "published": frame["date"],
        }
    )


def test_places_are_their_own_entities_and_roll_up(
    press: pd.DataFrame, gazetteer: Gazetteer
) -> None:
    needles = ["Kramatorsk", "Azovstal", "Donetsk region", "Borodyanka"]
    stories = pd.concat([_stories(press, n, limit=1) for n in needles]).drop_duplicates("doc_id")
    mentions = _mentions(stories, gazetteer)
    assert _at(mentions, "Kramatorsk") == {"place:UA.kramatorsk"}
    assert _at(mentions, "Azovstal") == {"place:UA.azovstal"}
    assert _at(mentions, "Donetsk region") == {"place:UA-14"}
    assert _at(mentions, "Borodyanka") == {"place:UA.borodianka"}
    assert gazetteer.place_of("place:UA.kramatorsk")[:3] == ("city", "place:UA-14", "country:UKR")
    assert gazetteer.place_of("place:UA.azovstal")[:3] == ("site", "place:UA-14", "country:UKR")
    assert gazetteer.place_of("place:UA-14")[:3] == ("region", "", "country:UKR")
    assert gazetteer.place_of("place:dpr")[0] == "proxy"
    region = mentions_at_level(mentions, gazetteer, level="region")
    assert set(region.loc[region["surface"] == "Kramatorsk", "entity_id"]) == {"place:UA-14"}
    country = mentions_at_level(mentions, gazetteer, level="country", rollup=True)
    assert set(country.loc[country["surface"] == "Kramatorsk", "entity_id"]) == {"country:UKR"}
    assert set(country.loc[country["surface"] == "Kramatorsk", "type"]) == {"country"}
    bare = mentions_at_level(mentions, gazetteer, level="country")
    assert not bare["entity_id"].str.startswith("place:UA").any()
    assert len(mentions_at_level(mentions, gazetteer, level="place")) == len(mentions)
    with pytest.raises(ValueError, match="level must be"):
        mentions_at_level(mentions, gazetteer, level="city")


def test_capital_as_government_is_a_switch(press: pd.DataFrame, gazetteer: Gazetteer) -> None:
    stories = _stories(press, "Moscow", limit=30)
    on = _mentions(stories, gazetteer)
    moscow = on[on["surface"] == "Moscow"]
    assert set(moscow["entity_id"]) == {"place:RU.moscow", "country:RUS"}
    assert set(moscow.loc[moscow["entity_id"] == "country:RUS", "method"]) == {"capital"}
    off = _mentions(stories, gazetteer, capital_as_government=False)
    assert _at(off, "Moscow") == {"place:RU.moscow"}


def test_dateline_place_is_a_field_not_a_mention(
    reuters: pd.DataFrame, gazetteer: Gazetteer
) -> None:
    stories = reuters[reuters["dateline_place"] == "MOSCOW"].head(5)
    assert len(stories)
    result = extract_entities(stories, gazetteer=gazetteer, progress=False)
    assert set(result.documents["dateline_entity"]) == {"place:RU.moscow"}
    with_dateline = mentions_at_level(
        result.mentions,
        gazetteer,
        level="country",
        rollup=True,
        documents=result.documents,
        dateline=True,
    )
    added = with_dateline[with_dateline["method"] == "dateline"]
    assert len(added) == len(stories) and set(added["entity_id"]) == {"country:RUS"}
    # a dateline inside the text ("KYIV, Feb 24 (Reuters) -") is left out unless counted
    frame = pd.DataFrame({"doc_id": ["a"], "text": [stories["text"].iloc[0]]})
    frame["text"] = "MOSCOW, March 2 (Reuters) - " + frame["text"]
    plain = extract_entities(frame, gazetteer=gazetteer, progress=False)
    assert "MOSCOW" not in set(plain.mentions["surface"])
    assert plain.documents["dateline_place"].tolist() == ["MOSCOW"]
    counted = _mentions(frame, gazetteer, count_dateline=True)
    assert "MOSCOW" in set(counted["surface"])
