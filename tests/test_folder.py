"""The folder loader: metadata from paths, rejects with reasons, the whole UN corpus."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from secnews.corpus.loaders.folder import FolderPattern, FolderSettings, load_folder
from secnews.corpus.loaders.tabular import LoadStats
from secnews.corpus.record import Article, LoadResult, Reject

UN_PATTERN = "TXT/Session {session} - {year}/{country}_{session}_{year}.txt"
UN_OUTLET = "UN General Debate"


# --- the whole UN corpus: the yardstick ---------------------------------------------------------


@pytest.fixture(scope="module")
def un_results(corpora_dir: Path) -> tuple[list[LoadResult], LoadStats]:
    stats = LoadStats()
    items = list(
        load_folder(
            corpora_dir / "ungdc-1946-2024",
            pattern=UN_PATTERN,
            outlet=UN_OUTLET,
            settings=FolderSettings(n_jobs=2),
            stats=stats,
        )
    )
    return items, stats


@pytest.mark.slow
def test_un_corpus_counts(un_results: tuple[list[LoadResult], LoadStats]) -> None:
    items, stats = un_results
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(articles) == 10_952
    assert len(rejects) == 1
    (stray,) = rejects
    assert stray.source_path.endswith("Session 47 - 1992/.DS_Store-to-UTF-8.txt")
    assert stray.reason == f"path does not match the pattern {UN_PATTERN!r}"
    # README.txt, Speakers_by_session.xlsx and four R history files are not speeches
    assert stats.ignored == 6
    assert stats.n_in == len(items) == stats.kept + stats.rejected
    assert stats.null_dates == 10_952  # only the year is known: never a guessed day
    # 1946..2024, one session a year; the paths are in sorted order
    years = Counter(a.meta["year"] for a in articles)
    assert min(years) == 1946 and max(years) == 2024 and len(years) == 79
    assert all(a.meta["session"] == a.meta["year"] - 1945 for a in articles)
    paths = [i.source_path for i in items]
    assert paths == sorted(paths)
    assert len({a.doc_id for a in articles}) == len(articles)


@pytest.mark.slow
def test_un_corpus_records(un_results: tuple[list[LoadResult], LoadStats]) -> None:
    items, _ = un_results
    by_name = {Path(i.source_path).name: i for i in items if isinstance(i, Article)}
    usa = by_name["USA_47_1992.txt"]
    assert usa.meta == {"country": "USA", "session": 47, "year": 1992}
    assert usa.outlet == UN_OUTLET and usa.loader == "folder"
    assert usa.published is None and usa.title is None and usa.url is None
    assert usa.text.startswith("Forty-seven years ago I was a young man of 21, and, like thousands")
    assert "\n\nBut the hopes and dreams of 1945" in usa.text
    arg = by_name["ARG_01_1946.txt"]
    assert arg.meta == {"country": "ARG", "session": 1, "year": 1946}
    # hyphenation fitted on the whole folder: a split word joined, a compound kept
    assert "a sense of international justice" in by_name["NGA_24_1969.txt"].text
    assert "the Euro-Atlantic community of nations" in by_name["BGR_52_1997.txt"].text
    # every text is normalized: no carriage returns, no curly quotes, no triple line breaks
    sample = [by_name[n].text for n in ("FRA_65_2010.txt", "UKR_70_2015.txt", "AGO_79_2024.txt")]
    for text in sample:
        assert "\r" not in text and "\u2019" not in text and "\n\n\n" not in text


# --- patterns -----------------------------------------------------------------------------------


def test_pattern_fields_and_agreement() -> None:
    pattern = FolderPattern(UN_PATTERN)
    assert pattern.match("TXT/Session 47 - 1992/USA_47_1992.txt") == {
        "session": 47,
        "year": 1992,
        "country": "USA",
    }
    reason = pattern.match("TXT/Session 47 - 1992/USA_48_1992.txt")
    assert reason == "fields disagree: session is 47 in one place and 48 in another"
    assert pattern.match("TXT/Session 47 - 1992/USA_47_1993.txt") == (
        "fields disagree: year is 1992 in one place and 1993 in another"
    )
    assert "does not match" in str(pattern.match("TXT/Session 47 - 1992/.DS_Store-to-UTF-8.txt"))
    assert pattern.is_candidate("TXT/Session 47 - 1992/.DS_Store-to-UTF-8.txt")
    assert not pattern.is_candidate("TXT/Session 47 - 1992/.Rhistory")
    assert not pattern.is_candidate("README.txt")
    assert not pattern.is_candidate("Speakers_by_session.xlsx")
    assert pattern.could_contain("") and pattern.could_contain("TXT")
    assert pattern.could_contain("TXT/Session 01 - 1946")
    assert not pattern.could_contain("Other")


def test_pattern_types() -> None:
    typed = FolderPattern("{outlet}/{date}_{id:str}_{n:int}_{_skip}.txt")
    assert typed.match("bbc/2022-02-24_007_12_x.txt") == {
        "outlet": "bbc",
        "date": "2022-02-24",
        "id": "007",
        "n": 12,
    }
    assert "does not match" in str(typed.match("bbc/2022-02-24_007_twelve_x.txt"))
    with pytest.raises(ValueError, match="no \\{field\\}"):
        FolderPattern("plain/path.txt")


# --- a generated folder with every kind of bad file ---------------------------------------------


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    root = tmp_path / "speeches"
    write(root / "2022" / "RUS_2022-02-24_Address.txt", "Citizens of Russia.\n\nToday I decided.")
    write(root / "2022" / "UKR_2022-02-24_Appeal.txt", "Ukraine \u201cstands\u201d.\r\n")
    write(root / "2022" / "USA_2022-13-45_Speech.txt", "Bad date in the name.")
    write(
        root / "2022" / "cp1251_2022-03-01_Doc.txt",
        "Президент заявил, что переговоры продолжатся.".encode("cp1251"),
    )
    write(root / "2022" / "utf16_2022-03-02_Doc.txt", "Text in UTF-16 with a BOM.".encode("utf-16"))
    write(root / "2022" / "EMPTY_2022-03-03_Doc.txt", b"")
    write(root / "2022" / "BIN_2022-03-04_Doc.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    write(root / "2022" / "BLANK_2022-03-05_Doc.txt", "   \n\n  ")
    write(root / "2022" / "notes.txt", "no fields in this name")
    write(root / "2022" / "OLD_1066-10-14_Hastings.txt", "An absurd date in the name.")
    write(root / "2023" / "GBR_2022-01-01_Wrong.txt", "year folder and date disagree")
    write(root / "2022" / "README.md", "not a candidate")
    write(root / "top.txt", "not at the right depth")
    return root


PATTERN = "{year}/{country}_{date}_{title}.txt"


def test_messy_folder(messy: Path) -> None:
    stats = LoadStats()
    items = list(
        load_folder(
            messy, pattern=PATTERN, outlet="Test", stats=stats, settings=FolderSettings(n_jobs=1)
        )
    )
    names = {Path(i.source_path).name: i for i in items}
    assert stats.n_in == len(items) == 11 == stats.kept + stats.rejected
    assert stats.ignored == 2  # README.md and top.txt
    reasons = {n: i.reason for n, i in names.items() if isinstance(i, Reject)}
    assert reasons == {
        "EMPTY_2022-03-03_Doc.txt": "empty file",
        "BIN_2022-03-04_Doc.txt": "binary file (PNG image)",
        "BLANK_2022-03-05_Doc.txt": "empty file (only white space)",
        "notes.txt": f"path does not match the pattern {PATTERN!r}",
        "OLD_1066-10-14_Hastings.txt": "implausible date (year 1066 outside 1800..2100)",
    }
    # different fields (year of the folder, date of the name) are not compared
    assert names["GBR_2022-01-01_Wrong.txt"].meta["year"] == 2023
    rus = names["RUS_2022-02-24_Address.txt"]
    assert isinstance(rus, Article)
    assert rus.text == "Citizens of Russia.\n\nToday I decided."
    assert rus.title == "Address" and rus.outlet == "Test"
    assert rus.published is not None and rus.published.isoformat() == "2022-02-24T00:00:00+00:00"
    assert rus.meta == {"year": 2022, "country": "RUS", "date": "2022-02-24"}
    assert names["UKR_2022-02-24_Appeal.txt"].text == 'Ukraine "stands".'
    bad_date = names["USA_2022-13-45_Speech.txt"]
    assert isinstance(bad_date, Article) and bad_date.published is None
    assert bad_date.meta["date"] == "2022-13-45"
    assert (
        names["cp1251_2022-03-01_Doc.txt"].text == "Президент заявил, что переговоры продолжатся."
    )
    assert names["utf16_2022-03-02_Doc.txt"].text == "Text in UTF-16 with a BOM."


def test_folder_year_field_must_agree(tmp_path: Path) -> None:
    write(tmp_path / "1992" / "USA_1992.txt", "Good.")
    write(tmp_path / "1992" / "USA_1993.txt", "Misfiled.")
    items = list(
        load_folder(
            tmp_path, pattern="{year}/{country}_{year}.txt", settings=FolderSettings(n_jobs=1)
        )
    )
    assert [type(i).__name__ for i in items] == ["Article", "Reject"]
    assert items[1].reason == "fields disagree: year is 1992 in one place and 1993 in another"
    assert items[0].published is None and items[0].meta == {"year": 1992, "country": "USA"}


@pytest.mark.parametrize("start_method", [None, "forkserver"])
def test_parallel_equals_serial(tmp_path: Path, start_method: str | None) -> None:
    for year in (2020, 2021):
        for index in range(25):
            body = f"Speech {index} of {year}: inter-\nnational order.\n\nSecond paragraph."
            write(tmp_path / str(year) / f"C{index:02d}_{year}.txt", body)
    write(tmp_path / "2021" / "VOC_2021.txt", "The international system, international law.")
    write(tmp_path / "2021" / "notes.txt", "not a speech")
    pattern = "{year}/{country}_{year}.txt"
    serial = list(
        load_folder(tmp_path, pattern=pattern, settings=FolderSettings(n_jobs=1, chunk_size=4))
    )
    settings = FolderSettings(n_jobs=2, chunk_size=4, start_method=start_method)
    parallel = list(load_folder(tmp_path, pattern=pattern, settings=settings))
    assert serial == parallel
    assert len(serial) == 52 and isinstance(serial[-1], Reject)
    first = serial[0]
    assert isinstance(first, Article)
    assert first.text == "Speech 0 of 2020: international order.\n\nSecond paragraph."


def test_missing_folder_and_size_limit(tmp_path: Path) -> None:
    (missing,) = list(load_folder(tmp_path / "nope", pattern="{x}.txt"))
    assert isinstance(missing, Reject) and missing.reason == "not a folder"
    write(tmp_path / "big.txt", "x" * 5000)
    (big,) = list(
        load_folder(tmp_path, pattern="{name}.txt", settings=FolderSettings(max_bytes=1000))
    )
    assert isinstance(big, Reject) and big.reason == "file too large (5,000 bytes > limit 1,000)"


def test_all_digit_date_field_is_parsed(tmp_path: Path) -> None:
    write(tmp_path / "RUS_20220624.txt", "Compact date in the name.")
    write(tmp_path / "UKR_1656091800.txt", "Unix seconds in the name.")
    write(tmp_path / "USA_20221340.txt", "Eight digits that are no date.")
    write(tmp_path / "ZZZ_29991231.txt", "A date outside the plausible years.")
    items = list(
        load_folder(tmp_path, pattern="{country}_{date}.txt", settings=FolderSettings(n_jobs=1))
    )
    by_country = {i.meta["country"]: i for i in items if isinstance(i, Article)}
    assert by_country["RUS"].published == datetime(2022, 6, 24, tzinfo=UTC)
    assert by_country["RUS"].meta["date"] == 20220624
    assert by_country["UKR"].published == datetime(2022, 6, 24, 17, 30, tzinfo=UTC)
    assert by_country["USA"].published is None
    (reject,) = [i for i in items if isinstance(i, Reject)]
    assert reject.source_path.endswith("ZZZ_29991231.txt")
    assert reject.reason == "implausible date (year 2999 outside 1800..2100)"
