"""Page-text dumps: the seed page, pages of other outlets built from real article text, the
cross-file template rule, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.loaders.pagetext import PageTextSettings, extract_pagetext, load_pagetext
from secnews.corpus.record import Article, Reject, make_doc_id

SEED_TITLE = "Idea of Euro-Atlantic Collective Security System Remains Relevant - Lavrov"
SEED_LEDE = (
    "The principles of the proposed system include equal, indivisible security, when no state "
    "would ensure its security at the expense of others, Sergei Lavrov said."
)
SEED_BODY_STARTS = [
    "MOSCOW (Sputnik) - The idea of creating a collective Euro-Atlantic security system",
    '"I have mentioned 1954, when a pan-European treaty',
    '"The principles it is based on, the principles of ensuring equal',
    "In May, Russia's Permanent Mission to the North Atlantic Treaty Organization",
    "Lavrov echoed the assessment, saying Moscow has offered",
    '"Our Western partners essentially began to withdraw',
    "The fallout between NATO and Russia was triggered by",
    "Moscow has repeatedly expressed concern over NATO's eastward expansion",
]
#: The fourteen boilerplate lines of the seed page (start of the line) and the reason code.
SEED_REMOVED = [
    ("© Sputnik / Valeriy Melnikov / Go to the mediabank", "credit"),
    (
        "Russian FM Sergey Lavrov meets with UN Special Envoy for Syria de Mistura - Sputnik",
        "caption",
    ),
    ("Subscribe", "widget"),
    ("Russia's President Vladimir Putin (L) and France's President Francois Hollande", "caption"),
    ("Is Russia Main Reason Why Paris Does Not Ask NATO for Help Against ISIL?", "teaser"),
    ("Montenegro's Prime Minister Milo Djukanovic (R) shakes hands", "caption"),
    ("Really Difficult Choice? As NATO Member Montenegro Will Become ISIL Target", "teaser"),
    ("Newsfeed", "widget"),
    ("0", "counter"),
    ("To participate in the discussion", "widget"),
    ("log in or register", "widget"),
    ("loader", "widget"),
    ("Chats", "widget"),
    ("Заголовок открываемого материала", "language"),
]


@pytest.fixture(scope="module")
def seed_path(corpora_dir: Path) -> Path:
    return corpora_dir / "seed-article" / "000_da4050e255aaa6b8.txt"


@pytest.fixture(scope="module")
def tass(corpora_dir: Path) -> list[dict]:
    return json.loads((corpora_dir / "tass-politics-2024" / "politics_20.json").read_text("utf-8"))


def test_seed_page_exact(seed_path: Path) -> None:
    result = extract_pagetext(seed_path)
    assert result.title == SEED_TITLE
    assert result.lede == SEED_LEDE
    body = result.text.split("\n\n")
    assert len(body) == 8
    for paragraph, start in zip(body, SEED_BODY_STARTS, strict=True):
        assert paragraph.startswith(start)
    # the lede is not repeated in the text; the dateline stays in the first paragraph
    assert SEED_LEDE not in result.text
    assert result.dateline_place == "MOSCOW"
    assert result.outlet == "Sputnik"
    assert result.published is None
    assert result.language == "en"
    assert result.meta["dateline"] == "MOSCOW (Sputnik) -"
    # exactly the fourteen boilerplate lines, in page order, each with its reason
    assert len(result.removed) == 14
    for (line, reason), (start, code) in zip(result.removed, SEED_REMOVED, strict=True):
        assert normalize_inline(line).startswith(normalize_inline(start)), line
        assert reason.split(":")[0] == code, (line, reason)
    kept = {result.title, result.lede, *result.text.split("\n\n")}
    assert not kept.intersection(line for line, _reason in result.removed)


def test_seed_page_paragraphs_are_the_files_own(seed_path: Path) -> None:
    """Every body paragraph is a line of the normalized file, unchanged."""
    lines = set(normalize_text(seed_path.read_text("utf-8")).split("\n"))
    result = extract_pagetext(seed_path)
    assert all(p in lines for p in result.text.split("\n\n"))


def test_seed_through_loader(seed_path: Path) -> None:
    (article,) = list(load_pagetext([seed_path]))
    assert isinstance(article, Article)
    assert article.loader == "pagetext"
    assert article.source_path == str(seed_path)
    assert article.outlet == "Sputnik" and article.dateline_place == "MOSCOW"
    assert article.title == SEED_TITLE and article.lede == SEED_LEDE
    assert len(article.text.split("\n\n")) == 8
    full = "\n\n".join([SEED_TITLE, SEED_LEDE, article.text])
    assert article.doc_id == make_doc_id(outlet="Sputnik", url=None, text=full)
    assert article.meta["removed_lines"] == 14


def test_strip_dateline_setting(seed_path: Path) -> None:
    from secnews.corpus.clean.boilerplate import CleanSettings

    settings = PageTextSettings(clean=CleanSettings(keep_dateline=False))
    result = extract_pagetext(seed_path, settings=settings)
    assert result.text.startswith("The idea of creating a collective Euro-Atlantic")
    assert result.dateline_place == "MOSCOW"


def _tass_page(article: dict, *, teasers: list[str]) -> str:
    """A TASS-like page dump around a real TASS article: menu, share buttons, footer."""
    header = ["TASS", "Russian News Agency", "Russia", "World", "Politics", "Economy",
              "Military & Defense", "Search"]  # fmt: skip
    top = [article["title"], "", "Share", "Facebook", "Telegram", "X", "",
           "26 DEC 2024, 21:09"]  # fmt: skip
    body = [line for p in article["content"] for line in (p, "")]
    footer = ["Read more", "Most read", *teasers, "TASS Russian News Agency",
              "© 2024 TASS. All rights reserved.", "Россия и мир",
              "Terms of use", "Privacy policy", "www.tass.com/about"]  # fmt: skip
    return "\n".join([*header, *top, *body, *footer]) + "\n"


def test_tass_like_page(tmp_path: Path, tass: list[dict]) -> None:
    article = tass[4]
    teasers = [normalize_inline(tass[7]["title"]), normalize_inline(tass[12]["title"])]
    path = tmp_path / "tass_4.txt"
    path.write_text(_tass_page(article, teasers=teasers), encoding="utf-8")
    result = extract_pagetext(path)
    assert result.title == normalize_inline(article["title"])
    # TASS repeats the description as the first paragraph: it is the lede
    assert result.lede == normalize_inline(article["content"][0])
    assert result.text.split("\n\n") == [normalize_inline(p) for p in article["content"][1:]]
    assert result.dateline_place == "IGORA"
    assert result.outlet == "TASS"
    assert result.meta["dateline_region"] == "Leningrad Region"
    assert result.meta["dateline_date"] == "December 26"
    assert result.published is None  # "December 26" has no year: no guess
    reasons = dict(result.removed)
    assert reasons["Russian News Agency"].startswith(("header", "short"))
    assert reasons["Military & Defense"].startswith(("header", "short"))
    assert reasons["Facebook"].startswith(("share", "widget"))
    assert reasons["26 DEC 2024, 21:09"].startswith("timestamp")
    assert reasons["© 2024 TASS. All rights reserved."].startswith("credit")
    assert reasons["Россия и мир"].startswith("language")
    assert reasons["www.tass.com/about"].startswith("link")
    for teaser in teasers:
        assert teaser in reasons and teaser not in result.text


def _kremlin_page(row: pd.Series) -> tuple[str, list[str]]:
    """A kremlin.ru-like page dump around a real press release (the CSV body is one line; split
    it into paragraphs of three sentences)."""
    import re

    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", str(row["body"]))
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, min(len(sentences), 24), 3)]
    lines = ["President of Russia", "News", "Events", "Transcripts", "Letters", "Menu",
             str(row["headline"]), "June 24, 2022 15:30", str(row["summary"])]  # fmt: skip
    lines += paragraphs
    lines += ["Published in sections: News, Transcripts", "Publication date: June 24, 2022, 15:30",
              "Direct link: http://kremlin.ru/d/68700", "Text version", "Print version",
              "Send to email", "Share"]  # fmt: skip
    return "\n\n".join(lines) + "\n", [str(row["summary"]), *paragraphs]


@pytest.mark.parametrize("position", [0, 13, 40])
def test_kremlin_like_page(tmp_path: Path, corpora_dir: Path, position: int) -> None:
    frame = pd.read_csv(corpora_dir / "kremlin-ukraine-press-2021-2022" / "kremlin_putin.csv")
    row = frame[frame["summary"].notna() & (frame["body"].str.len() > 3000)].iloc[position]
    page, paragraphs = _kremlin_page(row)
    path = tmp_path / "kremlin.txt"
    path.write_text(page, encoding="utf-8")
    result = extract_pagetext(path, outlet="kremlin.ru")
    assert result.title == normalize_inline(str(row["headline"]))
    assert result.outlet == "kremlin.ru"
    assert result.lede is None  # no dateline, so no lede: everything kept is body
    text = result.text
    assert text.split("\n\n") == [normalize_inline(p) for p in paragraphs]
    removed = dict(result.removed)
    for line in ["President of Russia", "Transcripts", "Menu", "June 24, 2022 15:30",
                 "Publication date: June 24, 2022, 15:30", "Direct link: http://kremlin.ru/d/68700",
                 "Text version", "Print version", "Send to email", "Share",
                 "Published in sections: News, Transcripts"]:  # fmt: skip
        assert line in removed, line
        assert line not in text.split("\n\n")


def test_cross_file_template(tmp_path: Path, tass: list[dict]) -> None:
    """A sentence-like site slogan that no lexicon knows goes only because it repeats on the pages
    of different articles; a duplicate download does not turn its own text into template."""
    slogan = "TASS is the leading Russian news agency, with correspondents in sixty countries."
    site = tmp_path / "tass"
    site.mkdir()
    paths = []
    for i in (1, 2, 3):
        article = tass[i]
        content = [normalize_inline(p) for p in article["content"]]
        text = "\n\n".join([article["title"], *content, slogan, "Chats"])
        path = site / f"page_{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    duplicate = site / "page_1_again.txt"
    duplicate.write_text(paths[0].read_text("utf-8"), encoding="utf-8")
    alone = extract_pagetext(paths[0])
    assert slogan in alone.text  # one page alone cannot tell
    results = list(load_pagetext([*paths, duplicate]))
    assert all(isinstance(r, Article) for r in results)
    for r in results:
        assert isinstance(r, Article)
        assert slogan not in r.text
        assert "Chats" not in r.text
    first, again = results[0], results[3]
    assert isinstance(first, Article) and isinstance(again, Article)
    assert first.text == again.text  # the duplicate keeps all of its article text
    expected = [normalize_inline(p) for p in tass[1]["content"][1:]]
    assert first.text.split("\n\n") == expected
    info = extract_pagetext(paths[1], site_paths=paths)
    assert dict(info.removed)[slogan].startswith("repeated")


def test_other_folder_is_other_site(tmp_path: Path, tass: list[dict]) -> None:
    slogan = "Our reporters work around the clock to bring you the most important stories."
    paths = []
    for i in (5, 9):
        folder = tmp_path / f"site{i}"
        folder.mkdir()
        text = "\n\n".join([tass[i]["title"], *tass[i]["content"], slogan])
        path = folder / "page.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    results = list(load_pagetext(paths))
    assert all(isinstance(r, Article) and slogan in r.text for r in results)
    results = list(load_pagetext(paths, settings=PageTextSettings(site_scope="call")))
    assert all(isinstance(r, Article) and slogan not in r.text for r in results)


def test_bad_files_keep_order_and_good_documents(tmp_path: Path, seed_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    huge_line = tmp_path / "one_line.txt"
    huge_line.write_bytes(b"word " * 10_000_000)  # a 50 MB single line
    junk = tmp_path / "junk.txt"
    junk.write_text("Home\nNews\nSubscribe\nLog in\n", encoding="utf-8")
    cp1251 = tmp_path / "cp1251.txt"
    cp1251.write_bytes(seed_path.read_text("utf-8").encode("cp1251", errors="replace"))
    missing = tmp_path / "missing.txt"
    paths = [empty, seed_path, binary, huge_line, junk, cp1251, missing]
    results = list(load_pagetext(paths))
    assert [r.source_path for r in results] == [str(p) for p in paths]
    assert isinstance(results[1], Article) and isinstance(results[5], Article)
    reasons = {r.source_path: r.reason for r in results if isinstance(r, Reject)}
    assert reasons[str(empty)] == "empty file"
    assert reasons[str(binary)].startswith("binary file")
    assert reasons[str(huge_line)].startswith("not a page dump: a line of 50,000,000 characters")
    assert reasons[str(junk)].startswith("no article text")
    assert reasons[str(missing)].startswith("unreadable file")
    with pytest.raises(ValueError, match="not a page dump"):
        extract_pagetext(huge_line)


def test_cli_extract_json(
    capsys: pytest.CaptureFixture[str], seed_path: Path, corpora_dir: Path, tmp_path: Path
) -> None:
    from secnews.analysis.cli.main import main

    html = corpora_dir / "html-news-pages" / "html" / "reuters.com.parasite.html"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = main(["extract", str(seed_path), str(html), str(empty), "--json"])
    assert code == 1  # one file failed
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 3
    seed, reuters, failed = (json.loads(line) for line in lines)
    for key in ("source_path", "title", "lede", "text", "outlet", "dateline_place", "published",
                "language", "removed"):  # fmt: skip
        assert key in seed and key in reuters
    assert seed["source_path"] == str(seed_path)
    assert seed["title"] == SEED_TITLE and seed["lede"] == SEED_LEDE
    assert seed["outlet"] == "Sputnik" and seed["dateline_place"] == "MOSCOW"
    assert seed["published"] is None and seed["language"] == "en"
    assert len(seed["text"].split("\n\n")) == 8
    assert len(seed["removed"]) == 14
    assert seed["removed"][0][1].startswith("credit")
    assert reuters["dateline_place"] == "LOS ANGELES"
    assert reuters["published"] == "2020-01-20T09:49:32+00:00"  # the page's time, in UTC
    assert failed == {"source_path": str(empty), "error": "empty file"}


def test_cli_extract_text(capsys: pytest.CaptureFixture[str], seed_path: Path) -> None:
    from secnews.analysis.cli.main import main

    assert main(["extract", str(seed_path), "--removed", "--format", "pagetext"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {SEED_TITLE}\n\n{SEED_LEDE}\n\nMOSCOW (Sputnik) - The idea")
    assert "outlet: Sputnik" in out and "dateline: MOSCOW" in out
    assert "[teaser: headline after a caption] Really Difficult Choice?" in out


def test_every_line_is_accounted_for(seed_path: Path, tass: list[dict]) -> None:
    """Random pages mixing real lines and junk: the clean-up never raises, and every line ends up
    exactly once as title, lede, body paragraph or removed line."""
    from collections import Counter

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from secnews.corpus.clean.boilerplate import Block
    from secnews.corpus.loaders.page import clean_page

    pool = [line for line in normalize_text(seed_path.read_text("utf-8")).split("\n") if line]
    pool += [normalize_inline(p) for a in tass[:3] for p in a["content"]]
    line = st.one_of(
        st.sampled_from(pool),
        st.text(min_size=1, max_size=200).map(normalize_inline).filter(bool),
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(line, min_size=1, max_size=25))
    def check(lines: list[str]) -> None:
        result = clean_page([Block(x) for x in lines], source_path="page")
        out = [line for line, _reason in result.removed]
        out += [result.title] if result.title is not None else []
        out += result.text.split("\n\n") if result.text else []
        if result.lede is not None and result.lede in lines:
            out.append(result.lede)
        if result.lede is None or result.lede in lines:
            assert Counter(out) == Counter(lines)

    check()


def test_title_with_site_suffix_and_menu_above(tmp_path: Path, seed_path: Path) -> None:
    """A dump that starts with a menu and whose title ends with the site name."""
    lines = seed_path.read_text("utf-8").split("\n")
    head = ["Skip to main content", "World", "Russia", f"{SEED_TITLE[:-9]} - Sputnik International"]
    path = tmp_path / "page.txt"
    path.write_text("\n".join([*head, *lines[1:]]), encoding="utf-8")
    result = extract_pagetext(path)
    assert result.title == SEED_TITLE[:-9]
    assert result.lede == SEED_LEDE
    assert len(result.text.split("\n\n")) == 8
    assert [line for line, _ in result.removed[:3]] == head[:3]


def test_outlet_from_credit_without_dateline(tmp_path: Path, seed_path: Path) -> None:
    text = seed_path.read_text("utf-8").replace("MOSCOW (Sputnik)\u00a0\u2014 ", "")
    path = tmp_path / "no_dateline.txt"
    path.write_text(text, encoding="utf-8")
    result = extract_pagetext(path)
    assert result.outlet == "Sputnik"  # from "© Sputnik / Valeriy Melnikov"
    assert result.dateline_place is None and "dateline" not in result.meta
    assert result.lede is None  # no dateline: the standfirst stays the first body paragraph
    body = result.text.split("\n\n")
    assert body[0] == SEED_LEDE and len(body) == 9
    assert body[1].startswith("The idea of creating a collective Euro-Atlantic")
    assert extract_pagetext(path, outlet="RIA").outlet == "RIA"
