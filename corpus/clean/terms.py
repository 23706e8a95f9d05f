"""The term rules shared by every lexicon of secnews: the relevance lexicon of a build
(:mod:`secnews.corpus.clean.relevance`) and the search terms and lexicons of the analyses
(:mod:`secnews.analysis.lexicon`).

A term is a word, a phrase or a wildcard term, matched case-insensitively as whole words:

- a **space** inside a phrase matches any run of white space or hyphens
  (``special military operation`` matches ``special-military\\noperation``);
- a **hyphen** inside a word matches a hyphen, white space or nothing (``cease-fire`` matches
  ``cease fire`` and ``ceasefire``);
- a ``*`` matches zero or more word characters (``sanction*``, ``defen*e``);
- every other character is literal.

This module turns a term into the body of a regular expression; the callers add the word
boundaries of their engine (Python's ``re``, or RE2 in DuckDB).

Examples
--------
>>> normalize_term("  Special   Military Operation ")
'special military operation'
>>> term_body("cease-fire", wildcard=r"\\w*")
'cease(?:-|\\\\s+)?fire'
>>> import re
>>> bool(re.fullmatch(ascii_term_pattern("sanction*"), "sanctions"))
True
"""

from __future__ import annotations

import re

__all__ = ["ascii_term_pattern", "check_term", "edge_is_word", "normalize_term", "term_body"]

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")


def normalize_term(term: str) -> str:
    """Lower case, surrounding white space removed, inner runs of white space as one space."""
    return _SPACE.sub(" ", term.strip().lower())


def check_term(term: str) -> str:
    """The normalized term; a ``ValueError`` when it has no word character to match."""
    norm = normalize_term(term)
    if not norm or not _WORD.search(norm.replace("*", "")):
        raise ValueError(f"term {term!r} has no word character to match")
    return norm


def _word_body(word: str, wildcard: str) -> str:
    pieces = []
    for index, part in enumerate(word.split("-")):
        if index:
            pieces.append(r"(?:-|\s+)?")
        pieces.append(wildcard.join(re.escape(chunk) for chunk in part.split("*")))
    return "".join(pieces)


def term_body(norm: str, *, wildcard: str) -> str:
    """The pattern of a normalized term without word boundaries; ``wildcard`` is the pattern a
    ``*`` stands for (``\\w*`` in Python, ``[\\p{L}\\p{N}_]*`` in RE2)."""
    return r"[\s-]+".join(_word_body(word, wildcard) for word in norm.split(" "))


def edge_is_word(char: str) -> bool:
    """Whether a term that starts or ends with ``char`` needs a word boundary there."""
    return bool(_WORD.match(char)) or char == "*"


def ascii_term_pattern(term: str) -> str:
    """The pattern of a term between ``\\b`` boundaries, with ``\\w*`` for ``*`` (ASCII word
    rules in RE2; Unicode ones in Python's ``re``)."""
    norm = check_term(term)
    start = r"\b" if edge_is_word(norm[0]) else ""
    end = r"\b" if edge_is_word(norm[-1]) else ""
    return start + term_body(norm, wildcard=r"\w*") + end
