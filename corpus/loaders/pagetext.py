"""Loader for page-text dumps: the whole text of a news web page saved by a naive scraper.

Each non-empty line of a dump is one block (a dump's paragraphs are its lines; blank lines carry
no meaning there). The clean-up is :func:`secnews.corpus.loaders.page.clean_page`; this module reads
and decodes the files, rejects what is not a page dump, and gives the clean-up what only several
pages of one site can tell:

* **site template**: lines that pages of at least two different articles of the same site share
  (:func:`~secnews.corpus.clean.boilerplate.repeated_lines`);
* **caption suffixes**: ``- Site Name`` endings seen on several lines of the site's pages.

Pages belong to the same site when they are in the same folder (``site_scope="directory"``, the
default) or when they are given in the same call (``site_scope="call"``); with ``outlet=`` given,
all pages of the call are one site.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from secnews.corpus.clean.boilerplate import (
    Block,
    CleanSettings,
    repeated_lines,
    site_suffixes,
    word_count,
)
from secnews.corpus.clean.datelines import parse_dateline
from secnews.corpus.clean.normalize import normalize_inline, normalize_text
from secnews.corpus.loaders.decode import DecodeError, read_text
from secnews.corpus.loaders.page import ExtractResult, clean_page, rule_pass, to_article
from secnews.corpus.record import LoadResult, Reject

__all__ = [
    "PageTextSettings",
    "extract_pagetext",
    "extract_pagetexts",
    "load_pagetext",
    "page_blocks",
    "page_rule_pass",
]

logger = logging.getLogger(__name__)
LOADER = "pagetext"


@dataclass(frozen=True, slots=True)
class PageTextSettings:
    """Settings of the page-text loader.

    Attributes
    ----------
    clean
        The news clean-up (:class:`~secnews.corpus.clean.boilerplate.CleanSettings`).
    max_bytes
        Larger files are rejected before they are read.
    max_line_chars
        A line longer than this is not a page dump (a 50 MB single line, a minified file): the
        file is rejected.
    min_body_words
        Pages whose cleaned body has fewer words are rejected (no article on the page).
    site_scope
        ``"directory"``: pages in one folder are one site; ``"call"``: all pages of a call are.
    title
        ``"auto"``: the title is the first line the rules keep (see
        :func:`~secnews.corpus.loaders.page.clean_page`); ``"first-line"``: the first line of the
        file is the title (an export whose first line is the title); ``"none"``: no title.
    """

    clean: CleanSettings = field(default_factory=CleanSettings)
    max_bytes: int = 64_000_000
    max_line_chars: int = 20_000
    min_body_words: int = 10
    site_scope: str = "directory"
    title: str = "auto"

    def __post_init__(self) -> None:
        if self.title not in ("auto", "first-line", "none"):
            raise ValueError(f"title must be auto, first-line or none, got {self.title!r}")
        if self.site_scope not in ("directory", "call"):
            raise ValueError(f"site_scope must be directory or call, got {self.site_scope!r}")


@dataclass(slots=True)
class _Page:
    path: str
    lines: list[str] | None = None
    reject: str | None = None


def _read_page(path: str, settings: PageTextSettings) -> _Page:
    try:
        raw, _encoding = read_text(path, max_bytes=settings.max_bytes)
    except DecodeError as exc:
        return _Page(path, reject=str(exc))
    except OSError as exc:
        return _Page(path, reject=f"unreadable file: {exc.strerror or exc}")
    longest = max(map(len, raw.splitlines() or [""]))
    if longest > settings.max_line_chars:
        return _Page(
            path,
            reject=f"not a page dump: a line of {longest:,} characters "
            f"(limit {settings.max_line_chars:,})",
        )
    lines = [line for line in normalize_text(raw).split("\n") if line]
    if not lines:
        return _Page(path, reject="empty file (no text after normalization)")
    return _Page(path, lines=lines)


def page_blocks(lines: list[str]) -> list[str]:
    """The blocks of a dump: its non-empty normalized lines (a hook for other dump layouts)."""
    return [normalize_inline(line) for line in lines if line.strip()]


def _site_key(page: _Page, settings: PageTextSettings, outlet: str | None) -> str:
    if outlet is not None or settings.site_scope == "call":
        return ""
    return str(Path(page.path).resolve().parent)


def _site_context(
    pages: list[_Page], clean: CleanSettings, outlet: str | None
) -> tuple[frozenset[str], frozenset[str]]:
    pages_lines = [p.lines for p in pages if p.lines]
    repeated = repeated_lines(pages_lines, settings=clean) if len(pages_lines) > 1 else frozenset()
    bodies = [line for lines in pages_lines for line in lines[1:]]
    outlets: list[str | None] = [outlet]
    for lines in pages_lines:
        for line in lines[1:40]:
            dateline = parse_dateline(line)
            if dateline is not None and dateline.outlet:
                outlets.append(dateline.outlet)
                break
    return site_suffixes(bodies, outlets=outlets), repeated


def _clean(
    page: _Page,
    settings: PageTextSettings,
    outlet: str | None,
    suffixes: frozenset[str],
    repeated: frozenset[str],
) -> ExtractResult:
    assert page.lines is not None
    blocks = [Block(text) for text in page_blocks(page.lines)]
    title = None
    if settings.title == "first-line" and len(blocks) > 1:
        title, blocks = blocks[0].text, blocks[1:]
    return clean_page(
        blocks,
        source_path=page.path,
        settings=settings.clean,
        title=title,
        outlet=outlet,
        suffixes=suffixes,
        repeated=repeated,
        find_title=settings.title == "auto",
    )


def _body_reject(result: ExtractResult, settings: PageTextSettings) -> str | None:
    n_words = word_count(result.text)
    if n_words < settings.min_body_words:
        return (
            f"no article text: {n_words} words left after clean-up "
            f"(minimum {settings.min_body_words}; {len(result.removed)} lines removed)"
        )
    return None


def extract_pagetexts(
    paths: Iterable[str | Path],
    *,
    settings: PageTextSettings = PageTextSettings(),
    outlet: str | None = None,
) -> Iterator[ExtractResult | Reject]:
    """Clean page-text dumps together, keeping every removed line and its reason.

    The same as :func:`load_pagetext`, but yields the full :class:`ExtractResult` of each good
    page (for ``secnews extract``) instead of an :class:`~secnews.corpus.record.Article`.
    """
    pages = [
        _read_page(str(path), settings)
        for path in tqdm(list(paths), desc="reading page text", unit="file", disable=None)
    ]
    sites: dict[str, list[_Page]] = {}
    for page in pages:
        if page.lines is not None:
            sites.setdefault(_site_key(page, settings, outlet), []).append(page)
    context = {key: _site_context(group, settings.clean, outlet) for key, group in sites.items()}
    for page in pages:
        if page.reject is not None:
            yield Reject(source_path=page.path, reason=page.reject)
            continue
        suffixes, repeated = context[_site_key(page, settings, outlet)]
        try:
            result = _clean(page, settings, outlet, suffixes, repeated)
        except Exception as exc:  # a bad page must never stop the others
            logger.exception("clean-up failed on %s", page.path)
            yield Reject(
                source_path=page.path, reason=f"clean-up failed: {type(exc).__name__}: {exc}"
            )
            continue
        reason = _body_reject(result, settings)
        yield result if reason is None else Reject(source_path=page.path, reason=reason)


def load_pagetext(
    paths: Iterable[str | Path],
    *,
    settings: PageTextSettings = PageTextSettings(),
    outlet: str | None = None,
) -> Iterator[LoadResult]:
    """Load page-text dumps.

    All files of one call are read first, so that lines repeated across pages of one site can be
    recognised as the site's template.

    Parameters
    ----------
    paths
        The ``.txt`` files.
    settings
        Loader settings.
    outlet
        The outlet of every page (else from each page's dateline or photo credit).

    Yields
    ------
    Article or Reject
        One per path, in input order; a bad file gives a :class:`~secnews.corpus.record.Reject`
        with a specific reason and never stops the others.
    """
    for item in extract_pagetexts(paths, settings=settings, outlet=outlet):
        yield item if isinstance(item, Reject) else to_article(item, loader=LOADER)


def extract_pagetext(
    path: str | Path,
    *,
    outlet: str | None = None,
    settings: PageTextSettings | None = None,
    site_paths: Iterable[str | Path] = (),
) -> ExtractResult:
    """Clean one page-text dump.

    Parameters
    ----------
    path
        The ``.txt`` file.
    outlet
        The outlet, when known.
    settings
        Loader settings (``None``: defaults).
    site_paths
        Other dumps of the same site, used only to find the site's template lines.

    Returns
    -------
    ExtractResult

    Raises
    ------
    ValueError
        With the reject reason, when the file cannot be read or holds no article.
    """
    settings = settings or PageTextSettings()
    page = _read_page(str(path), settings)
    if page.reject is not None:
        raise ValueError(page.reject)
    others = [_read_page(str(p), settings) for p in site_paths if str(p) != str(path)]
    suffixes, repeated = _site_context([page, *others], settings.clean, outlet)
    result = _clean(page, settings, outlet, suffixes, repeated)
    reason = _body_reject(result, settings)
    if reason is not None:
        raise ValueError(reason)
    return result


def page_rule_pass(
    path: str | Path,
    *,
    settings: PageTextSettings | None = None,
    site_paths: Iterable[str | Path] = (),
) -> tuple[list[Block], list[str | None], int]:
    """The blocks of one dump and the rule reasons the line model sees (for training it).

    Parameters
    ----------
    path
        The dump.
    settings
        Loader settings (``None``: defaults).
    site_paths
        Other dumps of the same site (for the site template).

    Returns
    -------
    tuple
        The blocks, the reason of each after the rules, title, teasers and subheadings
        (:func:`~secnews.corpus.loaders.page.rule_pass`), and the index after the title.

    Raises
    ------
    ValueError
        With the reject reason, when the file cannot be read.
    """
    settings = settings or PageTextSettings()
    page = _read_page(str(path), settings)
    if page.reject is not None:
        raise ValueError(page.reject)
    assert page.lines is not None
    others = [_read_page(str(p), settings) for p in site_paths if str(p) != str(path)]
    suffixes, repeated = _site_context([page, *others], settings.clean, None)
    blocks = [Block(text) for text in page_blocks(page.lines)]
    reasons, start, _ = rule_pass(
        blocks, settings=settings.clean, suffixes=suffixes, repeated=repeated
    )
    return blocks, reasons, start
