"""Who appears with whom: entity co-occurrence within sentences, paragraphs or documents.

A *window* (unit) is a sentence, a paragraph or a whole document. For two entities ``a`` and
``b`` the 2x2 table over the ``N`` units of the corpus (every unit counts, also those without
any entity) is::

                 b in unit     b not in unit
    a in unit       n11            n1 - n11          | n1
    a not in unit   n2 - n11       N - n1 - n2 + n11 |
                    n2                                  N

Measures (one row per pair with ``count = n11 >= min_count``):

- ``count`` = n11; ``expected`` = n1 n2 / N;
- ``pmi`` = log2(n11 N / (n1 n2)) (bits);
- ``npmi`` = pmi / -log2(n11 / N), in [-1, 1] (1 when n11 = N);
- ``jaccard`` = n11 / (n1 + n2 - n11);
- ``llr`` = G² = 2 Σ O ln(O / E) over the four cells (natural log; 0 ln 0 = 0); unsigned, so
  read it with ``pmi`` for the direction;
- ``p_value``: one-sided permutation test of attraction. In every permutation each entity's
  units are redrawn at random, without replacement, from **all** the units of its outlet
  (stratum), also those without any entity: an entity present in ``k`` units of an outlet lands
  in ``k`` random units of that outlet, independently of the other entities. This keeps every
  entity's number of units per outlet (not the units' number of entities), so within one
  stratum the null distribution of ``n11`` is hypergeometric and the p-value approximates the
  one-sided Fisher exact test of the 2x2 table over all units. Each permutation's count of a
  pair is drawn from that null directly: a sum over the outlets where both entities occur of
  hypergeometric draws (the same distribution as redrawing every entity's units, at a cost
  that grows with the number of pairs tested, not with the corpus).
  ``p_value = (1 + #{permutations with count >= observed}) / (1 + n_permutations)``, so it is
  never 0 (the smallest attainable value is 1 / (1 + n_permutations)); ``NaN`` when
  ``n_permutations`` is 0;
- ``p_adj``: Benjamini-Hochberg adjusted ``p_value`` (false discovery rate,
  :func:`scipy.stats.false_discovery_control`); the family is every pair reported in one table
  (one window; with :func:`cooccurrence_by` each group is its own family). Filter networks on
  ``p_adj`` (:class:`secnews.analysis.entities.networks.NetworkSettings`), not on ``p_value``, when many
  pairs are tested. ``NaN`` when ``p_value`` is.

Entities with fewer than ``min_entity_count`` units are left out before pairs are formed;
unresolved mentions are left out unless ``include_unresolved``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from secnews.analysis.stats.keyness import g2_from_margins

__all__ = [
    "EDGE_COLUMNS",
    "CooccurrenceSettings",
    "assign_period",
    "bh_adjust",
    "cooccurrence",
    "cooccurrence_by",
    "pair_measures",
    "unit_counts",
]

#: Columns of the edge table (the first eight are the ``edges.csv`` contract).
EDGE_COLUMNS: tuple[str, ...] = (
    "source",
    "target",
    "window",
    "count",
    "pmi",
    "npmi",
    "llr",
    "p_value",
    "p_adj",
    "jaccard",
    "expected",
    "n_source",
    "n_target",
    "n_units",
)
_WINDOWS = ("sentence", "paragraph", "document")
#: Hypergeometric draws per chunk of permutations (bounds the memory of the permutation test).
_DRAWS_PER_CHUNK = 4_000_000


@dataclass(frozen=True, slots=True)
class CooccurrenceSettings:
    """Settings of a co-occurrence run (written into the manifest).

    Parameters
    ----------
    window
        ``"sentence"``, ``"paragraph"`` or ``"document"``.
    min_count
        Smallest pair count (units with both entities) kept.
    min_entity_count
        Smallest number of units an entity must occur in to be paired.
    n_permutations
        Permutations for the p-value (0 = no p-value).
    random_state
        Seed of the permutations.
    include_unresolved
        Pair unresolved entities (``unresolved:...``) too.
    """

    window: str = "sentence"
    min_count: int = 2
    min_entity_count: int = 2
    n_permutations: int = 999
    random_state: int = 0
    include_unresolved: bool = False

    def __post_init__(self) -> None:
        if self.window not in _WINDOWS:
            raise ValueError(f"window must be one of {_WINDOWS}, got {self.window!r}")
        if self.min_count < 1 or self.min_entity_count < 1 or self.n_permutations < 0:
            raise ValueError("min_count and min_entity_count must be >= 1, n_permutations >= 0")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return dataclasses.asdict(self)


def unit_counts(documents: pd.DataFrame, window: str) -> int:
    """Return the number of units ``N`` of a window over the documents table."""
    if window == "document":
        return len(documents)
    column = {"sentence": "n_sentences", "paragraph": "n_paragraphs"}[window]
    return int(documents[column].sum())


def pair_measures(
    n11: np.ndarray, n1: np.ndarray, n2: np.ndarray, n_units: int
) -> dict[str, np.ndarray]:
    """Compute PMI, NPMI, Jaccard, expected count and G² from the 2x2 table margins.

    Parameters
    ----------
    n11, n1, n2
        Units with both entities, with the first, with the second (arrays of equal length).
    n_units
        ``N``, all units.

    Returns
    -------
    dict of numpy.ndarray
        ``pmi``, ``npmi``, ``jaccard``, ``expected``, ``llr`` (see the module docstring).
    """
    n11 = np.asarray(n11, dtype=float)
    n1 = np.asarray(n1, dtype=float)
    n2 = np.asarray(n2, dtype=float)
    total = float(n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log2(n11 * total / (n1 * n2))
        denom = -np.log2(n11 / total)
        npmi = np.where(denom > 0, pmi / np.where(denom > 0, denom, 1.0), 1.0)
        jaccard = n11 / (n1 + n2 - n11)
    llr = g2_from_margins(n11, n1, n2, total)
    return {
        "pmi": pmi,
        "npmi": npmi,
        "jaccard": jaccard,
        "expected": n1 * n2 / total,
        "llr": np.maximum(llr, 0.0),
    }


def _incidence(
    mentions: pd.DataFrame, documents: pd.DataFrame, settings: CooccurrenceSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Return unique (unit, entity, stratum) codes of kept entities and the entity names."""
    frame = mentions
    if not settings.include_unresolved:
        frame = frame[~frame["entity_id"].str.startswith("unresolved:")]
    frame = frame[frame["doc_id"].isin(documents["doc_id"])]
    extra = {"sentence": ["sentence"], "paragraph": ["paragraph"]}.get(settings.window, [])
    keys = ["doc_id", *extra]
    inc = frame[[*keys, "entity_id"]].drop_duplicates()
    counts = inc.groupby("entity_id").size()
    kept = counts[counts >= settings.min_entity_count].index
    inc = inc[inc["entity_id"].isin(kept)]
    names = sorted(kept.tolist())
    entity_code = pd.Categorical(inc["entity_id"], categories=names).codes.astype(np.int64)
    unit_code = inc.groupby(keys, sort=True).ngroup().to_numpy(dtype=np.int64)
    strata = _strata(documents)
    categories = sorted(strata.unique().tolist())
    outlets = pd.Series(strata.to_numpy(), index=documents["doc_id"].to_numpy())
    stratum = pd.Categorical(inc["doc_id"].map(outlets), categories=categories).codes
    stratum = stratum.astype(np.int64)
    return unit_code, entity_code, stratum, names


def _strata(documents: pd.DataFrame) -> pd.Series:
    if "outlet" in documents.columns:
        return documents["outlet"].astype("string").fillna("").reset_index(drop=True)
    return pd.Series("", index=range(len(documents)), dtype="string")


def _stratum_sizes(documents: pd.DataFrame, window: str) -> np.ndarray:
    """Units per stratum (outlet), in sorted stratum order (the codes of :func:`_incidence`)."""
    strata = _strata(documents)
    if window == "document":
        sizes = strata.value_counts()
    else:
        column = {"sentence": "n_sentences", "paragraph": "n_paragraphs"}[window]
        sizes = documents[column].reset_index(drop=True).groupby(strata).sum()
    return sizes.sort_index().to_numpy(dtype=np.int64)


def _pair_counts(units: np.ndarray, ents: np.ndarray, n_units: int, n_ents: int) -> Any:
    from scipy import sparse

    x = sparse.csr_matrix(
        (np.ones(len(units), dtype=np.int64), (units, ents)), shape=(n_units, n_ents)
    )
    x.sum_duplicates()
    x.data[:] = 1
    return sparse.triu(x.T @ x, k=1).tocoo()


def cooccurrence(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    settings: CooccurrenceSettings | None = None,
) -> pd.DataFrame:
    """Count and test entity pairs within one window type.

    Parameters
    ----------
    mentions
        Mention table (``doc_id, paragraph, sentence, entity_id``, ...).
    documents
        Document table (``doc_id, n_paragraphs, n_sentences`` and, for the permutation strata,
        ``outlet``); it defines the corpus (mentions of other documents are ignored).
    settings
        Window, filters and permutations (:class:`CooccurrenceSettings`).

    Returns
    -------
    pandas.DataFrame
        :data:`EDGE_COLUMNS`; ``source < target`` (by id); sorted by ``count`` descending, then
        ``source``, ``target``.
    """
    settings = settings or CooccurrenceSettings()
    n_total = unit_counts(documents, settings.window)
    units, ents, stratum, names = _incidence(mentions, documents, settings)
    if not names or n_total == 0:
        return pd.DataFrame(columns=list(EDGE_COLUMNS))
    n_present = int(units.max()) + 1 if len(units) else 0
    n_ents = len(names)
    observed = _pair_counts(units, ents, n_present, n_ents)
    keep = observed.data >= settings.min_count
    rows, cols, n11 = observed.row[keep], observed.col[keep], observed.data[keep]
    marg = np.bincount(ents, minlength=n_ents)
    out = pd.DataFrame(
        {
            "source": [names[i] for i in rows],
            "target": [names[j] for j in cols],
            "window": settings.window,
            "count": n11.astype(np.int64),
        }
    )
    measures = pair_measures(n11, marg[rows], marg[cols], n_total)
    for key in ("pmi", "npmi", "llr"):
        out[key] = measures[key]
    out["p_value"] = _permutation_p(
        ents, stratum, _stratum_sizes(documents, settings.window), rows, cols, n11, n_ents, settings
    )
    out["p_adj"] = bh_adjust(out["p_value"].to_numpy(dtype=float))
    out["jaccard"] = measures["jaccard"]
    out["expected"] = measures["expected"]
    out["n_source"] = marg[rows].astype(np.int64)
    out["n_target"] = marg[cols].astype(np.int64)
    out["n_units"] = n_total
    out = out.sort_values(["count", "source", "target"], ascending=[False, True, True])
    return out[list(EDGE_COLUMNS)].reset_index(drop=True)


def bh_adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (:func:`scipy.stats.false_discovery_control`).

    Parameters
    ----------
    p_values
        Raw p-values; ``NaN`` entries are left out of the family and stay ``NaN``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order and length.
    """
    from scipy.stats import false_discovery_control

    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    finite = ~np.isnan(p)
    if finite.any():
        out[finite] = false_discovery_control(p[finite], method="bh")
    return out


def _permutation_p(
    ents: np.ndarray,
    stratum: np.ndarray,
    stratum_sizes: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    n11: np.ndarray,
    n_ents: int,
    settings: CooccurrenceSettings,
) -> np.ndarray:
    """Permutation p-values: each entity's units are redrawn within its stratum.

    When entity A holds ``a`` of the ``n`` units of a stratum and B holds ``b``, and both are
    redrawn uniformly and independently, the units they share in that stratum follow the
    hypergeometric distribution (``n`` units, ``a`` marked, ``b`` drawn), independently across
    strata. So the pair count of one permutation is drawn directly as a sum of hypergeometric
    draws over the strata the two share: the same null distribution as redrawing every entity's
    units, at a cost that grows with the number of tested pairs, not with the corpus.
    """
    if settings.n_permutations == 0 or len(rows) == 0:
        return np.full(len(rows), np.nan)
    from scipy import sparse
    from tqdm.auto import tqdm

    n_strata = len(stratum_sizes)
    blocks = pd.DataFrame({"e": ents, "s": stratum}).value_counts(sort=False).sort_index()
    held = sparse.csr_matrix(
        (
            blocks.to_numpy(dtype=np.int64),
            (
                blocks.index.get_level_values("e").to_numpy(dtype=np.int64),
                blocks.index.get_level_values("s").to_numpy(dtype=np.int64),
            ),
        ),
        shape=(n_ents, n_strata),
    )
    # one (pair, stratum) combination wherever both entities of the pair hold units
    both = held[rows].multiply(held[cols] > 0).tocoo()
    pair, strat = both.row.astype(np.int64), both.col.astype(np.int64)
    order = np.lexsort((strat, pair))
    pair, strat = pair[order], strat[order]
    marked = np.asarray(held[rows[pair], strat]).ravel().astype(np.int64)
    drawn = np.asarray(held[cols[pair], strat]).ravel().astype(np.int64)
    unmarked = stratum_sizes[strat].astype(np.int64) - marked
    # every tested pair shares a unit, so it has at least one combination: its first one
    firsts = np.searchsorted(pair, np.arange(len(rows)))
    exceed = np.zeros(len(rows), dtype=np.int64)
    rng = np.random.default_rng(settings.random_state)
    chunk = max(1, min(settings.n_permutations, _DRAWS_PER_CHUNK // max(1, len(pair))))
    todo = settings.n_permutations
    with tqdm(total=todo, disable=None, desc="permutations", leave=False) as bar:
        while todo:
            size = min(chunk, todo)
            draws = rng.hypergeometric(marked, unmarked, drawn, size=(size, len(pair)))
            counts = np.add.reduceat(draws, firsts, axis=1)
            exceed += (counts >= n11).sum(axis=0)
            todo -= size
            bar.update(size)
    return (1.0 + exceed) / (1.0 + settings.n_permutations)


def assign_period(documents: pd.DataFrame, *, freq: str = "year") -> pd.Series:
    """Return each document's period label from ``published`` (or ``meta.year`` when null).

    Parameters
    ----------
    documents
        With ``published`` (datetime, UTC) and optionally ``meta`` (JSON string).
    freq
        ``"year"`` ("2022"), ``"quarter"`` ("2022Q1") or ``"month"`` ("2022-03").

    Returns
    -------
    pandas.Series
        String labels; ``"unknown"`` when no date is known.

    Notes
    -----
    Not delegated to :func:`secnews.analysis.stats.descriptive.period_labels`: the two differ for
    documents without ``published`` but with ``meta.year`` when ``freq`` is ``"quarter"`` or
    ``"month"`` (here the yearly label ``"1991"``, there ``"unknown"``), and in the width of
    years before 1000 (``"0999"`` here). Their labels agree otherwise, also for invalid ``meta``.
    """
    import json

    if freq not in ("year", "quarter", "month"):
        raise ValueError(f"freq must be year, quarter or month, got {freq!r}")
    published = (
        pd.to_datetime(documents["published"], utc=True, errors="coerce")
        if "published" in documents.columns
        else pd.Series(pd.NaT, index=documents.index, dtype="datetime64[ns, UTC]")
    )
    labels = []
    metas = documents["meta"] if "meta" in documents.columns else [None] * len(documents)
    for stamp, meta in zip(published, metas, strict=True):
        if pd.notna(stamp):
            if freq == "year":
                labels.append(f"{stamp.year:04d}")
            elif freq == "quarter":
                labels.append(f"{stamp.year:04d}Q{(stamp.month - 1) // 3 + 1}")
            else:
                labels.append(f"{stamp.year:04d}-{stamp.month:02d}")
            continue
        year = None
        if isinstance(meta, str) and meta.strip():
            try:
                year = json.loads(meta).get("year")
            except (ValueError, AttributeError):
                year = None
        labels.append(f"{int(year):04d}" if year is not None else "unknown")
    return pd.Series(labels, index=documents.index, dtype="string", name="period")


def cooccurrence_by(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str,
    settings: CooccurrenceSettings | None = None,
    freq: str = "year",
) -> pd.DataFrame:
    """Run :func:`cooccurrence` per outlet or per period and stack the results.

    Parameters
    ----------
    mentions, documents
        As for :func:`cooccurrence`.
    by
        ``"outlet"`` or ``"period"`` (periods from :func:`assign_period` with ``freq``).
    settings
        Co-occurrence settings (the same for every group).
    freq
        Period length when ``by="period"``.

    Returns
    -------
    pandas.DataFrame
        :data:`EDGE_COLUMNS` plus a column ``group`` (the outlet or period), sorted by group.
    """
    if by == "outlet":
        if "outlet" not in documents.columns:
            raise ValueError("documents have no outlet column")
        keys = documents["outlet"].astype("string").fillna("unknown")
    elif by == "period":
        keys = assign_period(documents, freq=freq)
    else:
        raise ValueError(f"by must be 'outlet' or 'period', got {by!r}")
    parts = []
    for group in sorted(keys.unique().tolist()):
        edges = cooccurrence(mentions, documents[keys == group], settings=settings)
        edges["group"] = group
        parts.append(edges)
    if not parts:
        return pd.DataFrame(columns=[*EDGE_COLUMNS, "group"])
    return pd.concat(parts, ignore_index=True)
