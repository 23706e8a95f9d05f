"""Bad input beside good documents: a mixed folder built with ``build_corpus`` (format auto).

The good documents are real (the seed page, a saved HTML page, TASS articles, Kremlin press
releases); the bad ones are generated here. Every bad file or row must get its own specific
reason in ``rejects.csv``, every good document must be kept, and in = kept + duplicates + rejected.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from secnews.corpus import BuildSettings, Source, build_corpus, open_corpus
from secnews.corpus.clean.normalize import normalize_inline


def _tass(corpora_dir: Path, i: int) -> tuple[str, str]:
    item = json.loads((corpora_dir / "tass-politics-2024/politics_20.json").read_text("utf-8"))[i]
    return item["title"], item["title"] + "\n" + "\n".join(item["content"]) + "\n"


def _press_rows(corpora_dir: Path) -> list[dict[str, str]]:
    path = corpora_dir / "kremlin-ukraine-press-2021-2022/kremlin_putin.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [
        {str(k): str(v) for k, v in row.items()} for row in frame.head(6).to_dict(orient="records")
    ]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, corpora_dir: Path) -> dict[str, object]:
    root = tmp_path_factory.mktemp("bad") / "in"
    root.mkdir()
    good_titles: list[str] = []
    # good: a page dump, a saved HTML page, a UTF-16 page dump, a cp1251 page dump
    shutil.copyfile(corpora_dir / "seed-article/000_da4050e255aaa6b8.txt", root / "a_seed.txt")
    shutil.copyfile(
        corpora_dir / "html-news-pages/html/bbc.com.52241221.html", root / "b_page.html"
    )
    title16, text16 = _tass(corpora_dir, 2)
    (root / "c_utf16.txt").write_bytes(text16.encode("utf-16"))  # with BOM
    title1251, text1251 = _tass(corpora_dir, 3)  # has an em dash: not UTF-8 once in cp1251
    (root / "d_cp1251.txt").write_bytes(text1251.encode("cp1251"))
    good_titles += [title16, title1251]
    # bad files
    (root / "e_empty.txt").write_bytes(b"")
    (root / "f_image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    rnd = random.Random(0)
    (root / "g_blob.bin").write_bytes(bytes(rnd.randrange(256) for _ in range(4096)))
    (root / "h_undecodable.txt").write_bytes(bytes(rnd.randrange(128, 256) for _ in range(4000)))
    with open(root / "i_one_line.txt", "wb") as handle:  # a 50 MB single line
        chunk = b"security " * 1_000_000
        for _ in range(50_000_000 // len(chunk) + 1):
            handle.write(chunk)
    (root / "j_nested.html").write_text(
        "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>"
    )
    # a CSV: 6 real press releases, then bad rows
    rows = _press_rows(corpora_dir)
    good_titles += [r["headline"] for r in rows]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["link", "headline", "date", "body"])
    for r in rows:
        writer.writerow([r["link"], r["headline"], r["date"], r["body"]])
    writer.writerow(
        ["http://example.org/no-text", "A row without text", "2022-03-01T10:00:00Z", ""]
    )
    writer.writerow(
        [
            "http://example.org/absurd",
            rows[0]["headline"] + " (copy)",
            "3022-01-01T00:00:00Z",
            rows[1]["body"],
        ]
    )
    text = out.getvalue() + "http://example.org/bad,too,many,fields,here,and,more\n"
    text += '"http://example.org/open-quote,unterminated,2022-01-01,body\n'
    (root / "k_press.csv").write_text(text, encoding="utf-8")
    out_dir = root.parent / "corpus"
    summary = build_corpus(
        [
            Source(
                (root,), format="auto", mapping="url=link,title=headline,published=date,text=body"
            )
        ],
        out_dir,
        settings=BuildSettings(),
        progress=False,
    )
    return {"root": root, "out": out_dir, "summary": summary, "titles": good_titles}


def _rejects(out: Path) -> pd.DataFrame:
    return open_corpus(out).rejects()


def _reason(rejects: pd.DataFrame, name: str) -> str:
    found = rejects[rejects["source_path"].str.endswith(name)]
    assert len(found) >= 1, f"{name} was not rejected: {rejects.to_dict(orient='records')}"
    return " | ".join(found["reason"])


def test_counts_add_up(mixed: dict) -> None:
    table = mixed["summary"].table(total=False)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["in"] == row["kept"] + row["duplicates"] + row["rejected"]
    rejects = _rejects(mixed["out"])
    assert len(rejects) == row["rejected"]
    stored = open_corpus(mixed["out"]).frame(include_duplicates=True)
    assert len(stored) == row["kept"] + row["duplicates"]


def test_good_documents_are_all_kept(mixed: dict) -> None:
    corpus = open_corpus(mixed["out"])
    frame = corpus.frame(["title", "text", "source_path", "loader"])
    titles = set(frame["title"])
    for title in mixed["titles"]:
        assert normalize_inline(title) in titles, title
    paths = set(frame["source_path"].map(lambda p: Path(p).name))
    assert {"a_seed.txt", "b_page.html", "c_utf16.txt", "d_cp1251.txt", "k_press.csv"} <= paths
    cp1251 = frame[frame["source_path"].str.endswith("d_cp1251.txt")].iloc[0]
    assert "-" in cp1251["text"] and "\ufffd" not in cp1251["text"]  # the em dash, decoded


def test_every_bad_file_has_a_specific_reason(mixed: dict) -> None:
    rejects = _rejects(mixed["out"])
    assert "empty" in _reason(rejects, "e_empty.txt")
    assert "PNG" in _reason(rejects, "f_image.png")
    assert "binary" in _reason(rejects, "g_blob.bin")
    assert "undecodable" in _reason(rejects, "h_undecodable.txt")
    assert "line" in _reason(rejects, "i_one_line.txt")
    assert "nest" in _reason(rejects, "j_nested.html").lower()
    for reason in rejects["reason"]:
        assert reason and "loader error" not in reason, reason


def test_bad_rows_are_rejected_one_by_one(mixed: dict) -> None:
    rejects = _rejects(mixed["out"])
    rows = rejects[rejects["source_path"].str.endswith("k_press.csv")]
    assert rows["row"].notna().all()
    by_row = dict(zip(rows["row"].astype(int), rows["reason"], strict=True))
    assert "text" in by_row[7].lower()  # the row without text
    assert "date" in by_row[8].lower()  # year 3022
    assert len(by_row) >= 3  # and the malformed line(s)
    kept = open_corpus(mixed["out"]).frame(where="source_path LIKE '%k_press.csv'")
    assert len(kept) == 6
