"""Counting terms, phrases, regexes and lexicons per document, period and outlet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from secnews.analysis.lexicon import (
    Lexicon,
    ascii_pattern,
    lexicon_spec,
    load_lexicons,
    parse_lexicons,
    parse_terms,
    scan_pattern,
    term_pattern,
)
from secnews.analysis.preprocess.tokens import token_pattern
from secnews.analysis.trends.counts import (
    TrendSettings,
    aggregate_counts,
    document_counts,
)
from secnews.corpus.store.read import document_text

EXAMPLE_LEXICON = (
    Path(__file__).resolve().parents[1] / "analysis" / "data" / "lexicons_example.toml"
)


def _one_doc(text: str, *, title: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["d1"],
            "outlet": ["o"],
            "published": pd.to_datetime(["2022-02-24T12:00:00Z"], utc=True),
            "title": [title],
            "text": [text],
        }
    )


def _count(text: str, term: str, **settings: object) -> int:
    specs = parse_terms([term])
    counts = document_counts(_one_doc(text), specs, settings=TrendSettings(freq="day", **settings))  # type: ignore[arg-type]
    return int(counts.frame[specs[0].name].iloc[0])


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("NATO, Nato and nato's allies; pro-NATO forces", "nato", 4),
        ("natoire and sinatora", "nato", 0),
        (
            "The special\n  military\toperation and the special-military-operation",
            "special military operation",
            2,
        ),
        ("special military operations", "special military operation", 0),
        ("cease-fire, cease fire, ceasefire and cease\nfire", "cease-fire", 4),
        ("sanction, sanctions, sanctioned; desanction", "sanction*", 3),
        ("sanction, sanctions, sanctioned", "sanctions", 1),
        ("The Cold War and the cold-war era", "cold war", 2),
        ("defence and defense", "defen*e", 2),
        ("U.S. and US and us", r"re:\bu\.?s\.?", 3),
        ("terror-\nism and terrorism", "terrorism", 2),
        # Unicode word boundaries (RE2's \b is ASCII-only)
        ("в Киев сегодня, из Киева; Киев", "киев", 2),
        ("Kyivé et Kyiv, kyiv's", "kyiv", 2),
        ("éNATO and NATOé, but NATO", "nato", 1),
        ("Санкции, санкций и санкция", "санкци*", 3),
        # adjacent hits that share a boundary character all count
        ("nato nato", "nato", 2),
        ("nato nato nato", "nato", 3),
        ("NATO-NATO,NATO", "nato", 3),
        ("nato natonato nato", "nato", 2),
        ("nato nato n", "nato n", 1),
    ],
)
def test_matching_rules(text: str, term: str, expected: int) -> None:
    assert _count(text, term) == expected


def test_line_hyphen_joining_can_be_switched_off() -> None:
    assert _count("terror-\nism", "terrorism", join_line_hyphens=False) == 0
    assert _count("terror-\nism", "terrorism") == 1


def test_term_patterns_and_parsing() -> None:
    end = r"(?:[^\p{L}\p{N}_]|$)"
    assert term_pattern("NATO") == r"nato" + end
    assert (
        term_pattern("special  military operation") == r"special[\s-]+military[\s-]+operation" + end
    )
    assert term_pattern("cease-fire") == r"cease(?:-|\s+)?fire" + end
    assert term_pattern("sanction*") == r"sanction[\p{L}\p{N}_]*" + end
    assert scan_pattern(["nato"]) == r"((?:nato))|[\p{L}\p{N}_]+"
    assert term_pattern("re:[0-9]+") == "(?i)[0-9]+"
    specs = parse_terms("nato, NATO ,sanctions,, special military operation")
    assert [s.name for s in specs] == ["nato", "sanctions", "special military operation"]
    assert [s.kind for s in specs] == ["term", "term", "phrase"]
    for bad in ("", " , ", "*", "re:"):
        with pytest.raises(ValueError):
            parse_terms([bad] if bad.startswith("re:") or bad == "*" else bad)


def test_lexicon_counts_overlapping_entries_once() -> None:
    spec = lexicon_spec(Lexicon(name="war talk", terms=("war", "cold war", "war*")))
    frame = _one_doc("The cold war, a war, wars and warfare; cold-war.")
    counts = document_counts(frame, [spec], settings=TrendSettings(freq="day"))
    # cold war, war, wars, warfare, cold-war: five matches, none counted twice
    assert int(counts.frame["war talk"].iloc[0]) == 5


def test_lexicon_file_format_and_errors(tmp_path: Path) -> None:
    lexicons = load_lexicons(EXAMPLE_LEXICON)
    assert [lex.name for lex in lexicons] == ["escalation", "negotiation", "economic pressure"]
    assert "escalat*" in lexicons[0].terms and lexicons[0].description
    plain = parse_lexicons('talks = ["negotiat*", "talks"]\n')
    assert plain == [Lexicon(name="talks", terms=("negotiat*", "talks"))]
    cases = {
        "": "defines no lexicon",
        "x = [": "not valid TOML",
        "x = []": "has no terms",
        "x = [1, 2]": "list of strings",
        '[x]\nterm = ["a"]': "unknown key",
        'x = ["*"]': "no word character",
    }
    for text, reason in cases.items():
        with pytest.raises(ValueError, match=reason):
            parse_lexicons(text)
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValueError, match="cannot read lexicon file"):
        load_lexicons(path)


def _hand_frame() -> pd.DataFrame:
    published = pd.to_datetime(
        [
            "2022-02-21T10:00:00Z",
            "2022-02-23T23:59:00Z",
            "2022-02-27T23:30:00-05:00",  # 2022-02-28 04:30 UTC: the next ISO week
            None,
            "2022-02-22T08:00:00Z",
        ],
        utc=True,
        format="ISO8601",
    )
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "outlet": ["x", "x", "y", "y", "x"],
            "published": published,
            "title": ["NATO summit", "", None, "", "NATO summit"],
            "lede": [None, None, None, None, None],
            "text": [
                "Nato and NATO's allies discussed sanctions.\n\nThe special\nmilitary operation began.",
                "Pro-NATO forces; natoire is not a word.",
                "Sanctions, sanctions and sanctioned firms. The special-military-operation.",
                "nato",
                "Nato and NATO's allies discussed sanctions.",
            ],
            "meta": ["{}", "{}", '{"year": 2022}', '{"year": 2021, "country": "UKR"}', "{}"],
            "dup_of": [None, None, None, None, "a"],
        }
    )


def test_counts_tokens_and_rates_by_hand() -> None:
    specs = parse_terms("nato,sanctions,sanction*,special military operation")
    counts = document_counts(_hand_frame(), specs, settings=TrendSettings(freq="W", by="outlet"))
    assert counts.dropped_duplicates == 1 and counts.dropped_no_period == 1
    frame = counts.frame.set_index("doc_id")
    assert list(frame.index) == ["a", "b", "c"]
    # a: NATO summit | Nato and NATO s allies discussed sanctions The special military operation began
    assert frame.loc["a", "tokens"] == 2 + 12
    # b: Pro-NATO forces natoire is not a word
    assert frame.loc["b", "tokens"] == 7
    # c: Sanctions sanctions and sanctioned firms The special-military-operation
    assert frame.loc["c", "tokens"] == 7
    assert frame.loc[
        "a", ["nato", "sanctions", "sanction*", "special military operation"]
    ].tolist() == [3, 1, 1, 1]
    assert frame.loc["b", ["nato", "sanctions"]].tolist() == [1, 0]
    assert frame.loc[
        "c", ["nato", "sanctions", "sanction*", "special military operation"]
    ].tolist() == [0, 2, 3, 1]
    assert frame.loc["c", "period"] == pd.Timestamp("2022-02-28")
    assert frame.loc["a", "period"] == frame.loc["b", "period"] == pd.Timestamp("2022-02-21")

    table = aggregate_counts(counts).set_index(["term", "outlet"])
    nato_x = table.loc[("nato", "x")]
    assert nato_x["count"] == 4 and nato_x["tokens"] == 21 and nato_x["docs"] == 2
    assert nato_x["docs_with_term"] == 2 and nato_x["doc_share"] == 1.0
    assert nato_x["rate_per_10k"] == pytest.approx(1e4 * 4 / 21)
    smo_y = table.loc[("special military operation", "y")]
    assert smo_y["count"] == 1 and smo_y["rate_per_10k"] == pytest.approx(1e4 / 7)
    sanctions_x = table.loc[("sanctions", "x")]
    assert sanctions_x["docs_with_term"] == 1 and sanctions_x["doc_share"] == 0.5


def test_periods_and_groups() -> None:
    frame = _hand_frame()
    specs = parse_terms("nato")
    by_year = document_counts(
        frame, specs, settings=TrendSettings(freq="Y", by=None, include_duplicates=True)
    )
    years = by_year.frame.set_index("doc_id")["period"]
    assert years["d"] == pd.Timestamp("2021-01-01")  # from meta.year: published is null
    assert years["a"] == years["c"] == pd.Timestamp("2022-01-01")
    assert set(by_year.frame["outlet"]) == {"all"} and len(by_year.frame) == 5
    month = document_counts(frame, specs, settings=TrendSettings(freq="month", by=None))
    assert set(month.frame["period"]) == {pd.Timestamp("2022-02-01")}
    quarter = document_counts(frame, specs, settings=TrendSettings(freq="Q", by=None))
    assert set(quarter.frame["period"]) == {pd.Timestamp("2022-01-01")}
    day = document_counts(frame, specs, settings=TrendSettings(freq="D", by=None))
    assert day.frame.set_index("doc_id")["period"]["c"] == pd.Timestamp("2022-02-28")
    country = document_counts(frame, specs, settings=TrendSettings(freq="Y", by="meta.country"))
    assert dict(zip(country.frame["doc_id"], country.frame["outlet"], strict=True)) == {
        "a": "(unknown)",
        "b": "(unknown)",
        "c": "(unknown)",
        "d": "UKR",
    }


def test_bad_inputs_get_specific_reasons() -> None:
    frame = _hand_frame()
    with pytest.raises(ValueError, match="freq must be one of"):
        TrendSettings(freq="fortnight")
    with pytest.raises(ValueError, match="by must be"):
        TrendSettings(by="country")
    with pytest.raises(ValueError, match="lack column"):
        document_counts(frame.drop(columns="text"), parse_terms("nato"), settings=TrendSettings())
    with pytest.raises(ValueError, match="clash"):
        document_counts(frame, parse_terms("tokens"), settings=TrendSettings())
    with pytest.raises(ValueError, match="needs a 'meta' column"):
        document_counts(
            frame.drop(columns="meta"), parse_terms("nato"), settings=TrendSettings(by="meta.x")
        )
    with pytest.raises(FileNotFoundError):
        document_counts(Path("/nonexistent/corpus"), parse_terms("nato"), settings=TrendSettings())


def test_token_count_equals_the_shared_tokenizer_on_real_press_releases(
    press_frame: pd.DataFrame,
) -> None:
    sample = press_frame.iloc[::9].reset_index(drop=True)
    counts = document_counts(
        sample,
        parse_terms("nato"),
        settings=TrendSettings(freq="D", by=None, join_line_hyphens=False),
    )
    mine = counts.frame.set_index("doc_id")["tokens"]
    findall = token_pattern(False).findall
    expected = {
        row["doc_id"]: len(findall(document_text(row).lower())) for row in sample.to_dict("records")
    }
    assert len(mine) == len(expected) > 150
    assert {k: int(v) for k, v in mine.items()} == expected


def test_counts_on_real_press_releases_match_python_regex(press_frame: pd.DataFrame) -> None:
    import re

    counts = document_counts(
        press_frame,
        parse_terms("nato,special military operation"),
        settings=TrendSettings(freq="W"),
    )
    by_id = counts.frame.set_index("doc_id")
    text = {r["doc_id"]: document_text(r).lower() for r in press_frame.to_dict("records")}
    smo = re.compile(r"\bspecial[\s-]+military[\s-]+operation\b")
    nato = re.compile(r"\bnato\b", re.ASCII)
    assert int(by_id["special military operation"].sum()) == sum(
        len(smo.findall(t)) for t in text.values()
    )
    assert int(by_id["nato"].sum()) == sum(len(nato.findall(t)) for t in text.values())
    assert by_id["special military operation"].sum() > 100
    kremlin = by_id[by_id["outlet"] == "kremlin.ru"]
    before = kremlin[kremlin["period"] < pd.Timestamp("2022-02-21")]
    assert int(before["special military operation"].sum()) == 0
    assert np.all(counts.frame["tokens"] > 0)


def test_overlap_detection_for_grouped_passes() -> None:
    from secnews.analysis.lexicon import may_overlap
    from secnews.analysis.trends.counts import term_groups

    spec = {
        s.name: s
        for s in parse_terms(
            [
                "nuclear",
                "nuclear weapon*",
                "cease-fire",
                "ceasefire",
                "da'esh",
                "esh",
                "terrorism",
                "terrorist*",
                "aids",
            ]
        )
    }
    assert may_overlap(spec["nuclear"], spec["nuclear weapon*"])
    assert may_overlap(spec["cease-fire"], spec["ceasefire"])
    assert may_overlap(spec["da'esh"], spec["esh"])
    assert not may_overlap(spec["terrorism"], spec["terrorist*"])
    assert not may_overlap(spec["aids"], spec["terrorism"])
    specs = list(spec.values())
    groups = term_groups(specs)
    assert sorted(j for g in groups for j in g) == list(range(len(specs)))
    for group in groups:
        assert not any(may_overlap(specs[a], specs[b]) for a in group for b in group if a < b)
    assert term_groups(specs, size=1) == [[j] for j in range(len(specs))]


def test_grouped_passes_count_exactly_like_one_pass_per_term(press_frame: pd.DataFrame) -> None:
    terms = (
        "nato,war,cold war,war*,sanction*,sanctions,russia*,russian federation,ukrain*,"
        "special military operation,military,operation*,invasion,nazi*,genocide,security,"
        "security guarantees,cease-fire,ceasefire,donbas*,re:\\bdpr\\b,peace,peace talks"
    )
    specs = parse_terms(terms)
    grouped = document_counts(press_frame, specs, settings=TrendSettings(freq="W"))
    alone = document_counts(press_frame, specs, settings=TrendSettings(freq="W", group_size=1))
    pd.testing.assert_frame_equal(grouped.frame, alone.frame)
    assert grouped.frame["war"].sum() > 100 and grouped.frame["ceasefire"].sum() > 0


def test_ascii_fast_path_counts_like_the_unicode_scan(press_frame: pd.DataFrame) -> None:
    # a text with a non-ASCII letter is scanned with Unicode boundaries; an ASCII one with the
    # \b patterns: adding "é" to every title (away from the matches) forces the scan
    assert ascii_pattern("NATO") == r"\bnato\b" and ascii_pattern("re:x") == ""
    sample = press_frame.head(300)
    specs = parse_terms("nato,war,cold war,sanction*,special military operation,cease-fire")
    specs.append(lexicon_spec(Lexicon(name="talk", terms=("peace talks", "talks", "negotiat*"))))
    settings = TrendSettings(freq="W")
    fast = document_counts(sample, specs, settings=settings).frame
    forced = sample.assign(title=sample["title"] + " é")
    scanned = document_counts(forced, specs, settings=settings).frame
    pd.testing.assert_frame_equal(fast.drop(columns="tokens"), scanned.drop(columns="tokens"))
    assert fast["nato"].sum() > 20 and fast["talk"].sum() > 20


def test_grouped_and_alone_agree_on_cyrillic_and_accents() -> None:
    frame = _one_doc("В Киев, НАТО-НАТО; Kyivé, Kyiv, kyiv's nato, натовский, санкции", title="é")
    specs = parse_terms("киев,нато,kyiv,nato,санкци*")
    grouped = document_counts(frame, specs, settings=TrendSettings(freq="day")).frame
    alone = document_counts(frame, specs, settings=TrendSettings(freq="day", group_size=1)).frame
    pd.testing.assert_frame_equal(grouped, alone)
    assert grouped[["киев", "нато", "kyiv", "nato", "санкци*"]].iloc[0].tolist() == [1, 2, 2, 1, 1]


def test_masked_fast_path_equals_the_unicode_scan_next_to_accented_words(
    press_frame: pd.DataFrame,
) -> None:
    # ASCII terms in texts with non-ASCII letters use the \b patterns on a masked copy; a
    # Cyrillic term in the same group forces the full Unicode scan instead: both must agree,
    # also where a term touches an accented letter ("natoé" is one word, "nato." is not)
    sample = press_frame.head(200).assign(
        text=lambda f: f["text"] + " natoé kyivé éwar nato. Kyiv-led"
    )
    terms = "nato,kyiv,war,sanction*,special military operation"
    settings = TrendSettings(freq="W")
    masked = document_counts(sample, parse_terms(terms), settings=settings).frame
    scanned = document_counts(sample, parse_terms(terms + ",киев"), settings=settings).frame
    pd.testing.assert_frame_equal(masked, scanned.drop(columns="киев"))
    assert masked["nato"].sum() >= 200 and masked["kyiv"].sum() >= 200
