"""The XML/SGML record loader: Reuters-21578 in its original SGML, and hostile XML."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from secnews.corpus.loaders.records import RecordSettings, load_records, parse_dateline_field
from secnews.corpus.loaders.sources import Source, iter_source
from secnews.corpus.loaders.tabular import LoadStats
from secnews.corpus.record import Article, Reject
from secnews.corpus.registry import dataset_sources, get_dataset

REUTERS_MAP = (
    "title=TITLE,text=BODY,published=DATE,dateline_place=DATELINE,"
    "meta=TOPICS,PLACES,PEOPLE,ORGS,EXCHANGES"
)
_RECORD = re.compile(r"<REUTERS [^>]*LEWISSPLIT=\"([A-Z-]+)\"[^>]*>(.*?)</REUTERS>", re.DOTALL)


@pytest.fixture(scope="module")
def reuters_dir(corpora_dir: Path) -> Path:
    return corpora_dir / "reuters-21578-1987"


@pytest.fixture(scope="module")
def reuters(reuters_dir: Path) -> tuple[list[Article], list[Reject], LoadStats]:
    """Every story of the 22 files, through the loader (about 10 s)."""
    stats = LoadStats()
    kept: list[Article] = []
    rejected: list[Reject] = []
    for path in sorted(reuters_dir.glob("reut2-*.sgm")):
        for item in load_records(
            path, mapping=REUTERS_MAP, record="REUTERS", outlet="Reuters", stats=stats
        ):
            if isinstance(item, Article):
                item.text = item.text[:400]  # keep the fixture small
                kept.append(item)
            else:
                rejected.append(item)
    return kept, rejected, stats


def _raw_records(folder: Path) -> list[tuple[str, bool]]:
    """(LEWISSPLIT, has a BODY) of every record, read with a regular expression (the reference)."""
    out = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        text = path.read_bytes().decode("latin-1")
        out.extend((m.group(1), "<BODY>" in m.group(2)) for m in _RECORD.finditer(text))
    return out


def test_every_reuters_story_is_accounted_for(
    reuters: tuple[list[Article], list[Reject], LoadStats], reuters_dir: Path
) -> None:
    kept, rejected, stats = reuters
    raw = _raw_records(reuters_dir)
    assert len(raw) == stats.n_in == 21_578
    assert stats.kept == len(kept) == sum(body for _, body in raw) == 19_043
    assert stats.rejected == len(rejected) == 21_578 - 19_043
    assert {r.reason for r in rejected} == {"no text (field 'BODY' is missing)"}
    assert all(r.row is not None for r in rejected)
    # the README's Modified Lewis split counts the records with TOPICS="BYPASS" as unused
    assert Counter(split for split, _ in raw) == {"TRAIN": 14_668, "TEST": 6_188, "NOT-USED": 722}
    by_split = Counter(a.meta["attributes"]["LEWISSPLIT"] for a in kept)
    assert by_split == Counter(split for split, body in raw if body)
    modapte = Counter(
        a.meta["attributes"]["LEWISSPLIT"] for a in kept if a.meta["attributes"]["TOPICS"] == "YES"
    )
    assert modapte["TRAIN"] <= 9_603 and modapte["TEST"] <= 3_299
    # the corpora README: 8,654 stories carry exactly one topic and a body
    assert sum(1 for a in kept if len(a.meta["TOPICS"]) == 1) == 8_654


def test_hand_checked_reuters_story(
    reuters: tuple[list[Article], list[Reject], LoadStats],
) -> None:
    kept, _, _ = reuters
    first = next(a for a in kept if a.meta["attributes"]["NEWID"] == "1")
    assert first.title == "BAHIA COCOA REVIEW"
    assert first.published == datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)
    assert first.dateline_place == "SALVADOR"
    assert first.meta["dateline"] == "SALVADOR, Feb 26 -"
    assert first.meta["TOPICS"] == ["cocoa"]
    assert first.meta["PLACES"] == ["el-salvador", "usa", "uruguay"]
    assert first.meta["PEOPLE"] == [] and first.meta["ORGS"] == []
    assert first.meta["attributes"] == {
        "TOPICS": "YES",
        "LEWISSPLIT": "TRAIN",
        "CGISPLIT": "TRAINING-SET",
        "OLDID": "5544",
        "NEWID": "1",
    }
    assert first.outlet == "Reuters" and first.loader == "xml"
    paragraphs = first.text.split("\n\n")
    assert paragraphs[0].startswith("Showers continued throughout the week in the Bahia cocoa")
    assert paragraphs[0].endswith("Comissaria Smith said in its weekly review.")
    assert paragraphs[1] == "The dry period means the temporao will be late this year."
    assert "\x02" not in first.text and "\x03" not in first.text


def test_reuters_dates_datelines_and_labels(
    reuters: tuple[list[Article], list[Reject], LoadStats],
) -> None:
    kept, _, stats = reuters
    assert all(a.published is not None for a in kept)  # trailing wire notes are dropped
    assert stats.null_dates == 0
    assert sum(1 for a in kept if "date_raw" in a.meta) == 284  # e.g. "... 00:02:59.13 RM"
    first, last = min(a.published for a in kept), max(a.published for a in kept)  # type: ignore[type-var]
    assert first.date().isoformat() == "1987-02-26"
    assert last.date().isoformat() == "1987-10-20"
    places = Counter(a.dateline_place for a in kept)
    assert places.most_common(3) == [("NEW YORK", 2332), ("WASHINGTON", 1918), ("LONDON", 1323)]
    assert all(not a.text.endswith("Reuter") for a in kept if len(a.text) < 400)
    assert sum(1 for a in kept if "acq" in a.meta["TOPICS"]) > 2000
    assert all(isinstance(a.meta["PLACES"], list) for a in kept)


@pytest.mark.parametrize(
    ("value", "place", "date"),
    [
        ("    SALVADOR, Feb 26 - ", "SALVADOR", "Feb 26"),
        ("PORTLAND, Ore., Feb 26 - ", "PORTLAND", "Feb 26"),
        ("RICHMOND, Va. Feb 26 -", "RICHMOND", "Feb 26"),
        ("Scarborough, Ontario, Feb 26 -", "Scarborough", "Feb 26"),
        ('RIO DE JANEIRO, Feb 26 - Brazil\'s "Cruzado" anti-', "RIO DE JANEIRO", "Feb 26"),
        ("", None, None),
    ],
)
def test_dateline_field(value: str, place: str | None, date: str | None) -> None:
    assert parse_dateline_field(value) == (place, date)


def test_reuters_is_in_the_registry(corpora_dir: Path) -> None:
    dataset = get_dataset("reuters-21578")
    assert dataset.folder == "reuters-21578-1987"
    (source,) = dataset_sources("reuters-21578", download=False)
    assert source.format == "xml" and source.record == "REUTERS" and len(source.paths) == 22
    small = Source(
        paths=source.paths[-1:],
        format="xml",
        record="REUTERS",
        mapping=source.mapping,
        outlet="Reuters",
    )
    stats = LoadStats()
    items = list(iter_source(small, loader_settings={}, stats=stats))
    assert stats.n_in == len(items) == 578
    rows = [i.meta["_secnews_row"] if isinstance(i, Article) else i.row for i in items]
    assert rows == list(range(1, 579))  # the record number of every story, kept or not
    first = next(i for i in items if isinstance(i, Article))
    assert first.meta["COMPANIES"] == []


# -- hostile and odd XML ----------------------------------------------------------------------------
def _load(tmp_path: Path, body: str, **kwargs: Any) -> list[Article | Reject]:
    path = tmp_path / "records.xml"
    path.write_text(body, encoding="utf-8")
    return list(load_records(path, mapping="title=title,text=body", record="item", **kwargs))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<items><item><title>t</title><body>&lol9;</body></item></items>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    (item,) = _load(tmp_path, BILLION_LAUGHS)
    assert isinstance(item, Reject) and item.row is None
    assert item.reason.startswith("entity declarations refused")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE items [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE items [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>',
    ],
)
def test_external_entities_are_refused(tmp_path: Path, doctype: str) -> None:
    body = doctype + "<items><item><title>t</title><body>&secret; text</body></item></items>"
    (item,) = _load(tmp_path, body)
    assert isinstance(item, Reject) and "entity declarations refused" in item.reason


def test_external_dtd_is_never_read_and_references_stay_text(tmp_path: Path) -> None:
    body = (
        '<!DOCTYPE items SYSTEM "http://127.0.0.1:9/never.dtd">\n'
        "<items><item><title>Caf&eacute; &amp; co</title>"
        "<body>Line one &#3;&#x1; &unknown; AT&T\n\nTwo\x07</body></item></items>"
    )
    (item,) = _load(tmp_path, body)
    assert isinstance(item, Article)
    assert item.title == "Café & co"
    assert item.text == "Line one &unknown; AT&T\n\nTwo"


def test_field_cap_rejects_the_record_only(tmp_path: Path) -> None:
    body = (
        "<items><item><title>a</title><body>" + "x" * 200 + "</body></item>"
        "<item><title>b</title><body>short</body></item></items>"
    )
    items = _load(tmp_path, body, settings=RecordSettings(max_field_chars=100))
    assert isinstance(items[0], Reject) and items[0].row == 1
    assert items[0].reason == "field 'body' larger than the limit (100 characters)"
    assert isinstance(items[1], Article) and items[1].text == "short"


def test_malformed_file_keeps_the_records_before(tmp_path: Path) -> None:
    body = "<items><item><title>a</title><body>one</body></item><item><body>two</oops></items>"
    items = _load(tmp_path, body)
    assert isinstance(items[0], Article) and items[0].text == "one"
    assert isinstance(items[1], Reject) and items[1].reason.startswith(
        "malformed XML after record 1"
    )


def test_paragraph_children_and_namespaces(tmp_path: Path) -> None:
    body = (
        '<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><item><title>T</title>'
        "<body><p>First para.</p><p>Second\n para.</p></body></item></nitf>"
    )
    (item,) = _load(tmp_path, body)
    assert isinstance(item, Article) and item.text == "First para.\n\nSecond para."


def test_bad_settings_fail_before_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paragraphs"):
        RecordSettings(paragraphs="lines")
    with pytest.raises(ValueError, match="record element"):
        list(load_records(tmp_path / "x.xml", mapping="text=body"))
    with pytest.raises(ValueError, match="text=ELEMENT"):
        list(load_records(tmp_path / "x.xml", mapping="title=t", record="item"))


def test_reuters_builds_with_every_story_accounted_for(tmp_path: Path) -> None:
    import dataclasses

    from secnews.corpus import BuildSettings, build_corpus

    (source,) = dataset_sources("reuters-21578", download=False)
    two_files = dataclasses.replace(source, paths=source.paths[:2])
    summary = build_corpus(
        [two_files], tmp_path / "c", settings=BuildSettings(relevance=False), progress=False
    )
    counts = summary.table(total=True).iloc[0]
    assert counts["in"] == 2000
    assert counts["in"] == counts["kept"] + counts["duplicates"] + counts["rejected"]
    assert counts["rejected"] == 145 and counts["null_dates"] == 0
    rejects = (tmp_path / "c" / "rejects.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert {line.split(",", 2)[2] for line in rejects} == {"no text (field 'BODY' is missing)"}


def test_cli_build_xml(
    tmp_path: Path, reuters_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from secnews.analysis.cli.main import main

    out = tmp_path / "reuters"
    code = main(
        [
            "build",
            str(reuters_dir / "reut2-021.sgm"),
            "--format",
            "xml",
            "--record",
            "REUTERS",
            "--map",
            "title=TITLE,text=BODY,published=DATE,dateline_place=DATELINE,meta=TOPICS,PLACES",
            "--outlet",
            "Reuters",
            "--out",
            str(out),
            "--no-relevance",
            "--no-progress",
        ]
    )
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    total = manifest["counts"][-1]
    assert total["in"] == 578 == total["kept"] + total["duplicates"] + total["rejected"]
    assert manifest["settings"]["xml"]["max_field_chars"] == 10_000_000
    assert "578" in capsys.readouterr().out
