"""What a build reports: counts per source (:class:`SourceCounts`) and the
:class:`BuildSummary` returned by :func:`secnews.corpus.build.run.build_corpus`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["COUNT_COLUMNS", "BuildSummary", "SourceCounts"]

#: Columns of :meth:`BuildSummary.table`, in order.
COUNT_COLUMNS: tuple[str, ...] = (
    "source",
    "in",
    "kept",
    "duplicates",
    "rejected",
    "null_dates",
    "null_date_share",
    "unparsed_dates",
    "placeholder_dates",
    "truncated",
    "ignored",
    "id_collisions",
)


@dataclass
class SourceCounts:
    """Counts of one source; ``n_in == kept + duplicates + rejected``.

        ``null_dates`` counts the stored documents (kept or duplicate) without ``published``;
        ``unparsed_dates`` the documents whose date value the loader could not parse (raw value in
        ``meta["date_raw"]``, part of ``null_dates``); ``placeholder_dates`` the stored documents whose
    date is a placeholder for "unknown" such as the Unix epoch (kept, flagged
    ``meta["placeholder_date"]``, see :func:`~secnews.corpus.clean.dates.is_placeholder`);
    ``truncated`` the documents with a table cell
        cut at Excel's 32,767-character limit; ``ignored`` the files the folder loader skipped as not
        matching its pattern (not part of ``in``); ``id_collisions`` the stored documents whose
        ``doc_id`` was already taken by a document with a different text (stored under a derived id,
        not marked as ``same doc_id`` duplicates; the duplicate step may still find one to be a near
        duplicate of another document).
    """

    source: str
    n_in: int = 0
    kept: int = 0
    duplicates: int = 0
    rejected: int = 0
    null_dates: int = 0
    unparsed_dates: int = 0
    placeholder_dates: int = 0
    truncated: int = 0
    ignored: int = 0
    id_collisions: int = 0

    def check(self) -> None:
        """Raise ``AssertionError`` when the counts do not add up."""
        if self.n_in != self.kept + self.duplicates + self.rejected:
            raise AssertionError(
                f"{self.source}: in={self.n_in} != kept {self.kept} + duplicates "
                f"{self.duplicates} + rejected {self.rejected}"
            )

    def as_dict(self) -> dict[str, Any]:
        """The counts with the column names of :meth:`BuildSummary.table`."""
        stored = self.kept + self.duplicates
        return {
            "source": self.source,
            "in": self.n_in,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "null_dates": self.null_dates,
            "null_date_share": round(self.null_dates / stored, 6) if stored else None,
            "unparsed_dates": self.unparsed_dates,
            "placeholder_dates": self.placeholder_dates,
            "truncated": self.truncated,
            "ignored": self.ignored,
            "id_collisions": self.id_collisions,
        }


@dataclass
class BuildSummary:
    """What a build did: counts per source, the duplicates found, the ``doc_id`` collisions
    (``doc_id, original_id, source`` of each document stored under a derived id), the corpus
    hash."""

    out: Path
    corpus_hash: str
    sources: list[SourceCounts]
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    input_bytes: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    id_collisions: list[dict[str, Any]] = field(default_factory=list)

    def table(self, *, total: bool = True) -> Any:
        """Counts per source as a DataFrame (columns :data:`COUNT_COLUMNS`), with a final
        ``total`` row when asked."""
        import pandas as pd

        return pd.DataFrame(self.rows(total=total), columns=list(COUNT_COLUMNS))

    def rows(self, *, total: bool = True) -> list[dict[str, Any]]:
        """The rows of :meth:`table` as dicts (JSON-ready)."""
        rows = [c.as_dict() for c in self.sources]
        if total and rows:
            overall = SourceCounts(
                "total",
                n_in=sum(c.n_in for c in self.sources),
                kept=sum(c.kept for c in self.sources),
                duplicates=sum(c.duplicates for c in self.sources),
                rejected=sum(c.rejected for c in self.sources),
                null_dates=sum(c.null_dates for c in self.sources),
                unparsed_dates=sum(c.unparsed_dates for c in self.sources),
                placeholder_dates=sum(c.placeholder_dates for c in self.sources),
                truncated=sum(c.truncated for c in self.sources),
                ignored=sum(c.ignored for c in self.sources),
                id_collisions=sum(c.id_collisions for c in self.sources),
            )
            rows.append(overall.as_dict())
        return rows

    def duplicates_frame(self) -> Any:
        """The duplicates found: ``doc_id, dup_of, source, kind, similarity, title``."""
        import pandas as pd

        return pd.DataFrame(
            self.duplicates, columns=["doc_id", "dup_of", "source", "kind", "similarity", "title"]
        )
