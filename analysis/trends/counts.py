"""Counting terms, phrases, regular expressions and lexicons per document, period and outlet.

Counting runs in DuckDB (RE2 regular expressions, vectorized and parallel), so the eighty years of
the UN General Debate corpus are counted in seconds. The steps:

1. **Documents.** From a pandas DataFrame (columns ``doc_id, outlet, published, title, text`` and
   optionally ``lede, meta, dup_of``) or from a stored corpus (its Parquet files are read
   directly, in row order). Duplicates (``dup_of`` set) are left out unless
   :attr:`TrendSettings.include_duplicates`.
2. **Match text.** ``title``, ``lede`` and ``text`` joined by blank lines (the store's full text),
   lower-cased (Unicode), with words hyphenated across a line break joined
   (``letter-\\n letter`` -> ``letterletter``; this repairs the hard-wrapped PDF text of the UN
   corpus) when :attr:`TrendSettings.join_line_hyphens`.
3. **Tokens.** The denominator of a rate is the number of tokens of the match text, a token being
   a match of :data:`TOKEN_PATTERN`, the RE2 transcription of the shared regex tokenizer
   (:func:`secnews.analysis.preprocess.tokens.token_pattern` with hyphenated compounds kept
   whole), counted *before* its filters (stop words, minimum length, numbers, URLs), so every
   word counts in the denominator: a URL (``https?://...`` or ``www....``), a dotted
   abbreviation of single letters (``u.s.``), or a run of letters and digits with inner hyphens
   (``euro-atlantic``, ``s-400``). Apostrophes split words (``russia's`` is two tokens);
   punctuation and symbols are not tokens.
4. **Counts.** For every series, the number of non-overlapping matches of its pattern
   (:mod:`secnews.analysis.lexicon` gives the matching rules) in each document. Series that can
   never match overlapping text are counted in one pass (:func:`term_groups`), which makes 100
   terms cost a few passes over the corpus instead of 100.
5. **Periods.** ``published`` (UTC) truncated to the start of its day, ISO week (Monday), month,
   quarter or year. When ``published`` is null and the frequency is ``year``, the year comes from
   ``meta.year`` (the UN corpus has no dates, only a session year). Documents without a period
   are left out, and their number is logged and reported by :func:`document_counts`.
6. **Groups.** ``by="outlet"`` (one series per outlet), ``by="meta.KEY"`` (e.g. ``meta.country``)
   or ``by=None`` (everything in one group labelled ``"all"``). The group label is written in the
   column ``outlet`` whatever it stands for.

Memory: the match text of every document is held once, lower-cased, in an in-memory DuckDB
table (about the size of the text: a quarter of a gigabyte for the UN corpus); the per-document
counts returned are small (one integer per document and series).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from secnews.analysis.lexicon import TermSpec, may_overlap, scan_pattern

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "FREQUENCIES",
    "TOKEN_PATTERN",
    "DocumentCounts",
    "TrendSettings",
    "aggregate_counts",
    "document_counts",
    "match_text_sql",
    "term_groups",
]

logger = logging.getLogger(__name__)

#: Allowed period frequencies and their DuckDB ``date_trunc`` part.
FREQUENCIES: dict[str, str] = {
    "D": "day",
    "day": "day",
    "W": "week",
    "week": "week",
    "M": "month",
    "month": "month",
    "Q": "quarter",
    "quarter": "quarter",
    "Y": "year",
    "year": "year",
}
#: RE2 pattern of a token (see the module docstring).
TOKEN_PATTERN = r"(?:https?://|www\.)\S+|(?:\pL\.){2,}|[\pL\pN]+(?:-[\pL\pN]+)*"
#: Label of the single group when ``by`` is None.
ALL_GROUP = "all"
_RESERVED = ("doc_id", "outlet", "period", "tokens")
_META_KEY = re.compile(r"^meta\.([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """Settings of a trend analysis (written into the output manifest).

    Attributes
    ----------
    freq
        ``day``, ``week``, ``month``, ``quarter`` or ``year`` (or ``D``, ``W``, ``M``, ``Q``,
        ``Y``).
    by
        ``"outlet"``, ``"meta.KEY"`` or ``None`` (one group, ``"all"``).
    include_duplicates
        Count documents whose ``dup_of`` is set.
    join_line_hyphens
        Join words hyphenated across a line break before matching and counting tokens.
    ci_level
        Confidence level of every interval.
    n_boot
        Bootstrap replicates.
    bootstrap_method
        ``"bca"`` or ``"percentile"`` (:func:`secnews.analysis.trends.intervals.bootstrap_rate_ci`).
    min_docs_bootstrap
        Cells (group x period) with fewer documents get an exact Poisson interval instead of the
        document bootstrap (see :mod:`secnews.analysis.trends.intervals`).
    random_state
        Seed of every random step.
    group_size
        Most series counted in one pass over the text (see :func:`term_groups`).
    """

    freq: str = "week"
    by: str | None = "outlet"
    include_duplicates: bool = False
    join_line_hyphens: bool = True
    ci_level: float = 0.95
    n_boot: int = 1000
    bootstrap_method: str = "bca"
    min_docs_bootstrap: int = 20
    random_state: int = 0
    group_size: int = 64

    def __post_init__(self) -> None:
        if self.freq not in FREQUENCIES:
            raise ValueError(f"freq must be one of {sorted(set(FREQUENCIES))}, got {self.freq!r}")
        if self.by is not None and self.by != "outlet" and not _META_KEY.match(self.by):
            raise ValueError(f"by must be 'outlet', 'meta.KEY' or None, got {self.by!r}")
        if not 0.5 < self.ci_level < 1:
            raise ValueError(f"ci_level must be in (0.5, 1), got {self.ci_level}")
        if self.n_boot < 100:
            raise ValueError(f"n_boot must be at least 100, got {self.n_boot}")
        if self.bootstrap_method not in {"bca", "percentile"}:
            raise ValueError(
                f"bootstrap_method must be 'bca' or 'percentile', got {self.bootstrap_method!r}"
            )
        if self.min_docs_bootstrap < 2:
            raise ValueError("min_docs_bootstrap must be at least 2")
        if self.group_size < 1:
            raise ValueError("group_size must be at least 1")

    @property
    def period_unit(self) -> str:
        """The DuckDB ``date_trunc`` part of :attr:`freq`."""
        return FREQUENCIES[self.freq]


@dataclass(frozen=True, slots=True)
class DocumentCounts:
    """Per-document counts: the input of aggregation, bootstrap and gaps.

    Attributes
    ----------
    frame
        One row per document: ``doc_id, outlet, period, tokens`` and one ``int64`` column per
        series (named after :attr:`TermSpec.name`), sorted by ``outlet, period, doc_id``.
        ``period`` is a ``datetime64`` period start.
    terms
        Series names, in input order.
    dropped_no_period
        Documents left out because no period could be derived.
    dropped_duplicates
        Documents left out as duplicates.
    """

    frame: pd.DataFrame
    terms: tuple[str, ...]
    dropped_no_period: int = 0
    dropped_duplicates: int = 0


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def match_text_sql(*, has_lede: bool, join_line_hyphens: bool) -> str:
    """SQL expression of the match text of a row (title, lede, text; lower-cased, see module)."""
    parts = ["title", "lede", "text"] if has_lede else ["title", "text"]
    pieces = ", ".join(
        f"CASE WHEN trim(coalesce(CAST({p} AS VARCHAR), '')) = '' THEN NULL "
        f"ELSE trim(CAST({p} AS VARCHAR)) END"
        for p in parts
    )
    expr = f"lower(concat_ws(chr(10) || chr(10), {pieces}))"
    if join_line_hyphens:
        expr = f"regexp_replace({expr}, '(\\pL)-[ \\t]*\\n[ \\t]*(\\pL)', '\\1\\2', 'g')"
    return expr


def _period_sql(settings: TrendSettings, *, has_meta: bool) -> str:
    unit = settings.period_unit
    expr = f"CAST(date_trunc('{unit}', TRY_CAST(published AS TIMESTAMPTZ)) AS DATE)"
    if unit == "year" and has_meta:
        year = "TRY_CAST(json_extract_string(CAST(meta AS VARCHAR), '$.year') AS INTEGER)"
        expr = f"coalesce({expr}, make_date({year}, 1, 1))"
    return expr


def _group_sql(by: str | None) -> str:
    if by is None:
        return _sql_string(ALL_GROUP)
    if by == "outlet":
        return "coalesce(CAST(outlet AS VARCHAR), '(unknown)')"
    key = by.split(".", 1)[1]
    return f"coalesce(json_extract_string(CAST(meta AS VARCHAR), '$.{key}'), '(unknown)')"


#: RE2 class of a letter or digit outside ASCII (every character but ASCII, punctuation,
#: symbols, separators, control characters and marks).
_NON_ASCII_WORD = r"[^\x00-\x7F\pP\pS\pZ\pC\pM]"


def _hits_sql(specs: Sequence[TermSpec], *, fast: bool = True) -> str:
    """SQL list of the whole-word matches of ``specs`` in ``t`` (one alternation).

    Scans with :func:`secnews.analysis.lexicon.scan_pattern` (Unicode word boundaries). With
    ``fast``, texts whose letters and digits are all ASCII use the much faster ASCII patterns
    (:attr:`TermSpec.ascii_pattern`); when every term is ASCII, so do the other texts, on the
    column ``ta``: the text with every non-ASCII letter or digit replaced by ``x``, made once.
    ``\\b`` then sees exactly the Unicode word boundaries ("kyivé" is one word), and an ASCII
    term matches only where the original text has the same ASCII characters.
    """
    scan = _sql_string(scan_pattern([spec.pattern for spec in specs]))
    slow = f"list_filter(regexp_extract_all(t, {scan}, 1), lambda x: x IS NOT NULL)"
    if not fast or not all(spec.ascii_pattern for spec in specs):
        return slow
    alternation = _sql_string("|".join(f"(?:{spec.ascii_pattern})" for spec in specs))
    word = _sql_string(_NON_ASCII_WORD)
    quick = f"regexp_extract_all(t, {alternation})"
    if not all(_is_ascii(spec) for spec in specs):
        # a non-ASCII term can only match a text with non-ASCII letters: scan those fully
        return f"CASE WHEN regexp_matches(t, {word}) THEN {slow} ELSE {quick} END"
    return f"regexp_extract_all(ta, {alternation})"


def _literal_test(specs: Sequence[TermSpec]) -> str | None:
    """SQL test that ``t`` holds a literal of one of ``specs`` (None when one has none)."""
    if not all(spec.literals for spec in specs):
        return None
    literals = sorted({lit for spec in specs for lit in spec.literals})
    return " OR ".join(f"contains(t, {_sql_string(lit)})" for lit in literals)


def _count_sql(spec: TermSpec) -> str:
    if spec.kind == "regex":  # a raw regular expression counts anywhere, as written
        count = f"coalesce(len(regexp_extract_all(t, {_sql_string(spec.pattern)})), 0)"
    else:
        count = f"coalesce(len({_hits_sql([spec])}), 0)"
    test = _literal_test([spec])
    if test is None:
        return count
    return f"CASE WHEN {test} THEN {count} ELSE 0 END"


def _is_ascii(spec: TermSpec) -> bool:
    return bool(spec.ascii_pattern) and spec.ascii_pattern.isascii()


def term_groups(terms: Sequence[TermSpec], *, size: int = 64) -> list[list[int]]:
    """Partition series into groups counted in one pass each.

    Series whose matches can never share text (:func:`secnews.analysis.lexicon.may_overlap` is
    false for every pair) are counted together: one scan of the text with the alternation of
    their patterns, then every match is assigned to the one series whose pattern matches it in
    full. Because no two series of a group can match overlapping text, the counts equal those of
    separate scans. Regular expressions and lexicons are counted alone, and ASCII terms never
    share a group with non-ASCII ones (an ASCII group takes the fast path of ``_hits_sql``).

    Returns
    -------
    list of list of int
        Indices into ``terms``, greedily assigned in input order.
    """
    groups: list[list[int]] = []
    for index, spec in enumerate(terms):
        for group in groups:
            if (
                len(group) < size
                and _is_ascii(spec) == _is_ascii(terms[group[0]])
                and not any(may_overlap(spec, terms[j]) for j in group)
            ):
                group.append(index)
                break
        else:
            groups.append([index])
    return groups


def _pass_sql(terms: Sequence[TermSpec], group: list[int]) -> str:
    if len(group) == 1:
        j = group[0]
        return f"SELECT CAST({_count_sql(terms[j])} AS BIGINT) AS c{j} FROM docs ORDER BY rid"
    hits = _hits_sql([terms[j] for j in group])
    test = _literal_test([terms[j] for j in group])
    if test is not None:  # skip documents holding none of the literals
        hits = f"CASE WHEN {test} THEN {hits} ELSE [] END"
    specs = [terms[j] for j in group]
    # hits found by the ASCII patterns (see _hits_sql) are assigned with the same patterns
    ascii_only = all(_is_ascii(spec) for spec in specs)
    columns = ", ".join(
        f"CAST(coalesce(len(list_filter(ms, lambda x: regexp_full_match(x, "
        f"{_sql_string(terms[j].ascii_pattern if ascii_only else terms[j].pattern)}))), 0) "
        f"AS BIGINT) AS c{j}"
        for j in group
    )
    return f"SELECT {columns} FROM (SELECT rid, {hits} AS ms FROM docs) ORDER BY rid"


def _connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(":memory:", config={} if threads is None else {"threads": threads})
    con.execute("SET TimeZone = 'UTC'")
    return con


def _source_sql(con: duckdb.DuckDBPyConnection, source: Any) -> tuple[str, set[str]]:
    """Register ``source`` and return (relation SQL, its column names)."""
    if isinstance(source, pd.DataFrame):
        required = {"doc_id", "published", "text"}
        missing = sorted(required - set(source.columns))
        if missing:
            raise ValueError(f"the documents lack column(s) {missing}")
        con.register("source_frame", source)
        return "source_frame", set(source.columns)
    from secnews.corpus.store.layout import article_parts, read_parquet_sql
    from secnews.corpus.store.read import Corpus

    if isinstance(source, Corpus):
        parts = source.parts
    else:
        path = Path(source)
        if path.is_dir():
            parts = article_parts(path)
        elif path.is_file():
            parts = [path]
        else:
            raise FileNotFoundError(f"no corpus or Parquet file at {path}")
    relation = read_parquet_sql(parts)
    names = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    return relation, names


def document_counts(
    source: Any,
    terms: Sequence[TermSpec],
    *,
    settings: TrendSettings,
    threads: int | None = None,
) -> DocumentCounts:
    """Count every series in every document (see the module docstring for the rules).

    Parameters
    ----------
    source
        A pandas DataFrame of documents, a :class:`secnews.corpus.store.read.Corpus` handle, a corpus
        folder (of either layout) or the path of a Parquet file of documents.
    terms
        Series to count (:func:`secnews.analysis.lexicon.parse_terms`,
        :func:`secnews.analysis.lexicon.lexicon_spec`).
    settings
        Period, grouping and text settings.
    threads
        DuckDB threads (default: one per core; a Dask worker passes its own share).

    Returns
    -------
    DocumentCounts
    """
    from tqdm.auto import tqdm

    names = [spec.name for spec in terms]
    if not names:
        raise ValueError("no series to count")
    if len(set(names)) != len(names):
        raise ValueError(f"series names must be unique, got {names}")
    clash = sorted(set(names) & set(_RESERVED))
    if clash:
        raise ValueError(f"series name(s) {clash} clash with the columns {list(_RESERVED)}")
    con = _connect(threads)
    try:
        relation, columns = _source_sql(con, source)
        if "outlet" not in columns and settings.by == "outlet":
            raise ValueError("the documents lack the column 'outlet' (use by=None)")
        if settings.by is not None and settings.by != "outlet" and "meta" not in columns:
            raise ValueError(f"by={settings.by!r} needs a 'meta' column")
        has_meta = "meta" in columns
        where = ""
        dropped_dup = 0
        if "dup_of" in columns and not settings.include_duplicates:
            where = "WHERE dup_of IS NULL"
            row = con.execute(
                f"SELECT count(*) FROM {relation} WHERE dup_of IS NOT NULL"
            ).fetchone()
            dropped_dup = int(row[0]) if row else 0
        text_sql = match_text_sql(
            has_lede="lede" in columns, join_line_hyphens=settings.join_line_hyphens
        )
        con.execute(
            "CREATE TEMP TABLE docs AS SELECT row_number() OVER () AS rid, "
            f"CAST(doc_id AS VARCHAR) AS doc_id, {_group_sql(settings.by)} AS outlet, "
            f"{_period_sql(settings, has_meta=has_meta)} AS period, {text_sql} AS t "
            f"FROM {relation} {where}"
        )
        word = _sql_string(_NON_ASCII_WORD)
        con.execute(
            "ALTER TABLE docs ADD COLUMN ta VARCHAR; "
            f"UPDATE docs SET ta = CASE WHEN regexp_matches(t, {word}) "
            f"THEN regexp_replace(t, {word}, 'x', 'g') ELSE t END"
        )
        row = con.execute("SELECT count(*) FROM docs WHERE period IS NULL").fetchone()
        dropped_period = int(row[0]) if row else 0
        if dropped_period:
            logger.warning(
                "%d document(s) have no %s period (null published%s) and are left out",
                dropped_period,
                settings.period_unit,
                " and no meta.year" if settings.period_unit == "year" else "",
            )
        con.execute("DELETE FROM docs WHERE period IS NULL")
        base = con.execute(
            "SELECT rid, doc_id, outlet, period, "
            f"CAST(len(regexp_extract_all(t, {_sql_string(TOKEN_PATTERN)})) AS BIGINT) AS tokens "
            "FROM docs ORDER BY rid"
        ).df()
        counts = np.zeros((len(base), len(terms)), dtype=np.int64)
        groups = term_groups(terms, size=settings.group_size)
        for group in tqdm(groups, desc="counting", unit="pass", disable=None):
            got = con.execute(_pass_sql(terms, group)).fetchnumpy()
            for j in group:
                counts[:, j] = np.asarray(got[f"c{j}"], dtype=np.int64)
    finally:
        con.close()
    frame = base.drop(columns="rid")
    frame["period"] = pd.to_datetime(frame["period"])
    frame["tokens"] = frame["tokens"].astype("int64")
    frame = pd.concat([frame, pd.DataFrame(counts, columns=names, index=frame.index)], axis=1)
    frame = frame.sort_values(["outlet", "period", "doc_id"], kind="mergesort").reset_index(
        drop=True
    )
    return DocumentCounts(
        frame=frame,
        terms=tuple(names),
        dropped_no_period=dropped_period,
        dropped_duplicates=dropped_dup,
    )


def aggregate_counts(counts: DocumentCounts) -> pd.DataFrame:
    """Sum per-document counts into cells (series x group x period), without intervals.

    Parameters
    ----------
    counts
        Output of :func:`document_counts`.

    Returns
    -------
    pandas.DataFrame
        ``term, outlet, period, count, tokens, docs, docs_with_term, rate_per_10k, doc_share``
        sorted by ``term`` (input order), ``outlet``, ``period``. ``rate_per_10k`` is
        ``10000 * count / tokens`` (NaN when ``tokens`` is 0); ``doc_share`` is
        ``docs_with_term / docs``.
    """
    frame = counts.frame
    keys = ["outlet", "period"]
    terms = list(counts.terms)
    grouped = frame.groupby(keys, sort=True, observed=True)
    base = grouped.agg(tokens=("tokens", "sum"), docs=("doc_id", "size")).reset_index()
    sums = grouped[terms].sum().to_numpy(dtype=np.int64)
    present = (frame[terms] > 0).astype(np.int64)
    present[keys] = frame[keys]
    with_term = (
        present.groupby(keys, sort=True, observed=True)[terms].sum().to_numpy(dtype=np.int64)
    )
    n_cells = len(base)
    out = pd.DataFrame(
        {
            "term": np.repeat(np.asarray(terms, dtype=object), n_cells),
            "outlet": np.tile(base["outlet"].to_numpy(), len(terms)),
            "period": np.tile(base["period"].to_numpy(), len(terms)),
            "count": sums.T.reshape(-1),
            "tokens": np.tile(base["tokens"].to_numpy(dtype=np.int64), len(terms)),
            "docs": np.tile(base["docs"].to_numpy(dtype=np.int64), len(terms)),
            "docs_with_term": with_term.T.reshape(-1),
        }
    )
    out["term"] = out["term"].astype("str")
    out["outlet"] = out["outlet"].astype("str")
    tokens = out["tokens"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_per_10k"] = np.where(tokens > 0, 1e4 * out["count"].to_numpy() / tokens, np.nan)
    out["doc_share"] = out["docs_with_term"] / out["docs"]
    return out
