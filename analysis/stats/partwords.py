"""The running words of one corpus part, counted on a Dask worker for the statistics step.

:func:`count_part_words` reads one part file in the batches of a local run, counts its running
words with the part's own codes and returns a :class:`~secnews.analysis.stats.streamed.PartWords`
(integer arrays only: word and pair counts, document lengths and MATTR pieces per group) and,
with a KWIC term, the part's concordance lines. The client adds the parts in order with
:meth:`~secnews.analysis.stats.streamed.RunningWords.add_part`, which gives the counts of a
local run exactly (the MATTR windows that cross parts included), so the tables are the same
bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from secnews.analysis.stats.streamed import (
    IntArray,
    MattrPiece,
    PartWords,
    RunningWords,
    StreamedMattr,
    encode_summary_tokens,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BATCH_DOCS",
    "PieceStream",
    "count_part_words",
    "mattr_piece",
    "running_word_columns",
]

#: Documents tokenized at a time (a local run reads the corpus in the same batches).
BATCH_DOCS = 100

_EMPTY = np.zeros(0, dtype=np.int64)


class PieceStream(StreamedMattr):
    """A :class:`StreamedMattr` fed in chunks that also keeps the codes of its first
    ``window - 1`` and last ``window`` positions, to give its :class:`MattrPiece`."""

    def __init__(self, window: int = 500) -> None:
        super().__init__(window)
        self._head = np.zeros(0, dtype=np.int64)
        self._tail_codes = np.zeros(0, dtype=np.int64)

    def add(self, codes: npt.ArrayLike) -> None:
        """Append a chunk of codes (as :meth:`StreamedMattr.add`)."""
        chunk = np.asarray(codes, dtype=np.int64)
        if len(self._head) < self.window - 1:
            self._head = np.concatenate([self._head, chunk[: self.window - 1 - len(self._head)]])
        self._tail_codes = np.concatenate([self._tail_codes, chunk[-self.window :]])[-self.window :]
        super().add(chunk)

    def piece(self) -> MattrPiece:
        """What :meth:`StreamedMattr.add_piece` needs of the stream so far."""
        head_codes, head_first = np.unique(self._head, return_index=True)
        return MattrPiece(
            window=self.window,
            length=self.length,
            total=self._sum,
            codes=self._codes,
            last=self._last,
            head_codes=head_codes.astype(np.int64),
            head_first=head_first.astype(np.int64),
            tail_codes=self._tail_codes,
            tail_prev=self._tail,
        )


def mattr_piece(codes: npt.ArrayLike, window: int) -> MattrPiece:
    """The :class:`MattrPiece` of a stream of codes (integers in ``[0, 2**31)``)."""
    stream = PieceStream(window)
    stream.add(codes)
    return stream.piece()


class _PartCounter(RunningWords):
    """:class:`RunningWords` whose group streams are :class:`PieceStream` objects, to give the
    part's MATTR pieces at the end (memory bounded by a batch and the part's vocabulary)."""

    def __init__(self, *, window: int) -> None:
        super().__init__(window=window)
        self._all = PieceStream(window)

    def _add_streams(self, ids: IntArray, lengths: IntArray, labels: list[str]) -> None:
        for label in dict.fromkeys(labels):
            if label not in self._mattr:
                self._mattr[label] = PieceStream(self.window)
                self._lengths[label] = []
        super()._add_streams(ids, lengths, labels)

    def part(self, doc_ids: list[str], labels: list[str]) -> PartWords:
        """The counts, with the documents' ids and group labels."""
        keys, counts = self._pairs()

        def joined(arrays: list[IntArray]) -> IntArray:
            return np.concatenate(arrays) if arrays else _EMPTY

        def piece(stream: StreamedMattr) -> MattrPiece:
            if not isinstance(stream, PieceStream):
                raise TypeError("a group stream of a part is not a PieceStream")
            return stream.piece()

        return PartWords(
            doc_ids=doc_ids,
            labels=labels,
            types=self._terms().tolist(),
            counts=self._counts.copy(),
            pair_keys=keys,
            pair_counts=counts,
            all_lengths=joined(self._all_lengths),
            all_piece=piece(self._all),
            lengths={g: joined(parts) for g, parts in self._lengths.items()},
            pieces={g: piece(stream) for g, stream in self._mattr.items()},
        )


def running_word_columns(*, kwic: bool) -> tuple[str, ...]:
    """The columns a local run reads with the running words (besides ``full_text``)."""
    return ("doc_id", "title", "lede", "text", "outlet") if kwic else ("doc_id",)


def count_part_words(
    part: str,
    *,
    window: int,
    by: str,
    period: str,
    kwic: str | None = None,
    kwic_window: int = 8,
) -> tuple[PartWords, pd.DataFrame | None]:
    """Count the running words of one part file (a task on a Dask worker).

    Parameters
    ----------
    part
        A part file of a corpus (duplicates are left out as in the corpus).
    window
        The MATTR window.
    by, period
        The summary groups (:func:`~secnews.analysis.stats.descriptive.group_labels`).
    kwic, kwic_window
        A KWIC term and its context: the part's concordance lines in document order.

    Returns
    -------
    (PartWords, pandas.DataFrame or None)
    """
    from secnews.analysis.distributed import part_batches
    from secnews.analysis.stats.descriptive import group_labels
    from secnews.analysis.stats.kwic import join_concordances
    from secnews.analysis.stats.kwic import kwic as concordance

    wanted = list(running_word_columns(kwic=kwic is not None))
    extra = {"outlet": ["outlet"], "period": ["published", "meta"]}.get(by, [])
    columns = list(dict.fromkeys([*wanted, *extra]))
    counter = _PartCounter(window=window)
    doc_ids: list[str] = []
    labels: list[str] = []
    hits: list[pd.DataFrame] = []
    for batch in part_batches(part, columns, batch_size=BATCH_DOCS, full_text=True):
        ids = batch["doc_id"].astype(str).tolist()
        groups = group_labels(batch, by, period).astype(str).tolist()
        types, codes, lengths = encode_summary_tokens(batch["full_text"].tolist())
        counter.add_encoded(types, codes, lengths, groups)
        doc_ids += ids
        labels += groups
        if kwic is not None:
            hits.append(
                concordance(batch[[*wanted, "full_text"]], kwic, window=kwic_window, sort="none")
            )
    lines = join_concordances(hits, "none") if hits else None
    return counter.part(doc_ids, labels), lines
