"""Security-policy relevance score from an editable lexicon.

The lexicon (TOML) has one table per category with a ``weight`` and a list of ``terms``; the
packaged default is ``secnews/corpus/data/relevance_lexicon.toml``, whose header documents the
format. Term rules are those of the trend lexicons of :mod:`secnews.analysis.lexicon` (without
``re:`` patterns): case-insensitive, whole words; a space matches any run of white space or
hyphens; a hyphen matches a hyphen, white space or nothing; ``*`` matches zero or more word
characters.

Score
-----
For a document with ``W`` white-space separated words (``len(text.split())``, the store's
``n_words`` when the full text is scored) and ``c_k`` occurrences of the terms of category ``k``
with weight ``w_k``::

    relevance = 1000 * sum_k(w_k * c_k) / W        (0.0 when W == 0)

i.e. weighted lexicon occurrences per 1,000 words. Occurrences do not overlap: all terms form one
regular expression (a character trie of the terms) scanned left to right, and at each place the
longest match wins, so ``UN Security Council`` counts once for ``security council`` (category
``institutions``) and not again for ``security``. A matched string belongs to the category of the
longest term that matches all of it.

Engine and speed: the pattern runs in DuckDB's RE2 engine (linear time; about 60 MB/s of text on
one core of this machine, word counting aside; a document longer than :data:`PIECE_CHARS` is
matched in pieces cut after punctuation, :func:`split_for_matching`, because one huge string
took superlinear time in DuckDB) or, as a reference with identical results, in
Python's :mod:`re` (about 15 MB/s). Terms in ASCII are matched between ASCII word boundaries
(``\\b``, ``\\w`` and ``\\s`` are ASCII in RE2 and here). Terms with other characters (``НАТО``,
``sécurité``) are whole words in the Unicode sense: preceded by the text's start or a character
that is not a Unicode letter, digit or ``_`` (``[^\\p{L}\\p{N}_]`` in RE2, ``\\W`` in Python) and
followed by the end or such a character; RE2 has no look-around, so these two characters are part
of the match and stripped before the lookup, and two such terms separated by a single character
(``Совет Безопасности ООН`` if both were terms) count only the first. Pass ``n_words`` when the word counts are known (a corpus build has them) to skip
counting words again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from secnews.corpus.clean.terms import ascii_term_pattern, normalize_term

__all__ = [
    "Category",
    "RelevanceLexicon",
    "load_relevance_lexicon",
    "match_counts",
    "parse_relevance_lexicon",
    "relevance_scores",
    "relevance_scores_arrow",
]

_DEFAULT_RESOURCE = "relevance_lexicon.toml"
_BATCH_CHARS = 8_000_000


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a relevance lexicon.

    Attributes
    ----------
    name
        Table name in the lexicon file.
    weight
        What one occurrence of a term of this category adds to the weighted count.
    terms
        Normalized terms (lower case, single spaces), in file order.
    description
        Free text.
    """

    name: str
    weight: float
    terms: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class RelevanceLexicon:
    """A relevance lexicon: categories, and where it came from.

    Attributes
    ----------
    categories
        In file order.
    source
        The file path, or ``"package:relevance_lexicon.toml"`` for the packaged default.
    sha256
        Digest of the file's bytes (written into the corpus manifest).
    """

    categories: tuple[Category, ...]
    source: str = "<string>"
    sha256: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for a manifest (source, digest, weights and term counts)."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "categories": {
                c.name: {"weight": c.weight, "n_terms": len(c.terms)} for c in self.categories
            },
        }


def parse_relevance_lexicon(text: str, *, source: str = "<string>") -> RelevanceLexicon:
    """Parse a lexicon from TOML text.

    Parameters
    ----------
    text
        TOML: one table per category with ``terms`` (list of strings), optional ``weight``
        (number > 0, default 1.0) and ``description``.
    source
        Where the text came from (kept in the result and used in error messages).

    Returns
    -------
    RelevanceLexicon

    Raises
    ------
    ValueError
        On invalid TOML, a category without terms, a non-positive weight, an unknown key, a term
        with no word character, a ``re:`` term, or a term listed in two categories.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: not valid TOML: {exc}") from exc
    categories = []
    owner: dict[str, str] = {}
    for name, table in data.items():
        categories.append(_parse_category(name, table, owner, source))
    if not categories:
        raise ValueError(f"{source}: no category")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return RelevanceLexicon(categories=tuple(categories), source=source, sha256=digest)


def _parse_category(name: str, table: Any, owner: dict[str, str], source: str) -> Category:
    where = f"{source}: category {name!r}"
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table with 'terms'")
    unknown = set(table) - {"terms", "weight", "description"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
    weight = table.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
        raise ValueError(f"{where}: weight must be a number > 0, got {weight!r}")
    raw_terms = table.get("terms")
    if not isinstance(raw_terms, list) or not all(isinstance(t, str) for t in raw_terms):
        raise ValueError(f"{where}: 'terms' must be a list of strings")
    terms: list[str] = []
    for raw in raw_terms:
        term = normalize_term(raw)
        if not term:
            continue
        if term.startswith("re:"):
            raise ValueError(f"{where}: regular-expression terms are not supported ({raw!r})")
        ascii_term_pattern(term)  # validates
        if owner.get(term, name) != name:
            raise ValueError(f"{where}: term {term!r} is also in category {owner[term]!r}")
        if term not in owner:
            owner[term] = name
            terms.append(term)
    if not terms:
        raise ValueError(f"{where}: no terms")
    description = str(table.get("description", ""))
    return Category(name=name, weight=float(weight), terms=tuple(terms), description=description)


def load_relevance_lexicon(path: str | Path | None = None) -> RelevanceLexicon:
    """Read a relevance lexicon file.

    Parameters
    ----------
    path
        A TOML file in the format of the packaged default; ``None`` reads the packaged
        ``relevance_lexicon.toml``.

    Returns
    -------
    RelevanceLexicon

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a valid lexicon (see :func:`parse_relevance_lexicon`).
    """
    if path is None:
        resource = resources.files("secnews.corpus").joinpath("data", _DEFAULT_RESOURCE)
        text = resource.read_text(encoding="utf-8")
        return parse_relevance_lexicon(text, source=f"package:{_DEFAULT_RESOURCE}")
    file = Path(path)
    return parse_relevance_lexicon(file.read_text(encoding="utf-8"), source=str(file))


_WS = r"[\t\n\v\f\r ]"
#: Trie symbols in Python ``re`` (Unicode ``\w``) and in RE2 (ASCII ``\w``, hence ``\p{..}``).
#: Trie symbols of ASCII terms (ASCII ``\w``/``\s``, as RE2) and of the other terms (Unicode
#: ``\w`` in Python ``re``, ``\p{..}`` classes in RE2, whose ``\w`` is ASCII).
_SYMBOLS = {"SP": r"[\s-]+", "HY": r"(?:-|\s+)?", "ST": r"\w*"}
_SYMBOLS_UNICODE = {"SP": r"[\t\n\v\f\r -]+", "HY": r"(?:-|" + _WS + r"+)?", "ST": r"\w*"}
_SYMBOLS_RE2 = {**_SYMBOLS_UNICODE, "ST": r"[\p{L}\p{N}_]*"}


def _symbols(term: str) -> list[str]:
    """A term as trie symbols: characters, ``SP`` (space), ``HY`` (hyphen), ``ST`` (``*``)."""
    out: list[str] = []
    for w, word in enumerate(term.split(" ")):
        if w:
            out.append("SP")
        for h, part in enumerate(word.split("-")):
            if h:
                out.append("HY")
            for c, chunk in enumerate(part.split("*")):
                if c:
                    out.append("ST")
                out.extend(chunk)
    return out


def _trie_pattern(node: dict[str, Any], symbols: dict[str, str] = _SYMBOLS) -> str:
    """Regular expression of a trie: longer continuations are tried before ending here."""
    keys = sorted((k for k in node if k), key=lambda k: (len(k) > 1, k == "ST", k))
    alternatives = [
        (symbols.get(k) or re.escape(k)) + _trie_pattern(node[k], symbols) for k in keys
    ]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return f"(?:{body})?" if "" in node else body


def _trie(terms: Iterable[str]) -> dict[str, Any]:
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for symbol in _symbols(term):
            node = node.setdefault(symbol, {})
        node[""] = {}
    return trie


def _lexicon_pattern(lexicon: RelevanceLexicon, *, re2: bool = False) -> str:
    """One pattern for all terms, as character tries (Python ``re``, or RE2 with ``re2``).

    At a given place a trie prefers the longest continuation (a longer literal or phrase
    before a wildcard, a wildcard before ending), which for literal terms is exactly "the longest
    term wins". ASCII terms sit between ASCII ``\\b`` (as before Unicode terms were supported);
    terms with other characters between a consumed non-word character (Unicode) or the text's
    start and end, which :meth:`_Matcher.category` strips again.
    """
    terms = [t for c in lexicon.categories for t in c.terms]
    ascii_terms = [t for t in terms if t.isascii()]
    other = [t for t in terms if not t.isascii()]
    parts = []
    if ascii_terms:
        body = r"\b(?:" + _trie_pattern(_trie(ascii_terms)) + r")\b"
        parts.append(body if re2 else f"(?a:{body})")
    if other:
        edge = r"(?:^|[^\p{L}\p{N}_])" if re2 else r"(?:^|\W)"
        end = r"(?:$|[^\p{L}\p{N}_])" if re2 else r"(?:$|\W)"
        symbols = _SYMBOLS_RE2 if re2 else _SYMBOLS_UNICODE
        parts.append(edge + "(?:" + _trie_pattern(_trie(other), symbols) + ")" + end)
    return "|".join(parts)


def _edges_stripped(match: str) -> list[str]:
    """``match`` and, for Unicode terms, ``match`` without a non-word character at either end."""
    out = [match]
    if match and not (match[0].isalnum() or match[0] == "_"):
        out.append(match[1:])
    if match and not (match[-1].isalnum() or match[-1] == "_"):
        out += [m[:-1] for m in list(out)]
    return out


class _Matcher:
    """Compiled lexicon: the trie pattern and a memo from matched strings to categories."""

    def __init__(self, lexicon: RelevanceLexicon) -> None:
        self.lexicon = lexicon
        self.pattern = _lexicon_pattern(lexicon, re2=True)  # for DuckDB (RE2)
        self.regex = re.compile(_lexicon_pattern(lexicon), re.IGNORECASE)
        entries = [(t, k) for k, c in enumerate(lexicon.categories) for t in c.terms]
        entries.sort(key=lambda e: (-len(e[0]), e[1], e[0]))
        self.terms = [(re.compile(ascii_term_pattern(t), re.IGNORECASE), k) for t, k in entries]
        self.memo: dict[str, int] = {}
        self._duckdb: tuple[int, Any] | None = None
        self.n_categories = len(lexicon.categories)
        used = {ch for c in lexicon.categories for t in c.terms for ch in t.lower() + t.upper()}
        self.safe = "".join(ch for ch in _SPLIT_CHARS if ch not in used)

    def category(self, match: str) -> int:
        """Category index of a matched string: that of the longest term matching all of it."""
        key = match.lower()
        found = self.memo.get(key)
        if found is None:
            found = next(
                (k for form in _edges_stripped(key) for rx, k in self.terms if rx.fullmatch(form)),
                -1,
            )
            if found < 0:
                raise RuntimeError(f"lexicon match {match!r} fits no term (a secnews bug)")
            self.memo[key] = found
        return found

    def counts(self, matches: Sequence[str]) -> np.ndarray:
        """Occurrences per category of a document's matched strings."""
        out = np.zeros(self.n_categories, dtype=np.int64)
        for match, n in Counter(matches).items():
            out[self.category(match)] += n
        return out

    def count_matrix(self, texts: list[str], *, engine: str) -> np.ndarray:
        """Occurrences per text and category (``int64``, ``len(texts) x n_categories``).

        With ``"duckdb"`` the matches are grouped by text and matched string inside DuckDB, so
        Python sees each distinct string of a text once instead of every occurrence; the counts
        are the same as summing :meth:`counts` over :meth:`batch_matches`.
        """
        out = np.zeros((len(texts), self.n_categories), dtype=np.int64)
        if engine != "duckdb":
            for row, matches in enumerate(self.batch_matches(texts, engine=engine)):
                out[row] = self.counts(matches)
            return out
        import pyarrow as pa

        return self.arrow_count_matrix(pa.array(texts, type=pa.large_string()))

    def arrow_count_matrix(self, texts: Any) -> np.ndarray:
        """:meth:`count_matrix` (DuckDB engine) of an Arrow string array (no copy to Python)."""
        import duckdb
        import pyarrow as pa

        out = np.zeros((len(texts), self.n_categories), dtype=np.int64)
        rows, texts = self._pieces(texts)
        table = pa.table({"row": pa.array(rows), "text": texts})
        if self._duckdb is None or self._duckdb[0] != os.getpid():
            # one in-memory database per matcher and process: starting one costs tens of ms
            self._duckdb = (os.getpid(), duckdb.connect())
        with self._duckdb[1].cursor() as con:
            con.register("batch", table)
            found = con.execute(
                "SELECT row, match, count(*) AS n FROM (SELECT row, "
                "unnest(regexp_extract_all(text, $pattern)) AS match FROM batch) GROUP BY ALL",
                {"pattern": "(?i)" + self.pattern},
            ).fetchnumpy()
        if len(found["n"]):
            category = self.category
            columns = np.fromiter(
                (category(str(m)) for m in found["match"].tolist()),
                dtype=np.int64,
                count=len(found["n"]),
            )
            rows = np.asarray(found["row"], dtype=np.int64)
            np.add.at(out, (rows, columns), np.asarray(found["n"], dtype=np.int64))
        return out

    def _pieces(self, texts: Any) -> tuple[Any, Any]:
        """(row index, text) arrays with every text longer than :data:`PIECE_CHARS` cut into
        pieces (see :func:`split_for_matching`), so that matching stays linear in the length."""
        import pyarrow as pa
        import pyarrow.compute as pc

        rows = np.arange(len(texts), dtype=np.int64)
        if not len(texts) or pc.max(pc.utf8_length(texts)).as_py() <= PIECE_CHARS:
            return rows, texts
        out_rows: list[int] = []
        out_texts: list[str] = []
        for row, text in enumerate(texts.to_pylist()):
            pieces = split_for_matching(text, self.safe)
            out_rows.extend([row] * len(pieces))
            out_texts.extend(pieces)
        return np.array(out_rows, dtype=np.int64), pa.array(out_texts, type=pa.large_string())

    def batch_matches(self, texts: list[str], *, engine: str) -> list[list[str]]:
        """All matched strings of each text (``engine``: ``"duckdb"`` (RE2) or ``"python"``)."""
        if engine == "python":
            return [self.regex.findall(text) for text in texts]
        if engine != "duckdb":
            raise ValueError(f"engine must be 'duckdb' or 'python', got {engine!r}")
        import duckdb
        import pyarrow as pa

        table = pa.table({"text": pa.array(texts, type=pa.large_string())})
        with duckdb.connect() as con:
            con.register("batch", table)
            rows = con.execute(
                "SELECT regexp_extract_all(text, $pattern) FROM batch",
                {"pattern": "(?i)" + self.pattern},
            ).fetchall()
        return [row[0] or [] for row in rows]


#: Texts longer than this many characters are matched in pieces of about this size: RE2 in
#: DuckDB takes superlinear time on one huge string (16M characters 2.1 s, 64M 128 s).
PIECE_CHARS = 1 << 20
#: Where a text may be cut: after one of these characters (punctuation that no match can span,
#: unless a term of the lexicon contains it).
_SPLIT_CHARS = '.,;:!?)]}"\u201d\u00bb|'


def split_for_matching(
    text: str, safe: str = _SPLIT_CHARS, *, size: int = PIECE_CHARS
) -> list[str]:
    """Cut a long text into pieces of at most about ``size`` characters for matching.

    A cut falls right after the last character of ``safe`` in the second half of each window:
    no lexicon match can contain such a character, so the matches of the pieces are those of the
    text (``\\b`` and the edges of Unicode terms see punctuation on one side and the text's
    start or end on the other). Only a window without any such character is cut after a white
    space, or, without one, anywhere (a match across that cut is lost).

    Parameters
    ----------
    text
        The text.
    safe
        Characters after which a cut is exact.
    size
        Largest piece (characters).

    Returns
    -------
    list of str
        Pieces whose concatenation is ``text``.
    """
    if len(text) <= size:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > size:
        low, high = start + size // 2, start + size
        cut = max((text.rfind(ch, low, high) for ch in safe), default=-1)
        if cut < 0:
            cut = max(text.rfind(" ", low, high), text.rfind("\n", low, high))
        end = cut + 1 if cut >= 0 else high
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


@lru_cache(maxsize=8)
def _matcher(lexicon: RelevanceLexicon) -> _Matcher:
    return _Matcher(lexicon)


def _batches(texts: Iterable[str], max_chars: int) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"texts must be str, got {type(text).__name__}")
        batch.append(text)
        size += len(text)
        if size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def match_counts(
    texts: Iterable[str],
    *,
    lexicon: RelevanceLexicon | None = None,
    engine: str = "duckdb",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Count lexicon occurrences per category in each text.

    Parameters
    ----------
    texts
        Documents (streamed in batches of about 8 million characters).
    lexicon
        The lexicon (``None``: the packaged default).
    engine
        ``"duckdb"`` (RE2, fast) or ``"python"`` (the standard library's ``re``; same pattern,
        same results, slower).
    progress
        Show a tqdm bar (``None``: only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per text (in input order): ``n_words`` (``len(text.split())``) and one
        ``int64`` column per category (occurrences).
    """
    lex = lexicon if lexicon is not None else load_relevance_lexicon()
    matcher = _matcher(lex)
    rows: list[np.ndarray] = []
    words: list[int] = []
    disable = None if progress is None else not progress
    with tqdm(unit="doc", desc="relevance", disable=disable) as bar:
        for batch in _batches(texts, _BATCH_CHARS):
            rows.extend(matcher.count_matrix(batch, engine=engine))
            words.extend(len(text.split()) for text in batch)
            bar.update(len(batch))
    counts = np.vstack(rows) if rows else np.zeros((0, len(lex.categories)), dtype=np.int64)
    out = pd.DataFrame(counts, columns=[c.name for c in lex.categories], dtype="int64")
    out.insert(0, "n_words", np.array(words, dtype=np.int64))
    return out


def relevance_scores(
    texts: Iterable[str],
    *,
    lexicon: RelevanceLexicon | None = None,
    n_words: Sequence[int] | None = None,
    engine: str = "duckdb",
    progress: bool | None = None,
) -> np.ndarray:
    """Security-policy relevance of each text: weighted occurrences per 1,000 words.

    Parameters
    ----------
    texts
        Documents (streamed in batches of about 8 million characters).
    lexicon
        The lexicon (``None``: the packaged default).
    n_words
        Word counts, if already known (e.g. the store's ``n_words``; they must equal
        ``len(text.split())`` for the formula to hold); counted here otherwise.
    engine
        ``"duckdb"`` or ``"python"`` (see :func:`match_counts`).
    progress
        Show a tqdm bar (``None``: only on a terminal).

    Returns
    -------
    numpy.ndarray
        ``float64``, one score per text (0.0 for a text without words); see the module
        docstring for the formula.
    """
    lex = lexicon if lexicon is not None else load_relevance_lexicon()
    matcher = _matcher(lex)
    weights = np.array([c.weight for c in lex.categories], dtype=np.float64)
    given = None if n_words is None else list(n_words)
    scores: list[float] = []
    disable = None if progress is None else not progress
    with tqdm(unit="doc", desc="relevance", disable=disable) as bar:
        for batch in _batches(texts, _BATCH_CHARS):
            found = matcher.count_matrix(batch, engine=engine)
            for text, counts in zip(batch, found, strict=True):
                i = len(scores)
                if given is not None and i >= len(given):
                    raise ValueError(f"n_words has {len(given)} values for more texts")
                words = len(text.split()) if given is None else int(given[i])
                weighted = float(counts @ weights)
                scores.append(1000.0 * weighted / words if words > 0 else 0.0)
            bar.update(len(batch))
    if given is not None and len(given) != len(scores):
        raise ValueError(f"n_words has {len(given)} values for {len(scores)} texts")
    return np.array(scores, dtype=np.float64)


def relevance_scores_arrow(
    texts: Any, *, n_words: Sequence[int], lexicon: RelevanceLexicon | None = None
) -> np.ndarray:
    """:func:`relevance_scores` (DuckDB engine) of an Arrow string array, in one query.

    For texts already in Arrow form (a corpus build's batch): no conversion from Python strings,
    and the same scores as :func:`relevance_scores` on the same texts.

    Parameters
    ----------
    texts
        A ``pyarrow`` string or large-string array (or chunked array) without nulls.
    n_words
        ``len(text.split())`` of every text.
    lexicon
        The lexicon (``None``: the packaged default).

    Returns
    -------
    numpy.ndarray
        ``float64``, one score per text.
    """
    lex = lexicon if lexicon is not None else load_relevance_lexicon()
    matcher = _matcher(lex)
    weights = np.array([c.weight for c in lex.categories], dtype=np.float64)
    words = list(n_words)
    if len(words) != len(texts):
        raise ValueError(f"n_words has {len(words)} values for {len(texts)} texts")
    found = matcher.arrow_count_matrix(texts)
    scores = [
        1000.0 * float(counts @ weights) / n if n > 0 else 0.0
        for counts, n in zip(found, words, strict=True)
    ]
    return np.array(scores, dtype=np.float64)
