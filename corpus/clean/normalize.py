"""Unicode and typography normalization shared by every loader.

The rules, applied in this order by :func:`normalize_text`:

1. line ends ``\\r\\n`` and ``\\r`` become ``\\n``;
2. Unicode NFC;
3. zero-width characters, byte-order marks and soft hyphens are removed;
4. non-breaking and other typographic spaces become a plain space;
5. curly, low and angle quotes (``‘ ’ ‚ “ ” „ « » ‹ ›``) become ``'`` and ``"``;
6. hyphens, en and em dashes, the horizontal bar and the minus sign become ``-``;
7. the ellipsis character becomes ``...``;
8. runs of spaces, tabs and the ASCII separator controls ``\\x1c``-``\\x1f`` become one space,
   every line is stripped of spaces, and runs of blank lines become one blank line (the paragraph separator of :class:`~secnews.corpus.record.Article`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["join_paragraphs", "normalize_inline", "normalize_text", "paragraphs"]

_RARE_LINE_ENDS = re.compile(r"[\u2028\u2029\x0b\x0c\x85]")
_TRANSLATION = str.maketrans(
    {
        # removed
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        # spaces
        "\u00a0": " ",
        "\u1680": " ",
        "\u2000": " ",
        "\u2001": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2004": " ",
        "\u2005": " ",
        "\u2006": " ",
        "\u2007": " ",
        "\u2008": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u205f": " ",
        "\u3000": " ",
        "\t": " ",
        # quotes
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2039": '"',
        "\u203a": '"',
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        # dashes
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe58": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        # ellipsis
        "\u2026": "...",
    }
)
_MAPPING: dict[str, str] = {chr(k): v or "" for k, v in _TRANSLATION.items()}
_TRANSLATED = re.compile("[" + "".join(re.escape(c) for c in _MAPPING) + "]")
_SEPARATORS = re.compile(r"[\x1c-\x1f]")
_SEPARATOR_CHARS = ("\x1c", "\x1d", "\x1e", "\x1f")
_RARE_LINE_END_CHARS = ("\u2028", "\u2029", "\x0b", "\x0c", "\x85")
_LINE_EDGES = re.compile(r" *\n *")
_BLANKS = re.compile(r"\n{3,}")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")


def _has_line_edge_spaces(text: str) -> bool:
    """Whether a space stands next to a line break (``" \\n"`` or ``"\\n "``).

    Spaces are frequent and line breaks rare in most bodies, so the line breaks are visited
    (``str.find`` runs in C) instead of searching the two-character patterns, which is several
    times slower; texts with many lines take the plain search.
    """
    n_lines = text.count("\n")
    if n_lines == 0:
        return False
    if n_lines > len(text) >> 6:
        return " \n" in text or "\n " in text
    find = text.find
    last = len(text) - 1
    position = find("\n")
    while position >= 0:
        if (position > 0 and text[position - 1] == " ") or (
            position < last and text[position + 1] == " "
        ):
            return True
        position = find("\n", position + 1)
    return False


def _translate(text: str) -> str:
    # A regex finds the few characters to replace; str.translate with a dict would visit every
    # character of a non-ASCII text in Python.
    return _TRANSLATED.sub(lambda match: _MAPPING[match.group()], text)


def normalize_inline(text: str) -> str:
    """Normalize one line or field: the rules of :func:`normalize_text`, with every line break
    folded into a space.

    Parameters
    ----------
    text
        A title, a byline, a cell.

    Returns
    -------
    str
        The normalized single-line string (possibly empty).
    """
    if not text.isascii():
        text = _translate(unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """Normalize a document body (see the module docstring for the rules).

    Parameters
    ----------
    text
        Raw decoded text, with any line-end convention.

    Returns
    -------
    str
        Text with ``\\n`` line ends, stripped lines and at most one blank line in a row.
    """
    # Each pass runs only when its characters are present: `in` scans in C, far faster than a
    # regex substitution over a long text that has nothing to replace.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        if any(c in text for c in _RARE_LINE_END_CHARS):
            text = _RARE_LINE_ENDS.sub("\n", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _translate(text)
    elif "\x0b" in text or "\x0c" in text:
        text = _RARE_LINE_ENDS.sub("\n", text)
    if "\t" in text:
        text = text.replace("\t", " ")
    if any(c in text for c in _SEPARATOR_CHARS):
        text = _SEPARATORS.sub(" ", text)
    while "  " in text:  # halves every run of spaces: same result as one " {2,}" -> " " pass
        text = text.replace("  ", " ")
    if _has_line_edge_spaces(text):
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" not in text:
        return text.strip()
    return _BLANKS.sub("\n\n", text).strip()


def paragraphs(text: str) -> list[str]:
    """Split a normalized body into its paragraphs (separated by blank lines)."""
    return [p.strip() for p in _PARAGRAPH_SPLIT.split(text) if p.strip()]


def join_paragraphs(parts: list[str] | tuple[str, ...]) -> str:
    """Join paragraphs with one blank line, dropping empty ones."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())
