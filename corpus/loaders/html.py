"""Loader for saved HTML news pages: trafilatura finds the article and its metadata, then the same
news clean-up as for page-text dumps (:func:`secnews.corpus.loaders.page.clean_page`) runs on its
paragraphs, with the link density of every paragraph known.

Steps for one file:

1. size limit, then :func:`~secnews.corpus.loaders.decode.decode_bytes` (binary, empty and undecodable
   files are rejected with the decoder's reason);
2. parsing with lxml; a page nested deeper than libxml2's limit (255 levels, where it silently
   drops the rest) or with more elements than ``max_elements`` is rejected with that reason;
3. ``trafilatura.bare_extraction`` (comments excluded) for the text and metadata (title, date,
   site name, author, url, description). When trafilatura finds less than ``min_text_chars``
   characters and its ``baseline`` (JSON-LD ``articleBody`` or all paragraphs) finds at least
   ``fallback_ratio`` times more, the baseline text is used (``meta["extraction"]``);
4. each paragraph, heading, list item, quote or table row becomes a block with its link density;
   the title loses ``| Site`` and ``- Site`` endings that name the site or a date;
5. the clean-up. ``published`` is the date the page states (htmldate through trafilatura, with
   :data:`DATE_PARAMS`: no extensive search, so a copyright footer or a date somewhere in the text
   is never taken for the publication date), converted to UTC when it has a time and a UTC offset
   (``2022-06-24T23:30:00-05:00`` is ``2022-06-25T04:30Z``), at midnight UTC when it is only a
   date; else the dateline's full date; else ``None``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tqdm.auto import tqdm

from secnews.corpus.clean.boilerplate import (
    Block,
    CleanSettings,
    fold,
    is_paragraph,
    repeated_lines,
    word_count,
)
from secnews.corpus.clean.dates import parse_date
from secnews.corpus.clean.normalize import normalize_inline
from secnews.corpus.loaders.decode import DecodeError, decode_bytes
from secnews.corpus.loaders.page import ExtractResult, clean_page, to_article
from secnews.corpus.record import LoadResult, Reject

__all__ = ["DATE_PARAMS", "HtmlReject", "HtmlSettings", "extract_html", "html_blocks", "load_html"]

logger = logging.getLogger(__name__)
LOADER = "html"
#: libxml2 stops building the tree at this depth (without XML_PARSE_HUGE) and drops the rest.
LIBXML2_MAX_DEPTH = 255
_TITLE_SPLIT = re.compile(r"\s+(?:\||-|::|»|·|•)\s+")
_STAMP_SEGMENT = re.compile(r"^[\d./: -]+$")
_T = TypeVar("_T")
#: htmldate settings passed to trafilatura: only the page's markup and metadata (no guess from
#: footers or free text), the original (not the updated) date, with time and UTC offset.
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


@dataclass(frozen=True, slots=True)
class HtmlSettings:
    """Settings of the HTML loader.

    Attributes
    ----------
    clean
        The news clean-up (:class:`~secnews.corpus.clean.boilerplate.CleanSettings`).
    max_bytes
        Larger files are rejected before they are parsed.
    max_elements
        Pages with more HTML elements are rejected (trafilatura's cost grows with the tree).
    min_text_chars, fallback_ratio
        When trafilatura's text is shorter than ``min_text_chars``, trafilatura's baseline
        extraction is used if it finds at least ``fallback_ratio`` times more text.
    favor_precision
        trafilatura's precision mode.
    include_tables
        Keep the text of tables inside the article.
    min_body_words
        Pages whose cleaned body has fewer words are rejected (no article on the page).
    """

    clean: CleanSettings = field(default_factory=CleanSettings)
    max_bytes: int = 20_000_000
    max_elements: int = 500_000
    min_text_chars: int = 500
    fallback_ratio: float = 2.0
    favor_precision: bool = False
    include_tables: bool = True
    min_body_words: int = 10


class HtmlReject(ValueError):
    """A page that cannot give an article; ``str(error)`` is the reason."""


def _element_text(element: Any) -> tuple[str, int]:
    """Text of a trafilatura element and the number of its characters inside links."""
    for lb in element.iter("lb"):
        lb.tail = " " + (lb.tail or "")
    text = normalize_inline("".join(element.itertext()))
    linked = sum(len(normalize_inline("".join(ref.itertext()))) for ref in element.iter("ref"))
    return text, linked


def html_blocks(body: Any) -> list[Block]:
    """Turn trafilatura's ``body`` element into blocks (list items and table rows separately)."""
    blocks: list[Block] = []
    for child in body:
        tag = str(child.tag)
        if tag == "list":
            parts = [item for item in child.iter("item")] or [child]
        elif tag == "table":
            parts = [row for row in child.iter("row")] or [child]
        else:
            parts = [child]
        for part in parts:
            text, linked = _element_text(part)
            if text:
                blocks.append(Block(text, link_density=min(1.0, linked / len(text)), kind=tag))
    return blocks


def _tree_shape(tree: Any) -> tuple[int, int]:
    """Maximum depth and number of elements of an lxml tree (iteratively, no recursion)."""
    from lxml import etree

    depth = deepest = count = 0
    for event, _element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            count += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest, count


def _clean_title(title: str | None, site_name: str | None, hostname: str | None) -> str | None:
    if not title:
        return None
    title = normalize_inline(title)
    names = {fold(n) for n in (site_name, hostname) if n}
    names |= {n.split(".")[0] for n in list(names) if "." in n}
    parts = _TITLE_SPLIT.split(title)
    while len(parts) > 1:
        last = fold(parts[-1])
        if _STAMP_SEGMENT.match(parts[-1]) or any(
            last == n or n.startswith(last) or last.startswith(n) for n in names if last
        ):
            parts.pop()
        else:
            break
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def _published(date: str | None) -> datetime | None:
    """UTC publication time of htmldate's answer (a naive date or time is read as UTC)."""
    return parse_date(date) if date else None


def _parse(path: str, settings: HtmlSettings) -> tuple[str, Any]:
    from trafilatura.utils import load_html as parse_html

    size = Path(path).stat().st_size
    if size > settings.max_bytes:
        raise HtmlReject(f"file too large ({size:,} bytes > limit {settings.max_bytes:,})")
    text, _encoding = decode_bytes(Path(path).read_bytes())
    if "<" not in text[:65536]:
        raise HtmlReject("not HTML: no markup in the first 64 KB")
    tree = parse_html(text)
    if tree is None:
        raise HtmlReject("unparseable HTML: lxml built no tree")
    depth, count = _tree_shape(tree)
    if depth >= LIBXML2_MAX_DEPTH:
        raise HtmlReject(
            f"deeply nested HTML: nesting reaches the parser limit of {LIBXML2_MAX_DEPTH} levels"
        )
    if count > settings.max_elements:
        raise HtmlReject(f"huge HTML page: {count:,} elements (limit {settings.max_elements:,})")
    return text, tree


@dataclass(slots=True)
class _Prepared:
    """A parsed page waiting for its clean-up (blocks and what the page's metadata says)."""

    path: str
    blocks: list[Block]
    facts: dict[str, Any]

    def site(self) -> str:
        return str(self.facts["meta"].get("hostname") or Path(self.path).resolve().parent)


def _prepare(path: str, settings: HtmlSettings, outlet: str | None, url: str | None) -> _Prepared:
    import trafilatura

    text, tree = _parse(path, settings)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_links=True,
        include_tables=settings.include_tables,
        favor_precision=settings.favor_precision,
        date_extraction_params=dict(DATE_PARAMS),
    )
    body = getattr(document, "body", None)
    blocks = html_blocks(body) if body is not None else []
    extraction = "trafilatura"
    found = sum(len(b.text) for b in blocks)
    if found < settings.min_text_chars:
        _element, base_text, length = trafilatura.baseline(text)
        if length >= max(settings.fallback_ratio * found, 1):
            lines = [normalize_inline(line) for line in base_text.split("\n")]
            blocks = [Block(line) for line in lines if line]
            extraction = "baseline"
    if not blocks:
        raise HtmlReject("no article text: trafilatura found no main content")
    site_name = getattr(document, "sitename", None)
    hostname = getattr(document, "hostname", None)
    meta = {
        key: value
        for key, value in {
            "site_name": site_name,
            "hostname": hostname,
            "description": normalize_inline(getattr(document, "description", None) or ""),
            "page_date": getattr(document, "date", None),
            "extraction": extraction,
        }.items()
        if value
    }
    facts = {
        "title": _clean_title(getattr(document, "title", None), site_name, hostname),
        "outlet": outlet or site_name,
        "url": getattr(document, "url", None) or url,
        "author": getattr(document, "author", None),
        "published": _published(getattr(document, "date", None)),
        "meta": meta,
    }
    return _Prepared(path, blocks, facts)


def _guard(path: str, step: Callable[[], _T]) -> _T:
    """Run one step on a page, turning every failure into an :class:`HtmlReject` with a reason."""
    try:
        return step()
    except HtmlReject:
        raise
    except DecodeError as exc:
        raise HtmlReject(str(exc)) from exc
    except OSError as exc:
        raise HtmlReject(f"unreadable file: {exc.strerror or exc}") from exc
    except RecursionError as exc:
        raise HtmlReject("deeply nested HTML: recursion limit reached while extracting") from exc
    except MemoryError as exc:
        raise HtmlReject("huge HTML page: out of memory while extracting") from exc
    except Exception as exc:  # trafilatura/lxml on hostile markup: a reason, never a crash
        logger.debug("extraction failed on %s", path, exc_info=True)
        raise HtmlReject(f"extraction failed: {type(exc).__name__}: {exc}") from exc


def _finish(page: _Prepared, settings: HtmlSettings, repeated: frozenset[str]) -> ExtractResult:
    result = _guard(
        page.path,
        lambda: clean_page(
            page.blocks,
            source_path=page.path,
            settings=settings.clean,
            repeated=repeated,
            find_title=False,
            **page.facts,
        ),
    )
    reason = _body_reject(result, settings)
    if reason is not None:
        raise HtmlReject(reason)
    return result


def _body_reject(result: ExtractResult, settings: HtmlSettings) -> str | None:
    n_words = word_count(result.text)
    if n_words < settings.min_body_words or not any(
        is_paragraph(p) for p in result.text.split("\n\n")
    ):
        return (
            f"no article text: {n_words} words left after clean-up "
            f"(minimum {settings.min_body_words}; {len(result.removed)} blocks removed)"
        )
    return None


def extract_html(
    path: str | Path,
    *,
    outlet: str | None = None,
    settings: HtmlSettings | None = None,
    url: str | None = None,
) -> ExtractResult:
    """Extract and clean the article of one saved HTML page.

    Parameters
    ----------
    path
        The ``.html`` file.
    outlet
        The outlet, when known (else the page's site name, dateline or photo credit).
    settings
        Loader settings (``None``: defaults).
    url
        The page's URL when known (trafilatura otherwise reads the canonical link).

    Returns
    -------
    ExtractResult

    Raises
    ------
    ValueError
        With a specific reason when the file is not a usable page.
    """
    settings = settings or HtmlSettings()
    page = _guard(str(path), lambda: _prepare(str(path), settings, outlet, url))
    return _finish(page, settings, frozenset())


def load_html(
    paths: Iterable[str | Path],
    *,
    settings: HtmlSettings = HtmlSettings(),
    outlet: str | None = None,
) -> Iterator[LoadResult]:
    """Load saved HTML news pages.

    All pages of a call are extracted first; blocks that pages of different articles of one site
    (same host name in the page's metadata, else same folder) share are removed as the site's
    template, as for page-text dumps.

    Parameters
    ----------
    paths
        The ``.html`` files.
    settings
        Loader settings.
    outlet
        The outlet of every page (else each page's site name).

    Yields
    ------
    Article or Reject
        One per path, in input order; a bad page gives a
        :class:`~secnews.corpus.record.Reject` with a specific reason and never stops the others.
    """
    prepared: list[_Prepared | Reject] = []
    for path in tqdm(list(paths), desc="extracting HTML", unit="page", disable=None):
        try:
            prepared.append(
                _guard(str(path), functools.partial(_prepare, str(path), settings, outlet, None))
            )
        except HtmlReject as exc:
            prepared.append(Reject(source_path=str(path), reason=str(exc)))
    sites: dict[str, list[list[str]]] = {}
    for page in prepared:
        if isinstance(page, _Prepared):
            sites.setdefault(page.site(), []).append([b.text for b in page.blocks])
    repeated = {
        site: repeated_lines(pages, settings=settings.clean) if len(pages) > 1 else frozenset()
        for site, pages in sites.items()
    }
    for page in prepared:
        if isinstance(page, Reject):
            yield page
            continue
        try:
            yield to_article(_finish(page, settings, repeated[page.site()]), loader=LOADER)
        except HtmlReject as exc:
            yield Reject(source_path=page.path, reason=str(exc))
