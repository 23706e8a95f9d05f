"""Stopword lists of the shared preprocessing step.

Two lists are combined by default:

* :data:`ENGLISH_STOPWORDS`: English function words (articles, pronouns, auxiliaries,
  prepositions, conjunctions and the clitic remainders the regex tokenizer leaves, such as ``don``
  from "don't"). It deliberately leaves out content words that generic lists such as the Glasgow
  list used by scikit-learn and gensim remove ("fire", "bill", "system", "interest", "call"),
  because they matter in security-policy news.
* ``analysis/data/stopwords_news.txt``: an editable news list (reporting verbs, weekday and month
  names, agency names). Its content is part of the preprocessing key.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

__all__ = [
    "ENGLISH_STOPWORDS",
    "NEWS_STOPWORDS_FILE",
    "NEWS_STOP_TERMS_FILE",
    "load_stop_terms",
    "load_stopwords",
    "read_word_list",
]

#: Path of the packaged news stopword list (inside ``secnews.analysis``).
NEWS_STOPWORDS_FILE = "stopwords_news.txt"
#: Path of the packaged list of formulaic news terms and phrases (inside ``secnews.analysis``).
NEWS_STOP_TERMS_FILE = "stop_terms_news.txt"

ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "ain",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "couldn",
        "d",
        "did",
        "didn",
        "do",
        "does",
        "doesn",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn",
        "has",
        "hasn",
        "have",
        "haven",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn",
        "it",
        "its",
        "itself",
        "just",
        "ll",
        "m",
        "ma",
        "me",
        "might",
        "mightn",
        "more",
        "most",
        "must",
        "mustn",
        "my",
        "myself",
        "needn",
        "no",
        "nor",
        "not",
        "now",
        "o",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "re",
        "s",
        "same",
        "shan",
        "she",
        "should",
        "shouldn",
        "so",
        "some",
        "such",
        "t",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "ve",
        "very",
        "was",
        "wasn",
        "we",
        "were",
        "weren",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won",
        "wouldn",
        "y",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)


def read_word_list(path: str | Path) -> list[str]:
    """Read a word list: one entry per line, ``#`` starts a comment, blank lines are ignored.

    Parameters
    ----------
    path
        A UTF-8 text file.

    Returns
    -------
    list of str
        The entries, lowercased and stripped, in file order (duplicates removed).
    """
    words: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry:
            words[entry] = None
    return list(words)


def _packaged_news_file() -> Path:
    return Path(str(resources.files("secnews.analysis") / "data" / NEWS_STOPWORDS_FILE))


def load_stopwords(
    kind: str, *, extra: tuple[str, ...] = (), news_file: str | None = None
) -> tuple[frozenset[str], str]:
    """Return the stopword set of a setting and a digest of its content.

    Parameters
    ----------
    kind
        ``"none"``, ``"english"``, ``"news"`` (the news list only) or ``"english+news"``.
    extra
        More stopwords (lowercased here).
    news_file
        A replacement for the packaged news list (same format, see :func:`read_word_list`).

    Returns
    -------
    (frozenset of str, str)
        The stopwords and the SHA-256 of their sorted content (part of the preprocessing key).

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    """
    if kind not in {"none", "english", "news", "english+news"}:
        raise ValueError(
            f"unknown stopwords setting {kind!r}: use none, english, news or english+news"
        )
    words: set[str] = set()
    if "english" in kind:
        words |= ENGLISH_STOPWORDS
    if "news" in kind:
        words |= set(read_word_list(news_file or _packaged_news_file()))
    words |= {w.strip().lower() for w in extra if w.strip()}
    digest = hashlib.sha256("\n".join(sorted(words)).encode("utf-8")).hexdigest()
    return frozenset(words), digest


def load_stop_terms(
    kind: str, *, extra: tuple[str, ...] = (), path: str | None = None
) -> tuple[frozenset[str], str]:
    """Return the stop terms of a setting (``"news"`` or ``"none"``) and a content digest.

    Entries are lowercased, and the words of a phrase are joined by ``_`` as phrase detection
    joins them ("message reads" -> ``message_reads``).
    """
    if kind not in {"none", "news"}:
        raise ValueError(f"unknown stop_terms setting {kind!r}: use news or none")
    terms: set[str] = set()
    if kind == "news":
        packaged = Path(str(resources.files("secnews.analysis") / "data" / NEWS_STOP_TERMS_FILE))
        terms |= set(read_word_list(path or packaged))
    terms |= {w.strip().lower() for w in extra if w.strip()}
    terms = {"_".join(t.replace("_", " ").split()) for t in terms}
    digest = hashlib.sha256("\n".join(sorted(terms)).encode("utf-8")).hexdigest()
    return frozenset(terms), digest
