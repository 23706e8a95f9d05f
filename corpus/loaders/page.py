"""The news clean-up of one page (shared by the page-text and HTML loaders) and its result.

:func:`clean_page` takes the blocks of a page (lines of a dump, or trafilatura's paragraphs) and
applies, in this order:

1. the rules of :func:`~secnews.corpus.clean.boilerplate.line_reason` to every block, and two or
   more paragraphs in a row (15 or more words each) that repeat kept ones above them are a
   second copy of the article (``duplicate: repeats line 12``);
2. the title (steps 1-3 are :func:`rule_pass`): the given one (HTML metadata), or the first
   block that no rule removed, or a first
   line that only looks like a caption because it ends with the site name (``Title - Sputnik
   International``: the suffix is cut); when that block is already a sentence of 12 or more
   words, the nearest short line above it (a short headline). Blocks before it are page header;
3. related-article teasers: a line right after a caption or photo credit that does not end with a
   full stop (a headline) and has at most ``teaser_max_words`` words;
4. the line classifier (page text only; ``CleanSettings.line_model``): the learned model of
   :mod:`secnews.corpus.clean.line_model` scores every block the rules kept after the title from
   shallow features of the line and its neighbours; a block below the model's threshold is
   removed with the reason ``model: page furniture (p=0.12 < 0.35)``. When the model would leave
   fewer than 20 words, its threshold drops to half the best block's probability, or lower where
   that is needed to keep the page's best-scored blocks up to 20 words;
5. language: the article's language is identified on the kept blocks; lines in another script, or
   confidently in another language (lingua), are removed;
6. the dateline: the first kept block (among the first ``dateline_max_position``) that opens with a
   dateline (:mod:`secnews.corpus.clean.datelines`). The kept sentence-like blocks between the title and
   the dateline are the **lede** (joined by a space); other blocks there are header. Without a
   dateline there is no lede and every kept block is body;
7. the page end: kept blocks after the last paragraph that contain no sentence end and are at most
   ``teaser_max_words`` long are footer ("Glory to Ukraine!" and "Thank you." stay).

A short capitalised line between two kept paragraphs is a subheading and stays.

``text`` holds the body paragraphs (the dateline paragraph first, its dateline kept unless
``keep_dateline=False``) separated by one blank line. The lede is **not** repeated in ``text``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from secnews.corpus.clean.boilerplate import (
    Block,
    CleanSettings,
    byline_author,
    fold,
    is_paragraph,
    is_site_name,
    line_reason,
    site_suffix,
    word_count,
)
from secnews.corpus.clean.datelines import Dateline, parse_dateline
from secnews.corpus.clean.normalize import join_paragraphs
from secnews.corpus.record import Article, make_doc_id

__all__ = ["ExtractResult", "clean_page", "rule_pass", "to_article"]

_CREDIT_OUTLET = re.compile(r"^©\s*(?:\d{4}\s*)?(?P<outlet>[^/|,.©]+?)\s*(?:[/|,.]|$)")
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("Latin", "[A-Za-z\u00c0-\u024f]"),
        ("Cyrillic", "[\u0400-\u052f]"),
        ("Greek", "[\u0370-\u03ff]"),
        ("Armenian", "[\u0530-\u058f]"),
        ("Hebrew", "[\u0590-\u05ff]"),
        ("Arabic", "[\u0600-\u06ff]"),
        ("Georgian", "[\u10a0-\u10ff]"),
        ("Hangul", "[\uac00-\ud7af]"),
        ("Kana", "[\u3040-\u30ff]"),
        ("Han", "[\u4e00-\u9fff]"),
    )
)
_END_WORD = re.compile(r"[.\"']$")
_SENTENCE_MARK = re.compile(r"[.!?]['\")\]]*(?:\s|$)")
_LOWER_WORD = re.compile(r"\b[^\W\d_A-Z\u0400-\u042f][^\W\d_]*")
_NAME = re.compile(r"\b[A-Z\u0400-\u042F][\w'.-]*")
#: When the line model would leave fewer words than this, its threshold drops to half the best
#: line's probability (a page is never emptied by the model alone).
_MODEL_MIN_WORDS = 20
#: Shortest paragraph (words) that :func:`_mark_copies` takes for a second copy of the article.
_COPY_MIN_WORDS = 15


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """The cleaned article of one page, with everything that was removed and why.

    Attributes
    ----------
    source_path
        The file, as given.
    title, lede, text
        Title; the lede (standfirst) or ``None``; body paragraphs separated by one blank line
        (the lede is not repeated there).
    outlet, dateline_place, published, language
        The outlet (given, else from the page's metadata, dateline or photo credit); the dateline
        place (``"MOSCOW"``); a UTC datetime only when the page states a full date; ISO 639-1.
    removed
        ``(line, reason)`` for every removed line, in page order.
    url, author
        From the page's metadata (HTML) or a byline.
    meta
        Further facts: dateline parts (``dateline``, ``dateline_date``, ``dateline_region``,
        ``dateline_outlet``), HTML metadata (``site_name``, ``description``, ...).
    """

    source_path: str
    title: str | None
    lede: str | None
    text: str
    outlet: str | None
    dateline_place: str | None
    published: datetime | None
    language: str | None
    removed: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None
    author: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``published`` in ISO 8601, ``removed`` as ``[line, reason]`` pairs)."""
        return {
            "source_path": self.source_path,
            "title": self.title,
            "lede": self.lede,
            "text": self.text,
            "outlet": self.outlet,
            "dateline_place": self.dateline_place,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "url": self.url,
            "author": self.author,
            "removed": [[line, reason] for line, reason in self.removed],
            "meta": self.meta,
        }


def _script(text: str) -> tuple[str | None, int]:
    """The script most letters of ``text`` are written in, and the number of its letters."""
    counts: dict[str, int] = {}
    for name, pattern in _SCRIPTS:
        count = pattern.subn("", text)[1]
        if count:
            counts[name] = count
    if not counts:
        return None, 0
    name = max(counts, key=lambda key: counts[key])
    return name, sum(counts.values())


def _code(reason: str | None) -> str | None:
    return None if reason is None else reason.split(":", 1)[0]


def _pick_title(blocks: Sequence[Block], reasons: list[str | None]) -> int | None:
    """The first block no rule removed, or a first line that only looks like a caption because
    it ends with the site's name (``Title - Site Name``); but when that block is already a
    paragraph (a sentence of 12 or more words: the headline was short), the nearest short line of
    two or more words above it."""
    after_credit = False
    for i, reason in enumerate(reasons):
        code = _code(reason)
        if code == "caption" and not after_credit:
            return i
        after_credit = after_credit or code in {"credit", "caption"}
        if reason is None and parse_dateline(blocks[i].text) is None:
            if word_count(blocks[i].text) >= 12 and blocks[i].text.endswith("."):
                for j in range(i - 1, -1, -1):
                    if _code(reasons[j]) == "short" and word_count(blocks[j].text) >= 2:
                        return j
            return i
    return None


def _mark_copies(blocks: Sequence[Block], reasons: list[str | None]) -> None:
    """Two or more paragraphs in a row (of :data:`_COPY_MIN_WORDS` or more words each) that repeat
    kept paragraphs above them are a second copy of the article (a print or mobile version dumped
    with the page); one repeated paragraph alone (a summary the body repeats) stays."""
    seen: dict[str, int] = {}
    long_lines: list[int] = []
    first: dict[int, int] = {}
    for i, block in enumerate(blocks):
        if reasons[i] is not None or word_count(block.text) < _COPY_MIN_WORDS:
            continue
        long_lines.append(i)
        key = fold(block.text)
        if key in seen:
            first[i] = seen[key]
        else:
            seen[key] = i
    for k, i in enumerate(long_lines):
        neighbours = long_lines[max(0, k - 1) : k] + long_lines[k + 1 : k + 2]
        if i in first and any(j in first for j in neighbours):
            reasons[i] = f"duplicate: repeats line {first[i] + 1}"


def _mark_teasers(
    blocks: Sequence[Block], reasons: list[str | None], start: int, settings: CleanSettings
) -> None:
    for i in range(max(start, 1), len(blocks)):
        if reasons[i] is not None or _code(reasons[i - 1]) not in {"caption", "credit"}:
            continue
        text = blocks[i].text
        if word_count(text) <= settings.teaser_max_words and not _END_WORD.search(text):
            reasons[i] = "teaser: headline after a caption"


def _is_closing_line(text: str, settings: CleanSettings) -> bool:
    """A line after the last paragraph that still belongs to the text ("Glory to Ukraine!",
    "Thank you."): it ends like a sentence, or it is long."""
    return bool(_SENTENCE_MARK.search(text)) or word_count(text) > settings.teaser_max_words


def _keep_subheadings(blocks: Sequence[Block], reasons: list[str | None], start: int) -> None:
    """A short capitalised line between two kept paragraphs is a subheading, not a menu item."""
    kept = [i for i in range(start, len(blocks)) if reasons[i] is None]
    for before, after in itertools.pairwise(kept):
        if not (is_paragraph(blocks[before].text) and is_paragraph(blocks[after].text)):
            continue
        for i in range(before + 1, after):
            if _code(reasons[i]) == "short" and blocks[i].text[:1].isupper():
                reasons[i] = None


def _common_words(texts: list[str], n: int = 30) -> frozenset[str]:
    counts = Counter(w for t in texts for w in _LOWER_WORD.findall(t))
    return frozenset(w for w, _ in counts.most_common(n))


def _in_doc_words(text: str, common: frozenset[str]) -> bool:
    """Cheap test that a line is in the article's language: it uses the article's most frequent
    words (its function words) often enough; only other lines go to lingua."""
    words = _LOWER_WORD.findall(text)
    hits = sum(1 for w in words if w in common)
    return hits >= 3 and hits >= 0.2 * len(words)


def _mark_language(
    blocks: Sequence[Block], reasons: list[str | None], kept: list[int], settings: CleanSettings
) -> str | None:
    from secnews.corpus.clean.langid import detect_language, language_confidences

    texts = [blocks[i].text for i in kept]
    sample = " ".join(sorted(texts, key=len, reverse=True))[:1000]
    language = detect_language(sample)
    if not settings.drop_other_language or language is None:
        return language
    doc_script, _ = _script(sample)
    common = _common_words(texts)
    candidates: list[int] = []
    short = [i for i, r in enumerate(reasons) if _code(r) == "short" and i > kept[0]]
    for i in sorted([*kept, *short]):
        script, letters = _script(blocks[i].text)
        if script is not None and doc_script is not None and script != doc_script and letters >= 10:
            reasons[i] = f"language: {script} script in a {language} article"
        elif (
            reasons[i] is None
            and letters >= settings.line_language_min_letters
            and not _in_doc_words(blocks[i].text, common)
        ):
            candidates.append(i)
    # names ("Rafał Trzaskowski") say nothing about the language of the words around them
    stripped = [_NAME.sub(" ", blocks[i].text)[:300] for i in candidates]
    confidences = language_confidences(
        [
            t
            if _script(t)[1] >= settings.line_language_min_letters
            and len(_LOWER_WORD.findall(t)) >= settings.line_language_min_words
            else ""
            for t in stripped
        ]
    )
    for i, values in zip(candidates, confidences, strict=True):
        if not values:
            continue
        top = max(values, key=lambda code: values[code])
        if (
            top != language
            and values[top] >= settings.line_language_min_confidence
            and values.get(language, 0.0) <= settings.line_language_max_doc_confidence
        ):
            reasons[i] = f"language: {top} line in a {language} article"
    return language


def _credit_outlet(blocks: Sequence[Block], reasons: list[str | None]) -> str | None:
    for block, reason in zip(blocks, reasons, strict=True):
        if _code(reason) == "credit":
            match = _CREDIT_OUTLET.match(block.text)
            if match is not None and any(ch.isalpha() for ch in match["outlet"]):
                return match["outlet"].strip()
    return None


def _suffix_outlet(blocks: Sequence[Block], reasons: list[str | None]) -> str | None:
    counts = Counter(
        site_suffix(b.text) for b, r in zip(blocks, reasons, strict=True) if _code(r) == "caption"
    )
    counts.pop(None, None)
    return counts.most_common(1)[0][0] if counts else None


def rule_pass(
    blocks: Sequence[Block],
    *,
    settings: CleanSettings,
    title: str | None = None,
    outlet: str | None = None,
    suffixes: frozenset[str] = frozenset(),
    repeated: frozenset[str] = frozenset(),
    find_title: bool = True,
) -> tuple[list[str | None], int, str | None]:
    """Steps 1-3 of :func:`clean_page` (line rules, title, teasers, subheadings).

    Returns
    -------
    tuple
        The removal reason of each block (``None``: kept so far), the index of the first block
        after the title (0 without one) and the title.
    """
    reasons: list[str | None] = [
        line_reason(b, settings=settings, suffixes=suffixes, repeated=repeated) for b in blocks
    ]
    _mark_copies(blocks, reasons)
    start = 0
    if title is None and find_title:
        index = _pick_title(blocks, reasons)
        if index is not None:
            title = blocks[index].text
            suffix = site_suffix(title)
            if suffix is not None and suffix in suffixes and is_site_name(suffix, outlets=[outlet]):
                title = title[: -len(suffix)].rstrip(" -")
            for j in range(index):
                reasons[j] = reasons[j] or "header: before the title"
            reasons[index] = "title"
            start = index + 1
    elif title is not None:
        folded_title = fold(title)
        for i, block in enumerate(blocks):
            if reasons[i] is None and fold(block.text) == folded_title:
                reasons[i] = "title: repeats the title"
    _mark_teasers(blocks, reasons, start, settings)
    _keep_subheadings(blocks, reasons, start)
    return reasons, start, title


def _fallback_threshold(blocks: Sequence[Block], judged: list[int], scores: Any) -> float:
    """Half the best line's score, or lower: down to the score of the line that brings the
    page's best-scored lines, taken from the best down, to :data:`_MODEL_MIN_WORDS` words (the
    lowest score when all of them together have fewer)."""
    half = 0.5 * max(float(scores[i]) for i in judged)
    words = 0
    for i in sorted(judged, key=lambda i: (-float(scores[i]), i)):
        words += word_count(blocks[i].text)
        if words >= _MODEL_MIN_WORDS:
            return min(half, float(scores[i]))
    return min(float(scores[i]) for i in judged)


def _mark_model(
    blocks: Sequence[Block], reasons: list[str | None], start: int, settings: CleanSettings
) -> None:
    """Step 4: the learned line classifier judges the lines the rules kept after the title."""
    from secnews.corpus.clean.line_model import load_line_model

    path = None if settings.line_model == "default" else settings.line_model
    model = load_line_model(path)
    threshold = model.threshold if settings.line_threshold is None else settings.line_threshold
    removed = [r is not None for r in reasons]
    scores = model.score_page([b.text for b in blocks], removed)
    judged = [i for i in range(start, len(blocks)) if reasons[i] is None]
    if not judged:
        return
    kept_words = sum(word_count(blocks[i].text) for i in judged if scores[i] >= threshold)
    if kept_words < _MODEL_MIN_WORDS:  # the model would empty the page: keep its best lines
        threshold = min(threshold, _fallback_threshold(blocks, judged, scores))
    for i in judged:
        if scores[i] < threshold:
            reasons[i] = f"model: page furniture (p={scores[i]:.2f} < {threshold:.2f})"


def clean_page(
    blocks: Sequence[Block],
    *,
    source_path: str,
    settings: CleanSettings | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    author: str | None = None,
    published: datetime | None = None,
    suffixes: frozenset[str] = frozenset(),
    repeated: frozenset[str] = frozenset(),
    meta: dict[str, Any] | None = None,
    find_title: bool = True,
) -> ExtractResult:
    """Clean the blocks of one page into an article (see the module docstring for the rules).

    Parameters
    ----------
    blocks
        Non-empty, normalized blocks in page order.
    source_path
        Recorded in the result.
    settings
        The clean-up settings.
    title, outlet, url, author, published
        What the caller already knows (HTML metadata, the user's ``--outlet``); a ``None`` title
        is taken from the blocks.
    suffixes, repeated
        Caption suffixes and site-template lines of the page's site.
    meta
        Extra facts to keep in the result's ``meta``.
    find_title
        Take the title from the blocks when ``title`` is ``None`` (page text); ``False`` for
        HTML, whose title comes only from the page's metadata.

    Returns
    -------
    ExtractResult
    """
    settings = settings or CleanSettings()
    reasons, start, title = rule_pass(
        blocks,
        settings=settings,
        title=title,
        outlet=outlet,
        suffixes=suffixes,
        repeated=repeated,
        find_title=find_title,
    )
    if settings.line_model is not None and blocks and all(b.kind == "line" for b in blocks):
        _mark_model(blocks, reasons, start, settings)
    kept = [i for i in range(start, len(blocks)) if reasons[i] is None]
    language = _mark_language(blocks, reasons, kept, settings) if kept else None
    kept = [i for i in kept if reasons[i] is None]

    dateline: Dateline | None = None
    position = 0
    while position < min(len(kept), settings.dateline_max_position):
        dateline = parse_dateline(blocks[kept[position]].text)
        if dateline is not None:
            break
        position += 1
    lede_parts: list[str] = []
    if dateline is not None:
        for i in kept[:position]:
            if is_paragraph(blocks[i].text, min_words=6, long_words=settings.sentence_min_words):
                lede_parts.append(blocks[i].text)
            else:
                reasons[i] = "header: before the dateline, not a sentence"
        body = kept[position:]
    else:
        body = list(kept)
    last = max((k for k, i in enumerate(body) if is_paragraph(blocks[i].text)), default=-1)
    tail = {i for i in body[last + 1 :] if not _is_closing_line(blocks[i].text, settings)}
    for i in tail:
        reasons[i] = "footer: after the last paragraph, not a sentence"
    body = [i for i in body if i not in tail]

    paragraphs = [blocks[i].text for i in body]
    if dateline is not None and not settings.keep_dateline and paragraphs:
        paragraphs[0] = paragraphs[0][len(dateline.prefix) :].lstrip()
    found_outlet = (
        outlet
        or (dateline.outlet if dateline else None)
        or _credit_outlet(blocks, reasons)
        or _suffix_outlet(blocks, reasons)
    )
    if author is None:
        author = next(
            (
                byline_author(b.text)
                for b, r in zip(blocks, reasons, strict=True)
                if _code(r) == "byline"
            ),
            None,
        )
    extra = dict(meta or {})
    if dateline is not None:
        extra.update(dateline.to_meta())
    removed = [
        (b.text, r) for b, r in zip(blocks, reasons, strict=True) if r is not None and r != "title"
    ]
    return ExtractResult(
        source_path=source_path,
        title=title,
        lede=" ".join(lede_parts) or None,
        text=join_paragraphs(paragraphs),
        outlet=found_outlet,
        dateline_place=dateline.place if dateline else None,
        published=published or (dateline.published if dateline else None),
        language=language,
        removed=removed,
        url=url,
        author=author,
        meta=extra,
    )


def to_article(result: ExtractResult, *, loader: str) -> Article:
    """Turn a cleaned page into the shared :class:`~secnews.corpus.record.Article` record.

    ``meta`` gets the result's meta plus ``removed_lines`` (how many lines were removed).
    """
    full = join_paragraphs([result.title or "", result.lede or "", result.text])
    meta = dict(result.meta)
    meta["removed_lines"] = len(result.removed)
    return Article(
        doc_id=make_doc_id(outlet=result.outlet, url=result.url, text=full),
        text=result.text,
        source_path=result.source_path,
        loader=loader,
        outlet=result.outlet,
        url=result.url,
        title=result.title,
        lede=result.lede,
        published=result.published,
        dateline_place=result.dateline_place,
        author=result.author,
        language=result.language,
        meta=meta,
    )
