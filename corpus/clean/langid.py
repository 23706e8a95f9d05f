"""Language identification with lingua, restricted to the languages of this field.

The detector is built lazily on first use and cached for the process. It knows only the languages
in :data:`LANGUAGES` (ISO 639-1): the languages in which security-policy news about NATO, Russia,
Ukraine, the Middle East and East Asia is mostly published. Restricting the set makes lingua faster
and avoids exotic answers for short English strings (``"Chats"`` is not Tagalog). A text with
fewer than :data:`MIN_LETTERS` letters gets ``None``: too short to tell.

Two passes (lingua's cost grows with the number of candidate languages: the 42 languages of
:data:`LANGUAGES` in one pass are about 4 times slower than the 22 of :data:`FAST_LANGUAGES`).
:func:`detect_language` and :func:`detect_languages` first choose among :data:`FAST_LANGUAGES`; an
answer ``"en"`` stands when at least :data:`ENGLISH_MIN_SHARE` of the text's words are English
function words (``the of and that ...``); every other text is detected again among all of
:data:`LANGUAGES`. A confidence threshold cannot replace the second pass: on Dutch, Swedish,
Czech, Hungarian, ... the fast set answers German or Spanish with a confidence of 1.0.
:func:`language_confidences` (lines of a page) always uses all of :data:`LANGUAGES`, so a Dutch
line's confidence is not given to German and the clean-up's confidence thresholds keep their sense.

By default lingua runs in its low-accuracy mode (trigram models only). Its models load in under a
second, where the high-accuracy mode (uni- to five-gram models) takes about 15 s for the Latin-script
languages on these shared 2-core machines; on texts of more than about 120 characters (documents)
both modes agree, and on short lines the clean-up only acts on confident answers
(:class:`~secnews.corpus.clean.boilerplate.CleanSettings`). Every function takes ``high_accuracy=True``
for lingua's full models.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from lingua import LanguageDetector

__all__ = [
    "ENGLISH_MIN_SHARE",
    "EXTENDED_LANGUAGES",
    "FAST_LANGUAGES",
    "LANGUAGES",
    "MIN_LETTERS",
    "detect_language",
    "detect_languages",
    "language_confidences",
]

logger = logging.getLogger(__name__)

#: The first, fast pass (lingua's cost grows with the number of candidate languages of a text's
#: script): the main languages of security-policy reporting and the non-Latin scripts.
FAST_LANGUAGES: tuple[str, ...] = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pl",
    "tr",
    "ru",
    "uk",
    "be",
    "bg",
    "sr",
    "kk",
    "el",
    "ar",
    "fa",
    "he",
    "zh",
    "ja",
    "ko",
    "ka",
    "hy",
)
#: ISO 639-1 codes the detector chooses from by default: :data:`FAST_LANGUAGES` and every other
#: EU and NATO language lingua knows (Dutch, Portuguese, the Nordic, Baltic, Central European and
#: Balkan ones; Norwegian as Bokmål ``nb``; Bosnian is left out, it would split Croatian).
LANGUAGES: tuple[str, ...] = (
    *FAST_LANGUAGES,
    "pt",
    "nl",
    "cs",
    "sk",
    "sl",
    "hr",
    "hu",
    "ro",
    "fi",
    "sv",
    "da",
    "nb",
    "is",
    "et",
    "lv",
    "lt",
    "sq",
    "mk",
    "ga",
    "az",
)
#: A wider set (also Catalan, Basque, Welsh, Bosnian, Nynorsk, Latin): pass it as
#: ``languages=EXTENDED_LANGUAGES``.
EXTENDED_LANGUAGES: tuple[str, ...] = (*LANGUAGES, "ca", "eu", "cy", "bs", "nn", "la")
#: English function words that other languages of :data:`LANGUAGES` do not use as words.
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "that",
        "for",
        "with",
        "was",
        "were",
        "which",
        "from",
        "have",
        "has",
        "this",
        "are",
        "would",
        "will",
        "their",
        "they",
        "been",
        "its",
        "by",
    ]
)
#: Share of a text's words among ``_ENGLISH_WORDS`` from which the fast pass's ``"en"`` stands.
ENGLISH_MIN_SHARE = 0.12
_WORDS = re.compile(r"[^\W\d_]+")
#: Texts with fewer letters than this are too short to tell (``None``).
MIN_LETTERS = 10
_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _detector(high_accuracy: bool, languages: tuple[str, ...]) -> LanguageDetector:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    logger.debug("building the lingua detector for %d languages", len(codes))
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _languages(languages: Sequence[str] | None) -> tuple[str, ...] | None:
    """The candidate set, or ``None`` for the default (:data:`LANGUAGES`, in two passes)."""
    if languages is None:
        return None
    chosen = tuple(sorted({c.lower() for c in languages}))
    return None if chosen == tuple(sorted(LANGUAGES)) else chosen


def _enough_letters(text: str) -> bool:
    """Whether ``text`` has at least :data:`MIN_LETTERS` letters (stops at the tenth one)."""
    return len(text) >= MIN_LETTERS and (
        sum(1 for _ in itertools.islice(_LETTER.finditer(text), MIN_LETTERS)) >= MIN_LETTERS
    )


def _looks_english(text: str) -> bool:
    words = _WORDS.findall(text.lower())
    return bool(words) and sum(w in _ENGLISH_WORDS for w in words) >= ENGLISH_MIN_SHARE * len(words)


def _detect_many(
    texts: list[str], high_accuracy: bool, languages: tuple[str, ...] | None
) -> list[str | None]:
    """Languages of texts with enough letters; two passes when ``languages`` is the default."""
    if languages is not None:
        found = _detector(high_accuracy, languages).detect_languages_in_parallel_of(texts)
        return [None if lang is None else _iso(lang) for lang in found]
    first = _detect_many(texts, high_accuracy, FAST_LANGUAGES)
    again = [
        i
        for i, (t, code) in enumerate(zip(texts, first, strict=True))
        if code != "en" or not _looks_english(t)
    ]
    if again:
        second = _detect_many([texts[i] for i in again], high_accuracy, LANGUAGES)
        for i, code in zip(again, second, strict=True):
            first[i] = code
    return first


def _iso(language: object) -> str:
    return str(language.iso_code_639_1.name).lower()  # type: ignore[attr-defined]


def _head(text: str, max_chars: int) -> str:
    """The first ``max_chars`` characters of ``text``, cut back to a word boundary."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


def detect_language(
    text: str,
    *,
    max_chars: int | None = None,
    high_accuracy: bool = False,
    languages: Sequence[str] | None = None,
) -> str | None:
    """Return the ISO 639-1 code of the language of ``text``.

    Parameters
    ----------
    text
        Any text (a document, a paragraph, a line).
    max_chars
        Look only at the first ``max_chars`` characters (``None``: all of it).
    high_accuracy
        Use lingua's full (uni- to five-gram) models instead of trigrams only.
    languages
        ISO 639-1 codes to choose from (``None``: :data:`LANGUAGES`).

    Returns
    -------
    str or None
        One of the languages, or ``None`` when the text has fewer than :data:`MIN_LETTERS`
        letters or lingua cannot decide.
    """
    if max_chars is not None:
        text = _head(text, max_chars)
    if not _enough_letters(text):
        return None
    return _detect_many([text], high_accuracy, _languages(languages))[0]


def detect_languages(
    texts: Sequence[str],
    *,
    max_chars: int = 1000,
    high_accuracy: bool = False,
    languages: Sequence[str] | None = None,
) -> list[str | None]:
    """Detect the language of many texts at once, using lingua's parallel batch API.

    Parameters
    ----------
    texts
        Documents, in any order.
    max_chars
        Only the first ``max_chars`` characters of each text are used (cut at a word boundary);
        1,000 characters decide the language of a news article reliably and keep the cost flat.
    high_accuracy
        Use lingua's full models (see the module docstring).
    languages
        ISO 639-1 codes to choose from (``None``: :data:`LANGUAGES`).

    Returns
    -------
    list of str or None
        One ISO 639-1 code (or ``None``, see :func:`detect_language`) per input, in input order.
    """
    heads = [_head(text, max_chars) for text in texts]
    out: list[str | None] = [None] * len(heads)
    index = [i for i, head in enumerate(heads) if _enough_letters(head)]
    if not index:
        return out
    found = _detect_many([heads[i] for i in index], high_accuracy, _languages(languages))
    for i, language in zip(index, found, strict=True):
        out[i] = language
    return out


def language_confidences(
    texts: Sequence[str],
    *,
    high_accuracy: bool = False,
    languages: Sequence[str] | None = None,
) -> list[dict[str, float]]:
    """Return lingua's confidence of every language of :data:`LANGUAGES` for each text.

    Parameters
    ----------
    texts
        Short texts, for example the lines of a page.
    high_accuracy
        Use lingua's full models (see the module docstring).
    languages
        ISO 639-1 codes to choose from (``None``: :data:`LANGUAGES`).

    Returns
    -------
    list of dict
        One mapping ISO 639-1 code -> confidence in [0, 1] (summing to 1) per text; an empty
        mapping for a text with fewer than :data:`MIN_LETTERS` letters.
    """
    out: list[dict[str, float]] = [{} for _ in texts]
    index = [i for i, text in enumerate(texts) if _enough_letters(text)]
    if not index:
        return out
    values = _detector(
        high_accuracy, _languages(languages) or LANGUAGES
    ).compute_language_confidence_values_in_parallel([texts[i] for i in index])
    for i, row in zip(index, values, strict=True):
        out[i] = {_iso(item.language): float(item.value) for item in row}
    return out
