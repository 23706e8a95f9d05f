"""The shared preprocessing step: tokens, phrases, dictionary and bag-of-words, cached on disk.

Every analysis (statistics, topics, trends, entities) calls :func:`preprocess` with a
:class:`PreprocessSettings`; the result is stored once under a key made from the corpus hash and
the settings, and reused.

Pipeline (defaults in brackets, see :class:`PreprocessSettings`)
---------------------------------------------------------------
1. Document text: ``title``, ``lede`` and ``text`` joined by blank lines (when present).
2. Tokens: a regex tokenizer [default] or spaCy; case folded [yes]; optional spaCy lemmas [no];
   hyphenated words kept whole ("euro-atlantic") [yes]; see :mod:`.preprocess_tokens`.
3. Filters: URLs and numbers [dropped], tokens shorter than 2 characters [dropped], stopwords:
   English function words plus the editable news list ``analysis/data/stopwords_news.txt``.
4. Phrases: bigrams scored by NPMI (gensim's ``npmi_scorer``), count >= 10 and NPMI > 0.5, two
   passes (so trigrams such as ``special_military_operation`` are found), joined with ``_``. Only
   tokens adjacent in the text pair up (a removed stopword breaks adjacency); see
   :mod:`.preprocess_phrases`.
5. A gensim ``Dictionary`` (ids in alphabetical order of the terms before filtering) with
   ``filter_extremes(no_below=5, no_above=0.5, keep_n=100000)``.

Stored files (folder ``<corpus>/preprocessed/<key>/`` or ``<cache_dir>/<key>/``)
-------------------------------------------------------------------------------
- ``tokens.parquet``: ``doc_id`` and ``tokens`` (a list of strings, stored dictionary-encoded as
  ``list<dictionary<int32, string>>``; DuckDB and pandas read it as strings), phrases applied,
  every kept token (*not* limited to the dictionary), one row per document in corpus order, one
  row group per batch;
- ``dictionary.gensim`` (gensim's own format) and ``dictionary.tsv`` (gensim's text format);
  ``terms.tsv`` (``id, term, cf, df`` of the filtered dictionary); ``phrases.tsv``;
- ``bow.parquet``: ``doc, term, count`` (int32; ``doc`` is the row index in ``doc_ids``, ``term``
  the dictionary id), sorted by document then term;
- ``manifest.json``: key, source hash, settings, stopword digest, counts, package versions.

A folder is written under a temporary name and renamed when complete; an existing key is reused,
never overwritten, and a changed setting gives a new key. ``n_jobs`` and ``batch_size`` change
only the speed, not the output, and are not part of the key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from secnews.analysis.preprocess.settings import PreprocessSettings
from secnews.analysis.preprocess.tokens import raw_tokens, token_filter

__all__ = [
    "FORMAT_VERSION",
    "PreprocessSettings",
    "Preprocessed",
    "frame_text",
    "preprocess",
    "preprocessing_key",
    "tokenize",
]

logger = logging.getLogger(__name__)

#: Version of the stored layout; part of the key.
FORMAT_VERSION = 1


def tokenize(text: str, *, settings: PreprocessSettings | None = None) -> list[str]:
    """Tokenize and filter one text as :func:`preprocess` does, without phrases.

    Parameters
    ----------
    text
        A document text.
    settings
        Preprocessing settings (default :class:`PreprocessSettings()`).

    Returns
    -------
    list of str
    """
    settings = settings or PreprocessSettings()
    stopwords, _ = settings.stopword_set()
    keep = token_filter(settings, stopwords)
    return [t for t in raw_tokens([text], settings)[0] if keep(t)]


# -- sources ---------------------------------------------------------------------------------------
def frame_text(frame: pd.DataFrame) -> list[str]:
    """Full text of each row: ``title``, ``lede``, ``text`` joined by blank lines (when present)."""
    parts = [c for c in ("title", "lede", "text") if c in frame.columns]
    if "text" not in parts:
        raise KeyError("the frame needs a 'text' column")
    columns = [frame[c].tolist() for c in parts]
    out = []
    for values in zip(*columns, strict=True):
        kept = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        out.append("\n\n".join(kept))
    return out


def _frame_source(
    frame: pd.DataFrame, batch_size: int
) -> tuple[str, list[tuple[list[str], list[str]]], int]:
    if "doc_id" not in frame.columns:
        raise KeyError("the frame needs a 'doc_id' column")
    doc_ids = [str(d) for d in frame["doc_id"].tolist()]
    if len(set(doc_ids)) != len(doc_ids):
        raise ValueError("doc_id values must be unique")
    texts = frame_text(frame)
    digest = hashlib.sha256()
    for doc_id, text in zip(doc_ids, texts, strict=True):
        digest.update(doc_id.encode("utf-8") + b"\x1f" + text.encode("utf-8") + b"\x1e")
    batches = [
        (doc_ids[i : i + batch_size], texts[i : i + batch_size])
        for i in range(0, len(doc_ids), batch_size)
    ]
    return "frame:" + digest.hexdigest(), batches, len(doc_ids)


def _corpus_batches(corpus: Any, batch_size: int) -> Iterator[tuple[list[str], list[str]]]:
    for batch in corpus.iter_batches(("doc_id",), batch_size=batch_size, full_text=True):
        yield (
            [str(d) for d in batch["doc_id"].tolist()],
            [str(t) for t in batch["full_text"].tolist()],
        )


def preprocessing_key(source_hash: str, settings: PreprocessSettings, stopword_digest: str) -> str:
    """Return the cache key: SHA-256 (first 24 hex digits) of source hash, settings and stopwords."""
    payload = {
        "format": FORMAT_VERSION,
        "source": source_hash,
        "settings": settings.key_dict(),
        "stopwords_sha256": stopword_digest,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _versions() -> dict[str, str]:
    import gensim
    import pyarrow

    return {"numpy": np.__version__, "gensim": gensim.__version__, "pyarrow": pyarrow.__version__}


def preprocess(
    source: pd.DataFrame | Any,
    *,
    settings: PreprocessSettings | None = None,
    cache_dir: Path | str | None = None,
) -> Preprocessed:
    """Run (or reuse) the shared preprocessing step.

    Parameters
    ----------
    source
        A DataFrame with ``doc_id`` and ``text`` (``title`` and ``lede`` are used when present),
        or a corpus handle from :func:`secnews.corpus.open_corpus` (duplicates left out).
    settings
        Preprocessing settings (default :class:`PreprocessSettings()`).
    cache_dir
        Folder holding one sub-folder per key. Default: ``<corpus>/preprocessed`` for a corpus;
        for a DataFrame without ``cache_dir`` the result lives in a temporary folder removed when
        the returned object is garbage-collected (``result.path`` is then None).

    Returns
    -------
    Preprocessed
    """
    settings = settings or PreprocessSettings()
    stopwords, digest = settings.stopword_set()
    total: int | None
    if isinstance(source, pd.DataFrame):
        source_hash, frame_batches, total = _frame_source(source, settings.batch_size)
        batches: Iterable[tuple[list[str], list[str]]] = frame_batches
        default_root = None
    else:
        source_hash = "corpus:" + str(source.corpus_hash)
        batches = _corpus_batches(source, settings.batch_size)
        total = len(source)
        default_root = Path(source.path) / "preprocessed"
    key = preprocessing_key(source_hash, settings, digest)
    root = Path(cache_dir) if cache_dir is not None else default_root
    temporary = root is None
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="secnews-preprocess-"))
    target = root / key
    if (target / "manifest.json").is_file():
        logger.info("reusing preprocessing %s", target)
        return Preprocessed(target, temporary=temporary)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.building-", dir=root))
    manifest = {
        "key": key,
        "format": FORMAT_VERSION,
        "source_hash": source_hash,
        "settings": settings.to_dict(),
        "stopwords_sha256": digest,
        "versions": _versions(),
    }
    from secnews.analysis.preprocess.build import build

    try:
        build(
            batches,
            staging,
            settings=settings,
            stopwords=stopwords,
            manifest=manifest,
            total_docs=total,
        )
        try:
            os.replace(staging, target)
        except OSError:  # written meanwhile by another process: keep theirs
            if not (target / "manifest.json").is_file():
                raise
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Preprocessed(target, temporary=temporary)


class Preprocessed:
    """A stored preprocessing result (see the module docstring for the files).

    Parameters
    ----------
    folder
        The key folder.
    temporary
        True when the folder is a private temporary one, removed with this object.
    """

    def __init__(self, folder: Path | str, *, temporary: bool = False) -> None:
        self._folder = Path(folder)
        self.manifest: dict[str, Any] = json.loads(
            (self._folder / "manifest.json").read_text("utf-8")
        )
        self.key: str = str(self.manifest["key"])
        self.settings = PreprocessSettings.from_dict(self.manifest["settings"])
        self.path: Path | None = None if temporary else self._folder
        if temporary:
            weakref.finalize(self, shutil.rmtree, str(self._folder.parent), True)

    def __repr__(self) -> str:
        return (
            f"Preprocessed(key={self.key!r}, documents={len(self)}, folder={str(self._folder)!r})"
        )

    def __len__(self) -> int:
        return int(self.manifest["counts"]["documents"])

    @property
    def folder(self) -> Path:
        """The folder holding the files (also for a temporary result)."""
        return self._folder

    @cached_property
    def doc_ids(self) -> list[str]:
        """Document ids in corpus order (row ``i`` of :meth:`bow_matrix`)."""
        table = pq.read_table(self._folder / "tokens.parquet", columns=["doc_id"])
        return [str(d) for d in table.column("doc_id").to_pylist()]

    @cached_property
    def dictionary(self) -> Any:
        """The gensim ``Dictionary`` after ``filter_extremes``."""
        from gensim.corpora import Dictionary

        return Dictionary.load(str(self._folder / "dictionary.gensim"))

    @cached_property
    def terms(self) -> list[str]:
        """Dictionary terms by id (column ``j`` of :meth:`bow_matrix`)."""
        frame = pd.read_csv(
            self._folder / "terms.tsv", sep="\t", dtype={"term": str}, keep_default_na=False
        )
        return [str(t) for t in frame["term"]]

    def phrases(self) -> pd.DataFrame:
        """The phrases found: ``phrase, count, npmi, pass``."""
        return pd.read_csv(self._folder / "phrases.tsv", sep="\t", keep_default_na=False)

    def iter_tokens(self) -> Iterator[list[str]]:
        """Yield the tokens of each document (phrases applied, not limited to the dictionary)."""
        with pq.ParquetFile(self._folder / "tokens.parquet") as parquet:
            for group in range(parquet.num_row_groups):
                column = parquet.read_row_group(group, columns=["tokens"]).column(0)
                for chunk in column.chunks:
                    values = chunk.values
                    if pa.types.is_dictionary(values.type):
                        words = values.dictionary.to_numpy(zero_copy_only=False)
                        strings = words[values.indices.to_numpy(zero_copy_only=False)]
                    else:
                        strings = np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
                    offsets = chunk.offsets.to_numpy()
                    for i in range(len(chunk)):
                        yield strings[offsets[i] : offsets[i + 1]].tolist()

    def iter_bow(self) -> Iterator[list[tuple[int, int]]]:
        """Yield each document as a gensim bag-of-words ``[(term_id, count), ...]``, streamed from
        ``bow.parquet`` (documents without dictionary terms give ``[]``)."""
        next_doc = 0
        current: list[tuple[int, int]] = []
        with pq.ParquetFile(self._folder / "bow.parquet") as parquet:
            for batch in parquet.iter_batches(batch_size=65536):
                docs = batch.column(0).to_numpy().tolist()
                terms = batch.column(1).to_numpy().tolist()
                counts = batch.column(2).to_numpy().tolist()
                for doc, term, count in zip(docs, terms, counts, strict=True):
                    while next_doc < doc:
                        yield current
                        current = []
                        next_doc += 1
                    current.append((term, count))
        while next_doc < len(self):
            yield current
            current = []
            next_doc += 1

    def bow_matrix(self) -> sp.csr_matrix:
        """Documents x terms counts as a CSR matrix of ``int64`` (rows: ``doc_ids``, columns:
        dictionary ids)."""
        table = pq.read_table(self._folder / "bow.parquet")
        doc = table.column("doc").to_numpy()
        term = table.column("term").to_numpy()
        count = table.column("count").to_numpy().astype(np.int64)
        shape = (len(self), len(self.terms))
        return sp.csr_matrix((count, (doc, term)), shape=shape)
