"""Descriptive corpus statistics: summaries by outlet and period, lexical diversity (MATTR), term
and document frequencies, and the Zipf exponent.

Definitions
-----------
- *Tokens* of the summary are the words of :data:`SUMMARY_SETTINGS` (the regex tokenizer,
  lowercased, hyphenated words whole, numbers kept, no stopword or length filter, no phrases):
  what a reader would count as running words.
- *MATTR* (moving-average type-token ratio, Covington & McFall 2010): the mean, over every window
  of ``window`` consecutive tokens, of the window's number of types divided by ``window``. A
  group's value is computed over its documents' tokens concatenated in corpus order; a stream
  shorter than the window gets its plain type-token ratio (flagged in ``mattr_full_window``).
  The default window is 500 tokens.
- *Zipf*: frequency ``f(r) ~ C r^-s`` of the ``r``-th most frequent term. ``method="mle"`` (default)
  fits ``s`` by maximum likelihood of a Zipf distribution truncated at the observed number of
  types ``V``: every token is a draw of rank ``r`` with ``P(r) = r^-s / H(V, s)``, maximised over
  ``s`` in (0.01, 5) (bounded scalar optimisation). ``method="ols"`` is least squares of
  ``log f`` on ``log r`` over ranks ``1..max_rank`` and returns ``-slope``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from secnews.analysis.preprocess.core import PreprocessSettings, frame_text, tokenize

__all__ = [
    "SUMMARY_SETTINGS",
    "ZipfFit",
    "corpus_summary",
    "document_tokens",
    "fit_zipf",
    "group_labels",
    "mattr",
    "period_labels",
    "source_counts",
    "term_frequencies",
    "zipf_table",
]

#: Tokenization of the corpus summary (running words, see the module docstring).
SUMMARY_SETTINGS = PreprocessSettings(
    stopwords="none", min_token_length=1, keep_numbers=True, phrases=False, n_jobs=1
)


def period_labels(
    frame: pd.DataFrame, freq: Literal["month", "quarter", "year"] = "month"
) -> pd.Series:
    """Return a period label per document (``2022-02``, ``2022Q1`` or ``2022``).

    From ``published``; when it is null and ``meta`` holds a ``year``, a yearly label comes from
    it (for ``freq="year"`` only); otherwise the label is ``"unknown"`` (also when ``meta`` is
    not valid JSON, not a JSON object or its ``year`` is not a number).
    """
    if freq not in ("month", "quarter", "year"):
        raise ValueError(f"freq must be month, quarter or year, got {freq!r}")
    n = len(frame)
    labels = pd.Series(["unknown"] * n, index=frame.index, dtype=object)
    if "published" in frame.columns:
        published = pd.to_datetime(frame["published"], utc=True, errors="coerce")
        ok = published.notna()
        if freq == "month":
            labels[ok] = published[ok].dt.strftime("%Y-%m")
        elif freq == "quarter":
            labels[ok] = (
                published[ok].dt.year.astype(str) + "Q" + published[ok].dt.quarter.astype(str)
            )
        else:
            labels[ok] = published[ok].dt.year.astype(str)
    if freq == "year" and "meta" in frame.columns:
        for idx, meta in zip(frame.index, frame["meta"], strict=True):
            if labels[idx] != "unknown" or not isinstance(meta, str):
                continue
            try:
                year = json.loads(meta or "{}").get("year")
                label = str(int(year)) if year is not None else "unknown"
            except (ValueError, TypeError, AttributeError):  # not JSON, not an object, bad year
                label = "unknown"
            labels[idx] = label
    return labels.astype(str)


def document_tokens(
    frame: pd.DataFrame, *, settings: PreprocessSettings = SUMMARY_SETTINGS
) -> list[list[str]]:
    """Tokens of each row's full text (``title``, ``lede``, ``text``) with ``settings``."""
    return [tokenize(text, settings=settings) for text in frame_text(frame)]


def mattr(tokens: Sequence[str] | np.ndarray, *, window: int = 500) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010).

    Parameters
    ----------
    tokens
        A token stream.
    window
        Window length in tokens (default 500).

    Returns
    -------
    float
        Mean type-token ratio over all ``len(tokens) - window + 1`` windows; the plain TTR when
        the stream is shorter than the window; NaN for an empty stream.
    """
    if window < 1:
        raise ValueError("window must be >= 1")
    n = len(tokens)
    if n == 0:
        return math.nan
    if n <= window:
        return len(np.unique(tokens) if isinstance(tokens, np.ndarray) else set(tokens)) / n
    if isinstance(tokens, np.ndarray):  # integer token codes (secnews.analysis.stats.streamed)
        codes = pd.factorize(tokens)[0]
    else:
        codes = pd.factorize(pd.Series(tokens, dtype=object))[0]
    # prev[i]: previous position of the same type (-1 if none). A token starts a new type in the
    # window [s, s + window) iff prev[i] < s <= i; count those per window with a difference array.
    order = np.argsort(codes, kind="stable")
    prev = np.full(n, -1, dtype=np.int64)
    same = codes[order[1:]] == codes[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    positions = np.arange(n, dtype=np.int64)
    n_windows = n - window + 1
    lo = np.maximum(np.maximum(prev + 1, positions - window + 1), 0)
    hi = np.minimum(positions, n_windows - 1)
    valid = lo <= hi
    diff = np.zeros(n_windows + 1, dtype=np.int64)
    np.add.at(diff, lo[valid], 1)
    np.add.at(diff, hi[valid] + 1, -1)
    types_per_window = np.cumsum(diff[:-1])
    return float(types_per_window.mean() / window)


def group_labels(frame: pd.DataFrame, by: str, period: str = "month") -> pd.Series:
    """The group of every row for ``by`` = ``outlet``, ``period`` or ``all``."""
    if by == "outlet":
        if "outlet" not in frame.columns:
            raise KeyError("the frame needs an 'outlet' column for by='outlet'")
        return frame["outlet"].fillna("unknown").astype(str)
    if by == "period":
        return period_labels(frame, period)  # type: ignore[arg-type]
    if by == "all":
        return pd.Series(["all"] * len(frame), index=frame.index)
    raise ValueError(f"by must be outlet, period or all, got {by!r}")


def corpus_summary(
    frame: pd.DataFrame,
    *,
    by: Literal["outlet", "period", "all"] = "outlet",
    period: Literal["month", "quarter", "year"] = "month",
    window: int = 500,
    tokens: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Documents, tokens, types, mean and median length and MATTR per group, plus a total row.

    Parameters
    ----------
    frame
        Documents with ``doc_id``, ``text`` (``title``/``lede`` used when present), ``outlet``
        and ``published`` (``meta`` for yearly periods without dates).
    by
        Group by ``outlet``, by ``period`` or not at all (``all``).
    period
        Period length for ``by="period"``.
    window
        MATTR window (default 500 tokens).
    tokens
        Precomputed :func:`document_tokens` (same row order) to avoid tokenizing twice.

    Returns
    -------
    pandas.DataFrame
        ``group, documents, tokens, types, mean_tokens, median_tokens, mattr,
        mattr_full_window``, groups sorted by label, then a row ``group="all"``.
    """
    toks = tokens if tokens is not None else document_tokens(frame)
    if len(toks) != len(frame):
        raise ValueError("tokens must have one list per row of frame")
    labels = group_labels(frame, by, period).tolist()
    rows = []
    groups = sorted(set(labels))
    for group in [*groups, None]:
        members = [t for t, g in zip(toks, labels, strict=True) if group is None or g == group]
        lengths = np.array([len(t) for t in members], dtype=np.int64)
        stream = [w for t in members for w in t]
        rows.append(
            {
                "group": "all" if group is None else group,
                "documents": len(members),
                "tokens": int(lengths.sum()),
                "types": len(set(stream)),
                "mean_tokens": float(lengths.mean()) if len(lengths) else math.nan,
                "median_tokens": float(np.median(lengths)) if len(lengths) else math.nan,
                "mattr": mattr(stream, window=window),
                "mattr_full_window": len(stream) >= window,
            }
        )
        if by == "all":
            break
    return pd.DataFrame(rows)


def source_counts(manifest: dict[str, Any]) -> pd.DataFrame:
    """Documents in, kept, duplicates, rejected and without dates per source, from a corpus
    manifest (``manifest["counts"]``: a mapping source -> counts, or a list of records).

    Returns
    -------
    pandas.DataFrame
        One row per source (``source`` first), columns in the manifest's key order.
    """
    counts = manifest.get("counts", {})
    if isinstance(counts, dict):
        records = []
        for source, values in counts.items():
            if isinstance(values, dict):
                records.append({"source": source, **values})
            else:
                records.append({"source": source, "count": values})
    else:
        records = [dict(r) for r in counts]
    frame = pd.DataFrame(records)
    known = ["source", "in", "kept", "duplicates", "rejected", "null_dates", "null_date_share"]
    first = [c for c in known if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]


def term_frequencies(
    matrix: sp.spmatrix, terms: Sequence[str], *, groups: Sequence[str] | None = None
) -> pd.DataFrame:
    """Term and document frequencies.

    Parameters
    ----------
    matrix
        Documents x terms counts (e.g. :meth:`Preprocessed.bow_matrix`).
    terms
        Column labels.
    groups
        Optional group label per document; then one block per group.

    Returns
    -------
    pandas.DataFrame
        ``[group,] term, count, docs, per_10k, doc_share, rank`` (rank 1 = most frequent; ties
        broken by term), sorted by group then rank. ``per_10k`` is per 10,000 tokens of the
        group, ``doc_share`` the share of the group's documents containing the term.
    """
    csr = sp.csr_matrix(matrix)
    if csr.shape[1] != len(terms):
        raise ValueError("terms must label every column of matrix")
    labels = ["all"] * csr.shape[0] if groups is None else [str(g) for g in groups]
    frames = []
    for group in sorted(set(labels)):
        rows = np.flatnonzero(np.asarray(labels) == group)
        sub = csr[rows]
        count = np.asarray(sub.sum(axis=0)).ravel().astype(np.int64)
        docs = np.asarray((sub > 0).sum(axis=0)).ravel().astype(np.int64)
        total = count.sum()
        frame = pd.DataFrame(
            {
                "term": list(terms),
                "count": count,
                "docs": docs,
                "per_10k": count / total * 10_000 if total else np.zeros(len(terms)),
                "doc_share": docs / len(rows) if len(rows) else np.zeros(len(terms)),
            }
        )
        frame = frame[frame["count"] > 0].sort_values(["count", "term"], ascending=[False, True])
        frame["rank"] = np.arange(1, len(frame) + 1)
        if groups is not None:
            frame.insert(0, "group", group)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class ZipfFit:
    """Result of :func:`fit_zipf`: exponent ``s``, constant ``c`` (``f(1)`` of the fitted line),
    method, number of ranks used and, for OLS, the R² of the log-log fit."""

    exponent: float
    constant: float
    method: str
    n_ranks: int
    r_squared: float | None = None


def fit_zipf(
    counts: npt.ArrayLike,
    *,
    method: Literal["mle", "ols"] = "mle",
    max_rank: int | None = None,
) -> ZipfFit:
    """Fit Zipf's exponent to term counts (see the module docstring for both methods).

    Parameters
    ----------
    counts
        Frequencies of the terms (any order; zeros ignored).
    method
        ``"mle"`` (default) or ``"ols"``.
    max_rank
        Use ranks ``1..max_rank`` only (default: all).

    Returns
    -------
    ZipfFit
    """
    from scipy.optimize import minimize_scalar

    freq: npt.NDArray[np.float64] = np.sort(np.asarray(counts, dtype=np.float64).ravel())[::-1]
    freq = freq[freq > 0]
    if max_rank is not None:
        freq = freq[:max_rank]
    if len(freq) < 2:
        raise ValueError("at least two non-zero counts are needed to fit Zipf's law")
    ranks = np.arange(1, len(freq) + 1, dtype=float)
    log_r = np.log(ranks)
    if method == "ols":
        slope, intercept = np.polyfit(log_r, np.log(freq), 1)
        pred = slope * log_r + intercept
        resid = np.log(freq) - pred
        ss_tot = np.sum((np.log(freq) - np.log(freq).mean()) ** 2)
        r2 = 1.0 - float(np.sum(resid**2) / ss_tot) if ss_tot > 0 else 1.0
        return ZipfFit(float(-slope), float(math.exp(intercept)), "ols", len(freq), r2)
    if method != "mle":
        raise ValueError(f"method must be mle or ols, got {method!r}")
    n_tokens = freq.sum()
    weighted = float(np.dot(freq, log_r))

    def negative_log_likelihood(s: float) -> float:
        log_h = float(np.logaddexp.reduce(-s * log_r))
        return s * weighted + n_tokens * log_h

    result = minimize_scalar(
        negative_log_likelihood, bounds=(0.01, 5.0), method="bounded", options={"xatol": 1e-8}
    )
    s = float(result.x)
    constant = float(n_tokens / np.exp(np.logaddexp.reduce(-s * log_r)))
    return ZipfFit(s, constant, "mle", len(freq))


def zipf_table(frequencies: pd.DataFrame) -> pd.DataFrame:
    """Rank-frequency table (``rank, term, count``) from :func:`term_frequencies` output (one
    group)."""
    table = frequencies.sort_values(["count", "term"], ascending=[False, True])
    out = table[["term", "count"]].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
