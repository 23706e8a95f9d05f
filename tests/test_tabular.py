"""Tabular exports: the real CSV/JSON/Excel corpora, column mappings, and a generated bad-input set."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from secnews.corpus.clean.normalize import normalize_inline, paragraphs
from secnews.corpus.loaders.tabular import (
    EXCEL_CELL_LIMIT,
    ColumnMapping,
    LoadStats,
    TableSettings,
    load_table,
    parse_mapping,
)
from secnews.corpus.record import Article, LoadResult, Reject

KREMLIN_MAP = "title=headline,text=body,published=date,url=link,meta=location,summary"


def load(path: Path, **kwargs: Any) -> tuple[list[LoadResult], LoadStats]:
    stats = LoadStats()
    items = list(load_table(path, stats=stats, **kwargs))
    assert stats.n_in == len(items) == stats.kept + stats.rejected
    return items, stats


def articles(items: list[LoadResult]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


# --- real corpora -------------------------------------------------------------------------------


def test_kremlin_csv(corpora_dir: Path) -> None:
    path = corpora_dir / "kremlin-ukraine-press-2021-2022" / "kremlin_putin.csv"
    items, stats = load(path, mapping=parse_mapping(KREMLIN_MAP), outlet="kremlin.ru")
    docs = articles(items)
    assert len(docs) == 816 and stats.rejected == 0
    assert stats.null_dates == 0  # every row has an ISO 8601 UTC date
    first = docs[0]
    assert first.title == "BRICS+ meeting"
    assert first.url == "http://en.kremlin.ru/events/president/news/68700"
    assert first.published == datetime(2022, 6, 24, 17, 30, tzinfo=UTC)
    assert first.meta["location"] == "Moscow Region"
    assert first.meta["summary"].startswith("Vladimir Putin attended a BRICS+ meeting")
    assert first.outlet == "kremlin.ru" and first.loader == "table"
    assert first.text.startswith("The meeting's topic is Foster Partnership")
    # location is empty in 523 rows, summary in 80: empty cells are not copied
    assert sum("location" in d.meta for d in docs) == 816 - 523
    assert sum("summary" in d.meta for d in docs) == 816 - 80
    assert all(set(d.meta) <= {"location", "summary"} for d in docs)
    dates = [d.published for d in docs if d.published is not None]
    assert min(dates) == datetime(2021, 10, 24, 11, 0, tzinfo=UTC)  # README: 2021-10-24 ..
    assert max(dates) == datetime(2022, 6, 24, 17, 30, tzinfo=UTC)


def test_zelenskyy_csv_guessed_mapping(corpora_dir: Path) -> None:
    path = corpora_dir / "kremlin-ukraine-press-2021-2022" / "president_ua_zelenskyy.csv"
    items, stats = load(path, outlet="president.gov.ua")
    docs = articles(items)
    assert len(docs) == 980 and stats.null_dates == 0
    dates = [d.published for d in docs if d.published is not None]
    assert min(dates) == datetime(2021, 10, 25, 16, 7, tzinfo=UTC)
    assert max(dates) == datetime(2022, 6, 24, 23, 23, tzinfo=UTC)
    assert sum(d.title is None for d in docs) == 1  # one row has no headline
    assert all(d.url and d.url.startswith("https://www.president.gov.ua/") for d in docs)
    assert all(d.meta == {} for d in docs)  # no column left over
    # the 13 bodies with line breaks: every paragraph non-empty, separated by one blank line
    multi = [d for d in docs if "\n" in d.text]
    assert multi and all("\n\n\n" not in d.text and "\r" not in d.text for d in multi)
    assert all(all(p.strip() for p in d.text.split("\n\n")) for d in multi)


def test_usgov_xlsx(corpora_dir: Path) -> None:
    items, stats = load(corpora_dir / "usgov-ukraine-2022" / "Government_Data.xlsx")
    docs = articles(items)
    assert len(docs) == 291 and stats.rejected == 0
    assert stats.null_dates == 0  # "September 30, 2022" and "Aug. 9, 2022" forms all parse
    assert stats.truncated == 4
    truncated = [d for d in docs if d.meta.get("truncated")]
    assert len(truncated) == 4
    assert Counter(d.outlet for d in docs) == {
        "whitehouse": 119,
        "department_of_treasury": 67,
        "department_of_defense": 65,
        "department_of_state": 40,
    }
    assert sum("keyword" in d.meta for d in docs) == 291 - 40
    dates = sorted(d.published for d in docs if d.published is not None)
    assert len(dates) == 291  # README says 2022; the file runs into 2023
    assert dates[0] == datetime(2022, 2, 24, tzinfo=UTC)
    assert dates[-1] == datetime(2023, 4, 18, tzinfo=UTC)
    assert docs[0].published == datetime(2022, 9, 30, tzinfo=UTC)
    # "\n\n\n\n" between paragraphs in the cells: one blank line in the record
    fifth = docs[5].text
    assert "\n\n\n" not in fifth and len(paragraphs(fifth)) == 5
    assert paragraphs(fifth)[-1] == "###"
    # Excel's "_x000D_" escapes of carriage returns are decoded, not left in the text (26 stories)
    assert not any("_x000D_" in d.text or "\r" in d.text for d in docs)
    himars = next(d for d in docs if "Rocket Systems (HIMARS);\n" in d.text)
    assert "HIMARS);_x" not in himars.text


def test_tass_json_paragraphs_and_csv(corpora_dir: Path) -> None:
    folder = corpora_dir / "tass-politics-2024"
    raw = json.loads((folder / "politics_20.json").read_text(encoding="utf-8"))
    items, _ = load(folder / "politics_20.json", outlet="TASS")
    docs = articles(items)
    assert len(docs) == 20
    for doc, record in zip(docs, raw, strict=True):
        assert doc.lede == normalize_inline(record["description"])
        # content[0] repeats the description: it is the lede, not a text paragraph
        assert record["content"][0] == record["description"]
        assert paragraphs(doc.text) == [normalize_inline(p) for p in record["content"][1:]]
        assert doc.url == record["link"] and doc.published is not None
    assert docs[0].text.startswith("IGORA /Leningrad Region/, December 26. /TASS/. Russia could")
    assert docs[0].published == datetime(2024, 12, 26, 21, 9, 18, tzinfo=UTC)
    csv_items, _ = load(folder / "politics_20.csv", outlet="TASS")
    csv_docs = articles(csv_items)
    assert len(csv_docs) == 20
    for from_json, from_csv in zip(docs, csv_docs, strict=True):
        # the CSV joins the paragraphs with spaces: same words, one paragraph
        assert normalize_inline(from_json.text) == from_csv.text
        assert from_json.doc_id == from_csv.doc_id and from_json.lede == from_csv.lede
    assert csv_docs[0].meta["top_word_1"] == "russia"


# --- column mappings ----------------------------------------------------------------------------


def test_parse_mapping() -> None:
    mapping = parse_mapping(" title=headline, text=body,date=when ,meta=location,summary")
    assert mapping == ColumnMapping(
        title="headline", text="body", published="when", meta=("location", "summary")
    )
    assert parse_mapping("text=body,meta=*").meta_all
    assert parse_mapping("meta=a,b,text=c") == ColumnMapping(text="c", meta=("a", "b"))
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        parse_mapping("colour=red")
    with pytest.raises(ValueError, match="mapped twice"):
        parse_mapping("text=a,body=b")
    with pytest.raises(ValueError, match="is not field=column"):
        parse_mapping("text=a,stray")


def test_mapping_errors_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("headline,content\nA title,A body\n", encoding="utf-8")
    (reject,) = load(path, mapping=parse_mapping("text=body"))[0]
    assert isinstance(reject, Reject) and reject.row is None
    assert reject.reason == "mapped column(s) 'body' not in the file (columns: headline, content)"
    nocol = tmp_path / "n.csv"
    nocol.write_text("a,b\n1,2\n", encoding="utf-8")
    (reject,) = load(nocol)[0]
    assert isinstance(reject, Reject) and reject.reason.startswith("no text column found")
    # explicit mapping: only the columns asked for go to meta
    (doc,) = load(path, mapping=parse_mapping("text=content"))[0]
    assert isinstance(doc, Article) and doc.meta == {} and doc.title is None


# --- a generated bad-input set ------------------------------------------------------------------

HEADER = "link,headline,date,body\n"


def bad_csv(tmp_path: Path) -> Path:
    long_body = "x" * EXCEL_CELL_LIMIT
    rows = [
        "https://e.org/1,Good one,2022-02-24,First good body.",  # row 1
        "https://e.org/2,Too,many,fields,here",  # 2: wrong field count
        '"https://e.org/3","Broken "quote" here",2022-02-24,body',  # 3: broken quoting
        "https://e.org/4,Good two,02/28/2022,Second good body.",  # 4
        ",,,",  # 5: empty row
        "https://e.org/6,No text,2022-03-01,",  # 6: no text
        "https://e.org/7,Norman,1066-10-14,Hastings.",  # 7: absurd date
        "https://e.org/8,Future,2999-01-01,Far future.",  # 8: absurd date
        "https://e.org/9,Unknown date,sometime soon,Kept with a null date.",  # 9
        "https://e.org/10,Year only,2022,Kept: only the year is known.",  # 10
        f"https://e.org/11,Truncated,2022-03-02,{long_body}",  # 11: at Excel's limit
        '"https://e.org/12","Multi line",2022-03-03,"Para one.\nPara two."',  # 12
        '"https://e.org/13","Unclosed,2022-03-04,never closed',  # 13: unclosed quote
        "https://e.org/14,Good after,2022-03-05,Survives the unclosed quote.",  # 14
        "",  # a blank line is not a row
        "https://e.org/15,Last,28.02.2022,Last good body.",  # 15
    ]
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_bad_rows_rejected_good_rows_kept(tmp_path: Path) -> None:
    items, stats = load(bad_csv(tmp_path), outlet="e.org")
    rejects = {r.row: r.reason for r in items if isinstance(r, Reject)}
    assert rejects == {
        2: "malformed CSV row (line 3): 5 fields, expected 4",
        3: "malformed CSV row (line 4): ',' expected after '\"'",
        5: "empty row (every cell is empty)",
        6: "no text (column 'body' is empty)",
        7: "implausible date '1066-10-14' (year 1066 outside 1800..2100)",
        8: "implausible date '2999-01-01' (year 2999 outside 1800..2100)",
        13: "malformed CSV row (line 15): unexpected end of data",  # row 12 has two lines
    }
    docs = {d.url: d for d in articles(items)}
    assert sorted(docs, key=lambda u: int(u.rsplit("/", 1)[1])) == [
        f"https://e.org/{n}" for n in (1, 4, 9, 10, 11, 12, 14, 15)
    ]
    assert docs["https://e.org/4"].published == datetime(2022, 2, 28, tzinfo=UTC)
    assert docs["https://e.org/15"].published == datetime(2022, 2, 28, tzinfo=UTC)
    assert docs["https://e.org/9"].published is None
    assert docs["https://e.org/9"].meta["date_raw"] == "sometime soon"
    assert docs["https://e.org/10"].published is None
    assert docs["https://e.org/10"].meta["date_raw"] == "2022"
    assert docs["https://e.org/11"].meta["truncated"] is True
    assert docs["https://e.org/12"].text == "Para one.\n\nPara two."
    assert docs["https://e.org/14"].text == "Survives the unclosed quote."
    assert stats.kept == 8 and stats.rejected == 7 and stats.n_in == 15
    assert stats.null_dates == 2 and stats.unparsed_dates == 2 and stats.truncated == 1


def test_row_numbers_follow_the_data_rows(tmp_path: Path) -> None:
    items, _ = load(bad_csv(tmp_path))
    assert [i.row if isinstance(i, Reject) else None for i in items][:3] == [None, 2, 3]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1251", "utf-8-sig"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    body = "Президент России заявил, что переговоры с Украиной продолжатся в ближайшие дни."
    text = (
        HEADER
        + f'https://e.org/1,Заголовок,2022-02-24,"{body}"\n'
        + f'https://e.org/2,Второй,2022-02-25,"{body} Ещё."\n'
    )
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    items, stats = load(path)
    assert stats.kept == 2 and stats.rejected == 0
    first = items[0]
    assert isinstance(first, Article) and first.text == body and first.title == "Заголовок"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.csv", b"", "empty file"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG image)"),
        ("nul.csv", b"a,b\x00\x01\x02\x03,c\x00\x00\x00\x00\x00\x00", "binary file (NUL bytes)"),
        ("header.csv", HEADER.encode(), "no data rows"),
        ("broken.xlsx", b"not a zip file at all", "unreadable Excel file"),
        ("broken.json", b'[{"text": "a"', "malformed JSON"),
        ("scalar.json", b"42", "JSON top level is a int, not a list of records"),
        ("broken.parquet", b"PAR1 but not really", "unreadable Parquet file"),
        ("notes.docx", b"whatever", "not a table file (extension '.docx')"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (reject,) = load(path)[0]
    assert isinstance(reject, Reject) and reject.row is None
    assert reject.reason.startswith(reason)


def test_cell_over_the_limit_rejects_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(
        HEADER
        + "https://e.org/1,Before,2022-01-01,Kept before.\n"
        + "https://e.org/2,Huge,2022-01-01,"
        + "y" * 5000
        + "\n"
        + "https://e.org/3,After,2022-01-01,Kept after.\n",
        encoding="utf-8",
    )
    items, _ = load(path, settings=TableSettings(max_cell_chars=1000))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert isinstance(items[1], Reject)
    assert items[1].reason.startswith("malformed CSV row (line 3): cell larger than the limit")


def test_tsv_jsonl_parquet(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("title\ttext\tdate\nT1\tBody, with a comma.\t2022-01-02\n", encoding="utf-8")
    (doc,) = load(tsv)[0]
    assert isinstance(doc, Article) and doc.text == "Body, with a comma." and doc.title == "T1"
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        '{"title": "A", "text": "Body A.", "published": "2022-01-01"}\n'
        "{broken\n"
        "\n"
        '["not", "an", "object"]\n'
        '{"title": "B", "text": "Body B.", "extra": {"k": 1}}\n',
        encoding="utf-8",
    )
    items, stats = load(jsonl)
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Reject", "Article"]
    assert isinstance(items[1], Reject) and items[1].reason.startswith(
        "malformed JSON line (line 2)"
    )
    assert isinstance(items[2], Reject) and items[2].reason == "line 4 is not a JSON object"
    assert isinstance(items[3], Article) and items[3].meta == {"extra": {"k": 1}}
    assert stats.null_dates == 1
    table = pa.table(
        {
            "headline": ["P1", "P2", "P3"],
            "body": ["Parquet body one.", None, "Parquet body three."],
            "when": [datetime(2022, 5, 1, 12), datetime(2022, 5, 2), None],
        }
    )
    parquet = tmp_path / "a.parquet"
    pq.write_table(table, parquet)
    items, stats = load(parquet, mapping=parse_mapping("title=headline,text=body,published=when"))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert isinstance(items[0], Article)
    assert items[0].published == datetime(2022, 5, 1, 12, tzinfo=UTC)
    assert stats.null_dates == 1


def test_xlsx_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["title", "article", "date", "source"])
    sheet.append(["Serial date", "Body one.", 44620, "whitehouse"])
    sheet.append(["Datetime cell", "Body two.", datetime(2022, 3, 1, 9, 30), "state"])
    sheet.append([None, None, None, None])  # an empty row between data rows
    sheet.append(["Cut", "z" * EXCEL_CELL_LIMIT, "March 2, 2022", "defense"])
    sheet.append(["Absurd", "Body.", datetime(1066, 10, 14), "treasury"])
    for _ in range(5):  # formatted but empty rows at the end are not rows
        sheet.append([None, None, None, None])
    path = tmp_path / "a.xlsx"
    book.save(path)
    items, stats = load(path)
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "Article", "Reject", "Article", "Reject"]
    assert isinstance(items[0], Article) and items[0].published == datetime(2022, 2, 28, tzinfo=UTC)
    assert items[0].outlet == "whitehouse"
    assert isinstance(items[1], Article)
    assert items[1].published == datetime(2022, 3, 1, 9, 30, tzinfo=UTC)
    assert isinstance(items[2], Reject) and items[2].reason == "empty row (every cell is empty)"
    assert isinstance(items[3], Article) and items[3].meta == {"truncated": True}
    assert isinstance(items[4], Reject) and items[4].reason.startswith("implausible date")
    assert stats.truncated == 1 and stats.n_in == 5


def test_paragraph_rules(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    records = [
        {"text": "Line one\nline two"},  # no blank line: one paragraph per line
        {"text": "Para one\nwrapped.\n\nPara two."},  # blank lines: single breaks are spaces
        {"text": ["First.", "", "Second\nparagraph."]},  # a list: one paragraph per item
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    items, _ = load(path)
    assert [i.text for i in articles(items)] == [
        "Line one\n\nline two",
        "Para one wrapped.\n\nPara two.",
        "First.\n\nSecond paragraph.",
    ]
    items, _ = load(path, settings=TableSettings(paragraphs="blank"))
    assert articles(items)[0].text == "Line one line two"


# --- review fixes: bad values never take a file down --------------------------------------------


def test_out_of_range_date_and_a_failing_row_are_one_row_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "title,text,date\n"
        "a,first text,2022-06-24\n"
        "b,second text,9999-12-31T23:59:59-05:00\n"
        "c,third text,0001-01-01T00:00:00+01:00\n"
        "d,fourth text,BOOM\n"
        "e,fifth text,2022-06-25\n",
        encoding="utf-8",
    )
    items, stats = load(path)
    # a year outside 1800..2100 is implausible even where no datetime can hold the time
    # (issue 17: they were stored as null dates before)
    assert stats.kept == 3 and stats.rejected == 2
    bad = [i for i in items if isinstance(i, Reject)]
    assert [(r.row, r.reason) for r in bad] == [
        (2, "implausible date '9999-12-31T23:59:59-05:00' (year 9999 outside 1800..2100)"),
        (3, "implausible date '0001-01-01T00:00:00+01:00' (year 1 outside 1800..2100)"),
    ]
    kept = articles(items)
    assert kept[1].published is None and kept[1].meta["date_raw"] == "BOOM"
    assert kept[2].published == datetime(2022, 6, 25, tzinfo=UTC)

    import secnews.corpus.loaders.tabular as tabular

    real = tabular.parse_date

    def exploding(value: Any, **kwargs: Any) -> Any:
        if value == "BOOM":
            raise RuntimeError("synthetic failure")
        return real(value, **kwargs)

    monkeypatch.setattr(tabular, "parse_date", exploding)
    items, stats = load(path)
    assert (stats.kept, stats.rejected) == (2, 3)
    bad = [i for i in items if isinstance(i, Reject)]
    assert (
        bad[2].row == 4
        and bad[2].reason == "row could not be read: RuntimeError: synthetic failure"
    )
    assert [a.title for a in articles(items)] == ["a", "e"]


def test_json_columns_are_the_union_of_all_records(tmp_path: Path) -> None:
    records = [
        {"title": "one", "text": "first text"},
        {"title": "two", "text": "second text", "date": "2022-06-24"},
        {"text": "third text", "extra": 1},
    ]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    listed = tmp_path / "a.json"
    listed.write_text(json.dumps(records), encoding="utf-8")
    for path in (jsonl, listed):
        for mapping in (None, parse_mapping("text=text,title=title,published=date,meta=extra")):
            items, stats = load(path, mapping=mapping)
            assert stats.kept == 3, (path, mapping, items)
            kept = articles(items)
            assert [a.published for a in kept] == [None, datetime(2022, 6, 24, tzinfo=UTC), None]
            assert [a.title for a in kept] == ["one", "two", None]
            assert kept[2].meta == {"extra": 1}
            assert stats.unparsed_dates == 0  # a missing key is no unparsed date
    # a mapped column that no record has is still a file-level reason
    items, _ = load(jsonl, mapping=parse_mapping("text=text,published=when"))
    assert len(items) == 1 and items[0].row is None
    assert "mapped column(s) 'when' not in the file" in items[0].reason


def test_non_string_text_cells_are_rejected(tmp_path: Path) -> None:
    records = [
        {"title": "dict", "text": {"a": 1}},
        {"title": "list of dicts", "text": [{"a": 1}]},
        {"title": "number", "text": 5},
        {"title": "bool", "text": True},
        {"title": 1984, "text": ["para one", "para two"], "author": {"name": "X"}},
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    items, _ = load(path)
    assert [(i.row, i.reason) for i in items if isinstance(i, Reject)] == [
        (1, "text is not a string (dict)"),
        (2, "text is not a string (list of dict)"),
        (3, "text is not a string (int)"),
        (4, "text is not a string (bool)"),
    ]
    (kept,) = articles(items)
    assert kept.text == "para one\n\npara two"
    assert kept.title == "1984"  # a number in a record field other than text is written as text
    assert kept.author is None and kept.meta["author"] == {"name": "X"}


def test_date_only_values_are_not_shifted_by_the_timezone(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("text,date\nfirst,24.02.2022\nsecond,24.02.2022 01:00\n", encoding="utf-8")
    items, _ = load(path, settings=TableSettings(timezone="Europe/Moscow"))
    assert [a.published for a in articles(items)] == [
        datetime(2022, 2, 24, tzinfo=UTC),
        datetime(2022, 2, 23, 22, tzinfo=UTC),
    ]


def test_invalid_timezone_setting_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        TableSettings(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="unknown time zone ''"):
        TableSettings(timezone="")


def test_truncated_xlsx_keeps_the_rows_before(tmp_path: Path) -> None:
    import zipfile

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["title", "text"])
    for i in range(200):
        sheet.append([f"t{i}", f"text number {i}"])
    full = tmp_path / "full.xlsx"
    book.save(full)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(full) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            out.writestr(info, data)
    items, stats = load(broken)
    assert 0 < stats.kept < 200 and stats.rejected == 1
    last = items[-1]
    assert isinstance(last, Reject) and last.row is None
    assert last.reason.startswith(f"unreadable xlsx after row {stats.kept}: ParseError")
    assert [a.title for a in articles(items)] == [f"t{i}" for i in range(stats.kept)]


def test_wrong_format_setting_is_a_file_reject(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("title,text\na,b\n", encoding="utf-8")
    items, _ = load(path, settings=TableSettings(format="xlsx"))
    assert len(items) == 1 and isinstance(items[0], Reject) and items[0].row is None
    assert items[0].reason.startswith("unreadable Excel file: InvalidFileException")


def test_corrupt_parquet_row_group_rejects_only_its_rows(tmp_path: Path) -> None:
    table = pa.table(
        {"title": [f"t{i}" for i in range(300)], "text": [f"text {i} " * 20 for i in range(300)]}
    )
    good = tmp_path / "good.parquet"
    pq.write_table(table, good, row_group_size=100, compression="none")
    column = pq.ParquetFile(good).metadata.row_group(1).column(1)
    start = column.dictionary_page_offset or column.data_page_offset
    raw = bytearray(good.read_bytes())
    raw[start + 5 : start + column.total_compressed_size // 2] = b"\xff" * (
        column.total_compressed_size // 2 - 5
    )
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(bytes(raw))
    items, stats = load(bad)
    assert (stats.n_in, stats.kept, stats.rejected) == (300, 200, 100)
    assert [a.title for a in articles(items)] == [f"t{i}" for i in (*range(100), *range(200, 300))]
    (reason,) = stats.reasons
    assert reason.startswith("unreadable Parquet row group 1 (100 rows): ")
    assert all(isinstance(items[i], Reject) and items[i].row == i + 1 for i in range(100, 200))
