"""The streaming build of the shared preprocessing step (called by
:func:`secnews.analysis.preprocess.core.preprocess`; not a public entry point).

Passes over the data, each holding one batch of documents in memory at a time:

1. text -> tokens (worker processes, batch-local ids) -> global ids; filters decided once per
   distinct token; the kept ids and their adjacency breaks go to a temporary binary stream on disk
   (4 + 1 bytes per token); unigram and bigram counts are accumulated.
2. for each phrase pass: phrases are scored, then (except after the last pass) the stream is
   re-read with the merges applied to count the bigrams of the next pass.
3. the final stream (all merges) is written as ``tokens.parquet``; document frequencies and the
   bag-of-words triples are collected; the gensim ``Dictionary`` is built and filtered; the
   bag-of-words is written in dictionary ids.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from secnews.analysis.preprocess.phrases import (
    PhraseTable,
    apply_phrases,
    count_bigrams,
    merge_counts,
    score_phrases,
)
from secnews.analysis.preprocess.tokens import encode_batch, token_filter
from secnews.corpus.workers import ordered, process_pool

if TYPE_CHECKING:
    from secnews.analysis.preprocess.settings import PreprocessSettings

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]

TOKENS_FILE = "tokens.parquet"
BOW_FILE = "bow.parquet"
DICTIONARY_FILE = "dictionary.gensim"
DICTIONARY_TSV = "dictionary.tsv"
TERMS_FILE = "terms.tsv"
PHRASES_FILE = "phrases.tsv"
MANIFEST = "manifest.json"

_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "write_statistics": False,
    "use_dictionary": True,
    "store_schema": True,
}


@dataclass
class _Vocab:
    """Global vocabulary grown in order of first occurrence."""

    keep_fn: Any
    index: dict[str, int] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)
    keep: list[bool] = field(default_factory=list)

    keep_array: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def remap(self, types: list[str]) -> IntArray:
        """Global ids of batch-local types (new types are added in order of first occurrence)."""
        out = np.fromiter(map(self.index.get, types, repeat(-1)), dtype=np.int64, count=len(types))
        missing = np.flatnonzero(out < 0)
        if len(missing):
            index, strings, keep, keep_fn = self.index, self.strings, self.keep, self.keep_fn
            for i in missing.tolist():
                tok = types[i]
                gid = len(strings)
                index[tok] = gid
                strings.append(tok)
                keep.append(bool(keep_fn(tok)))
                out[i] = gid
            self.keep_array = np.asarray(keep, dtype=bool)
        return out

    def add(self, tok: str) -> int:
        """Add a phrase (kept by definition); ``keep_array`` is only used by :meth:`remap`."""
        gid = len(self.strings)
        self.index[tok] = gid
        self.strings.append(tok)
        self.keep.append(True)
        return gid


def _encoded_batches(
    batches: Iterable[tuple[list[str], list[str]]],
    settings: PreprocessSettings,
    total_docs: int | None = None,
) -> Iterator[tuple[list[str], tuple[list[str], Any, Any]]]:
    """Yield ``(doc_ids, encode_batch(...))`` in input order, with at most ``n_jobs + 1`` batches
    in flight (so memory stays bounded whatever the corpus size)."""
    n_jobs = settings.n_jobs if settings.n_jobs > 0 else (os.cpu_count() or 1)
    if total_docs is not None and total_docs <= settings.batch_size:
        n_jobs = 1  # one batch: starting worker processes would only cost time
    if n_jobs == 1:
        for doc_ids, texts in batches:
            yield doc_ids, encode_batch(texts, settings)
        return
    # spawned, not forked: the parent reads the corpus with DuckDB, whose threads a fork would
    # copy in the middle of their work
    with process_pool(n_jobs, "spawn") as pool:
        yield from ordered(pool, partial(_encode_pair, settings=settings), batches, n_jobs + 1)


def _encode_pair(
    batch: tuple[list[str], list[str]], *, settings: PreprocessSettings
) -> tuple[list[str], tuple[list[str], Any, Any]]:
    doc_ids, texts = batch
    return doc_ids, encode_batch(texts, settings)


@dataclass
class _Stream:
    """The temporary token stream on disk, with the document boundaries of every batch."""

    folder: Path
    batch_docs: list[int] = field(default_factory=list)
    batch_tokens: list[int] = field(default_factory=list)
    doc_lengths: list[IntArray] = field(default_factory=list)

    @property
    def ids_path(self) -> Path:
        return self.folder / "_stream_ids.bin"

    @property
    def brk_path(self) -> Path:
        return self.folder / "_stream_brk.bin"

    def chunks(self) -> Iterator[tuple[IntArray, npt.NDArray[np.bool_], IntArray]]:
        """Yield ``(ids, brk, doc_index)`` per batch (doc_index relative to the batch)."""
        total = sum(self.batch_tokens)
        if total == 0:
            for _ in self.doc_lengths:
                empty = np.zeros(0, dtype=np.int64)
                yield empty, np.zeros(0, dtype=bool), empty
            return
        ids_all = np.memmap(self.ids_path, dtype=np.int32, mode="r", shape=(total,))
        brk_all = np.memmap(self.brk_path, dtype=np.bool_, mode="r", shape=(total,))
        start = 0
        for n_tok, lengths in zip(self.batch_tokens, self.doc_lengths, strict=True):
            stop = start + n_tok
            doc_index = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
            yield ids_all[start:stop].astype(np.int64), np.array(brk_all[start:stop]), doc_index
            start = stop
        del ids_all, brk_all

    def cleanup(self) -> None:
        for path in (self.ids_path, self.brk_path):
            path.unlink(missing_ok=True)


def _first_pass(
    batches: Iterable[tuple[list[str], list[str]]],
    settings: PreprocessSettings,
    stopwords: frozenset[str],
    stream: _Stream,
    *,
    total_docs: int | None,
) -> tuple[list[str], _Vocab, IntArray, tuple[IntArray, IntArray], int]:
    vocab = _Vocab(keep_fn=token_filter(settings, stopwords))
    doc_ids: list[str] = []
    unigrams = np.zeros(0, dtype=np.int64)
    bigram_parts: list[tuple[IntArray, IntArray]] = []
    count_pairs = settings.phrases and settings.phrase_passes > 0
    n_raw = 0
    bar = tqdm(total=total_docs, desc="tokenizing", unit="doc", disable=None)
    with open(stream.ids_path, "wb") as f_ids, open(stream.brk_path, "wb") as f_brk:
        for ids_batch, (types, local, lengths) in _encoded_batches(batches, settings, total_docs):
            doc_ids.extend(ids_batch)
            gids = vocab.remap(types)[local] if len(local) else np.zeros(0, dtype=np.int64)
            n_raw += len(gids)
            kept_pos = np.flatnonzero(vocab.keep_array[gids])
            doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
            ids = gids[kept_pos]
            brk = np.ones(len(ids), dtype=bool)
            if len(ids) > 1:
                brk[1:] = (np.diff(kept_pos) != 1) | (np.diff(doc_of[kept_pos]) != 0)
            kept_lengths = np.bincount(doc_of[kept_pos], minlength=len(lengths)).astype(np.int64)
            ids.astype(np.int32).tofile(f_ids)
            brk.tofile(f_brk)
            stream.batch_docs.append(len(lengths))
            stream.batch_tokens.append(len(ids))
            stream.doc_lengths.append(kept_lengths)
            counts = np.bincount(ids, minlength=len(vocab.strings))
            if len(unigrams) < len(counts):
                unigrams = np.concatenate(
                    [unigrams, np.zeros(len(counts) - len(unigrams), np.int64)]
                )
            unigrams[: len(counts)] += counts
            if count_pairs:  # the main process mostly waits for the workers here: counting is free
                bigram_parts.append(count_bigrams(ids, brk))
                if sum(len(p[0]) for p in bigram_parts) > 4_000_000:
                    bigram_parts = [merge_counts(bigram_parts)]
            bar.update(len(lengths))
    bar.close()
    unigrams = np.concatenate([unigrams, np.zeros(len(vocab.strings) - len(unigrams), np.int64)])
    return doc_ids, vocab, unigrams, merge_counts(bigram_parts), n_raw


def _apply_all(
    ids: IntArray, brk: npt.NDArray[np.bool_], doc_index: IntArray, tables: list[PhraseTable]
) -> tuple[IntArray, npt.NDArray[np.bool_], IntArray]:
    for table in tables:
        ids, brk, doc_index = apply_phrases(ids, brk, table, doc_index)
    return ids, brk, doc_index


def _find_phrases(
    stream: _Stream,
    vocab: _Vocab,
    unigrams: IntArray,
    bigrams: tuple[IntArray, IntArray],
    settings: PreprocessSettings,
) -> tuple[list[PhraseTable], list[dict[str, Any]]]:
    """Score the phrases of every pass; pass ``k > 1`` re-reads the stored stream with the merges
    of the previous passes applied and counts its unigrams and bigrams in one loop."""
    tables: list[PhraseTable] = []
    rows: list[dict[str, Any]] = []
    if not settings.phrases:
        return tables, rows
    keys, counts = bigrams
    for number in range(1, settings.phrase_passes + 1):
        if number > 1:
            # A pair can reach min_count only if both tokens did in the previous stream (merging
            # only lowers the counts of words) or are new phrases: count only those pairs.
            frequent = np.zeros(len(vocab.strings), dtype=bool)
            frequent[: len(unigrams)] = unigrams >= settings.phrase_min_count
            frequent[len(unigrams) :] = True
            unigrams = np.zeros(len(vocab.strings), dtype=np.int64)
            parts: list[tuple[IntArray, IntArray]] = []
            for ids, brk, doc_index in stream.chunks():
                ids, brk, doc_index = _apply_all(ids, brk, doc_index, tables)
                unigrams += np.bincount(ids, minlength=len(vocab.strings))
                parts.append(count_bigrams(ids, brk, frequent))
                if sum(len(p[0]) for p in parts) > 4_000_000:
                    parts = [merge_counts(parts)]
            keys, counts = merge_counts(parts)
            del parts
        table = score_phrases(
            keys,
            counts,
            unigrams,
            n_tokens=int(unigrams.sum()),
            min_count=settings.phrase_min_count,
            threshold=settings.phrase_threshold,
            first_new_id=len(vocab.strings),
        )
        for key, count, score in zip(table.keys, table.counts, table.scores, strict=True):
            phrase = vocab.strings[int(key) >> 32] + "_" + vocab.strings[int(key) & 0xFFFFFFFF]
            vocab.add(phrase)
            rows.append(
                {"phrase": phrase, "count": int(count), "npmi": float(score), "pass": number}
            )
        tables.append(table)
        logger.info("phrase pass %d: %d phrases", number, len(table))
        if len(table) == 0:
            break
    return tables, rows


def _write_tokens_and_collect(
    stream: _Stream,
    doc_ids: list[str],
    vocab: _Vocab,
    tables: list[PhraseTable],
    folder: Path,
) -> tuple[IntArray, IntArray, list[tuple[IntArray, IntArray, IntArray]], IntArray]:
    """Write ``tokens.parquet``; return cfs, dfs, bag-of-words triples and document lengths."""
    strings = np.asarray(vocab.strings, dtype=object)
    cfs = np.zeros(len(strings), dtype=np.int64)
    dfs = np.zeros(len(strings), dtype=np.int64)
    triples: list[tuple[IntArray, IntArray, IntArray]] = []
    doc_lengths: list[IntArray] = []
    schema = pa.schema(
        [("doc_id", pa.string()), ("tokens", pa.list_(pa.dictionary(pa.int32(), pa.string())))]
    )
    first_doc = 0
    with pq.ParquetWriter(folder / TOKENS_FILE, schema, **_PARQUET_OPTIONS) as writer:
        for (ids, brk, doc_index), n_docs in zip(stream.chunks(), stream.batch_docs, strict=True):
            ids, brk, doc_index = _apply_all(ids, brk, doc_index, tables)
            lengths = np.bincount(doc_index, minlength=n_docs).astype(np.int64)
            doc_lengths.append(lengths)
            offsets = np.zeros(n_docs + 1, dtype=np.int32)
            np.cumsum(lengths, out=offsets[1:])
            uniq_ids, inverse = np.unique(ids, return_inverse=True)
            values = pa.DictionaryArray.from_arrays(
                pa.array(inverse.astype(np.int32)),
                pa.array(strings[uniq_ids].tolist(), pa.string()),
            )
            tokens = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values)
            batch_ids = pa.array(doc_ids[first_doc : first_doc + n_docs], type=pa.string())
            writer.write_table(pa.Table.from_arrays([batch_ids, tokens], schema=schema))
            cfs += np.bincount(ids, minlength=len(strings))
            keys = (doc_index << 32) | ids
            uniq, counts = np.unique(keys, return_counts=True)
            term = uniq & 0xFFFFFFFF
            dfs += np.bincount(term, minlength=len(strings))
            triples.append(
                (
                    ((uniq >> 32) + first_doc).astype(np.int32),
                    term.astype(np.int32),
                    counts.astype(np.int32),
                )
            )
            first_doc += n_docs
    lengths_all = np.concatenate(doc_lengths) if doc_lengths else np.zeros(0, np.int64)
    return cfs, dfs, triples, lengths_all


def _build_dictionary(
    strings: list[str], cfs: IntArray, dfs: IntArray, n_docs: int, settings: PreprocessSettings
) -> tuple[Any, IntArray]:
    """Return the filtered gensim ``Dictionary`` and the map vocab id -> dictionary id (-1)."""
    from gensim.corpora import Dictionary

    present = np.flatnonzero(cfs > 0)
    order = sorted(present.tolist(), key=lambda i: strings[i])
    dictionary = Dictionary()
    dictionary.token2id = {strings[i]: new for new, i in enumerate(order)}
    dictionary.dfs = {new: int(dfs[i]) for new, i in enumerate(order)}
    dictionary.cfs = {new: int(cfs[i]) for new, i in enumerate(order)}
    dictionary.num_docs = n_docs
    dictionary.num_pos = int(cfs.sum())
    dictionary.num_nnz = int(dfs.sum())
    stop_terms, _ = settings.stop_term_set()
    bad = [dictionary.token2id[t] for t in sorted(stop_terms) if t in dictionary.token2id]
    if bad:
        dictionary.filter_tokens(bad_ids=bad)
    dictionary.filter_extremes(
        no_below=settings.no_below, no_above=settings.no_above, keep_n=settings.keep_n
    )
    position = {strings[i]: i for i in order}
    mapping = np.full(len(strings), -1, dtype=np.int64)
    for token, new in dictionary.token2id.items():
        mapping[position[token]] = new
    return dictionary, mapping


def _write_bow(
    triples: list[tuple[IntArray, IntArray, IntArray]], mapping: IntArray, folder: Path
) -> int:
    schema = pa.schema([("doc", pa.int32()), ("term", pa.int32()), ("count", pa.int32())])
    nnz = 0
    with pq.ParquetWriter(folder / BOW_FILE, schema, **_PARQUET_OPTIONS) as writer:
        for doc32, term, count in triples:
            new = mapping[term]
            ok = new >= 0
            doc, new, count = doc32[ok].astype(np.int64), new[ok], count[ok]
            order = np.argsort((doc << 32) | new)
            table = pa.Table.from_arrays(
                [
                    pa.array(doc[order].astype(np.int32)),
                    pa.array(new[order].astype(np.int32)),
                    pa.array(count[order].astype(np.int32)),
                ],
                schema=schema,
            )
            writer.write_table(table)
            nnz += len(doc)
    return nnz


def _write_tables(folder: Path, dictionary: Any, phrase_rows: list[dict[str, Any]]) -> None:
    dictionary.save(str(folder / DICTIONARY_FILE))
    dictionary.save_as_text(str(folder / DICTIONARY_TSV), sort_by_word=True)
    with open(folder / TERMS_FILE, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["id", "term", "cf", "df"])
        for token, tid in sorted(dictionary.token2id.items(), key=lambda kv: kv[1]):
            out.writerow([tid, token, dictionary.cfs.get(tid, 0), dictionary.dfs.get(tid, 0)])
    with open(folder / PHRASES_FILE, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["phrase", "count", "npmi", "pass"])
        for row in phrase_rows:
            out.writerow([row["phrase"], row["count"], f"{row['npmi']:.6f}", row["pass"]])


def build(
    batches: Iterable[tuple[list[str], list[str]]],
    folder: Path,
    *,
    settings: PreprocessSettings,
    stopwords: frozenset[str],
    manifest: dict[str, Any],
    total_docs: int | None = None,
) -> dict[str, Any]:
    """Run every pass and write the preprocessing folder's files into ``folder``.

    Returns
    -------
    dict
        The manifest written (``manifest`` completed with counts).
    """
    stream = _Stream(folder)
    try:
        doc_ids, vocab, unigrams, bigrams, n_raw = _first_pass(
            batches, settings, stopwords, stream, total_docs=total_docs
        )
        n_kept = int(unigrams.sum())
        tables, phrase_rows = _find_phrases(stream, vocab, unigrams, bigrams, settings)
        cfs, dfs, triples, lengths = _write_tokens_and_collect(
            stream, doc_ids, vocab, tables, folder
        )
    finally:
        stream.cleanup()
    dictionary, mapping = _build_dictionary(vocab.strings, cfs, dfs, len(doc_ids), settings)
    nnz = _write_bow(triples, mapping, folder)
    _write_tables(folder, dictionary, phrase_rows)
    counts = {
        "documents": len(doc_ids),
        "empty_documents": int((lengths == 0).sum()),
        "raw_tokens": int(n_raw),
        "kept_tokens": n_kept,
        "tokens_after_phrases": int(cfs.sum()),
        "types_after_phrases": int((cfs > 0).sum()),
        "phrases": len(phrase_rows),
        "dictionary_terms": len(dictionary),
        "bow_tokens": int(sum(dictionary.cfs.get(i, 0) for i in range(len(dictionary)))),
        "bow_nnz": nnz,
    }
    manifest = {**manifest, "counts": counts}
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2, default=str)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return manifest
