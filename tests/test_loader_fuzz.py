"""Property test of every loader (issue 17): random bytes, random table structure and random file
names never crash a load or a build, no file takes longer than a time limit, the counts invariant
``in = kept + duplicates + rejected`` holds, and a good record beside bad ones survives.

Each input format is one entry of :data:`FORMATS`: a hypothesis strategy that draws the content of
one file holding the good record among random bad ones (``None`` for formats whose good record is
not checked), keyed by the file extension. A new loader (the XML/SGML one) is covered by adding
one function and one line there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus.loaders.sources import iter_source
from secnews.corpus.loaders.tabular import LoadStats

#: Seconds one small file may take to load (they take milliseconds; a hang would take minutes).
PER_FILE_SECONDS = 10.0
FAST = BuildSettings(language_id=False, relevance=False, dedupe=False)


# -- the good record: a real TASS article --------------------------------------------------------------
def _good_records() -> list[dict[str, str]]:
    from secnews.corpus.paths import data_dir

    items = json.loads((data_dir() / "tass-politics-2024/politics_20.json").read_text("utf-8"))
    return [
        {
            "title": item["title"],
            "text": "\n\n".join(item["content"]),
            "date": item["date"],
            "url": item["link"],
        }
        for item in items
    ]


GOOD = _good_records()


def _marker(record: dict[str, str]) -> str:
    """A sentence of the record's text that must be found in the corpus."""
    paragraph = max(record["text"].split("\n\n"), key=len)
    return " ".join(paragraph.split()[:12])


# -- random values -------------------------------------------------------------------------------------
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t\r"),
    max_size=60,
)
_FORMULA = st.sampled_from(['=HYPERLINK("x")', "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "+1"])
_DATE = st.one_of(
    st.sampled_from(
        ["0000-01-01", "99999-01-01", "1970-01-01", "2022-13-45", "31/31/2022", "yesterday", ""]
    ),
    _TEXT,
)
_CELL = st.one_of(st.none(), _TEXT, _FORMULA, st.integers(-(10**12), 10**12), st.floats())
_JSON_CELL = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _TEXT, st.just("\ud800")),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def _bad_row(draw: Any, cell: Any = _CELL) -> dict[str, Any]:
    row = {
        "title": draw(cell),
        "text": draw(st.one_of(cell, st.just(""), st.just("   "))),
        "date": draw(_DATE),
        "url": draw(st.one_of(st.none(), _TEXT)),
    }
    extra = draw(st.dictionaries(st.sampled_from(["x", "y", "text ", "Body"]), cell, max_size=2))
    row.update(extra)
    return row


@st.composite
def _rows(draw: Any, cell: Any = _CELL) -> tuple[list[dict[str, Any]], int]:
    """Bad rows with the good record at a random place; returns (rows, index of the good one)."""
    bad = draw(st.lists(_bad_row(cell), max_size=8))
    good = dict(GOOD[draw(st.integers(0, len(GOOD) - 1))])
    at = draw(st.integers(0, len(bad)))
    return [*bad[:at], good, *bad[at:]], at


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


# -- one strategy per format: (bytes of the file, good record or None) ----------------------------------
@st.composite
def csv_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    rows, at = draw(_rows())
    columns = _columns(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for n, row in enumerate(rows):
        writer.writerow([_as_text(row.get(c)) for c in columns])
        if n != at and draw(st.booleans()):  # broken lines between rows
            out.write(draw(st.sampled_from(['"unclosed,quote\n', "a,b,c,d,e,f,g\n", "\x00,x\n"])))
    return out.getvalue().encode("utf-8"), rows[at]


@st.composite
def json_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    rows, at = draw(_rows(_JSON_CELL))
    if draw(st.booleans()):
        data: Any = rows
    else:
        data = {"items": rows, "count": len(rows)}
    return json.dumps(data).encode("utf-8"), rows[at]


@st.composite
def jsonl_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    rows, at = draw(_rows(_JSON_CELL))
    lines = [json.dumps(r) for r in rows]
    for n in draw(st.lists(st.integers(0, len(lines)), max_size=3)):
        lines.insert(n, draw(st.sampled_from(["{broken", "[1, 2]", "null", '{"text": "\x00"}'])))
    return ("\n".join(lines) + "\n").encode("utf-8"), rows[at]


@st.composite
def xlsx_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    rows, at = draw(_rows())
    columns = _columns(rows)
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        values = []
        for c in columns:
            value = row.get(c)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if isinstance(value, float) and value != value:
                value = None
            values.append(value)
        sheet.append(values)
    for _ in range(draw(st.integers(0, 2))):
        sheet.append([])  # empty rows between data rows
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), rows[at]


@st.composite
def parquet_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    rows, at = draw(_rows(st.one_of(st.none(), _TEXT, _FORMULA)))
    columns = _columns(rows)
    table = pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=draw(st.integers(1, 4)))
    return buffer.getvalue(), rows[at]


@st.composite
def txt_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    good = GOOD[draw(st.integers(0, len(GOOD) - 1))]
    text = good["title"] + "\n\n" + good["text"] + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return text.encode(encoding, "replace"), (good if encoding != "cp1252" else None)


@st.composite
def html_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    good = GOOD[draw(st.integers(0, len(GOOD) - 1))]
    body = "".join(f"<p>{p}</p>" for p in good["text"].split("\n\n"))
    junk = draw(st.sampled_from(["", "<div>" * 300, "<script>x()</script>", "<p>unclosed"]))
    page = f"<html><head><title>{good['title']}</title></head><body>{junk}<article>{body}"
    page += draw(st.sampled_from(["</article></body></html>", ""]))
    return page.encode("utf-8"), None  # extraction is heuristic: crash-freedom only


@st.composite
def random_bytes(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    return draw(st.binary(max_size=2000)), None


#: Extension -> strategy of a file's content. The XML loader adds ``".xml": xml_file``.
FORMATS: dict[str, Callable[[], Any]] = {
    ".csv": csv_file,
    ".json": json_file,
    ".jsonl": jsonl_file,
    ".xlsx": xlsx_file,
    ".parquet": parquet_file,
    ".txt": txt_file,
    ".html": html_file,
}

_NAME = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
        min_size=1,
        max_size=24,
    ).filter(lambda s: not s.startswith(".") and s.strip() == s),
    st.binary(min_size=1, max_size=12)
    .filter(lambda b: b"/" not in b and b"\x00" not in b and not b.startswith(b"."))
    .map(os.fsdecode),
)


@st.composite
def _folder(draw: Any) -> list[tuple[str, bytes, dict[str, str] | None]]:
    files = []
    used: set[str] = set()
    for _ in range(draw(st.integers(1, 5))):
        ext = draw(st.sampled_from([*FORMATS, ".bin", ".csv", ".json"]))
        stem = draw(_NAME)
        name = f"{len(files)}_{stem}{ext}"
        if name in used:
            continue
        used.add(name)
        kind = draw(st.integers(0, 5))
        if ext in FORMATS and kind >= 2:
            data, good = draw(FORMATS[ext]())
        elif ext in FORMATS and kind == 1:  # a file of the format cut short, or with a bit flipped
            data, _good = draw(FORMATS[ext]())
            # a position as a share of the length: the bytes of a workbook vary with the clock, so
            # a strategy bounded by their length would not replay
            cut = draw(st.integers(0, 999)) * max(len(data) - 1, 0) // 999
            if draw(st.booleans()):
                data, good = data[:cut], None
            else:
                flipped = data[cut] ^ (1 << draw(st.integers(0, 7))) if data else 0
                data, good = data[:cut] + bytes([flipped]) + data[cut + 1 :], None
        else:
            data, good = draw(random_bytes())
        files.append((name, data, good))
    return files


def _write(folder: Path, files: list[tuple[str, bytes, dict[str, str] | None]]) -> None:
    folder.mkdir()
    for name, data, _good in files:
        (folder / name).write_bytes(data)


@settings(
    max_examples=int(os.environ.get("SECNEWS_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=_folder())
def test_loaders_never_crash_and_keep_good_records(
    tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, bytes, dict[str, str] | None]]
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "in"
    _write(folder, files)
    loader_settings: dict[str, Any] = {}
    for name, _data, _good in files:
        stats = LoadStats()
        start = time.perf_counter()
        items = list(
            iter_source(Source(folder / name), loader_settings=loader_settings, stats=stats)
        )
        elapsed = time.perf_counter() - start
        assert elapsed < PER_FILE_SECONDS, f"{name!r} took {elapsed:.1f} s"
        assert items, name
        assert stats.n_in == stats.kept + stats.rejected == len(items), name
    try:
        summary = build_corpus([Source(folder)], root / "c", settings=FAST, progress=False)
    except ValueError as exc:  # nothing kept: a clear refusal, only when no good record exists
        assert "kept no document" in str(exc)
        assert all(good is None for _, _, good in files)
        return
    for counts in summary.sources:
        counts.check()  # in = kept + duplicates + rejected
    texts = open_corpus(root / "c").frame(["text"], include_duplicates=True)["text"]
    stored = "\n".join(" ".join(t.split()) for t in texts)
    for name, _data, good in files:
        if good is not None:
            assert _marker(good) in stored, f"good record of {name!r} lost"


# -- XML/SGML record files ------------------------------------------------------------------------------
_XML_JUNK = st.sampled_from(
    [
        "&amp; &lt;b&gt; &#3; &#x1F; &bogus;",
        "<![CDATA[ raw <text> ]]>",
        "unclosed <b>tag",
        "\x0b control \x1f",
        "",
    ]
)
_XML_PROLOGUE = st.sampled_from(
    [
        "",
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n',
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n',
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
    ]
)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def xml_file(draw: Any) -> tuple[bytes, dict[str, str] | None]:
    """Records ``<DOC>`` with TITLE, DATE and BODY fields around the good record; hostile
    prologues (entity declarations, external entities) make the whole file a reject."""
    rows, at = draw(_rows(cell=_TEXT))
    prologue = draw(_XML_PROLOGUE)
    parts = [prologue, "<root>\n"]
    for n, row in enumerate(rows):
        body = _xml_escape(_as_text(row.get("text")))
        if n != at:
            body += draw(_XML_JUNK)
        parts.append(
            f"<DOC><TITLE>{_xml_escape(_as_text(row.get('title')))}</TITLE>"
            f"<DATE>{_xml_escape(_as_text(row.get('date')))}</DATE><BODY>{body}</BODY></DOC>\n"
        )
    if draw(st.booleans()):
        parts.append("</root>\n")
    good = rows[at] if "ENTITY" not in prologue else None
    return "".join(parts).encode("utf-8"), good


@settings(
    max_examples=int(os.environ.get("SECNEWS_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(content=xml_file())
def test_xml_records_never_crash_and_keep_good_records(
    tmp_path_factory: pytest.TempPathFactory, content: tuple[bytes, dict[str, str] | None]
) -> None:
    data, good = content
    path = tmp_path_factory.mktemp("xml") / "records.xml"
    path.write_bytes(data)
    source = Source(
        path, format="xml", record="DOC", mapping="title=TITLE,text=BODY,published=DATE"
    )
    stats = LoadStats()
    start = time.perf_counter()
    items = list(iter_source(source, loader_settings={}, stats=stats))
    assert time.perf_counter() - start < PER_FILE_SECONDS
    assert items and stats.n_in == stats.kept + stats.rejected == len(items)
    if good is not None:
        texts = "\n".join(" ".join(a.text.split()) for a in items if hasattr(a, "text"))
        assert _marker(good) in texts
