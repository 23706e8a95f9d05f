"""Build a corpus: loaders -> checks -> language id -> relevance -> duplicates -> store.

:func:`build_corpus` streams: documents are processed in batches of
:attr:`BuildSettings.batch_size` (checks, language id, ``n_chars``/``n_words``, relevance, and
the exact keys and MinHash signatures of the duplicate step, hashed in the background by
:class:`~secnews.corpus.dedupe.batch.BatchSignatures`). Processed batches are staged as Arrow
tables, in memory up to 512 MB and spilled to a staging Parquet file in the temporary build
folder beyond that (:class:`~secnews.corpus.build.util.StagedTables`), so memory stays bounded.
Once every source is read, the duplicate groups are resolved from the signatures (the texts are
not read again) and the staged batches are written into the part files ``articles/part-*.parquet``
(:class:`~secnews.corpus.store.write.ArticleWriter`, parts of at most
:attr:`BuildSettings.part_bytes`) with ``dup_of`` filled in, while the input files are hashed in a thread. The finished folder replaces ``out``
atomically (:func:`secnews.corpus.store.replace.staging_dir`), so an interrupted build leaves the
previous corpus as it was.

Folder sources (the UN corpus) are loaded in worker processes, which also compute the
per-document figures that need the whole text (``n_chars``, ``n_words``, the body key, the exact
key and MinHash signature of the duplicate step: :class:`~secnews.corpus.build.facts.DocumentFactsMaker`)
while the text is at hand, so this process only detects languages, scores relevance, assembles
the rows and writes; the corpus is byte for byte the one computed here.

Checks at build level, on top of each loader's own (each gives a row in ``rejects.csv``):

- ``no text``: a document whose body is empty after normalization;
- ``absurd date``: ``published`` outside [:attr:`~BuildSettings.min_year`,
  :attr:`~BuildSettings.max_year`];
- a ``doc_id`` already used by an earlier document (same outlet and URL) is not a reject: the
  later document is stored under the id ``{doc_id}-{h}``, ``h`` the first 12 hex digits of the
  SHA-256 of its full text (so the id does not depend on the order of the sources; a third
  byte-identical text gets ``-2``, ``-3``, ... after that, found in constant time per copy). Its ``dup_of`` is set to the first
  document (kind ``same doc_id``) only when their bodies (``text``, already normalized) are
  equal, whatever their titles; otherwise both
  are kept (different articles under one URL, e.g. a press-release index page) and the later one
  is counted in ``id_collisions`` and listed in the manifest.

What a build refuses to do (each a :class:`BuildError` or ``FileExistsError`` before anything is
replaced; the previous corpus is left as it was):

- replace a folder that is not a secnews corpus (:func:`~secnews.corpus.store.replace.replace_problem`:
  its ``manifest.json`` must carry the ``secnews-corpus/`` format and it may hold nothing else);
- read a source path that does not exist (a mistyped path, a shell glob that matched nothing) or
  that is the output folder or lies inside it (:func:`check_sources`, before any work);
- store a corpus in which a source gave nothing at all (a ``--pattern`` that matches no file) or
  nothing was kept (:meth:`_Builder.check_not_empty`).

Two builds into one folder never interleave: the output's lock (a file ``.{name}.lock`` beside
it, :mod:`secnews.corpus.store.lock`) is held from the start to the swap, and a second build
fails at once, naming the holder's pid, host and start time. Holding it, a build first removes
the temporary folders of builds that were killed (``.{name}.building-*``, ``.{name}.old-*``).

Names that cannot be UTF-8 (a file name in Latin-1, a lone surrogate taken from it) are stored
with escapes (``caf\\xe9.csv``) and the file is named in a warning; symbolic links that lead
out of a source folder are rejected unless :attr:`BuildSettings.follow_symlinks`. A publication
date that is a placeholder (the Unix epoch, Excel's and SQL's zero days) is kept, flagged
``meta["placeholder_date"]`` and counted (``placeholder_dates``).

Counts per source satisfy ``in = kept + duplicates + rejected`` (asserted), where ``in`` is every
item the loaders yielded, ``duplicates`` the stored documents with ``dup_of`` set and
``null_dates`` the stored documents (kept or duplicate) without ``published``. The loaders'
:class:`~secnews.corpus.loaders.tabular.LoadStats` give ``unparsed_dates``, ``truncated`` and ``ignored``
(see :class:`~secnews.corpus.build.summary.SourceCounts`). A table row rejected by the checks
above names its data row in ``rejects.csv``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from secnews.corpus.build.facts import FACTS_KEY, DocumentFacts, DocumentFactsMaker, stack_hashes
from secnews.corpus.build.settings import BuildSettings, versions
from secnews.corpus.build.summary import BuildSummary, SourceCounts
from secnews.corpus.build.util import (
    RelativePaths,
    StagedTables,
    article_row,
    count_words,
    escape_surrogates,
    escape_value,
    has_surrogates,
    prefetch_batches,
    rows_to_table,
)
from secnews.corpus.clean.dates import is_placeholder
from secnews.corpus.dedupe.batch import BatchSignatures, resolve_chains
from secnews.corpus.loaders.sources import ROW_KEY, Source, iter_source
from secnews.corpus.record import Article, LoadResult, Reject
from secnews.corpus.store.read import (
    ARTICLES_SCHEMA,
    MANIFEST_FILE,
    REJECTS_FILE,
    document_text,
)
from secnews.corpus.store.write import (
    CORPUS_FORMAT,
    ArticleWriter,
    RejectWriter,
    file_sha256,
    staging_dir,
    write_manifest,
)

__all__ = [
    "BuildError",
    "BuildSettings",
    "BuildSummary",
    "Source",
    "SourceCounts",
    "build_corpus",
    "check_sources",
]

logger = logging.getLogger(__name__)

_STAGE_FILE = "_stage.parquet"
_DEFAULTS = BuildSettings()
#: Bytes of processed batches kept in memory before they are spilled to the staging file.
_STAGE_MEMORY = 512 * 1024 * 1024


#: Article fields that may hold lone surrogates taken from a file name or a JSON string.
_ESCAPED_FIELDS = (
    "doc_id",
    "title",
    "lede",
    "url",
    "outlet",
    "author",
    "language",
    "dateline_place",
)


def _small_fields(article: Article) -> list[Any]:
    return [getattr(article, name) for name in _ESCAPED_FIELDS]


def _escape_article(article: Article, warned: set[str]) -> None:
    """Store what cannot be UTF-8 (a file name that is not UTF-8) with escapes, and say which
    file it came from (once per file)."""
    name = escape_surrogates(article.source_path)
    if name not in warned:
        warned.add(name)
        logger.warning(
            "%s: the file name (or a field taken from it) is not valid UTF-8: stored with escapes",
            name,
        )
    for field in _ESCAPED_FIELDS:
        value = getattr(article, field)
        if isinstance(value, str):
            setattr(article, field, escape_surrogates(value))
    article.meta = escape_value(article.meta)


class BuildError(ValueError):
    """A build that must not replace the output: a source is missing or is the output itself,
    a source yields nothing, or nothing at all was kept. The message says which."""


def check_sources(sources: Sequence[Source], out: Path) -> None:
    """Refuse, before any work, sources that cannot give a corpus at ``out``.

    Raises
    ------
    BuildError
        When a source path does not exist (a mistyped path, a shell glob that matched nothing),
        or is ``out`` itself or lies inside it (the build would read the corpus it replaces).
    """
    target = os.path.normpath(os.path.abspath(out))
    for source in sources:
        for path in source.paths:
            if not path.exists():
                raise BuildError(f"source not found: {path} (of source {source.label})")
            full = os.path.normpath(os.path.abspath(path))
            if full == target or full.startswith(target.rstrip(os.sep) + os.sep):
                raise BuildError(
                    f"source {path} is the output folder {out} or lies inside it: the build "
                    "would replace what it reads; choose another --out"
                )


class _Builder:
    """The state of one build (kept private: :func:`build_corpus` is the interface)."""

    def __init__(
        self, sources: Sequence[Source], settings: BuildSettings, folder: Path, target: Path
    ) -> None:
        self.target = target
        self.sources = list(sources)
        self.settings = settings
        self.folder = folder
        self.counts = [SourceCounts(escape_surrogates(s.label)) for s in self.sources]
        self.ids: set[str] = set()
        self._next_suffix: dict[str, int] = {}
        self.escaped: set[str] = set()
        self.reasons: Counter[str] = Counter()
        self.forced: dict[str, str] = {}
        self.body_keys: list[bytes] = []
        self.collisions: list[dict[str, Any]] = []
        self.load_stats: list[Any] = []
        self.source_of: dict[str, int] = {}
        self.titles: dict[str, str | None] = {}
        self.files: list[set[str]] = [set() for _ in self.sources]
        self.lexicon: Any = None
        self._rejects: RejectWriter | None = None
        self.timings: dict[str, float] = {}
        self.loaders: set[str] = set()
        self.hashes = BatchSignatures(settings.dedupe_settings)
        self._warm: threading.Thread | None = None
        self.stage = StagedTables(
            folder / _STAGE_FILE,
            ARTICLES_SCHEMA,
            row_group_size=settings.batch_size,
            max_memory=_STAGE_MEMORY,
        )
        self._relative = [RelativePaths(s) for s in self.sources]
        self._facts = DocumentFactsMaker(
            dedupe=settings.dedupe, dedupe_settings=settings.dedupe_settings
        )

    # -- per document checks ----------------------------------------------------------------------
    def _check(self, article: Article) -> str | None:
        if not article.text or not article.text.strip():
            return "no text"
        published = article.published
        if published is not None and not (
            self.settings.min_year <= published.year <= self.settings.max_year
        ):
            return (
                f"absurd date {published.isoformat()} (outside {self.settings.min_year}"
                f"..{self.settings.max_year})"
            )
        return None

    def _unique_id(self, doc_id: str, text: str) -> str:
        """``doc_id`` if unused, else ``{doc_id}-{12 hex digits of the text's SHA-256}`` (with
        ``-2``, ``-3``, ... after it only for further byte-identical texts)."""
        if doc_id not in self.ids:
            return doc_id
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        derived = f"{doc_id}-{digest}"
        if derived not in self.ids:
            return derived
        # ids only grow, so every suffix below the last one handed out is taken: start there
        # (restarting at -2 for every copy made n identical rows take n**2 / 2 look-ups)
        k = self._next_suffix.get(derived, 2)
        while f"{derived}-{k}" in self.ids:
            k += 1
        self._next_suffix[derived] = k + 1
        return f"{derived}-{k}"

    # -- rejects ------------------------------------------------------------------------------------
    def _reject(self, source: int, reject: Reject) -> None:
        assert self._rejects is not None  # open while the sources are read
        path = self._relative[source](reject.source_path)
        self._rejects.write(Reject(path, escape_surrogates(reject.reason), reject.row))
        self.counts[source].rejected += 1
        self.reasons[reject.reason] += 1

    # -- batches ------------------------------------------------------------------------------------
    def _rows(
        self, source: int, articles: list[Article], facts: list[DocumentFacts | None]
    ) -> pa.Table:
        settings = self.settings
        relative = self._relative[source]
        rows = [article_row(a) for a in articles]
        if settings.language_id:
            todo = [i for i, r in enumerate(rows) if not r["language"]]
            if todo:
                from secnews.corpus.clean.langid import detect_languages

                start = time.perf_counter()
                found = detect_languages(
                    [rows[i]["text"] for i in todo], max_chars=settings.language_max_chars
                )
                self._tick("language_id", start)
                for i, language in zip(todo, found, strict=True):
                    rows[i]["language"] = language
        texts = [document_text(r) for r in rows]
        known = [f for f in facts if f is not None]
        text_utf8 = None
        if len(known) == len(rows):  # computed by the folder loader's workers
            text_utf8 = [f.text_utf8 for f in known]
            n_words = [f.n_words for f in known]
            n_chars = [f.n_chars for f in known]
            self.body_keys.extend(f.body_key for f in known)
            if settings.dedupe:
                self.hashes.add_hashed(*stack_hashes(known))
        else:
            n_words = count_words(texts)
            n_chars = [len(text) for text in texts]
            if settings.dedupe:
                self.hashes.submit(texts)
            # the body decides whether a document under a repeated doc_id is a copy: scrapers
            # repeat one page under several titles (usgov-ukraine-2022 does)
            self.body_keys.extend(
                hashlib.blake2b(r["text"].encode("utf-8"), digest_size=16).digest() for r in rows
            )
        for row, text, chars, words in zip(rows, texts, n_chars, n_words, strict=True):
            row["source_path"] = relative(row["source_path"])
            row["n_chars"] = chars
            row["n_words"] = words
            row["relevance"] = None
            original = row["doc_id"]
            unique = self._unique_id(original, text)
            row["doc_id"] = unique
            row["dup_of"] = None
            self.ids.add(unique)
            if unique != original:
                self.forced[unique] = original
            self.source_of[unique] = source
            self.titles[unique] = row["title"]
            self.loaders.add(row["loader"])
        table = rows_to_table(rows, text_utf8=text_utf8)
        if settings.relevance:
            start = time.perf_counter()
            # the full text is the body itself (the same object) when there is no title or
            # lede: score the Arrow column the table already holds instead of converting again
            same = all(text is row["text"] for text, row in zip(texts, rows, strict=True))
            scores = self._relevance(table.column("text") if same else texts, n_words)
            index = table.schema.get_field_index("relevance")
            table = table.set_column(index, "relevance", pa.array(scores, type=pa.float64()))
            self._tick("relevance", start)
        return table

    def _relevance(self, texts: Any, n_words: list[int]) -> Any:
        """Relevance scores (float64) of the full texts: a list of str or an Arrow column."""
        from secnews.corpus.clean.relevance import load_relevance_lexicon, relevance_scores_arrow

        if self.lexicon is None:
            self.lexicon = load_relevance_lexicon(self.settings.lexicon)
        if isinstance(texts, list):
            texts = pa.array(texts, type=pa.large_string())
        return relevance_scores_arrow(texts, lexicon=self.lexicon, n_words=n_words)

    def _process(self, source: int, batch: list[LoadResult], stage: StagedTables) -> None:
        counts = self.counts[source]
        articles: list[Article] = []
        facts: list[DocumentFacts | None] = []
        for item in batch:
            counts.n_in += 1
            self.files[source].add(item.source_path)
            if isinstance(item, Reject):
                self._reject(source, item)
                continue
            row = item.meta.pop(ROW_KEY, None)
            known = item.meta.pop(FACTS_KEY, None)
            reason = self._check(item)
            if reason is not None:
                self._reject(source, Reject(item.source_path, reason, row))
                continue
            if has_surrogates(item.source_path) or any(
                isinstance(v, str) and has_surrogates(v) for v in _small_fields(item)
            ):
                _escape_article(item, self.escaped)
            if item.published is not None and is_placeholder(item.published):
                item.meta["placeholder_date"] = True
                counts.placeholder_dates += 1
            if self.sources[source].outlet_names and item.outlet is not None:
                item.outlet = dict(self.sources[source].outlet_names).get(item.outlet, item.outlet)
            articles.append(item)
            facts.append(known)
        if articles:
            self._join_warm_up()
            table = self._rows(source, articles, facts)
            counts.null_dates += table.column("published").null_count
            start = time.perf_counter()
            stage.write(table)
            self._tick("stage_write", start)

    def load(self, progress: bool | None) -> None:
        """Read every source into the staging file and the duplicate index."""
        from tqdm.auto import tqdm

        from secnews.corpus.loaders.tabular import LoadStats

        stage = self.stage
        self.load_stats = [LoadStats() for _ in self.sources]
        self._warm = threading.Thread(target=self._warm_up, name="secnews-warm-up", daemon=True)
        self._warm.start()
        with (
            RejectWriter(self.folder / REJECTS_FILE) as rejects,
            tqdm(
                total=None,
                unit="doc",
                desc="build",
                disable=None if progress is None else not progress,
            ) as bar,
        ):
            self._rejects = rejects
            try:
                for number, source in enumerate(self.sources):
                    bar.set_postfix_str(source.label[-40:])
                    items = iter_source(
                        source,
                        loader_settings=self._loader_settings(),
                        exclude=(self.target,),
                        stats=self.load_stats[number],
                        annotate=self._facts,
                        follow_symlinks=self.settings.follow_symlinks,
                    )
                    batches = prefetch_batches(items, self.settings.batch_size)
                    while True:
                        start = time.perf_counter()
                        batch = next(batches, None)
                        self._tick("loaders", start)
                        if batch is None:
                            break
                        start = time.perf_counter()
                        self._process(number, batch, stage)
                        self._tick("process", start)
                        bar.update(len(batch))
            finally:
                self._join_warm_up()
                stage.close()
                self._rejects = None
                for counts, stats in zip(self.counts, self.load_stats, strict=True):
                    counts.unparsed_dates = stats.unparsed_dates
                    counts.truncated = stats.truncated
                    counts.ignored = stats.ignored
                start = time.perf_counter()
                self.hashes.wait()
                self._tick("duplicates", start)

    def check_not_empty(self) -> None:
        """Refuse to replace the output with a corpus missing a whole source, or an empty one.

        Raises
        ------
        BuildError
            When a source yielded no item at all (a folder pattern or file set that matches
            nothing) or no document passed the checks.
        """
        for counts in self.counts:
            if counts.n_in == 0:
                ignored = (
                    f"; {counts.ignored:,} file(s) ignored as not matching its pattern"
                    if counts.ignored
                    else ""
                )
                raise BuildError(
                    f"source {counts.source} gave no document and no reject{ignored}: "
                    "nothing was built and the previous corpus, if any, is left as it was"
                )
        if all(c.n_in == c.rejected for c in self.counts):
            total = sum(c.rejected for c in self.counts)
            reasons = "; ".join(f"{n} x {r}" for r, n in self.reasons.most_common(3))
            raise BuildError(
                f"the build kept no document ({total:,} rejected: {reasons}): nothing was built "
                "and the previous corpus, if any, is left as it was"
            )

    def _warm_up(self) -> None:
        """Load the language models and the relevance matcher while the loaders start (the
        folder loader's vocabulary pass leaves this process idle), not in the first batch."""
        try:
            if self.settings.language_id:
                from secnews.corpus.clean.langid import detect_languages

                detect_languages(["The assembly opened its general debate this morning."])
            if self.settings.relevance:
                self._relevance(["The assembly opened its general debate."], [6])
            if self.settings.dedupe:
                self.hashes.warm_up()
        except Exception:  # the real call raises it again, with its context
            logger.debug("warm-up failed", exc_info=True)

    def _join_warm_up(self) -> None:
        if self._warm is not None:
            self._warm.join()
            self._warm = None

    def _loader_settings(self) -> dict[str, Any]:
        s = self.settings
        return {
            "pagetext": s.pagetext,
            "html": s.html,
            "table": s.table,
            "folder": s.folder,
            "xml": s.xml,
        }

    def _same_id(self) -> dict[str, str]:
        """``{doc_id: first doc_id}`` of the documents stored under a derived id whose text is an
        exact duplicate of the first one; the others are counted as id collisions."""
        keys = self.body_keys
        position = {doc_id: n for n, doc_id in enumerate(self.source_of)}
        same: dict[str, str] = {}
        for unique, original in self.forced.items():
            if keys[position[unique]] == keys[position[original]]:
                same[unique] = original
            else:
                self.counts[self.source_of[unique]].id_collisions += 1
                self.collisions.append(
                    {
                        "doc_id": unique,
                        "original_id": original,
                        "source": self.sources[self.source_of[unique]].label,
                    }
                )
        return same

    def finish(
        self, progress: bool | None
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        """Resolve duplicates, write the part files and return (hash, duplicates, parts)."""
        start = time.perf_counter()
        dup_of = self._same_id()
        kinds = dict.fromkeys(dup_of, "same doc_id")
        similarity: dict[str, float | None] = dict.fromkeys(dup_of)
        if self.settings.dedupe and self.source_of:
            found = self.hashes.duplicates(list(self.source_of))
            for doc_id, (original, kind, sim) in found.items():
                if doc_id not in dup_of:
                    dup_of[doc_id] = original
                    kinds[doc_id] = kind
                    similarity[doc_id] = sim
        dup_of = resolve_chains(dup_of)
        self._tick("duplicates", start)
        start = time.perf_counter()
        with ArticleWriter(
            self.folder,
            row_group_size=self.settings.batch_size,
            part_bytes=self.settings.part_bytes,
            part_rows=self.settings.part_rows,
        ) as out:
            for table in self.stage.tables():
                ids = table.column("doc_id").to_pylist()
                column = pa.array([dup_of.get(i) for i in ids], pa.string())
                table = table.set_column(table.schema.get_field_index("dup_of"), "dup_of", column)
                out.write(table)
            corpus_hash = out.hasher.hexdigest()
        parts = out.parts
        self.stage.remove()
        self._tick("write", start)
        duplicates: list[dict[str, Any]] = []
        for doc_id, original in dup_of.items():
            source = self.source_of[doc_id]
            self.counts[source].duplicates += 1
            duplicates.append(
                {
                    "doc_id": doc_id,
                    "dup_of": original,
                    "source": self.sources[source].label,
                    "kind": kinds[doc_id],
                    "similarity": similarity[doc_id],
                    "title": self.titles.get(doc_id),
                }
            )
        for source, counts in enumerate(self.counts):
            counts.kept = sum(1 for s in self.source_of.values() if s == source) - counts.duplicates
            counts.check()
        order = {doc_id: n for n, doc_id in enumerate(self.source_of)}
        duplicates.sort(key=lambda d: order[d["doc_id"]])
        return corpus_hash, duplicates, parts

    def inputs(self) -> tuple[list[dict[str, Any]], int]:
        """Describe every source and hash every input file that exists."""
        start = time.perf_counter()
        described = []
        total = 0
        for source, files, relative in zip(self.sources, self.files, self._relative, strict=True):
            entry = source.describe()
            listing = []
            for name in sorted(files):
                path = Path(name)
                if path.is_file():
                    size = path.stat().st_size
                    total += size
                    listing.append(
                        {"path": relative(name), "bytes": size, "sha256": file_sha256(path)}
                    )
            entry["files"] = listing
            described.append(escape_value(entry))
        self._tick("input_hashes", start)
        return described, total

    def _tick(self, step: str, start: float) -> None:
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start


def build_corpus(
    sources: Sequence[Source],
    out: str | Path,
    *,
    settings: BuildSettings = _DEFAULTS,
    progress: bool | None = None,
) -> BuildSummary:
    """Build a corpus folder from sources (see the module docstring for the steps).

    Parameters
    ----------
    sources
        The inputs, in the order their documents are stored.
    out
        The corpus folder to create or replace. A folder that exists and is not a secnews corpus
        is never replaced.
    settings
        Build settings (stored in the manifest).
    progress
        Show a tqdm progress bar (``None``: only on a terminal).

    Returns
    -------
    BuildSummary
        Counts per source (``in = kept + duplicates + rejected``), the duplicates found and the
        corpus hash.
    """
    if not sources:
        raise ValueError("build_corpus needs at least one source")
    if settings.batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    target = Path(out)
    check_sources(sources, target)
    with staging_dir(target) as folder:
        builder = _Builder(sources, settings, folder, target)
        builder.load(progress)
        builder.check_not_empty()
        # hashing the input files (I/O and C code) overlaps the duplicate step and the write
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="secnews-inputs") as pool:
            described = pool.submit(builder.inputs)
            corpus_hash, duplicates, parts = builder.finish(progress)
            inputs, input_bytes = described.result()
        summary = BuildSummary(
            out=target,
            corpus_hash=corpus_hash,
            sources=builder.counts,
            duplicates=duplicates,
            input_bytes=input_bytes,
            timings=builder.timings,
            id_collisions=builder.collisions,
        )
        manifest = {
            "format": CORPUS_FORMAT,
            "corpus_hash": corpus_hash,
            "row_order": "sources in the given order; inside a source, the loader's order",
            "columns": list(ARTICLES_SCHEMA.names),
            "parts": parts,
            "counts": summary.rows(total=True),
            "inputs": inputs,
            "settings": settings.to_dict(loaders=sorted(builder.loaders)),
            "relevance_lexicon": None if builder.lexicon is None else builder.lexicon.to_dict(),
            "duplicates": [
                {k: d[k] for k in ("doc_id", "dup_of", "kind", "similarity")} for d in duplicates
            ],
            "id_collisions": builder.collisions,
            "versions": versions(),
        }
        write_manifest(folder / MANIFEST_FILE, manifest)
        logger.info("built %s (%s): %s", target, corpus_hash[:12], os.fspath(target))
    return summary
