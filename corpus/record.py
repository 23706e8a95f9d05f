"""The one record every loader yields, and the reject that explains what was left out."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "ARTICLE_COLUMNS",
    "Article",
    "LoadResult",
    "Reject",
    "article_from_fields",
    "iter_articles",
    "make_doc_id",
    "meta_from",
]

#: Column order of the record in ``articles.parquet`` (the store adds its own columns after these).
ARTICLE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "outlet",
    "url",
    "title",
    "lede",
    "text",
    "published",
    "dateline_place",
    "author",
    "language",
    "source_path",
    "loader",
    "meta",
)

_SPACE = re.compile(r"\s+")


def make_doc_id(*, outlet: str | None, url: str | None, text: str) -> str:
    """Return a stable document id.

    Parameters
    ----------
    outlet, url
        When a URL is known the id is derived from ``outlet`` and the URL, so that re-scraping the
        same page gives the same id even when its text changed.
    text
        Used (after folding case and white space) when there is no URL.

    Returns
    -------
    str
        20 hexadecimal characters of a SHA-256 digest.
    """
    if url:
        key = f"url\x1f{(outlet or '').strip().casefold()}\x1f{url.strip()}"
    else:
        key = "text\x1f" + _SPACE.sub(" ", text).strip().casefold()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@dataclass(slots=True)
class Article:
    """One news document, the shared output of every loader.

    ``text`` holds the body paragraphs separated by one blank line. ``published`` is a
    timezone-aware UTC datetime, or ``None`` when the source gives no parseable date (never a
    guess). ``meta`` holds what a source adds beyond the record (country, session, keyword, ...).
    """

    doc_id: str
    text: str
    source_path: str
    loader: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    lede: str | None = None
    published: datetime | None = None
    dateline_place: str | None = None
    author: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.published is not None and (
            self.published.tzinfo is None or self.published.utcoffset() is None
        ):
            raise ValueError(f"published must be timezone-aware UTC, got {self.published!r}")

    def to_row(self) -> dict[str, Any]:
        """Return the record as a flat dict in :data:`ARTICLE_COLUMNS` order (``meta`` as JSON)."""
        data = asdict(self)
        row = {name: data[name] for name in ARTICLE_COLUMNS}
        row["meta"] = json.dumps(self.meta, ensure_ascii=False, sort_keys=True, default=str)
        return row


@dataclass(frozen=True, slots=True)
class Reject:
    """A file or row a loader could not turn into an :class:`Article`, with a specific reason.

    ``row`` is the 1-based data row (or record index) inside a tabular file, ``None`` for a whole
    file.
    """

    source_path: str
    reason: str
    row: int | None = None


#: What a loader yields: good documents and the rejects beside them, in input order.
LoadResult = Article | Reject


def iter_articles(results: Iterator[LoadResult] | list[LoadResult]) -> Iterator[Article]:
    """Yield only the :class:`Article` items of a loader's output."""
    for item in results:
        if isinstance(item, Article):
            yield item


def meta_from(mapping: Mapping[str, Any], keys: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Return the entries of ``mapping`` named in ``keys`` that are present and not empty."""
    out: dict[str, Any] = {}
    for key in keys:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[key] = value
    return out


def article_from_fields(
    values: Mapping[str, Any],
    *,
    text: str,
    source_path: str,
    loader: str,
    outlet: str | None,
    published: datetime | None,
    meta: dict[str, Any],
    **fields: Any,
) -> Article:
    """The :class:`Article` of a record whose fields were mapped by name (a table row, an XML
    record): ``title``, ``lede``, ``url``, ``author``, ``language``, ``dateline_place`` and
    ``outlet`` come from ``values`` unless given in ``fields``; the id from outlet, URL and text.
    """
    record_outlet = outlet or values.get("outlet")
    url = values.get("url")
    named = {
        name: values.get(name) for name in ("title", "lede", "dateline_place", "author", "language")
    }
    named.update(fields)
    return Article(
        doc_id=make_doc_id(outlet=record_outlet, url=url, text=text),
        text=text,
        source_path=source_path,
        loader=loader,
        outlet=record_outlet,
        url=url,
        published=published,
        meta=meta,
        **named,
    )
