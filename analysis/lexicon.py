"""Search terms and user lexicons, and the regular expressions that count them.

Matching rules (the same for ``--terms`` on the command line and for lexicon entries)
-------------------------------------------------------------------------------------
Text is matched after :func:`secnews.analysis.trends.counts.match_text_sql` has lower-cased it and
joined words hyphenated across a line break (``terror-\\nism`` -> ``terrorism``), so

- matching is **case-insensitive** (``NATO``, ``Nato`` and ``nato`` are one term);
- only **whole words** match: a term must start and end at a word boundary, Unicode-aware: a
  *word character* is a letter or a digit of any script or ``_`` (``[\\p{L}\\p{N}_]``), so
  ``киев`` matches in ``в киев сегодня`` and ``kyiv`` does not match inside ``kyivé``. ``nato``
  matches ``NATO's`` and ``pro-NATO`` (a hyphen or an apostrophe is a boundary) but not
  ``natoire``. (RE2's ``\\b`` is ASCII-only and is therefore not used.);
- a **space** inside a phrase matches any run of white space (line breaks included) or hyphens:
  ``special military operation`` matches ``special\\nmilitary operation`` and
  ``special-military-operation``; ``cold war`` matches ``cold-war``;
- a **hyphen** inside a term matches a hyphen, white space or nothing: ``cease-fire`` matches
  ``cease-fire``, ``cease fire`` and ``ceasefire``;
- a ``*`` is a wildcard for zero or more word characters (any script), the simple way to catch
  inflections:
  ``sanction*`` matches ``sanction``, ``sanctions``, ``sanctioned``; ``escalat*`` matches
  ``escalate``, ``escalation``; a ``*`` can stand inside a word (``defen*e``);
- a term written ``re:PATTERN`` is a regular expression in RE2 syntax (DuckDB's engine), applied
  case-insensitively to the same lower-cased text and used as is (no word boundaries are added;
  RE2's ``\\b`` is ASCII-only). Alone it is counted anywhere; as a lexicon entry it is tried
  only where the other entries are (at the start of a word or at a non-word character);
- every other character is literal.

Occurrences are counted without overlap, left to right; inside a lexicon the entries form one
alternation, longest entry first, so ``cold war`` and ``war`` in one lexicon count ``the cold
war`` once.

How whole words are counted without look-around (RE2 has none): the text is scanned with
:func:`scan_pattern`, ``(ENTRY)|[\\p{L}\\p{N}_]+``, where ``ENTRY`` is the term followed by a
consumed boundary (``(?:[^\\p{L}\\p{N}_]|$)``). The second alternative swallows every word that
does not start a match, so a match can only begin at the start of a word (or at a non-word
character); the number of matches whose first group took part is the count. The consumed
boundary is never a word character, so adjacent hits still both count (``nato nato nato`` is 3).
:func:`python_pattern` gives the equivalent Python :mod:`re` pattern (look-around with Python's
Unicode ``\\w``), used by :mod:`secnews.analysis.stats.kwic`.

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

from secnews.corpus.clean.terms import check_term, edge_is_word, normalize_term, term_body

__all__ = [
    "Lexicon",
    "TermSpec",
    "ascii_pattern",
    "lexicon_spec",
    "load_lexicons",
    "may_overlap",
    "parse_lexicons",
    "parse_terms",
    "python_pattern",
    "scan_pattern",
    "term_pattern",
]

#: Prefix of a term given as a raw regular expression.
REGEX_PREFIX = "re:"
#: RE2 class of a word character (Unicode letters and digits, ``_``).
WORD_CHAR = r"[\p{L}\p{N}_]"
#: RE2 boundary after a term ending in a word character: consumed non-word character or end.
_END = r"(?:[^\p{L}\p{N}_]|$)"


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
    ascii_pattern
        The same rule with RE2's ASCII ``\\b`` and ``\\w``: it finds exactly the matches of
        :func:`scan_pattern` in a text whose letters and digits are all ASCII (the fast path
        of :mod:`secnews.analysis.trends.counts`); empty for regular expressions and lexicons holding
        one (they are always scanned).
    """

    name: str
    pattern: str
    kind: str
    literals: tuple[str, ...] = ()
    ascii_pattern: str = ""


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


def _literal_of(term: str) -> str:
    """The longest literal run of a normalized term (for the cheap pre-filter)."""
    runs = re.split(r"[\s*\-]+", term)
    return max(runs, key=len) if runs else ""


def _checked(term: str) -> tuple[str, str | None]:
    """(normalized term, None) or (stripped term, regex body) for ``re:`` terms."""
    raw = term.strip()
    if raw.lower().startswith(REGEX_PREFIX):
        body = raw[len(REGEX_PREFIX) :]
        if not body:
            raise ValueError(f"empty regular expression in term {term!r}")
        return raw, body
    return check_term(raw), None


def term_pattern(term: str) -> str:
    """Return the RE2 pattern of one match of ``term`` under the module's matching rules.

    Parameters
    ----------
    term
        A word, a phrase, a wildcard term (``sanction*``) or ``re:PATTERN``.

    Returns
    -------
    str
        A pattern for lower-cased text. When the term ends with a word character (or ``*``) the
        pattern ends with the consumed boundary ``(?:[^\\p{L}\\p{N}_]|$)``; the start boundary is
        enforced by scanning with :func:`scan_pattern` (count with that, not with this pattern
        alone). ``re:PATTERN`` gives ``(?i)PATTERN``.

    Raises
    ------
    ValueError
        If the term is empty or a ``*`` is its only content.
    """
    norm, regex = _checked(term)
    if regex is not None:
        return "(?i)" + regex
    end = _END if edge_is_word(norm[-1]) else ""
    return term_body(norm, wildcard=WORD_CHAR + "*") + end


def ascii_pattern(term: str) -> str:
    """Return the ASCII-only RE2 pattern of ``term`` (``\\b`` boundaries, ``\\w`` wildcards).

    In a text whose letters and digits are all ASCII its matches are those of
    :func:`scan_pattern` (both boundary rules agree there); used as a fast path. Empty for
    ``re:`` terms.
    """
    norm, regex = _checked(term)
    if regex is not None:
        return ""
    start = r"\b" if edge_is_word(norm[0]) else ""
    end = r"\b" if edge_is_word(norm[-1]) else ""
    return start + term_body(norm, wildcard=r"\w*") + end


def scan_pattern(patterns: Sequence[str]) -> str:
    """Return the RE2 pattern that scans text for whole-word matches of ``patterns``.

    ``((?:p1)|(?:p2)|...)|[\\p{L}\\p{N}_]+``: count (or extract) the matches whose group 1 is
    not null (see the module docstring).
    """
    if not patterns:
        raise ValueError("no patterns to scan for")
    alternation = "|".join(f"(?:{p})" for p in patterns)
    return f"({alternation})|{WORD_CHAR}+"


def python_pattern(term: str) -> re.Pattern[str]:
    """Return a compiled Python :mod:`re` pattern equivalent to the counting rule of ``term``.

    Case-insensitive; whole words by look-around with Python's Unicode ``\\w`` (letters,
    digits and ``_`` of any script, as ``[\\p{L}\\p{N}_]`` in RE2). Apply it to text in which
    words hyphenated across a line break are joined, as :mod:`secnews.analysis.trends.counts` does.
    ``re:PATTERN`` terms are compiled as Python regular expressions (RE2 and Python agree on the
    common syntax; ``\\p{...}`` classes are RE2-only).
    """
    norm, regex = _checked(term)
    if regex is not None:
        return re.compile(regex, re.IGNORECASE)
    start = r"(?<!\w)" if edge_is_word(norm[0]) else ""
    end = r"(?!\w)" if edge_is_word(norm[-1]) else ""
    return re.compile(start + term_body(norm, wildcard=r"\w*") + end, re.IGNORECASE)


def _spec_for_term(term: str) -> TermSpec:
    raw = term.strip()
    pattern = term_pattern(raw)
    if raw.lower().startswith(REGEX_PREFIX):
        return TermSpec(name=raw, pattern=pattern, kind="regex")
    norm = normalize_term(raw)
    kind = "phrase" if " " in norm else "term"
    literal = _literal_of(norm)
    return TermSpec(
        name=norm,
        pattern=pattern,
        kind=kind,
        literals=(literal,) if literal else (),
        ascii_pattern=ascii_pattern(raw),
    )


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
    fast = ""
    if all(spec.ascii_pattern for spec in entries):
        fast = "|".join(f"(?:{spec.ascii_pattern})" for spec in entries)
    return TermSpec(
        name=lexicon.name,
        pattern=alternation,
        kind="lexicon",
        literals=literals,
        ascii_pattern=fast,
    )


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
