"""Line-level rules that tell page furniture from article text (shared by the page-text and HTML
loaders).

A page is a sequence of :class:`Block` (a line of a page-text dump, or a paragraph that trafilatura
found in an HTML page, with its link density). :func:`line_reason` judges one block on its own;
the context rules (title, teasers after captions, language, dateline, page end) are in
:mod:`secnews.corpus.loaders.page`. Every removal has a reason whose first word is a stable code:

``counter``
    only digits and number punctuation (``0``, ``1.2K``, ``12:45``).
``credit``
    a photo credit or copyright line (``© Sputnik / ...``, ``(Credit: ...)``, ``Photo: ...``), or
    a caption that ends with a credit (``... Photo: AP``).
``widget`` / ``teaser`` / ``share`` / ``footer``
    a phrase of the editable lexicon ``data/boilerplate_lexicon.txt`` (comment widgets,
    "Subscribe", "Read more: ...", share buttons, "All rights reserved", ...).
``link``
    a line that is mostly a web address (``Direct link: http://...``).
``markup``
    a line that is mostly HTML tags (a page template or a hidden element the scraper dumped as
    text, ``<div class="..."> <img src="..."> ...``; a comment form's "Allowed HTML tags: <em>
    <strong> ...").
``menu``
    several short items separated by ``|``, ``•``, ``·``, ``»``, ``›`` or ``/``.
``byline``
    ``By Jane Doe`` (the name goes to ``author``).
``timestamp``
    a line made only of date and time words (``Published 26 Dec 2024, 10:32 GMT``).
``link-dense``
    a short block whose text is mostly links (HTML only: the link density of page text is unknown).
``caption``
    a line without sentence punctuation that ends with ``- Site Name``, where the same suffix
    ends other lines of the page or of other pages of the call, or names the outlet, or is a
    site-like name ("... International", "... News").
``repeated``
    the same line occurs on pages of at least two different articles of one site.
``short``
    at most three words and no sentence punctuation (menu items, buttons, labels).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "Block",
    "CleanSettings",
    "FurnitureLexicon",
    "byline_author",
    "fold",
    "is_paragraph",
    "is_sentence_like",
    "is_site_name",
    "line_reason",
    "load_furniture_lexicon",
    "repeated_lines",
    "site_suffix",
    "site_suffixes",
    "word_count",
]

_LEXICON_FILE = "boilerplate_lexicon.txt"
#: A sentence-like line on more pages than this is template, not the text of one story.
_STORY_MAX_PAGES = 20
#: Lines of a story's text, for telling versions of one story: sentence-like, this many words.
_STORY_MIN_WORDS = 15
_STRIP = " \t.,:;!?|•·»›>«<-–—*#()[]{}\"'…/\\"
_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$|[.!?]\s*['\"]$|['\"]$")
_COUNTER = re.compile(r"^[+(]?\d[\d\s.,:/%()+-]*[KkMm]?\+?$")
_CREDIT_START = re.compile(
    r"^(?:©|\(c\)\s|Ⓒ|\(?(?:photo(?:graph)?s?|images?|pictures?|credits?|illustration|foto|"
    r"source|video|фото)(?: credits?)?\s*[:/])",
    re.IGNORECASE,
)
_CREDIT_END = re.compile(
    r"(?:\b(?:Photo(?:graph)?|Image|Picture|Credit|Illustration)s?:\s*[^.!?]{1,80}"
    r"|[/|]\s*(?:Getty Images|AFP|AP|EPA|Reuters|REUTERS|Shutterstock|Alamy|PA Images?)\b[^.!?]{0,40})"
    r"\)?$"
)
#: An HTML start or end tag (``<div class="x">``, ``</a>``, ``<br/>``).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,300})?/?>")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
_MENU_SPLIT = re.compile(r"\s+[|•·»›/]\s+|\s*[|•·]\s*")
_BYLINE = re.compile(
    r"^(?:By|BY|by|Von|Par|Por|Автор:?)\s+(?P<name>[A-ZА-ЯЁ][\w.'-]+(?:,?\s+(?:and\s+|&\s+)?"
    r"[A-ZА-ЯЁ][\w.'-]+){0,6})"
)
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_STAMP_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        published publication date updated posted last modified at on am pm a.m p.m gmt utc msk edt
        est bst cet cest eet eest pst pdt cdt cst ist jst kst time ago min mins minute minutes hour
        hours h read reading day days today yesterday jan january feb february mar march apr april
        may jun june jul july aug august sep sept september oct october nov november dec december
        mon monday tue tuesday wed wednesday thu thursday fri friday sat saturday sun sunday st nd
        rd th of
        """,
    )
)
_SITE_SUFFIX = re.compile(r"\s-\s(?P<site>[A-Z0-9][\w.&'’]*(?:\s[A-Z0-9&][\w.&'’]*){0,3})$")
_SITE_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
        international news times post online agency tv radio today daily herald tribune journal
        press media network world wire com org net observer gazette telegraph guardian standard
        """,
    )
)


@dataclass(frozen=True, slots=True)
class Block:
    """One line of a page dump, or one paragraph of an HTML page.

    Attributes
    ----------
    text
        The normalized text (one line).
    link_density
        Share of the characters inside links, or ``None`` when unknown (page text).
    kind
        ``"line"`` (page text), or the trafilatura element: ``"p"``, ``"head"``, ``"list"``,
        ``"quote"``, ``"table"``.
    """

    text: str
    link_density: float | None = None
    kind: str = "line"


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """Settings of the news clean-up shared by the page-text and HTML loaders.

    Attributes
    ----------
    short_max_words
        Lines of at most this many words without sentence punctuation are dropped (``short``).
    prefix_max_words
        A lexicon prefix (``"sign up for*"``) removes a line only when the line has at most this
        many words (or the phrase ends with a colon, like ``"read more:"``).
    sentence_min_words
        A block with at least this many words that ends with sentence punctuation is a paragraph.
    teaser_max_words
        A line of at most this many words that follows a caption or credit and does not end with
        a full stop is a related-article teaser.
    link_density_max, link_dense_max_words
        HTML blocks of at most ``link_dense_max_words`` words with a higher link density are
        navigation.
    stamp_max_words, byline_max_words
        Longest lines judged as timestamps and bylines.
    dateline_max_position
        The dateline must open one of the first this-many kept blocks after the title.
    drop_other_language
        Remove lines whose language differs from the article's.
    line_language_min_letters, line_language_min_words, line_language_min_confidence, line_language_max_doc_confidence
        A line is in another language when, without its capitalised words (names say little
        about the language around them), it still has ``min_letters`` letters in
        ``min_words`` words, does not use the article's most frequent words, lingua gives another
        language at least ``min_confidence`` and the article's language at most
        ``max_doc_confidence``; or, from 10 letters on, when it is in another script.
    keep_dateline
        Keep the dateline prefix (``MOSCOW (Sputnik) -``) at the start of the first body
        paragraph (the default: the text stays as published, as in the tabular sources; the parts
        are also in ``dateline_place`` and ``meta``).
    repeat_min_docs, repeat_min_docs_long
        A line is site template when it occurs in at least this many different articles of one
        site (``repeat_min_docs_long`` for sentence-like lines of 25 words or more, which two
        articles may quote alike).
    lexicon
        Path of a lexicon file in the format of ``data/boilerplate_lexicon.txt`` (``None``: the
        packaged one).
    story_min_share
        Two pages of a site are versions of one story when this share of the words in paragraph
        lines of one is in the same lines on the other; the lines they share are then not site
        template.
    line_model
        The learned line classifier of page-text dumps
        (:mod:`secnews.corpus.clean.line_model`): ``"default"`` (the packaged model), the path of
        a model JSON file, or ``None`` (rules only). It judges the lines the rules keep after the
        title; HTML blocks are never judged by it.
    line_threshold
        Keep a line when the model's probability is at least this (``None``: the model's own,
        chosen by cross-validation when it was trained).
    """

    short_max_words: int = 3
    prefix_max_words: int = 15
    sentence_min_words: int = 8
    teaser_max_words: int = 25
    link_density_max: float = 0.5
    link_dense_max_words: int = 40
    stamp_max_words: int = 12
    byline_max_words: int = 8
    dateline_max_position: int = 3
    drop_other_language: bool = True
    line_language_min_letters: int = 20
    line_language_min_words: int = 6
    line_language_min_confidence: float = 0.9
    line_language_max_doc_confidence: float = 0.05
    keep_dateline: bool = True
    repeat_min_docs: int = 2
    repeat_min_docs_long: int = 3
    lexicon: str | None = None
    story_min_share: float = 0.6
    line_model: str | None = "default"
    line_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.line_threshold is not None and not 0.0 <= self.line_threshold <= 1.0:
            raise ValueError(f"line_threshold must lie in [0, 1], got {self.line_threshold}")


@dataclass(frozen=True, slots=True)
class FurnitureLexicon:
    """The phrases of a lexicon file: exact phrases, prefixes of short lines and prefixes of lines
    of any length (``openers``), each with its section."""

    exact: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]
    share: frozenset[str]
    openers: tuple[tuple[str, str], ...] = ()


def fold(line: str) -> str:
    """Fold a line for comparisons: lower case, surrounding punctuation and spaces removed."""
    return " ".join(line.casefold().strip(_STRIP).split())


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def is_sentence_like(text: str, *, min_words: int = 8) -> bool:
    """True for a block with at least ``min_words`` words that ends like a sentence."""
    return word_count(text) >= min_words and _SENTENCE_END.search(text) is not None


def is_paragraph(text: str, *, min_words: int = 5, long_words: int = 30) -> bool:
    """True for a sentence-like block, or any block of at least ``long_words`` words."""
    return word_count(text) >= long_words or is_sentence_like(text, min_words=min_words)


@functools.cache
def load_furniture_lexicon(path: str | None = None) -> FurnitureLexicon:
    """Read a lexicon file (see ``data/boilerplate_lexicon.txt`` for the format).

    Parameters
    ----------
    path
        A lexicon file; ``None`` reads the packaged one.

    Returns
    -------
    FurnitureLexicon
    """
    if path is None:
        content = (
            resources.files("secnews.corpus").joinpath("data", _LEXICON_FILE).read_text("utf-8")
        )
    else:
        content = Path(path).read_text(encoding="utf-8")
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    openers: list[tuple[str, str]] = []
    share: set[str] = set()
    section = "widget"
    for raw in content.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        phrase = _apostrophes(line.casefold())
        if section == "share":
            share.add(phrase)
        if phrase.endswith("**"):
            openers.append((phrase[:-2], section))
        elif phrase.endswith("*"):
            prefixes.append((phrase[:-1], section))
        else:
            exact.setdefault(fold(phrase), section)
    ordered = tuple(sorted(prefixes, key=lambda item: -len(item[0])))
    return FurnitureLexicon(
        exact=exact,
        prefixes=ordered,
        share=frozenset(share),
        openers=tuple(sorted(openers, key=lambda item: -len(item[0]))),
    )


def _apostrophes(text: str) -> str:
    """Curly apostrophes as straight ones, so that a lexicon phrase matches either spelling."""
    return text.replace("\u2019", "'")


def _lexicon_reason(text: str, lexicon: FurnitureLexicon, settings: CleanSettings) -> str | None:
    folded = _apostrophes(fold(text))
    section = lexicon.exact.get(folded)
    if section is not None:
        return f"{section}: lexicon phrase '{folded}'"
    lowered = _apostrophes(text.casefold().lstrip(_STRIP))
    n_words = word_count(text)
    for prefix, section in lexicon.openers:
        if lowered.startswith(prefix):
            return f"{section}: starts with lexicon phrase '{prefix.strip()}'"
    for prefix, section in lexicon.prefixes:
        if lowered.startswith(prefix) and (
            n_words <= settings.prefix_max_words or prefix.rstrip().endswith(":")
        ):
            return f"{section}: starts with lexicon phrase '{prefix.strip()}'"
    tokens = [t for t in re.split(r"[\s|•·/,]+", text.casefold()) if t]
    if tokens and len(tokens) >= 2 and all(t.strip(_STRIP) in lexicon.share for t in tokens):
        return "share: share buttons"
    return None


def _is_markup(text: str, *, min_tags: int = 3, min_share: float = 0.4) -> bool:
    """At least ``min_tags`` HTML tags that make up at least ``min_share`` of the line's
    non-blank characters."""
    tags = _TAG.findall(text)
    if len(tags) < min_tags:
        return False
    chars = len(text) - text.count(" ")
    return sum(len(t) - t.count(" ") for t in tags) >= min_share * chars


def _is_menu(text: str) -> bool:
    parts = [p for p in _MENU_SPLIT.split(text) if p.strip()]
    if len(parts) < 3:
        return False
    return sum(word_count(p) for p in parts) / len(parts) <= 3.0


def _is_stamp(text: str, settings: CleanSettings) -> bool:
    if word_count(text) > settings.stamp_max_words:
        return False
    tokens = _TOKEN.findall(text.casefold())
    if not tokens or not any(t.isdigit() for t in tokens):
        return False
    return all(t.isdigit() or t in _STAMP_WORDS for t in tokens)


def byline_author(text: str, *, max_words: int = 8) -> str | None:
    """Return the name in a byline line (``By Jane Doe``), or ``None`` if it is not one."""
    if word_count(text) > max_words or is_sentence_like(text, min_words=6):
        return None
    match = _BYLINE.match(text)
    if match is None or match.end() < len(text.rstrip(" .|,")) - 40:
        return None
    return match["name"].strip(" ,.")


def site_suffix(text: str) -> str | None:
    """The ``Site Name`` of a line that ends with ``- Site Name`` and has no sentence end."""
    if _SENTENCE_END.search(text) is not None:
        return None
    match = _SITE_SUFFIX.search(text)
    return match["site"] if match is not None else None


def site_suffixes(
    texts: Iterable[str], *, outlets: Iterable[str | None] = (), min_count: int = 2
) -> frozenset[str]:
    """The ``- Site Name`` endings that mark captions in a set of lines.

    Parameters
    ----------
    texts
        All lines of one page, or of all pages of one site.
    outlets
        Known outlet names (from datelines, credits or the caller): a suffix that starts with one
        of them counts at once.
    min_count
        A suffix seen on at least this many lines counts.

    Returns
    -------
    frozenset of str
        The suffixes, as written.
    """
    counts = Counter(s for s in map(site_suffix, texts) if s is not None)
    known = [o for o in outlets if o]
    return frozenset(
        suffix
        for suffix, count in counts.items()
        if count >= min_count or is_site_name(suffix, outlets=known)
    )


def is_site_name(name: str, *, outlets: Iterable[str | None] = ()) -> bool:
    """True when ``name`` looks like the name of a news site: it starts (or is the start of) a
    known outlet, or has a word such as "International", "News", "Times", ".com"."""
    folded = name.casefold()
    known = [o.casefold() for o in outlets if o]
    return any(folded.startswith(o) or o.startswith(folded) for o in known) or bool(
        _SITE_WORDS.intersection(re.split(r"[\s.]+", folded))
    )


def line_reason(
    block: Block,
    *,
    settings: CleanSettings,
    suffixes: frozenset[str] = frozenset(),
    repeated: frozenset[str] = frozenset(),
) -> str | None:
    """Judge one block on its own.

    Parameters
    ----------
    block
        The line or paragraph.
    settings
        Thresholds and the lexicon.
    suffixes
        Caption site suffixes of the page or site (:func:`site_suffixes`).
    repeated
        Folded lines that are site template (:func:`repeated_lines`).

    Returns
    -------
    str or None
        The removal reason (see the module docstring for the codes), or ``None`` to keep it.
    """
    text = block.text
    n_words = word_count(text)
    if _COUNTER.match(text):
        return "counter: only a number"
    if _CREDIT_START.match(text):
        return "credit: photo credit or copyright line"
    if n_words <= 60 and _CREDIT_END.search(text) and not text.rstrip().endswith("."):
        return "credit: caption ending with a photo credit"
    reason = _lexicon_reason(text, load_furniture_lexicon(settings.lexicon), settings)
    if reason is not None:
        return reason
    urls = _URL.findall(text)
    if urls and sum(map(len, urls)) >= 0.5 * len(text):
        return "link: a bare web address"
    if _is_markup(text):
        return "markup: mostly HTML tags"
    if _is_menu(text):
        return "menu: short items separated by bars or bullets"
    if byline_author(text, max_words=settings.byline_max_words) is not None:
        return "byline: author line"
    if _is_stamp(text, settings):
        return "timestamp: date or time only"
    if (
        block.link_density is not None
        and block.link_density > settings.link_density_max
        and n_words <= settings.link_dense_max_words
    ):
        return f"link-dense: {block.link_density:.0%} of the text in links"
    suffix = site_suffix(text)
    if suffix is not None and suffix in suffixes:
        return f"caption: ends with site name '{suffix}'"
    if repeated and fold(text) in repeated:
        return "repeated: on pages of other articles of the same site"
    if n_words <= settings.short_max_words and _SENTENCE_END.search(text) is None:
        return "short: no sentence punctuation (menu, button or label)"
    return None


def _stories(pages: list[list[str]], settings: CleanSettings) -> list[int]:
    """A story id per page: pages that are versions of one story (a duplicate download, or an
    updated version) share the same id.

    Two pages are one story when their longest lines are equal, or when at least
    ``settings.story_min_share`` of the words in paragraph lines (sentence-like, 15 or more
    words) of the page that has fewer such words are in paragraph lines of the other page too.
    Lines that occur on more than ``_STORY_MAX_PAGES`` pages are template, not story text, and
    are not counted.
    """
    parent = list(range(len(pages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    longest: dict[str, int] = {}
    paragraphs: list[dict[str, int]] = []
    holders: dict[str, list[int]] = {}
    for i, lines in enumerate(pages):
        nonempty = [line for line in lines if line.strip()]
        if nonempty:
            key = fold(max(nonempty, key=len))
            if key in longest:
                union(longest[key], i)
            else:
                longest[key] = i
        own = {
            fold(line): word_count(line)
            for line in nonempty
            if word_count(line) >= _STORY_MIN_WORDS and is_sentence_like(line)
        }
        paragraphs.append(own)
        for line in own:
            holders.setdefault(line, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for line, owners in holders.items():
        if 2 <= len(owners) <= _STORY_MAX_PAGES:
            for a, b in itertools.combinations(owners, 2):
                shared[(a, b)] += paragraphs[a][line]
    for (a, b), words in shared.items():
        smaller = min(sum(paragraphs[a].values()), sum(paragraphs[b].values()))
        if words >= settings.story_min_share * smaller:
            union(a, b)
    return [find(i) for i in range(len(pages))]


def repeated_lines(
    pages: Iterable[Sequence[str]], *, settings: CleanSettings = CleanSettings()
) -> frozenset[str]:
    """Lines that several different articles of one site share: the site's template.

    Versions of one story (a duplicate download, an updated version) must not turn their shared
    text into "template": pages are first grouped into stories (see :func:`_stories`: equal
    longest lines, or most of their sentence-like lines in common), and a line is template only
    when it occurs in at least ``settings.repeat_min_docs`` different stories
    (``settings.repeat_min_docs_long`` for sentence-like lines of 25 words or more).

    Parameters
    ----------
    pages
        The lines of each page of one site.
    settings
        The thresholds.

    Returns
    -------
    frozenset of str
        Folded lines (:func:`fold`).
    """
    page_lines = [[line for line in lines if line.strip()] for lines in pages]
    stories = _stories(page_lines, settings)
    owners: dict[str, set[int]] = {}
    long_lines: set[str] = set()
    for story, nonempty in zip(stories, page_lines, strict=True):
        for line in nonempty:
            folded = fold(line)
            if not folded:
                continue
            owners.setdefault(folded, set()).add(story)
            if is_sentence_like(line, min_words=25):
                long_lines.add(folded)
    out = set()
    for folded, keys in owners.items():
        needed = settings.repeat_min_docs_long if folded in long_lines else settings.repeat_min_docs
        if len(keys) >= needed:
            out.add(folded)
    return frozenset(out)
