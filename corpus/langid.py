"""Language identification with lingua, restricted to the languages of this field.

The detector is built lazily on first use and cached for the process. It knows only the languages
in :data:`LANGUAGES` (ISO 639-1): the languages in which security-policy news about NATO, Russia,
Ukraine, the Middle East and East Asia is mostly published. Restricting the set makes lingua faster
and avoids exotic answers for short English strings (``"Chats"`` is not Tagalog). A text with
fewer than :data:`MIN_LETTERS` letters gets ``None``: too short to tell.

By default lingua runs in its low-accuracy mode (trigram models only). Its models load in under a
second, where the high-accuracy mode (uni- to five-gram models) takes about 15 s for the Latin-script
languages on these shared 2-core machines; on texts of more than about 120 characters (documents)
both modes agree, and on short lines the clean-up only acts on confident answers
(:class:`~secnews.corpus.boilerplate.CleanSettings`). Every function takes ``high_accuracy=True``
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
    "EXTENDED_LANGUAGES",
    "LANGUAGES",
    "MIN_LETTERS",
    "detect_language",
    "detect_languages",
    "language_confidences",
]

logger = logging.getLogger(__name__)

#: ISO 639-1 codes the detector chooses from by default. lingua's cost grows with the number of
#: candidate languages of a text's script, so the Latin-script set is kept to the main languages of
#: security-policy reporting (English, German, French, Spanish, Italian, Polish, Turkish); the
#: other scripts are cheap for Latin text and cover Russian, Ukrainian, Belarusian, Bulgarian,
#: Serbian, Kazakh, Greek, Arabic, Persian, Hebrew, Chinese, Japanese, Korean, Georgian, Armenian.
LANGUAGES: tuple[str, ...] = (
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
#: A wider set (every EU and NATO language, the Baltic and Nordic ones included): pass it as
#: ``languages=EXTENDED_LANGUAGES``; about four times slower on Latin-script text.
EXTENDED_LANGUAGES: tuple[str, ...] = (
    *LANGUAGES,
    "pt",
    "nl",
    "cs",
    "sk",
    "ro",
    "hr",
    "hu",
    "fi",
    "sv",
    "da",
    "et",
    "lv",
    "lt",
    "az",
)
#: Texts with fewer letters than this are too short to tell (``None``).
MIN_LETTERS = 10
_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _detector(
    high_accuracy: bool = False, languages: tuple[str, ...] = LANGUAGES
) -> LanguageDetector:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    logger.debug("building the lingua detector for %d languages", len(codes))
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _languages(languages: Sequence[str] | None) -> tuple[str, ...]:
    return LANGUAGES if languages is None else tuple(sorted({c.lower() for c in languages}))


def _enough_letters(text: str) -> bool:
    """Whether ``text`` has at least :data:`MIN_LETTERS` letters (stops at the tenth one)."""
    return len(text) >= MIN_LETTERS and (
        sum(1 for _ in itertools.islice(_LETTER.finditer(text), MIN_LETTERS)) >= MIN_LETTERS
    )


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
    language = _detector(high_accuracy, _languages(languages)).detect_language_of(text)
    return None if language is None else _iso(language)


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
    found = _detector(high_accuracy, _languages(languages)).detect_languages_in_parallel_of(
        [heads[i] for i in index]
    )
    for i, language in zip(index, found, strict=True):
        out[i] = None if language is None else _iso(language)
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
        high_accuracy, _languages(languages)
    ).compute_language_confidence_values_in_parallel([texts[i] for i in index])
    for i, row in zip(index, values, strict=True):
        out[i] = {_iso(item.language): float(item.value) for item in row}
    return out
