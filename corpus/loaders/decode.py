"""Turning bytes into text, or into a specific reason why not.

Rules (in order): an empty file is rejected; a byte-order mark decides UTF-8/16/32; NUL bytes in
the alternating pattern of UTF-16 without a BOM decide UTF-16-LE/BE; a few stray NUL bytes (under
:data:`MAX_BAD_SHARE` of the bytes) in otherwise valid UTF-8 are dropped (encoding label
``"utf-8 (NUL removed)"``); any other NUL byte, a known binary signature or more than 1% control
characters make the file binary; strict UTF-8 is tried next; UTF-8 with a few invalid bytes (at
most :data:`MAX_BAD_SHARE` of the bytes, and at least one valid multi-byte sequence, so that a
mostly-ASCII file in a legacy encoding is not read as damaged UTF-8) is decoded with U+FFFD for
each bad byte (label ``"utf-8 (3 bytes replaced)"``); otherwise charset-normalizer must name an
encoding whose decoding is coherent (for example cp1251 for Russian), or the file is rejected as
undecodable. charset-normalizer cannot tell cp1250 from cp1252 on Western text (both decode
French: ``à`` becomes ``ŕ``), so its cp1250 is replaced by cp1252 unless the cp1250 decoding has
more Central European letters that cp1252 text rarely produces (``ą ł ż ź ť ľ ř ő ű ě``) than
letters that stand for common cp1252 ones (``ŕ ĺ`` for ``à å``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

__all__ = ["MAX_BAD_SHARE", "DecodeError", "decode_bytes", "read_text"]

#: Largest share of bad bytes (invalid UTF-8 sequences, or stray NULs) that a UTF-8 file may have.
MAX_BAD_SHARE = 0.001

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"PAR1", "Parquet file"),
    (b"\xd0\xcf\x11\xe0", "OLE2 (legacy Office) document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PUNCTUATION = frozenset(
    ".,;:!?'\"()[]{}<>-_/\\@#$%&*+=|~`^\u2013\u2014\u2018\u2019\u201c\u201d\u00ab\u00bb"
)
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
_SURROGATE = re.compile("[\udc80-\udcff]")
_CONTROL_CHARS = frozenset(_CONTROL.decode("ascii"))


#: Letters of a cp1250 decoding that speak for cp1250 (Polish, Czech, Slovak, Hungarian); the
#: cp1252 characters of the same bytes are rare in Western text (``¹ ³ ¿ ¥ £ ¯ ¼ ¾ Ÿ ø õ û ì``).
_CP1250_EVIDENCE = frozenset("ąĄłŁżŻźŹťŤľĽřŘőŐűŰěĚ")
#: Letters of a cp1250 decoding that speak against it: the bytes of common cp1252 letters
#: (French ``à``, Nordic ``å``) that cp1250 reads as rare letters.
_CP1250_COUNTER = frozenset("ŕŔĺĹ")


class DecodeError(ValueError):
    """The bytes are not text this package can read; ``str(error)`` is the reason."""


def _text_score(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isalnum() or ch.isspace() or ch in _PUNCTUATION)
    return good / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """Return the UTF-16 byte order whose decoding of the first 4 KiB reads as text, if any.

    Latin text in UTF-16 has a NUL in every other byte, Cyrillic only in its spaces and
    punctuation, so the decision is made on the decoded characters (letters, digits, white
    space, punctuation) rather than on where the NULs are.
    """
    sample = data[: 4096 - 4096 % 2]
    if sample.count(b"\x00") < 0.01 * len(sample):
        return None  # UTF-16 text has NULs in its spaces and ASCII; a stray NUL is not UTF-16
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _text_score(decoded)
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score >= 0.9 else None


def _damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text with U+FFFD for each invalid byte and their number, if the damage is small.

    Small: at most :data:`MAX_BAD_SHARE` of the bytes are invalid and at least one valid
    multi-byte sequence shows that the file is UTF-8 at all.
    """
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = len(_SURROGATE.findall(escaped))
    if bad > MAX_BAD_SHARE * len(data) or len(escaped) >= len(data):
        return None  # too many bad bytes, or no valid multi-byte character
    return _SURROGATE.sub("\ufffd", escaped), bad


def _without_stray_nuls(data: bytes) -> str | None:
    """The UTF-8 text of ``data`` without its NUL bytes, when they are few and the rest is UTF-8."""
    if data.count(b"\x00") > MAX_BAD_SHARE * len(data):
        return None
    try:
        return data.replace(b"\x00", b"").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _few_nuls(data: bytes) -> bool:
    """At most 1% of the bytes are NUL (what :func:`decode_bytes` keeps with ``keep_nul``)."""
    return data.count(b"\x00") <= 0.01 * len(data)


def _decode_keeping_nuls(data: bytes) -> tuple[str, str]:
    """Decode ``data`` as its bytes without NULs would be, keeping the NULs as characters."""
    _text, encoding = decode_bytes(data.replace(b"\x00", b""))  # binary or undecodable: raises
    if encoding.startswith("utf-8 ("):  # a few invalid bytes replaced
        damaged = _damaged_utf8(data)
        return (damaged[0] if damaged else data.decode("utf-8", "replace")), encoding
    return data.decode(encoding), encoding


def _prefer_cp1252(data: bytes, encoding: str) -> str:
    """``cp1252`` instead of charset-normalizer's ``cp1250`` unless Central European letters win.

    Both decode Western text; cp1250 is kept when its decoding has more letters of
    ``_CP1250_EVIDENCE`` (``ą ł ż ř ő ű ě ...``) than of ``_CP1250_COUNTER`` (``ŕ ĺ``, which
    are French ``à`` and Nordic ``å`` in cp1252).
    """
    if encoding.lower().replace("windows-", "cp") != "cp1250":
        return encoding
    try:
        data.decode("cp1252")
        text = data.decode("cp1250")
    except UnicodeDecodeError:
        return encoding
    evidence = sum(1 for ch in text if ch in _CP1250_EVIDENCE)
    counter = sum(1 for ch in text if ch in _CP1250_COUNTER)
    return encoding if evidence > counter else "cp1252"


def decode_bytes(data: bytes, *, keep_nul: bool = False) -> tuple[str, str]:
    """Decode a file's bytes.

    Parameters
    ----------
    data
        The whole content of a file.
    keep_nul
        Keep NUL bytes as ``\\x00`` characters (when they are not UTF-16 and at most 1% of the
        bytes) instead of dropping a few or calling the file binary: the table loader rejects
        only the rows that hold them.

    Returns
    -------
    tuple of (str, str)
        The text (a BOM removed) and the name of the encoding used.

    Raises
    ------
    DecodeError
        With a specific reason: ``empty file``, ``binary file (...)`` or ``undecodable ...``.
    """
    if not data.strip():
        raise DecodeError("empty file" if not data else "empty file (only white space)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"undecodable: {encoding} byte-order mark but {exc.reason}"
                ) from exc
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(f"binary file ({kind})")
    if b"\x00" in data:
        encoding16 = _utf16_without_bom(data)
        if encoding16 is None and keep_nul and _few_nuls(data):
            return _decode_keeping_nuls(data)
        if encoding16 is None:
            cleaned = _without_stray_nuls(data)
            if cleaned is None or not cleaned.strip():
                raise DecodeError("binary file (NUL bytes)")
            sample_text = cleaned[:65536]
            controls = sum(1 for ch in sample_text if ch in _CONTROL_CHARS)
            if controls > 0.01 * len(sample_text):
                raise DecodeError("binary file (NUL bytes)")
            return cleaned, "utf-8 (NUL removed)"
        try:
            return data.decode(encoding16), encoding16
        except UnicodeDecodeError as exc:
            raise DecodeError(f"undecodable: looks like {encoding16} but {exc.reason}") from exc
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > 0.01 * len(sample):
        raise DecodeError(f"binary file ({controls} control bytes in the first {len(sample)})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        text, bad = damaged
        return text, f"utf-8 ({bad} byte{'s' if bad != 1 else ''} replaced)"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    if best is None or best.chaos > 0.2:
        raise DecodeError("undecodable: not UTF-8 and the encoding could not be determined")
    encoding = _prefer_cp1252(data, best.encoding)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(
            f"undecodable: not UTF-8; {encoding} was guessed but fails ({exc})"
        ) from exc


def read_text(path: str | Path, *, max_bytes: int | None = None) -> tuple[str, str]:
    """Read and decode a text file (see :func:`decode_bytes`).

    Parameters
    ----------
    path
        The file.
    max_bytes
        Reject files larger than this (``None``: no limit).

    Raises
    ------
    DecodeError
        When the file is too large, empty, binary or undecodable.
    """
    path = Path(path)
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise DecodeError(f"file too large ({size:,} bytes > limit {max_bytes:,})")
    return decode_bytes(path.read_bytes())
