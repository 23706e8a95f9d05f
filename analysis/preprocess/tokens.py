"""Tokenizers of the shared preprocessing step (regex by default, spaCy optional) and the
batch encoder its worker processes run.

The regex tokenizer finds, in this order of preference:

1. URLs (``http://...``, ``https://...``, ``www....``), later dropped unless ``keep_urls``;
2. dotted abbreviations of single letters, kept with their dots (``u.s.``, ``u.k.``, ``e.u.``),
   so that "U.S." is not lost and not confused with the pronoun "us";
3. words of letters and digits, hyphenated compounds kept whole (``euro-atlantic``, ``s-400``,
   ``covid-19``) unless ``split_hyphens``. Apostrophes split words: ``russia's`` gives ``russia``
   and ``s`` (then dropped by the minimum length), ``don't`` gives ``don`` (a stopword) and ``t``.

Filters (applied once per distinct token, so their cost does not grow with the corpus): URLs,
tokens without a letter (numbers) unless ``keep_numbers``, tokens shorter than
``min_token_length`` characters, and stopwords (compared in lower case).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from secnews.analysis.preprocess.settings import PreprocessSettings

__all__ = ["encode_batch", "raw_tokens", "token_filter", "token_pattern"]

_URL = r"(?:https?://|www\.)\S+"
_ABBREV = r"(?:[^\W\d_]\.){2,}"
_WORD_HYPHEN = r"[^\W_]+(?:-[^\W_]+)*"
_WORD = r"[^\W_]+"


@functools.lru_cache(maxsize=8)
def token_pattern(split_hyphens: bool) -> re.Pattern[str]:
    """Return the compiled regex of the tokenizer."""
    word = _WORD if split_hyphens else _WORD_HYPHEN
    return re.compile(f"{_URL}|{_ABBREV}|{word}")


def _is_url(token: str) -> bool:
    low = token.lower()
    return low.startswith(("http://", "https://", "www."))


def token_filter(
    settings: PreprocessSettings, stopwords: frozenset[str]
) -> functools.partial[bool]:
    """Return ``keep(token) -> bool`` implementing the token filters of ``settings``."""
    return functools.partial(
        _keep_token,
        stopwords=stopwords,
        min_len=settings.min_token_length,
        numbers=settings.keep_numbers,
        urls=settings.keep_urls,
    )


def _keep_token(
    token: str, *, stopwords: frozenset[str], min_len: int, numbers: bool, urls: bool
) -> bool:
    if _is_url(token):
        return urls
    if not numbers and not any(ch.isalpha() for ch in token):
        return False
    if len(token) < min_len:
        return False
    return token.lower() not in stopwords


@functools.lru_cache(maxsize=2)
def _spacy_pipeline(model: str, lemmatize: bool) -> Any:
    import spacy

    disable = ["parser", "ner"]
    if not lemmatize:
        disable += ["tagger", "attribute_ruler", "lemmatizer", "tok2vec", "morphologizer"]
    nlp = spacy.load(model, disable=disable)
    nlp.max_length = max(nlp.max_length, 5_000_000)
    return nlp


def _spacy_tokens(doc: Any, *, lemmatize: bool) -> list[str]:
    """Tokens of a spaCy ``Doc``: lemmas or surface forms, hyphenated compounds re-joined."""
    out: list[str] = []
    glue = False  # the previous output token ended with a hyphen written without spaces
    for tok in doc:
        if tok.is_space:
            glue = False
            continue
        text = tok.lemma_ if lemmatize and tok.lemma_ else tok.text
        if (
            tok.text == "-"
            and out
            and not tok.whitespace_
            and tok.i > 0
            and not doc[tok.i - 1].whitespace_
        ):
            out[-1] += "-"
            glue = True
            continue
        if glue:
            out[-1] += text
            glue = False
        elif tok.is_punct:
            continue
        else:
            out.append(text)
    return [t.rstrip("-") for t in out if t.strip("-")]


def raw_tokens(texts: Sequence[str], settings: PreprocessSettings) -> list[list[str]]:
    """Tokenize texts without any filter (case folded when ``settings.lowercase``).

    Parameters
    ----------
    texts
        Document texts.
    settings
        Uses ``tokenizer``, ``lowercase``, ``lemmatize``, ``split_hyphens`` and ``spacy_model``.

    Returns
    -------
    list of list of str
    """
    if settings.tokenizer == "spacy" or settings.lemmatize:
        nlp = _spacy_pipeline(settings.spacy_model, settings.lemmatize)
        docs = nlp.pipe(texts, batch_size=64)
        result = [_spacy_tokens(doc, lemmatize=settings.lemmatize) for doc in docs]
        if settings.lowercase:
            result = [[t.lower() for t in toks] for toks in result]
        return result
    findall = token_pattern(settings.split_hyphens).findall
    if settings.lowercase:
        return [findall(t.lower()) for t in texts]
    return [findall(t) for t in texts]


def encode_batch(
    texts: Sequence[str], settings: PreprocessSettings
) -> tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Tokenize a batch and encode its tokens with batch-local ids (run in worker processes).

    Returns
    -------
    (types, ids, lengths)
        ``types[i]`` is the string of local id ``i`` (in order of first occurrence), ``ids`` the
        concatenated token ids of all documents and ``lengths`` the number of tokens per document.
    """
    token_lists = raw_tokens(texts, settings)
    lookup: defaultdict[str, int] = defaultdict()
    lookup.default_factory = lookup.__len__
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    total = int(lengths.sum())
    ids = np.fromiter(
        map(lookup.__getitem__, chain.from_iterable(token_lists)), dtype=np.int32, count=total
    )
    return list(lookup), ids, lengths
