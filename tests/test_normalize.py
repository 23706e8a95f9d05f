"""Normalization rules, each checked on a small input, and the decoding reasons."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from secnews.corpus.clean.normalize import (
    join_paragraphs,
    normalize_inline,
    normalize_text,
    paragraphs,
)
from secnews.corpus.loaders.decode import DecodeError, decode_bytes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("Cafe\u0301", "Café"),  # NFC
        ("zero\u200bwidth soft\u00adhyphen\ufeff", "zerowidth softhyphen"),
        ("non\u00a0breaking\u202fthin", "non breaking thin"),
        (
            "\u201cquoted\u201d \u2018single\u2019 \u00abangle\u00bb \u201elow\u201c",
            '"quoted" \'single\' "angle" "low"',
        ),
        ("en\u2013dash em\u2014dash minus\u2212", "en-dash em-dash minus-"),
        ("wait\u2026", "wait..."),
        ("  many   spaces\t\ttabs  \n\n\n\n next  ", "many spaces tabs\n\nnext"),
        ("line\u2028sep\x0bvt", "line\nsep\nvt"),
        ("unit\x1fsep", "unit sep"),
        ("", ""),
    ],
)
def test_normalize_text_rules(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_inline_folds_lines() -> None:
    assert normalize_inline(" Idea of\n Euro\u2013Atlantic  Security\u00a0- Lavrov ") == (
        "Idea of Euro-Atlantic Security - Lavrov"
    )


def test_paragraph_helpers_round_trip() -> None:
    text = normalize_text("First para\nstill first.\n\n\n  Second.  \n \nThird.")
    assert paragraphs(text) == ["First para\nstill first.", "Second.", "Third."]
    assert join_paragraphs(["a", " ", "b "]) == "a\n\nb"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Заголовок открываемого материала".encode("utf-16"), "utf-16-le"),
        ("Заголовок открываемого материала".encode("utf-16-le"), "utf-16-le"),
        ("Заголовок открываемого материала".encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF8 + "Привет".encode(), "utf-8-sig"),
        ("Заголовок открываемого материала, текст статьи".encode("cp1251"), "windows-1251"),
    ],
)
def test_decode_known_encodings(data: bytes, encoding: str) -> None:
    text, used = decode_bytes(data)
    assert text.startswith(("Заголовок", "Привет"))
    assert used.replace("cp", "windows-") == encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t ", "empty file (only white space)"),
        (b"%PDF-1.7 ...", "binary file (PDF document)"),
        (b"\x89PNG\r\n\x1a\n....", "binary file (PNG image)"),
        (b"abc\x00\x01\x02\x00\xff\x00\x10\x00", "binary file (NUL bytes)"),
        (bytes(range(1, 9)) * 50 + b"text", "binary file ("),
    ],
)
def test_decode_rejects_with_specific_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as error:
        decode_bytes(data)
    assert str(error.value).startswith(reason)


def test_decode_cp1252_french_is_not_cp1250() -> None:
    french = "Les ministres de la Défense de l’OTAN se sont réunis jeudi à Bruxelles."
    text, used = decode_bytes(french.encode("cp1252"))
    assert (text, used) == (french, "cp1252")
    short = "l’OTAN à Bruxelles"
    assert decode_bytes(short.encode("cp1252")) == (short, "cp1252")


def test_decode_cp1250_polish_and_czech_stay_cp1250() -> None:
    for text in (
        "Ministrowie obrony państw NATO spotkali się w czwartek w Brukseli, żeby omówić pomoc.",
        "Ministři obrany členských států NATO se ve čtvrtek sešli v Bruselu a řešili pomoc.",
    ):
        assert decode_bytes(text.encode("cp1250")) == (text, "cp1250")


def _real_csv(corpora_dir: Path) -> bytes:
    path = corpora_dir / "kremlin-ukraine-press-2021-2022" / "kremlin_putin.csv"
    return path.read_bytes()[:200_000]


def test_decode_utf8_with_a_few_bad_bytes(corpora_dir: Path) -> None:
    data = _real_csv(corpora_dir).rsplit(b"\n", 1)[0] + b"\n"
    data = data.decode("utf-8").replace("said", "saïd", 1).encode("utf-8")  # one valid 2-byte
    cut = data.index(b"Putin") + 2
    damaged = data[:cut] + b"\xff" + data[cut:1000] + b"\xe2\x80" + data[1000:]
    text, used = decode_bytes(damaged)
    assert used == "utf-8 (3 bytes replaced)"
    assert text.count("\ufffd") == 3  # one U+FFFD per bad byte
    assert text.replace("\ufffd", "") == data.decode("utf-8")
    assert decode_bytes(data[:cut] + b"\xff" + data[cut:]) == (
        data[:cut].decode() + "\ufffd" + data[cut:].decode(),
        "utf-8 (1 byte replaced)",
    )


def test_decode_damaged_utf8_limits() -> None:
    body = ("Ukraine and NATO: sécurité. " * 40).encode("utf-8")
    many = body + b"\xff" * (len(body) // 50)  # 2% bad bytes: not "a few"
    try:
        assert not decode_bytes(many)[1].startswith("utf-8")
    except DecodeError as error:
        assert str(error).startswith("undecodable")
    ascii_cp1252 = ("NATO ministers met in Brussels on Thursday. " * 50).encode() + b"caf\xe9"
    assert decode_bytes(ascii_cp1252)[1] != "utf-8 (1 byte replaced)"  # no UTF-8 evidence


def test_decode_utf8_with_stray_nul(corpora_dir: Path) -> None:
    data = _real_csv(corpora_dir)
    cut = data.index(b"\n", 5000) + 1
    text, used = decode_bytes(data[:cut] + b"\x00" + data[cut:])
    assert (text, used) == (data.decode("utf-8", errors="ignore"), "utf-8 (NUL removed)")
    with pytest.raises(DecodeError, match="NUL bytes"):  # 1% NULs: binary
        decode_bytes(data[:10_000].replace(b" ", b"\x00", 100))
