"""Titles on the first line of a plain-text article (a common export layout).

Modes (the ``title`` setting of the folder and page-text loaders, ``--title`` on the command line):

``none``
    the first line stays in the body;
``first-line``
    the first non-blank line is the title, whatever it looks like (when something follows it);
``auto``
    the first non-blank line is the title when it looks like one: at most ``max_words`` words and
    ``max_chars`` characters, at least one letter, not ending in ``. , ; :`` (a headline may end
    in ``?`` or ``!``; a salutation such as ``Mr. President,`` ends in a comma; Markdown emphasis
    is ignored), starting with a capital, separated from the body by a blank line, followed by a
    body that starts like a sentence (a capital, a digit, a quote) and is at least ``min_ratio``
    times as long in words.
"""

from __future__ import annotations

import re

from secnews.corpus.clean.normalize import normalize_inline

__all__ = ["TITLE_MODES", "split_title"]

#: Accepted title modes.
TITLE_MODES: tuple[str, ...] = ("none", "first-line", "auto")
_BAD_END = re.compile(r"[.,;:]['\"”’)\]]*$")
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_title(
    text: str,
    *,
    mode: str = "auto",
    max_words: int = 20,
    max_chars: int = 200,
    min_ratio: float = 3.0,
) -> tuple[str | None, str]:
    """Split a title off the first line of a text.

    Parameters
    ----------
    text
        The raw text (any line ends).
    mode
        ``none``, ``first-line`` or ``auto`` (see the module docstring).
    max_words, max_chars, min_ratio
        The ``auto`` rule's limits.

    Returns
    -------
    tuple of (str or None, str)
        The title (normalized to one line) or ``None``, and the rest of the text (the whole
        text when there is no title).

    Raises
    ------
    ValueError
        For an unknown mode.
    """
    if mode not in TITLE_MODES:
        raise ValueError(f"unknown title mode {mode!r}; choose one of {', '.join(TITLE_MODES)}")
    if mode == "none":
        return None, text
    lines = _LINE_END.split(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, text
    title = normalize_inline(lines[first])
    rest_lines = lines[first + 1 :]
    rest = "\n".join(rest_lines)
    if not rest.strip():
        return None, text
    if mode == "first-line":
        return title, rest
    separated = bool(rest_lines) and not rest_lines[0].strip()
    body_start = rest.lstrip()[:1]
    bare = title.strip("*_# ")
    words = len(title.split())
    looks_like = (
        separated
        and bare[:1].isupper()
        and (body_start.isupper() or body_start.isdigit() or body_start in "\"“‘'(")
        and 0 < words <= max_words
        and len(title) <= max_chars
        and any(ch.isalpha() for ch in title)
        and _BAD_END.search(bare) is None
        and len(rest.split()) >= min_ratio * words
    )
    return (title, rest) if looks_like else (None, text)
