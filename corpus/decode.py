"""Turning bytes into text, or into a specific reason why not.

Rules (in order): an empty file is rejected; a byte-order mark decides UTF-8/16/32; NUL bytes in
the alternating pattern of UTF-16 without a BOM decide UTF-16-LE/BE; any other NUL byte, a known
binary signature or more than 1% control characters make the file binary; strict UTF-8 is tried
next; otherwise charset-normalizer must name an encoding whose decoding is coherent (for example
cp1251 for Russian), or the file is rejected as undecodable.
"""

from __future__ import annotations

import codecs
from pathlib import Path

__all__ = ["DecodeError", "decode_bytes", "read_text"]

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


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes.

    Parameters
    ----------
    data
        The whole content of a file.

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
        if encoding16 is None:
            raise DecodeError("binary file (NUL bytes)")
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
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    if best is None or best.chaos > 0.2:
        raise DecodeError("undecodable: not UTF-8 and the encoding could not be determined")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(
            f"undecodable: not UTF-8; {best.encoding} was guessed but fails ({exc})"
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
