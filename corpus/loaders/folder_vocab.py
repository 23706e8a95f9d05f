"""The hyphenation vocabulary of a folder, the first pass of :func:`~secnews.corpus.loaders.folder.load_folder`.

:func:`fit_hyphenation_lookups` gives a :class:`~secnews.corpus.clean.unwrap.HyphenationModel` that
unwraps every file of the folder exactly as the model fitted on the full vocabulary
(:func:`~secnews.corpus.loaders.folder.fit_hyphenation`) does, at a fraction of the cost, in two passes
over the files in worker processes:

1. the words the model may look up: :func:`~secnews.corpus.clean.unwrap.hyphenation_lookups` of
   each file's text as the loader decodes it (:func:`~secnews.corpus.loaders.decode.decode_bytes`);
2. the occurrences of just those words in every file, counted on the same text as the full
   fit counts (:func:`quick_decode`) by :class:`~secnews.corpus.clean.unwrap_vocab.ListedWordCounter`.

The model's vocabulary then holds the counts of the looked-up words (all of them, zero counts
left out), which are the only entries :meth:`~secnews.corpus.clean.unwrap.HyphenationModel.joiner`
reads; ``n_documents_`` counts the files read, as in the full fit.
"""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from secnews.corpus.clean.unwrap import HyphenationModel, hyphenation_lookups
from secnews.corpus.loaders.decode import DecodeError, decode_bytes
from secnews.corpus.workers import chunked, n_jobs, ordered, process_pool

if TYPE_CHECKING:
    from secnews.corpus.loaders._folder_settings import FolderSettings

__all__ = ["fit_hyphenation_lookups", "quick_decode"]


def quick_decode(data: bytes) -> str:
    """Text for counting words only: strict UTF-8 when it works, else :func:`decode_bytes`
    (whose checks the loading pass applies to every file anyway)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return decode_bytes(data)[0]


def read_texts(paths: list[str]) -> Iterator[str]:
    """:func:`quick_decode` of each readable file (the others are skipped: the loading pass
    rejects them with their reason)."""
    for path in paths:
        try:
            with open(path, "rb") as handle:
                yield quick_decode(handle.read())
        except (DecodeError, OSError):
            continue


def count_chunk(paths: list[str]) -> tuple[Counter[str], int]:
    """Full vocabulary of some files (a task of :func:`~secnews.corpus.loaders.folder.fit_hyphenation`)."""
    local = HyphenationModel().fit(read_texts(paths))
    return local.vocabulary_, local.n_documents_


def _lookup_chunk(paths: list[str]) -> set[str]:
    """The words the model may look up in some files, decoded as the loader decodes them."""
    words: set[str] = set()
    for path in paths:
        try:
            with open(path, "rb") as handle:
                text, _encoding = decode_bytes(handle.read())
        except (DecodeError, OSError):
            continue  # rejected by the loading pass: never unwrapped
        words |= hyphenation_lookups(text)
    return words


def _listed_chunk(words: frozenset[str], paths: list[str]) -> tuple[Counter[str], int]:
    """Occurrences of ``words`` in some files, and the number of files read."""
    from secnews.corpus.clean.unwrap_vocab import ListedWordCounter

    texts = list(read_texts(paths))
    return ListedWordCounter(words).count(texts), len(texts)


def fit_hyphenation_lookups(
    paths: list[str], *, settings: FolderSettings, preload: Sequence[str] = ()
) -> HyphenationModel:
    """Fit the hyphenation model of a folder on the words it will look up (see the module
    docstring).

    Parameters
    ----------
    paths
        The files (unreadable or undecodable ones are skipped: the loading pass rejects them).
    settings
        ``min_count``, ``n_jobs``, ``chunk_size`` and ``start_method`` are used.
    preload
        Modules the workers use, imported before they fork
        (:func:`secnews.corpus.workers.preload_modules`).

    Returns
    -------
    HyphenationModel
        Its decisions equal those of :func:`~secnews.corpus.loaders.folder.fit_hyphenation` on every
        text of ``paths``.
    """
    from tqdm.auto import tqdm

    model = HyphenationModel(min_count=settings.min_count)
    model.add_counts({}, n_documents=0)
    chunks = chunked(paths, 4 * settings.chunk_size)
    jobs = n_jobs(settings.n_jobs)
    with tqdm(total=2 * len(paths), unit="file", desc="vocabulary", disable=None) as bar:
        if jobs == 1 or len(chunks) < 2:
            words: set[str] = set()
            for chunk in chunks:
                words |= _lookup_chunk(chunk)
                bar.update(len(chunk))
            count = partial(_listed_chunk, frozenset(words))
            for chunk in chunks:
                counts, n = count(chunk)
                model.add_counts(counts, n_documents=n)
                bar.update(len(chunk))
            return model
        with process_pool(jobs, settings.start_method, preload=preload) as pool:
            words = set()
            for found, chunk in zip(
                ordered(pool, _lookup_chunk, chunks, 2 * jobs), chunks, strict=True
            ):
                words |= found
                bar.update(len(chunk))
            results: Iterator[Any] = ordered(
                pool, partial(_listed_chunk, frozenset(words)), chunks, 2 * jobs
            )
            for (counts, n), chunk in zip(results, chunks, strict=True):
                model.add_counts(counts, n_documents=n)
                bar.update(len(chunk))
    return model
