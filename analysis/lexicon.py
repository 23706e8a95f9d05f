"""Search terms and user lexicons, and the regular expressions that count them.

Matching rules (the same for ``--terms`` on the command line and for lexicon entries)
-------------------------------------------------------------------------------------
Text is matched after :func:`secnews.analysis.trends.match_text_sql` has lower-cased it and
joined words hyphenated across a line break (``terror-\\nism`` -> ``terrorism``), so

- matching is **case-insensitive** (``NATO``, ``Nato`` and ``nato`` are one term);
- only **whole words** match: a term must start and end at a word boundary (RE2's ``\\b``, i.e.
  between a character of ``[0-9A-Za-z_]`` and any other character). ``nato`` matches ``NATO's``
  and ``pro-NATO`` (a hyphen or an apostrophe is a boundary) but not ``natoire``;
- a **space** inside a phrase matches any run of white space (line breaks included) or hyphens:
  ``special military operation`` matches ``special\\nmilitary operation`` and
  ``special-military-operation``; ``cold war`` matches ``cold-war``;
- a **hyphen** inside a term matches a hyphen, white space or nothing: ``cease-fire`` matches
  ``cease-fire``, ``cease fire`` and ``ceasefire``;
- a ``*`` is a wildcard for zero or more word characters, the simple way to catch inflections:
  ``sanction*`` matches ``sanction``, ``sanctions``, ``sanctioned``; ``escalat*`` matches
  ``escalate``, ``escalation``; a ``*`` can stand inside a word (``defen*e``);
- a term written ``re:PATTERN`` is a regular expression in RE2 syntax (DuckDB's engine), applied
  case-insensitively to the same lower-cased text and used as is (add ``\\b`` yourself);
- every other character is literal.

Occurrences are counted without overlap, left to right; inside a lexicon the entries form one
alternation, longest entry first, so ``cold war`` and ``war`` in one lexicon count ``the cold
war`` once.

Lexicon file format (TOML, read with the standard library's :mod:`tomllib`)
---------------------------------------------------------------------------
One table per lexicon; the table name is the series name in every output::

    [escalation]
    description = "Talk of escalation"      # optional
    terms = ["escalat*", "nuclear threat*", "red line*"]

    [negotiation]
    terms = ["negotiat*", "talks", "cease-fire", "peace process"]

A lexicon may also be written as a plain list: ``negotiation = ["negotiat*", "talks"]``. Names
must be unique, non-empty and are case-sensitive; a lexicon needs at least one non-empty term.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Lexicon",
    "TermSpec",
    "lexicon_spec",
    "load_lexicons",
    "may_overlap",
    "parse_lexicons",
    "parse_terms",
    "term_pattern",
]

#: Prefix of a term given as a raw regular expression.
REGEX_PREFIX = "re:"
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class TermSpec:
    """One counted series: a name and the RE2 pattern that counts it.

    Attributes
    ----------
    name
        The series name in outputs (the term as written, a lexicon's name).
    pattern
        RE2 pattern applied to lower-cased text (see the module docstring).
    kind
        ``"term"``, ``"phrase"``, ``"regex"`` or ``"lexicon"``.
    literals
        Lower-case literal strings of which at least one occurs in every match (used to skip
        documents cheaply); empty when unknown (regular expressions).
    """

    name: str
    pattern: str
    kind: str
    literals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A named word list read from a lexicon file.

    Attributes
    ----------
    name
        The series name.
    terms
        Entries, in file order (matching rules in the module docstring).
    description
        Free text, empty when not given.
    """

    name: str
    terms: tuple[str, ...]
    description: str = ""


def _word_pattern(word: str) -> str:
    """RE2 pattern of one word of a term (hyphens and ``*`` handled)."""
    pieces = []
    for part_index, part in enumerate(word.split("-")):
        if part_index:
            pieces.append(r"(?:-|\s+)?")
        chunks = part.split("*")
        pieces.append(r"\w*".join(re.escape(chunk) for chunk in chunks))
    return "".join(pieces)


def _literal_of(term: str) -> str:
    """The longest literal run of a normalized term (for the cheap pre-filter)."""
    runs = re.split(r"[\s*\-]+", term)
    return max(runs, key=len) if runs else ""


def _normalize_term(term: str) -> str:
    return _SPACE.sub(" ", term.strip().lower())


def term_pattern(term: str) -> str:
    """Return the RE2 pattern that counts ``term`` under the module's matching rules.

    Parameters
    ----------
    term
        A word, a phrase, a wildcard term (``sanction*``) or ``re:PATTERN``.

    Returns
    -------
    str
        A pattern for lower-cased text; words are wrapped in ``\\b`` when they start (end) with a
        word character.

    Raises
    ------
    ValueError
        If the term is empty or a ``*`` is its only content.
    """
    raw = term.strip()
    if raw.lower().startswith(REGEX_PREFIX):
        body = raw[len(REGEX_PREFIX) :]
        if not body:
            raise ValueError(f"empty regular expression in term {term!r}")
        return "(?i)" + body
    norm = _normalize_term(raw)
    if not norm or not _WORD.search(norm.replace("*", "")):
        raise ValueError(f"term {term!r} has no word character to match")
    body = r"[\s-]+".join(_word_pattern(word) for word in norm.split(" "))
    start = r"\b" if _WORD.match(norm[0]) or norm[0] == "*" else ""
    end = r"\b" if _WORD.match(norm[-1]) or norm[-1] == "*" else ""
    return f"{start}{body}{end}"


def _spec_for_term(term: str) -> TermSpec:
    raw = term.strip()
    pattern = term_pattern(raw)
    if raw.lower().startswith(REGEX_PREFIX):
        return TermSpec(name=raw, pattern=pattern, kind="regex")
    norm = _normalize_term(raw)
    kind = "phrase" if " " in norm else "term"
    literal = _literal_of(norm)
    return TermSpec(name=norm, pattern=pattern, kind=kind, literals=(literal,) if literal else ())


def parse_terms(terms: str | Sequence[str]) -> list[TermSpec]:
    """Turn terms into :class:`TermSpec` objects.

    Parameters
    ----------
    terms
        A comma-separated string (``"nato,sanctions,special military operation"``) or a sequence
        of terms. A regular expression containing a comma must be passed in a sequence.

    Returns
    -------
    list of TermSpec
        In input order, duplicates (after normalization) removed.

    Raises
    ------
    ValueError
        If no term is left or a term cannot be compiled (see :func:`term_pattern`).
    """
    items = terms.split(",") if isinstance(terms, str) else list(terms)
    specs: dict[str, TermSpec] = {}
    for item in items:
        if not item.strip():
            continue
        spec = _spec_for_term(item)
        specs.setdefault(spec.name, spec)
    if not specs:
        raise ValueError("no terms given")
    return list(specs.values())


def _pieces(name: str) -> set[str]:
    """Word pieces of a normalized term (split at every non-word character but ``*``), plus each
    hyphenated word written solid (``cease-fire`` -> ``ceasefire``)."""
    pieces = {p for p in re.split(r"[^\w*]+", name) if p}
    pieces |= {w.replace("-", "") for w in name.split(" ") if "-" in w}
    return pieces


def _pieces_compatible(a: str, b: str) -> bool:
    if "*" not in a and "*" not in b:
        return a == b
    prefix_a, prefix_b = a.split("*", 1)[0], b.split("*", 1)[0]
    if "*" in a and "*" in b:
        return prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)
    if "*" in a:
        return b.startswith(prefix_a)
    return a.startswith(prefix_b)


def may_overlap(a: TermSpec, b: TermSpec) -> bool:
    """Whether a match of ``a`` and a match of ``b`` could share text (conservative).

    Matches are whole words, so two matches that overlap share a word; the test compares the
    word pieces of both terms (a ``*`` matches any continuation). Regular expressions and
    lexicons may overlap with anything.
    """
    if a.kind not in {"term", "phrase"} or b.kind not in {"term", "phrase"}:
        return True
    return any(_pieces_compatible(x, y) for x in _pieces(a.name) for y in _pieces(b.name))


def lexicon_spec(lexicon: Lexicon) -> TermSpec:
    """Return the :class:`TermSpec` counting every entry of ``lexicon`` (one alternation).

    Entries are ordered longest first so that the longer of two overlapping entries wins.
    """
    entries = [_spec_for_term(term) for term in lexicon.terms]
    entries.sort(key=lambda spec: (-len(spec.name), spec.name))
    alternation = "|".join(f"(?:{spec.pattern})" for spec in entries)
    literals: tuple[str, ...] = ()
    if all(spec.literals for spec in entries):
        literals = tuple(sorted({lit for spec in entries for lit in spec.literals}))
    return TermSpec(name=lexicon.name, pattern=alternation, kind="lexicon", literals=literals)


def _lexicon_from(name: str, value: Any) -> Lexicon:
    description = ""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"terms", "description"})
        if unknown:
            raise ValueError(
                f"lexicon {name!r}: unknown key(s) {unknown}; use 'terms', 'description'"
            )
        description = str(value.get("description", ""))
        value = value.get("terms")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError(f"lexicon {name!r}: 'terms' must be a list of strings")
    terms = tuple(t.strip() for t in value if t.strip())
    if not terms:
        raise ValueError(f"lexicon {name!r} has no terms")
    for term in terms:
        try:
            term_pattern(term)
        except ValueError as exc:
            raise ValueError(f"lexicon {name!r}: {exc}") from exc
    return Lexicon(name=name, terms=terms, description=description)


def parse_lexicons(text: str) -> list[Lexicon]:
    """Parse the TOML text of a lexicon file (format in the module docstring).

    Raises
    ------
    ValueError
        With the reason: invalid TOML, an empty file, a lexicon without terms, a wrong type.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"lexicon file is not valid TOML: {exc}") from exc
    if not data:
        raise ValueError("lexicon file defines no lexicon")
    lexicons = []
    for name, value in data.items():
        if not name.strip():
            raise ValueError("lexicon names must not be empty")
        lexicons.append(_lexicon_from(name, value))
    return lexicons


def load_lexicons(path: str | Path) -> list[Lexicon]:
    """Read a lexicon file (UTF-8 TOML, format in the module docstring).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    list of Lexicon
        In file order.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read lexicon file {path}: {exc}") from exc
    try:
        return parse_lexicons(text)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc
