"""Keyness: which terms set a target group of documents apart from a reference group.

For each term, with ``a`` / ``b`` its count in the target / reference and ``c = N_t - a``,
``d = N_r - b`` (``N_t``, ``N_r``: all tokens of each group), ``N = a + b + c + d`` and
``E = (a + b)(a + c) / N``, the statistics follow quanteda's ``textstat_keyness``
(quanteda.textstats, ``src/keyness.cpp``):

- **G²** (``measure = "lr"``): ``2 Σ O ln(O / E + 1e-9)`` over the four cells, signed ``+`` when
  ``a > E`` (relatively more frequent in the target) and ``-`` otherwise.
- **chi²**: ``N (|ad - bc| - N δ)² / ((a+b)(c+d)(a+c)(b+d))``, signed the same way.
- **Yates correction** (``correction="default"`` or ``"yates"``, for both statistics, as in
  quanteda's code): ``δ = 0.5`` only when ``|ad - bc| >= N / 2`` *and* some expected cell is below
  5, else ``δ = 0``; for G² the four cells are moved by ``δ`` towards independence before the sum.
  (quanteda's documentation says Williams is the default for G²; its code applies Yates, and so do
  we.) ``correction="williams"`` divides G² (and chi²) by Williams' ``q = 1 + (N/(a+b) + N/(c+d)
  - 1)(N/(a+c) + N/(b+d) - 1) / (6N)`` (``q = 1`` when a cell is 0); quanteda multiplies chi² by
  ``q``, a slip we do not copy. ``"none"``: no correction.
- **p**: upper tail of chi² with 1 degree of freedom at ``|G²|``; **p_adj**: Benjamini–Hochberg
  over the terms that pass the filters (``scipy.stats.false_discovery_control``).
- **Log ratio** (Hardie 2014): ``log2((a / N_t) / (b / N_r))``; a zero count is replaced by
  ``zero_correction`` (0.5, Hardie's suggestion) so that the value stays finite. Positive: more
  frequent in the target; +1 means twice as frequent.
- **Bootstrap CI** of the log ratio: documents are resampled with replacement *within* each
  group (``n_boot`` times, ``random_state``), counts and group totals recomputed, the log ratio
  recomputed with the same zero correction, and the percentile interval taken.
- **Filters**: ``min_count`` on ``a + b``, ``min_docs`` on the number of documents containing
  the term (both groups), and optionally ``max_dp`` on Gries' deviation of proportions DP over
  the documents of both groups (0 = spread evenly, near 1 = concentrated in few documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy import stats

__all__ = [
    "KeynessSettings",
    "chi2_statistic",
    "dp_dispersion",
    "g2_from_margins",
    "g2_statistic",
    "keyness",
    "keyness_groups",
    "log_ratio",
]

FloatArray = npt.NDArray[np.float64]
Correction = Literal["default", "yates", "williams", "none"]
_EPSILON = 1e-9


@dataclass(frozen=True)
class KeynessSettings:
    """Settings of :func:`keyness` (see the module docstring).

    Parameters
    ----------
    correction
        ``"default"`` (= Yates rule of quanteda), ``"yates"``, ``"williams"`` or ``"none"``.
    min_count
        Minimum ``count_target + count_reference`` (default 10).
    min_docs
        Minimum number of documents containing the term, both groups (default 5).
    max_dp
        Maximum Gries' DP (default None: no DP filter).
    zero_correction
        Count used instead of 0 in the log ratio (default 0.5).
    n_boot
        Bootstrap replicates for the log-ratio interval (default 1000; 0 for none).
    ci
        Interval level (default 0.95).
    random_state
        Seed of the bootstrap (default 0).
    """

    correction: Correction = "default"
    min_count: int = 10
    min_docs: int = 5
    max_dp: float | None = None
    zero_correction: float = 0.5
    n_boot: int = 1000
    ci: float = 0.95
    random_state: int | None = 0

    def __post_init__(self) -> None:
        if self.correction not in ("default", "yates", "williams", "none"):
            raise ValueError(f"unknown correction {self.correction!r}")
        if not 0.0 < self.ci < 1.0:
            raise ValueError("ci must lie in (0, 1)")
        if self.zero_correction <= 0:
            raise ValueError("zero_correction must be positive")

    def to_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready dict."""
        return asdict(self)


def _cells(
    a: npt.ArrayLike, b: npt.ArrayLike, n_target: float, n_reference: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    a_ = np.asarray(a, dtype=float)
    b_ = np.asarray(b, dtype=float)
    c_ = n_target - a_
    d_ = n_reference - b_
    return a_, b_, c_, d_, a_ + b_ + c_ + d_


def _yates_delta(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> FloatArray:
    n = a + b + c + d
    small = (
        ((a + b) * (a + c) / n < 5)
        | ((a + b) * (b + d) / n < 5)
        | ((a + c) * (c + d) / n < 5)
        | ((c + d) * (b + d) / n < 5)
    )
    return np.where((np.abs(a * d - b * c) >= n / 2) & small, 0.5, 0.0)


def _williams_q(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> FloatArray:
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def g2_from_margins(
    o11: npt.ArrayLike, row1: npt.ArrayLike, col1: npt.ArrayLike, n: float
) -> FloatArray:
    """Unsigned log-likelihood ratio G² = 2 Σ O ln(O / E) of 2x2 tables given by their margins,
    without continuity correction (empty cells add 0).

    Parameters
    ----------
    o11
        Count of the cell in row 1 and column 1 of each table.
    row1, col1
        Totals of row 1 and of column 1.
    n
        Grand total, the same for every table.

    Returns
    -------
    numpy.ndarray
        G² of each table (Dunning 1993); collocations and entity co-occurrence use it.
    """
    o11 = np.asarray(o11, dtype=float)
    row1 = np.asarray(row1, dtype=float)
    col1 = np.asarray(col1, dtype=float)
    total = float(n)
    observed = (o11, row1 - o11, col1 - o11, total - row1 - col1 + o11)
    rows = (row1, row1, total - row1, total - row1)
    cols = (col1, total - col1, col1, total - col1)
    g2 = np.zeros_like(o11)
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, r, c in zip(observed, rows, cols, strict=True):
            e = r * c / total
            g2 += np.where(
                o > 0, o * np.log(np.where(o > 0, o, 1.0) / np.where(e > 0, e, 1.0)), 0.0
            )
    return 2.0 * g2


def g2_statistic(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    n_target: float,
    n_reference: float,
    *,
    correction: Correction = "default",
) -> FloatArray:
    """Signed log-likelihood G² of each term (quanteda's ``measure = "lr"``).

    Parameters
    ----------
    a, b
        Counts of the terms in the target and reference groups.
    n_target, n_reference
        Token totals of the two groups.
    correction
        See the module docstring.

    Returns
    -------
    numpy.ndarray
    """
    a_, b_, c_, d_, n = _cells(a, b, n_target, n_reference)
    expected = (a_ + b_) * (a_ + c_) / n
    aa, bb, cc, dd = a_, b_, c_, d_
    if correction in ("default", "yates"):
        delta = _yates_delta(a_, b_, c_, d_)
        sign = np.where(a_ * d_ - b_ * c_ > 0, 1.0, -1.0)
        aa, bb, cc, dd = a_ - sign * delta, b_ + sign * delta, c_ + sign * delta, d_ - sign * delta
    with np.errstate(divide="ignore", invalid="ignore"):
        total = (
            aa * np.log(aa / ((aa + bb) * (aa + cc) / n) + _EPSILON)
            + bb * np.log(bb / ((aa + bb) * (bb + dd) / n) + _EPSILON)
            + cc * np.log(cc / ((aa + cc) * (cc + dd) / n) + _EPSILON)
            + dd * np.log(dd / ((bb + dd) * (cc + dd) / n) + _EPSILON)
        )
    g2 = 2.0 * total * np.where(a_ > expected, 1.0, -1.0)
    if correction == "williams":
        g2 = g2 / _williams_q(a_, b_, c_, d_)
    return np.asarray(g2, dtype=float)


def chi2_statistic(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    n_target: float,
    n_reference: float,
    *,
    correction: Correction = "default",
) -> FloatArray:
    """Signed Pearson chi² of each term's 2x2 table (quanteda's ``measure = "chi2"``)."""
    a_, b_, c_, d_, n = _cells(a, b, n_target, n_reference)
    expected = (a_ + b_) * (a_ + c_) / n
    delta = _yates_delta(a_, b_, c_, d_) if correction in ("default", "yates") else 0.0
    num = n * (np.abs(a_ * d_ - b_ * c_) - n * delta) ** 2
    den = (a_ + b_) * (c_ + d_) * (a_ + c_) * (b_ + d_)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = num / den * np.where(a_ > expected, 1.0, -1.0)
    if correction == "williams":
        chi2 = chi2 / _williams_q(a_, b_, c_, d_)
    return np.asarray(chi2, dtype=float)


def log_ratio(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    n_target: npt.ArrayLike,
    n_reference: npt.ArrayLike,
    *,
    zero_correction: float = 0.5,
) -> FloatArray:
    """Hardie's log ratio ``log2((a/N_t) / (b/N_r))``, zero counts replaced by ``zero_correction``."""
    a_ = np.asarray(a, dtype=float)
    b_ = np.asarray(b, dtype=float)
    a_ = np.where(a_ == 0, zero_correction, a_)
    b_ = np.where(b_ == 0, zero_correction, b_)
    return np.asarray(
        np.log2(a_ / np.asarray(n_target, dtype=float))
        - np.log2(b_ / np.asarray(n_reference, dtype=float)),
        dtype=float,
    )


def dp_dispersion(matrix: sp.spmatrix) -> FloatArray:
    """Gries' (2008) deviation of proportions DP of every column over the rows (documents).

    ``DP = 0.5 Σ_i |v_i - s_i|`` with ``s_i`` the share of all tokens in document ``i`` and ``v_i``
    the share of the term's occurrences in it. NaN for a column without occurrences.
    """
    coo = sp.coo_matrix(matrix)
    row_total = np.asarray(coo.sum(axis=1)).ravel().astype(float)
    col_total = np.asarray(coo.sum(axis=0)).ravel().astype(float)
    grand = row_total.sum()
    if grand == 0:
        return np.full(coo.shape[1], np.nan)
    s = row_total / grand
    with np.errstate(divide="ignore", invalid="ignore"):
        v = coo.data / col_total[coo.col]
    contrib = np.abs(v - s[coo.row]) - s[coo.row]
    dp = 0.5 * (1.0 + np.bincount(coo.col, weights=contrib, minlength=coo.shape[1]))
    return np.where(col_total > 0, dp, np.nan)


def _bootstrap_log_ratio(
    target: sp.csr_matrix,
    reference: sp.csr_matrix,
    settings: KeynessSettings,
) -> tuple[FloatArray, FloatArray]:
    """Percentile interval of the log ratio, resampling documents within each group."""
    rng = np.random.default_rng(settings.random_state)
    len_t = np.asarray(target.sum(axis=1)).ravel().astype(float)
    len_r = np.asarray(reference.sum(axis=1)).ravel().astype(float)
    n_t, n_r = target.shape[0], reference.shape[0]
    k = target.shape[1]
    values = np.empty((settings.n_boot, k), dtype=np.float32)
    target_t = sp.csr_matrix(target.T)
    reference_t = sp.csr_matrix(reference.T)
    chunk = 100
    for start in range(0, settings.n_boot, chunk):
        size = min(chunk, settings.n_boot - start)
        w_t = rng.multinomial(n_t, np.full(n_t, 1.0 / n_t), size=size).astype(float)
        w_r = rng.multinomial(n_r, np.full(n_r, 1.0 / n_r), size=size).astype(float)
        a = np.asarray(target_t @ w_t.T).T
        b = np.asarray(reference_t @ w_r.T).T
        tot_t = (w_t @ len_t)[:, None]
        tot_r = (w_r @ len_r)[:, None]
        values[start : start + size] = log_ratio(
            a, b, tot_t, tot_r, zero_correction=settings.zero_correction
        )
    alpha = (1.0 - settings.ci) / 2.0
    low, high = np.quantile(values, [alpha, 1.0 - alpha], axis=0)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def keyness(
    matrix: sp.spmatrix,
    terms: Sequence[str],
    target: npt.ArrayLike,
    reference: npt.ArrayLike | None = None,
    *,
    settings: KeynessSettings | None = None,
) -> pd.DataFrame:
    """Keyness of every term of a target group of documents against a reference group.

    Parameters
    ----------
    matrix
        Documents x terms counts (all tokens of each document, e.g. a bag-of-words without
        frequency filtering, so that group totals are token totals).
    terms
        Column labels.
    target
        Boolean mask of the target documents.
    reference
        Boolean mask of the reference documents (default: every other document).
    settings
        :class:`KeynessSettings`.

    Returns
    -------
    pandas.DataFrame
        ``term, count_target, count_reference, docs_target, docs_reference, per_10k_target,
        per_10k_reference, g2, chi2, p, p_adj, log_ratio, log_ratio_low, log_ratio_high, dp``,
        one row per term passing the filters, sorted by ``g2`` (descending) then ``term``.
    """
    settings = settings or KeynessSettings()
    csr = sp.csr_matrix(matrix)
    if csr.shape[1] != len(terms):
        raise ValueError("terms must label every column of matrix")
    t_mask = np.asarray(target, dtype=bool)
    r_mask = ~t_mask if reference is None else np.asarray(reference, dtype=bool)
    if t_mask.shape != (csr.shape[0],) or r_mask.shape != (csr.shape[0],):
        raise ValueError("target and reference must be boolean masks over the documents")
    if (t_mask & r_mask).any():
        raise ValueError("target and reference groups overlap")
    if not t_mask.any() or not r_mask.any():
        raise ValueError("target and reference groups must both contain documents")
    tgt, ref = csr[t_mask], csr[r_mask]
    n_t, n_r = float(tgt.sum()), float(ref.sum())
    if n_t == 0 or n_r == 0:
        raise ValueError("both groups need at least one token")
    a = np.asarray(tgt.sum(axis=0)).ravel()
    b = np.asarray(ref.sum(axis=0)).ravel()
    docs_a = np.diff(sp.csc_matrix(tgt).indptr)
    docs_b = np.diff(sp.csc_matrix(ref).indptr)
    both = sp.vstack([tgt, ref]).tocsr()
    dp = dp_dispersion(both)
    keep = (
        ((a + b) >= settings.min_count) & ((docs_a + docs_b) >= settings.min_docs) & ((a + b) > 0)
    )
    if settings.max_dp is not None:
        keep &= dp <= settings.max_dp
    idx = np.flatnonzero(keep)
    a_k, b_k = a[idx], b[idx]
    g2 = g2_statistic(a_k, b_k, n_t, n_r, correction=settings.correction)
    chi2 = chi2_statistic(a_k, b_k, n_t, n_r, correction=settings.correction)
    p = stats.chi2.sf(np.abs(g2), 1)
    p_adj = stats.false_discovery_control(p, method="bh") if len(p) else p
    lr = log_ratio(a_k, b_k, n_t, n_r, zero_correction=settings.zero_correction)
    if settings.n_boot > 0 and len(idx):
        low, high = _bootstrap_log_ratio(tgt[:, idx], ref[:, idx], settings)
    else:
        low = high = np.full(len(idx), np.nan)
    out = pd.DataFrame(
        {
            "term": [terms[int(i)] for i in idx],
            "count_target": a_k.astype(np.int64),
            "count_reference": b_k.astype(np.int64),
            "docs_target": docs_a[idx].astype(np.int64),
            "docs_reference": docs_b[idx].astype(np.int64),
            "per_10k_target": a_k / n_t * 10_000,
            "per_10k_reference": b_k / n_r * 10_000,
            "g2": g2,
            "chi2": chi2,
            "p": p,
            "p_adj": p_adj,
            "log_ratio": lr,
            "log_ratio_low": low,
            "log_ratio_high": high,
            "dp": dp[idx],
        }
    )
    out = out.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)


def keyness_groups(
    matrix: sp.spmatrix,
    terms: Sequence[str],
    groups: Sequence[str],
    target: str,
    reference: str | None = None,
    *,
    settings: KeynessSettings | None = None,
) -> pd.DataFrame:
    """:func:`keyness` of the documents labelled ``target`` against those labelled ``reference``
    (default: all other documents, "one against the rest")."""
    labels = np.asarray([str(g) for g in groups])
    if target not in set(labels):
        raise ValueError(f"no document in group {target!r}; groups: {sorted(set(labels))}")
    if reference is not None and reference not in set(labels):
        raise ValueError(f"no document in group {reference!r}; groups: {sorted(set(labels))}")
    t_mask = labels == target
    r_mask = ~t_mask if reference is None else labels == reference
    return keyness(matrix, terms, t_mask, r_mask, settings=settings)
