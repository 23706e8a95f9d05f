"""Unwrapping hard-wrapped PDF text: hyphenation decided by the corpus's vocabulary, paragraphs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from secnews.corpus.clean.normalize import normalize_text, paragraphs
from secnews.corpus.clean.unwrap import HyphenationModel, UnwrapSettings, count_words, unwrap
from secnews.corpus.loaders.decode import read_text

SESSIONS = (
    "Session 21 - 1966",
    "Session 24 - 1969",
    "Session 37 - 1982",
    "Session 48 - 1993",
    "Session 49 - 1994",
    "Session 52 - 1997",
)


def un_text(corpora_dir: Path, rel: str) -> str:
    return read_text(corpora_dir / "ungdc-1946-2024" / "TXT" / rel)[0]


def clean(text: str, model: HyphenationModel | None) -> str:
    return normalize_text(unwrap(text, model=model))


@pytest.fixture(scope="module")
def model(corpora_dir: Path) -> HyphenationModel:
    """A model fitted (streaming) on six whole sessions of the UN corpus."""

    def texts() -> Iterator[str]:
        for session in SESSIONS:
            for path in sorted((corpora_dir / "ungdc-1946-2024" / "TXT" / session).glob("*_*.txt")):
                yield read_text(path)[0]

    return HyphenationModel().fit(texts())


# --- words split across a line break, real UN examples --------------------------------------


@pytest.mark.parametrize(
    ("rel", "broken", "expected"),
    [
        # joined: the unbroken word is frequent, the hyphenated form rare or absent
        ("Session 24 - 1969/NGA_24_1969.txt", "inter-\nnational justice", "international justice"),
        ("Session 21 - 1966/JAM_21_1966.txt", "in-\nvestment capital", "investment capital"),
        ("Session 49 - 1994/MEX_49_1994.txt", "technolo-\ngies.", "technologies."),
        # kept: a capital after the break, a real compound, a suspended hyphen
        (
            "Session 52 - 1997/BGR_52_1997.txt",
            "Euro-\nAtlantic community",
            "Euro-Atlantic community",
        ),
        (
            "Session 48 - 1993/CIV_48_1993.txt",
            "non-\ngovernmental organizations",
            "non-governmental organizations",
        ),
        (
            "Session 37 - 1982/ARG_37_1982.txt",
            "peace- \nloving and anxious",
            "peace-loving and anxious",
        ),
        ("Session 52 - 1997/ITA_52_1997.txt", "short-\nand medium-term", "short- and medium-term"),
    ],
)
def test_real_line_break_hyphens(
    corpora_dir: Path, model: HyphenationModel, rel: str, broken: str, expected: str
) -> None:
    raw = un_text(corpora_dir, rel).replace("\r\n", "\n")
    assert broken in raw  # the example really is in the file
    out = clean(raw, model)
    assert expected in out
    naive = " ".join(broken.replace("\n", " ").split())  # the break read as a plain space
    if naive != expected:
        assert naive not in out


def test_vocabulary_counts_decide(model: HyphenationModel) -> None:
    vocab = model.vocabulary_
    assert model.n_documents_ > 500
    assert vocab["international"] > vocab["inter-national"] >= 0
    assert vocab["non-governmental"] > vocab["nongovernmental"]
    assert model.joiner("inter", "national") == ""
    assert model.joiner("non", "governmental") == "-"
    assert model.joiner("Euro", "Atlantic") == "-"
    assert model.joiner("short", "and") == "- "


def test_counts_drive_the_decision_both_ways() -> None:
    joined = HyphenationModel().fit(
        ["the cooperation of all", "cooperation matters", "co-operation"]
    )
    assert unwrap("full co-\noperation", model=joined) == "full cooperation"
    hyphen = HyphenationModel().fit(["co-operation", "co-operation here", "cooperation once"])
    assert unwrap("full co-\noperation", model=hyphen) == "full co-operation"
    # below min_count (2) the hyphen stays
    rare = HyphenationModel().fit(["cooperation once"])
    assert unwrap("full co-\noperation", model=rare) == "full co-operation"
    # no model: every hyphen stays, the line break goes
    assert unwrap("full co-\noperation", model=None) == "full co-operation"
    # all-capital words may be split: ALL-CAPS parts are judged by the counts
    caps = HyphenationModel().fit(["INTERNATIONAL", "international"])
    assert unwrap("INTER-\nNATIONAL", model=caps) == "INTERNATIONAL"


def test_count_words_and_serialization() -> None:
    counts = count_words("Inter-national law; international LAW, 2022 law")
    assert counts == {"inter-national": 1, "law": 3, "international": 1, "2022": 1}
    model = HyphenationModel(min_count=3).fit(["a b a", "c"])
    again = HyphenationModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.min_count == 3 and again.n_documents_ == 2
    assert again.vocabulary_ == model.vocabulary_ == {"a": 2, "b": 1, "c": 1}
    merged = (
        HyphenationModel().add_counts({"a": 1}, n_documents=1).add_counts({"a": 2}, n_documents=2)
    )
    assert merged.vocabulary_["a"] == 3 and merged.n_documents_ == 3


# --- paragraphs, real UN files ------------------------------------------------------------------


def test_short_lines_end_paragraphs(corpora_dir: Path, model: HyphenationModel) -> None:
    out = clean(un_text(corpora_dir, "Session 57 - 2002/DEU_57_2002.txt"), model)
    parts = paragraphs(out)
    assert parts[0] == (
        "First of all, I should like to wish you every success, Mr. President, in your "
        "responsible office. We are delighted that you, a representative of our Czech neighbours, "
        "will preside over the General Assembly this year. I also express my sincere thanks to "
        "the outgoing President."
    )
    assert parts[1] == "I endorse the statement of the Danish presidency of the European Union."
    assert parts[2].startswith("One year ago, the world was shaken by the terror of 11 September,")
    # a full-width line ending in a full stop is not a paragraph end
    assert "disdainful of human life. Civilian aircraft were transformed" in parts[2]
    assert parts[2].endswith("to live under the sword of Damocles that terrorism represents.")
    assert "\n" not in "".join(parts)


def test_blank_lines_and_trailing_spaces(corpora_dir: Path, model: HyphenationModel) -> None:
    raw = un_text(corpora_dir, "Session 47 - 1992/USA_47_1992.txt")
    parts = paragraphs(clean(raw, model))
    assert parts[0].startswith("Forty-seven years ago I was a young man of 21, and, like thousands")
    assert parts[0].endswith("embodied those hopes and dreams like no other.")
    assert parts[1].startswith("But the hopes and dreams of 1945 remained unfulfilled:")


def test_indented_lines_start_paragraphs(corpora_dir: Path, model: HyphenationModel) -> None:
    parts = paragraphs(clean(un_text(corpora_dir, "Session 65 - 2010/FRA_65_2010.txt"), model))
    assert parts[0].startswith("I come to this rostrum on behalf of France")
    assert parts[0].endswith("capable of meeting the great challenges of our century.")
    assert parts[1].startswith("I look out upon the Assembly. I know many of those present")
    assert parts[2].startswith("I would like to speak to the Assembly candidly.")


def test_one_paragraph_per_line_files(corpora_dir: Path, model: HyphenationModel) -> None:
    raw = un_text(corpora_dir, "Session 01 - 1946/ARG_01_1946.txt")
    lines = [line for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    parts = paragraphs(clean(raw, model))
    assert len(parts) == len(lines)
    # a wrapped first line in an otherwise one-paragraph-per-line file is joined
    ukr = paragraphs(clean(un_text(corpora_dir, "Session 70 - 2015/UKR_70_2015.txt"), model))
    assert ukr[0].startswith(
        "On behalf of Ukraine, I sincerely congratulate Mr. Mogens Lykketoft on his election as"
    )


# --- paragraph rules on hand-made input ---------------------------------------------------------


def test_paragraph_rules_by_hand() -> None:
    text = (
        "The first paragraph is wrapped at a\r\n"
        "width of about forty characters for\r\n"
        "this test and ends here.\r\n"
        "A new paragraph starts after the short\r\n"
        "line and goes on to the end of\r\n"
        "the text without a break.   \r\n"
        "   \r\n"
        "after a blank line even lowercase starts one.\n"
    )
    assert unwrap(text, model=None) == (
        "The first paragraph is wrapped at a width of about forty characters for this test and "
        "ends here.\n\nA new paragraph starts after the short line and goes on to the end of the "
        "text without a break.\n\nafter a blank line even lowercase starts one."
    )


def test_settings_change_the_rules() -> None:
    text = "one line that is long enough here.\nNext one that is long enough too."
    # every line is wider than max_wrap_width: one paragraph per line
    narrow = UnwrapSettings(max_wrap_width=10)
    assert unwrap(text, model=None, settings=narrow).count("\n\n") == 1
    # a ratio of 0 makes no line short: the two lines are one paragraph
    never = UnwrapSettings(short_line_ratio=0.0)
    assert "\n" not in unwrap(text, model=None, settings=never)


def test_empty_and_odd_input() -> None:
    assert unwrap("", model=None) == ""
    assert unwrap("\n\n \n", model=None) == ""
    assert unwrap("a\x00b\x0cc", model=None) == "ab c"
    assert unwrap("-\nword", model=None) == "- word"
    assert unwrap("1990-\n1995", model=None) == "1990- 1995"
