"""The gazetteer: coverage, canonical ids, precedence, validation and the fast matcher."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from secnews.analysis.entities.gazetteer import (
    Gazetteer,
    GazetteerMatcher,
    GazetteerSettings,
    alias_patterns,
    build_gazetteer,
    matcher_for,
    read_alias_table,
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer()


def _ids(gazetteer: Gazetteer, alias: str) -> set[str]:
    return {eid for eid, _ in gazetteer.lookup(alias)}


def test_every_iso_country_is_an_entity(gazetteer: Gazetteer) -> None:
    ids = set(gazetteer.entities["entity_id"])
    for country in pycountry.countries:
        assert f"country:{country.alpha_3}" in ids
        if "," not in country.name and "(" not in country.name:
            # "Germany" is also West Germany, before 3 October 1990 (validity dates)
            dated = {"country:BRD"} if country.alpha_3 == "DEU" else set()
            found = _ids(gazetteer, country.name)
            assert found == {f"country:{country.alpha_3}"} | dated, country.name


@pytest.mark.parametrize(
    ("aliases", "entity_id"),
    [
        (
            ["Russia", "Russian Federation", "Russian", "Russians", "Kremlin"],
            "country:RUS",
        ),
        (["Ukraine", "Ukrainian"], "country:UKR"),
        (["United States", "US", "U.S.", "USA", "American"], "country:USA"),
        (["China", "Chinese"], "country:CHN"),
        (["South Korea"], "country:KOR"),
        (["Iran", "Islamic Republic of Iran"], "country:IRN"),
        (["European Union", "EU"], "org:eu"),
        (["Moscow", "MOSCOW"], "place:RU.moscow"),
        (["Kyiv", "Kiev"], "place:UA.kyiv"),
        (["Washington"], "place:US.washington"),
        (
            [
                "NATO",
                "Nato",
                "North Atlantic Treaty Organization",
                "the Alliance",
                "North Atlantic Alliance",
            ],
            "org:nato",
        ),
        (["OSCE", "Organization for Security and Co-operation in Europe"], "org:osce"),
        (["United Nations", "UN", "U.N."], "org:un"),
        (["UN Security Council", "UNSC"], "org:unsc"),
        (["UN General Assembly", "UNGA"], "org:unga"),
        (["IAEA", "International Atomic Energy Agency"], "org:iaea"),
        (["CSTO"], "org:csto"),
        (["SCO", "Shanghai Cooperation Organisation"], "org:sco"),
        (["BRICS"], "org:brics"),
        (["ISIL", "ISIS", "Daesh", "Islamic State"], "org:isil"),
        (["Sergey Lavrov", "Sergei Lavrov", "Lavrov"], "person:sergey_lavrov"),
        (
            ["Volodymyr Zelenskyy", "Zelenskyy", "Zelensky", "Zelenskiy"],
            "person:volodymyr_zelenskyy",
        ),
        (["Vladimir Putin", "Putin"], "person:vladimir_putin"),
        (["Jens Stoltenberg"], "person:jens_stoltenberg"),
        (["Xi Jinping", "Xi"], "person:xi_jinping"),
        (["Recep Tayyip Erdoğan", "Erdogan"], "person:recep_tayyip_erdogan"),
        (["Antonio Guterres", "António Guterres", "Guterres"], "person:antonio_guterres"),
    ],
)
def test_aliases_resolve_to_one_canonical_id(
    gazetteer: Gazetteer, aliases: list[str], entity_id: str
) -> None:
    for alias in aliases:
        assert _ids(gazetteer, alias) == {entity_id}, alias


@pytest.mark.parametrize(
    "name",
    [
        "Biden",
        "Blinken",
        "Shoigu",
        "Peskov",
        "Kuleba",
        "Macron",
        "Scholz",
        "Guterres",
    ],
)
def test_leading_officials_are_covered(gazetteer: Gazetteer, name: str) -> None:
    (entity_id,) = _ids(gazetteer, name)
    assert gazetteer.label_of(entity_id)[1] == "person"


def test_case_sensitive_and_coref_aliases(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("the alliance") == []  # only capitalised "the Alliance" is NATO
    assert gazetteer.lookup("us") == []
    clinton = gazetteer.lookup("Clinton")
    assert {m for _, m in clinton} == {"coref"}
    assert {e for e, _ in clinton} == {"person:bill_clinton", "person:hillary_clinton"}
    assert gazetteer.lookup("Security Council") == [("org:unsc", "coref:org:un")]
    # only generated places share names (two regions or cities of one name): neither is matched
    assert gazetteer.dropped["entity_ids"].str.fullmatch(r"place:[^|]+(\|place:[^|]+)+").all()


def test_matcher_longest_match_boundaries_caps_and_ignore(gazetteer: Gazetteer) -> None:
    matcher = matcher_for(gazetteer)
    text = (
        "MOSCOW - Guinea-Bissau and the NATO-Russia Council met in New Jersey;\n"
        "xRussia Russians, the North\nAtlantic Treaty Organization and Minsk agreements."
    )
    found = [alias for _, _, alias in matcher.find(text)]
    assert found == [
        "MOSCOW",
        "Guinea-Bissau",
        "NATO-Russia Council",
        "New Jersey",
        "Russians",
        "North Atlantic Treaty Organization",
        "Minsk agreements",
    ]
    start, end, _ = matcher.find(text)[5]
    assert text[start:end] == "North\nAtlantic Treaty Organization"  # offsets into the original
    assert _ids(gazetteer, "New Jersey") == {"ignore"}


def test_matcher_on_its_own() -> None:
    matcher = GazetteerMatcher(["UN", "UN Security Council", "U.S."])
    assert matcher.find("The UN Security Council, the UNSC, the U.S. and UN.") == [
        (4, 23, "UN Security Council"),
        (39, 43, "U.S."),
        (48, 50, "UN"),
    ]


def test_place_names_before_stops_quotes_and_possessives() -> None:
    matcher = GazetteerMatcher([], place_names=["Kramatorsk", "Chasiv Yar"])
    text = "Kramatorsk. The \u2018Kramatorsk\u2019 station, Kramatorsk\u2019s, Kramatorsk-based, Chasiv Yar."
    assert [text[a:b] for a, b, _ in matcher.find(text)] == [
        "Kramatorsk",
        "Kramatorsk",
        "Kramatorsk",
        "Chasiv Yar",
    ]


def test_entity_ruler_patterns(gazetteer: Gazetteer) -> None:
    patterns = alias_patterns(gazetteer)
    by_text = {
        p["pattern"]: p for p in patterns if p["pattern"] in ("Lavrov", "Johnson", "New Jersey")
    }
    assert by_text["Lavrov"] == {
        "label": "PERSON",
        "pattern": "Lavrov",
        "id": "person:sergey_lavrov",
    }
    assert by_text["Johnson"]["id"] == "coref:Johnson"
    assert by_text["New Jersey"]["label"] == "IGNORE"


def test_user_alias_file_takes_precedence_and_conflicts_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "entity_id,label,type,alias,match\n"
        "place:us_georgia,Georgia (US state),place,Georgia,exact\n"
        "org:foo,Foo,organization,FooBar,exact\n"
        "org:bar,Bar,organization,FooBar,exact\n",
        encoding="utf-8",
    )
    gaz = build_gazetteer(GazetteerSettings(alias_files=(str(path),)))
    assert _ids(gaz, "Georgia") == {"place:us_georgia"}
    assert _ids(gaz, "Tbilisi") == {"place:GE.tbilisi"}
    assert gaz.place_of("place:GE.tbilisi")[2:] == ("country:GEO", "country:GEO")
    assert gaz.lookup("FooBar") == []
    assert _ids(gaz, "GEORGIA") == {"place:us_georgia"}  # variants keep the precedence
    dropped = gaz.dropped[~gaz.dropped["entity_ids"].str.startswith("place:")]
    assert dropped.to_dict("records") == [
        {"alias": "FOOBAR", "entity_ids": "org:bar|org:foo"},
        {"alias": "FooBar", "entity_ids": "org:bar|org:foo"},
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("org:x,X,organization,,exact", "row 1: empty alias"),
        ("org:x,X,alliance,X,exact", "row 1: unknown type 'alliance'"),
        ("org:x,X,organization,X,fuzzy", "row 1: match must be"),
        ("X Org,X,organization,X,exact", "row 1: malformed entity_id"),
    ],
)
def test_bad_alias_rows_are_rejected_with_reason(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("entity_id,label,type,alias,match\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=reason):
        read_alias_table(path)


def test_one_entity_with_two_labels_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "entity_id,label,type,alias\norg:x,X,organization,X\norg:x,Y,organization,Y\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="row 2: entity org:x has label/type"):
        read_alias_table(path)


def test_build_is_deterministic(gazetteer: Gazetteer) -> None:
    again = build_gazetteer()
    assert again.aliases.equals(gazetteer.aliases)
    assert again.entities.equals(gazetteer.entities)
