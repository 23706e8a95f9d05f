"""Per-document figures of a build computed where the text already is: in the loader's workers.

The folder loader decodes, unwraps and normalizes its files in worker processes
(:func:`~secnews.corpus.loaders.folder.load_folder`). A build passes it a :class:`DocumentFactsMaker`,
which computes in the same workers, for each article of a chunk, the figures the build would
otherwise compute in its own process after receiving the text (:class:`DocumentFacts`):
``n_chars`` and ``n_words`` of the full text (:func:`~secnews.corpus.store.read.document_text`), the
key of the body that decides whether a repeated ``doc_id`` is a copy, and the exact key,
MinHash signature and shingle count of the duplicate step
(:func:`~secnews.corpus.dedupe.batch.hash_batch`). They travel with the article in
``meta[FACTS_KEY]``, which the build removes before storing; every figure is computed by the
same code as in the build, so a corpus is byte for byte the same either way (tested on the UN
corpus).

``n_words`` uses the form of the texts the folder loader makes: a body from
:func:`~secnews.corpus.clean.normalize.normalize_text` and a title from
:func:`~secnews.corpus.clean.normalize.normalize_inline` contain no white space but single spaces,
line breaks and paragraph breaks (``\\n\\n``), and start and end with a word, so the number of
white-space separated words is ``spaces + line breaks - paragraph breaks + 1``, counted with
numpy over the UTF-8 bytes (which the body key needs anyway) instead of splitting the text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from secnews.corpus.record import Article
from secnews.corpus.store.read import document_text

__all__ = [
    "FACTS_KEY",
    "DocumentFacts",
    "DocumentFactsMaker",
    "normalized_word_count",
    "stack_hashes",
]

#: Private ``meta`` key of the :class:`DocumentFacts` of an article (removed by the build).
FACTS_KEY = "_secnews_facts"
#: Documents per MinHash call in a worker (rensa 0.5 goes parallel from about 200 rows).
_HASH_DOCS = 64


class DocumentFacts(NamedTuple):
    """What the build needs of one document besides its record."""

    n_chars: int
    """Characters of the full text."""
    n_words: int
    """White-space separated words of the full text."""
    body_key: bytes
    """16-byte BLAKE2b digest of the UTF-8 body (``text``)."""
    exact_key: bytes | None
    """Exact-duplicate key of the full text (``None`` without the duplicate step or text)."""
    signature: np.ndarray | None
    """MinHash signature (``uint32``; ``None`` without the duplicate step)."""
    n_shingles: int
    """Shingles hashed for the signature."""
    text_utf8: bytes
    """The body (``text``) as UTF-8, for the Arrow column (no second encoding of the text)."""


def normalized_word_count(data: bytes) -> int:
    """``len(text.split())`` of a normalized text given as its UTF-8 bytes (see the module
    docstring for the form of the text this relies on).

    Parameters
    ----------
    data
        UTF-8 bytes of a text from :func:`~secnews.corpus.clean.normalize.normalize_text` (or such a
        body with a :func:`~secnews.corpus.clean.normalize.normalize_inline` title before it,
        joined by ``\\n\\n``).

    Returns
    -------
    int
        The number of words.
    """
    if not data:
        return 0
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = raw == 10
    paragraphs = np.count_nonzero(breaks[1:] & breaks[:-1])
    return int(np.count_nonzero(raw == 32) + np.count_nonzero(breaks) - paragraphs + 1)


@dataclass(frozen=True)
class DocumentFactsMaker:
    """Computes the :class:`DocumentFacts` of a chunk of articles (picklable, for workers).

    Parameters
    ----------
    dedupe
        Compute the keys and signatures of the duplicate step.
    dedupe_settings
        :class:`~secnews.corpus.dedupe.detect.DedupeSettings` (``None``: its defaults), as the build's.
    """

    dedupe: bool = True
    dedupe_settings: Any = None

    def __call__(self, articles: list[Article]) -> None:
        """Put the facts of each article into ``article.meta[FACTS_KEY]`` (articles whose text
        cannot be encoded as UTF-8, e.g. with a lone surrogate, get none: the build computes
        their figures itself, as for any other loader)."""
        chosen: list[Article] = []
        bodies: list[bytes] = []
        fulls: list[str] = []
        datas: list[bytes] = []
        for article in articles:
            full = document_text(
                {"title": article.title, "lede": article.lede, "text": article.text}
            )
            try:
                body = article.text.encode("utf-8")
                data = body if full is article.text else full.encode("utf-8")
            except UnicodeEncodeError:
                continue
            chosen.append(article)
            bodies.append(body)
            fulls.append(full)
            datas.append(data)
        if not chosen:
            return
        hashed = self._hash(fulls)
        for n, (article, body, full, data) in enumerate(
            zip(chosen, bodies, fulls, datas, strict=True)
        ):
            article.meta[FACTS_KEY] = DocumentFacts(
                n_chars=len(full),
                n_words=normalized_word_count(data),
                body_key=hashlib.blake2b(body, digest_size=16).digest(),
                exact_key=hashed[1][n] if hashed else None,
                signature=hashed[0][n] if hashed else None,
                n_shingles=int(hashed[2][n]) if hashed else 0,
                text_utf8=body,
            )

    def _hash(self, texts: list[str]) -> tuple[np.ndarray, list[bytes | None], np.ndarray] | None:
        if not self.dedupe:
            return None
        from secnews.corpus.dedupe.batch import hash_batch
        from secnews.corpus.dedupe.detect import DedupeSettings

        settings = self.dedupe_settings if self.dedupe_settings is not None else DedupeSettings()
        # at most _HASH_DOCS documents per call: rensa then hashes in the calling thread, never
        # in its thread pool (which a worker forked from a process that used it lacks)
        parts = [
            hash_batch(texts[start : start + _HASH_DOCS], settings)
            for start in range(0, len(texts), _HASH_DOCS)
        ]
        if len(parts) == 1:
            return parts[0]
        return (
            np.concatenate([p[0] for p in parts]),
            [key for p in parts for key in p[1]],
            np.concatenate([p[2] for p in parts]),
        )


def stack_hashes(
    facts: list[DocumentFacts],
) -> tuple[np.ndarray, list[bytes | None], np.ndarray]:
    """The duplicate-step part of some documents' facts in the form of :func:`hash_batch`
    (signatures as one ``uint32`` matrix, exact keys, shingle counts as ``int64``)."""
    signatures = np.stack([f.signature for f in facts if f.signature is not None])
    if len(signatures) != len(facts):
        raise ValueError("facts without a MinHash signature (made without the duplicate step)")
    keys = [f.exact_key for f in facts]
    return signatures, keys, np.array([f.n_shingles for f in facts], dtype=np.int64)
