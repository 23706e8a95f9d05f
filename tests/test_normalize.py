"""Normalization rules, each checked on a small input, and the decoding reasons."""

from __future__ import annotations

import codecs

import pytest

from secnews.corpus.decode import DecodeError, decode_bytes
from secnews.corpus.normalize import join_paragraphs, normalize_inline, normalize_text, paragraphs


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
