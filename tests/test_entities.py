"""Gazetteer-mode extraction and resolution on the seed page and the press corpora."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from secnews.analysis.entities.cooccurrence import CooccurrenceSettings, cooccurrence_by
from secnews.analysis.entities.extract import (
    MENTION_COLUMNS,
    Extraction,
    ExtractionSettings,
    entity_table,
    extract_entities,
    paragraph_starts,
    sentence_starts,
)
from secnews.analysis.entities.gazetteer import Gazetteer, build_gazetteer
from secnews.analysis.entities.networks import NetworkSettings, centralities_by_group
from secnews.corpus.clean.normalize import normalize_inline
from secnews.corpus.loaders.pagetext import load_pagetext
from secnews.corpus.record import Article

Reader = Callable[[Path], pd.DataFrame]
SEED = "seed-article/000_da4050e255aaa6b8.txt"
#: Every person, organization and place of the seed article's own text (title, lede, the eight
#: body paragraphs; not the photo captions or teasers). Decisions: the dateline "MOSCOW
#: (Sputnik) -" is reported as the document's dateline place, not counted; "Moscow" followed by a
#: verb ("Moscow has") is Russia's government, otherwise the city; "Russian"/"Ukrainian" are
#: their states; "Russia-NATO council"
#: is the NATO-Russia Council (one actor, not Russia + NATO); "the European continent" is Europe;
#: "(Sputnik)" in the dateline and "Radio Rossii" are media organizations; lowercase "the
#: alliance" is not matched (case-sensitive by design), so NATO is found through "NATO" and
#: "North Atlantic Treaty Organization"; "Euro-Atlantic" and "Western" are not actors.
SEED_EXPECTED = {
    "person:sergey_lavrov",
    "org:nato",
    "org:osce",
    "org:nato_russia_council",
    "country:RUS",
    "country:UKR",
    "media:radio_rossii",
    "place:RU.moscow",
    "place:north_america",
    "place:europe",
}
#: Actors only in captions and teasers of the page.
SEED_CAPTIONS = {
    "person:vladimir_putin",
    "person:francois_hollande",
    "person:jens_stoltenberg",
    "person:milo_djukanovic",
    "person:staffan_de_mistura",
    "country:MNE",
    "country:FRA",
    "org:isil",
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer()


def seed_frame_by_lines(corpora_dir: Path) -> pd.DataFrame:
    """The article's own text, read by line numbers (title, lede, eight body paragraphs)."""
    lines = (corpora_dir / SEED).read_text(encoding="utf-8").splitlines()
    body = "\n\n".join(normalize_inline(lines[n - 1]) for n in (10, 12, 14, 18, 20, 22, 24, 26))
    assert body.startswith("MOSCOW (Sputnik)") and body.endswith("regional stability.")
    return pd.DataFrame(
        {
            "doc_id": ["seed"],
            "title": [normalize_inline(lines[0])],
            "lede": [normalize_inline(lines[5])],
            "text": [body],
        }
    )


def seed_frame_by_pagetext(corpora_dir: Path) -> pd.DataFrame:
    (article,) = list(load_pagetext([corpora_dir / SEED]))
    assert isinstance(article, Article)
    return pd.DataFrame(
        [{"doc_id": "seed", "title": article.title, "lede": article.lede, "text": article.text}]
    )


def check_seed(mentions: pd.DataFrame) -> None:
    resolved = mentions[~mentions["entity_id"].str.startswith("unresolved:")]
    assert set(resolved["entity_id"]) == SEED_EXPECTED
    forms = resolved.groupby("entity_id")["surface"].agg(set)
    assert forms["person:sergey_lavrov"] == {"Lavrov", "Sergei Lavrov"}
    assert forms["org:nato"] == {"NATO", "North Atlantic Treaty Organization"}
    assert forms["country:RUS"] == {"Moscow", "Russia", "Russian"}
    assert forms["org:nato_russia_council"] == {"Russia-NATO council"}
    counts = resolved["entity_id"].value_counts()
    assert counts["person:sergey_lavrov"] == 5  # title, lede, dateline paragraph, two quotes
    assert counts["org:nato"] == 6


@pytest.mark.parametrize("reader", [seed_frame_by_lines, seed_frame_by_pagetext])
def test_seed_article_gazetteer_mode(
    corpora_dir: Path, gazetteer: Gazetteer, reader: Reader
) -> None:
    extraction = extract_entities(reader(corpora_dir), gazetteer=gazetteer)
    assert tuple(extraction.mentions.columns) == MENTION_COLUMNS
    check_seed(extraction.mentions)
    # undated: the bare surname "Lavrov" (a term of office) goes through the full name
    assert set(extraction.mentions["method"]) == {"gazetteer", "ner_coref", "capital"}
    (row,) = extraction.documents[["dateline_place", "dateline_entity"]].to_dict("records")
    assert row == {"dateline_place": "MOSCOW", "dateline_entity": "place:RU.moscow"}


def test_seed_captions_hold_other_actors(corpora_dir: Path, gazetteer: Gazetteer) -> None:
    """The whole raw page (captions, teasers) names actors the article's own text does not."""
    raw = (corpora_dir / SEED).read_text(encoding="utf-8")
    frame = pd.DataFrame({"doc_id": ["raw"], "text": [raw]})
    found = set(extract_entities(frame, gazetteer=gazetteer).mentions["entity_id"])
    assert found >= SEED_CAPTIONS | SEED_EXPECTED


def test_paragraphs_and_sentences() -> None:
    text = "Title here\n\nMr. Putin met Gen. Milley. The U.S. said no. J. Biden spoke!\n\nEnd."
    paras = paragraph_starts(text)
    assert [text[p : p + 5] for p in paras] == ["Title", "Mr. P", "End."]
    sents = sentence_starts(text, paras)
    pieces = [text[a:b].strip() for a, b in zip(sents, [*sents[1:], len(text)], strict=True)]
    assert pieces == [
        "Title here",
        "Mr. Putin met Gen. Milley.",
        "The U.S. said no.",
        "J. Biden spoke!",
        "End.",
    ]


def test_coref_aliases_resolve_only_with_their_entity(gazetteer: Gazetteer) -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "text": [
                "Boris Johnson arrived in Kyiv.\n\nJohnson met the Security Council.",
                "Johnson spoke. The Security Council met. The UN said nothing.",
                "Lyndon Johnson and Boris Johnson. Johnson smiled.",
                "Lyndon Johnson spoke. Johnson left.",
            ],
            "published": ["2020-01-15"] * 4,  # in Boris Johnson's term (surname aliases)
        }
    )
    m = extract_entities(frame, gazetteer=gazetteer).mentions
    a, b, c, d = (m[m["doc_id"] == doc] for doc in "abcd")
    assert a.loc[a["surface"] == "Johnson", "entity_id"].tolist() == ["person:boris_johnson"]
    assert a.loc[a["surface"] == "Johnson", "method"].tolist() == ["coref"]
    assert a.loc[a["surface"] == "Security Council", "entity_id"].tolist() == [
        "unresolved:ORG:Security Council"
    ]
    assert b.loc[b["surface"] == "Johnson", "entity_id"].tolist() == ["unresolved:PERSON:Johnson"]
    assert b.loc[b["surface"] == "Security Council", "entity_id"].tolist() == ["org:unsc"]
    # "Lyndon Johnson" is not in the gazetteer: another person, not Boris Johnson
    assert c["entity_id"].tolist() == [
        "unresolved:PERSON:Lyndon Johnson",
        "person:boris_johnson",
        "person:boris_johnson",
    ]
    # a surname alone goes to the full name of the same document, also outside the gazetteer
    assert d["entity_id"].tolist() == ["unresolved:PERSON:Lyndon Johnson"] * 2


def test_bad_documents_do_not_lose_good_ones(gazetteer: Gazetteer) -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["empty", "none", "good"],
            "title": [None, None, "NATO"],
            "text": ["", None, "Kyiv"],
        }
    )
    extraction = extract_entities(frame, gazetteer=gazetteer)
    assert extraction.documents["doc_id"].tolist() == ["empty", "none", "good"]
    assert extraction.documents["n_words"].tolist() == [0, 0, 2]
    assert extraction.mentions["entity_id"].tolist() == ["org:nato", "place:UA.kyiv"]
    with pytest.raises(ValueError, match="doc_id is not unique"):
        extract_entities(pd.concat([frame, frame]), gazetteer=gazetteer)
    with pytest.raises(ValueError, match="mode must be"):
        ExtractionSettings(mode="fast")


def test_entity_table_counts() -> None:
    mentions = pd.DataFrame(
        [
            ("d1", 0, 0, 0, 6, "Russia", "country:RUS", "Russia", "country", "gazetteer"),
            ("d1", 0, 0, 9, 15, "Moscow", "country:RUS", "Russia", "country", "gazetteer"),
            ("d2", 0, 0, 0, 6, "Russia", "country:RUS", "Russia", "country", "gazetteer"),
            ("d2", 0, 0, 9, 13, "NATO", "org:nato", "NATO", "organization", "gazetteer"),
        ],
        columns=list(MENTION_COLUMNS),
    )
    table = entity_table(mentions)
    assert table.to_dict("records") == [
        {
            "entity_id": "country:RUS",
            "label": "Russia",
            "type": "country",
            "count": 3,
            "docs": 2,
            "aliases": "Russia|Moscow",
        },
        {
            "entity_id": "org:nato",
            "label": "NATO",
            "type": "organization",
            "count": 1,
            "docs": 1,
            "aliases": "NATO",
        },
    ]


@pytest.fixture(scope="module")
def press_extraction(press_frame: pd.DataFrame, gazetteer: Gazetteer) -> Extraction:
    return extract_entities(press_frame, gazetteer=gazetteer)


def test_press_corpora_resolution(press_extraction: Extraction) -> None:
    mentions = press_extraction.mentions
    table = entity_table(mentions).set_index("entity_id")
    zelenskyy = set(table.loc["person:volodymyr_zelenskyy", "aliases"].split("|"))
    assert {"Volodymyr Zelenskyy", "Zelenskyy", "Zelensky"} <= zelenskyy
    assert {"Kyiv", "Kiev", "Ukraine"} <= set(table.loc["country:UKR", "aliases"].split("|"))
    assert table.loc["person:vladimir_putin", "count"] > 1000
    unresolved = mentions["entity_id"].str.startswith("unresolved:")
    assert 0 < unresolved.mean() < 0.01  # a few coref aliases without their entity


def test_press_outlets_networks_differ(press_extraction: Extraction) -> None:
    """Kremlin: Russia at the centre, Putin with his Security Council and the CSTO/EAEU states;
    Kyiv: Ukraine at the centre with the EU, Poland and the war's places."""
    edges = cooccurrence_by(
        press_extraction.mentions,
        press_extraction.documents,
        by="outlet",
        settings=CooccurrenceSettings(window="sentence", n_permutations=99, min_count=3),
    )
    cents = centralities_by_group(edges, settings=NetworkSettings(max_p_value=0.05))
    top = cents.sort_values(["group", "strength"], ascending=[True, False]).groupby("group").head(1)
    assert dict(zip(top["group"], top["entity_id"], strict=True)) == {
        "kremlin.ru": "country:RUS",
        "president.gov.ua": "country:UKR",
    }
    by = {g: e.set_index(["source", "target"]) for g, e in edges.groupby("group")}
    assert (
        by["president.gov.ua"].loc[("country:UKR", "org:eu"), "count"]
        > 5 * by["kremlin.ru"].loc[("country:UKR", "org:eu"), "count"]
    )
    kremlin = by["kremlin.ru"]
    assert kremlin.loc[("country:ARM", "country:AZE"), "p_value"] <= 0.05
    assert kremlin.loc[("country:ARM", "country:AZE"), "pmi"] > 3
    assert ("org:csto", "person:volodymyr_zelenskyy") not in kremlin.index
