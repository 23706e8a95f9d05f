"""Loading XML and SGML record files: news archives made of records with fields.

Many archives come as one file of many *records*, each an element whose child elements are the
fields: Reuters-21578 (``<REUTERS>`` with ``<DATE>``, ``<TITLE>``, ``<DATELINE>``, ``<BODY>``,
``<TOPICS><D>..</D></TOPICS>``), NITF and NewsML exports, library and vendor XML dumps.
:func:`load_records` reads them with a *record* element name and a *field map* in the CLI form of
:func:`~secnews.corpus.loaders.tabular.parse_mapping`, whose "columns" are element paths::

    title=TITLE,text=BODY,published=DATE,dateline_place=DATELINE,meta=TOPICS,PLACES,ORGS,PEOPLE

**Paths.** ``NAME`` is the first element called ``NAME`` anywhere inside the record (names match
the local name, whatever the namespace; case-sensitive), ``A/B`` a ``B`` child of such an ``A``,
``@NAME`` an attribute of the record element itself. Every attribute of the record element is also
kept in ``meta["attributes"]`` (Reuters' ``LEWISSPLIT``, ``CGISPLIT``, ``NEWID``, ...).

**Field values.** Inline fields (title, author, ...) are the element's text with white space
collapsed. The ``text`` (and ``lede``) field is split into paragraphs: by the ``p``/``para``
children when the element has some, else by :attr:`RecordSettings.paragraphs` (``auto``: blank
lines when there are any, else indented lines -- the newswire convention, where a paragraph starts
with an indented line and the other line breaks are soft wraps -- else one paragraph per line).
Trailing sign-off lines (:attr:`RecordSettings.signoffs`, e.g. Reuters' ``Reuter``) are dropped.
A ``meta`` element with child elements becomes a **list** of the children's texts (Reuters'
``<PLACES><D>el-salvador</D><D>usa</D></PLACES>`` -> ``["el-salvador", "usa"]``; an empty
element an empty list); without child elements it is its text. Dates are parsed by
:func:`~secnews.corpus.clean.dates.parse_date` (``26-FEB-1987 15:01:01.79``); an unparseable one
keeps its raw value in ``meta["date_raw"]``, an implausible one rejects the record. The
``dateline_place`` field is parsed as a dateline (``SALVADOR, Feb 26 -`` -> place ``SALVADOR``;
the whole dateline stays in ``meta["dateline"]``).

**Safety and SGML.** The file is decoded (the XML declaration's encoding, else UTF-8, else the
guess of :func:`~secnews.corpus.loaders.decode.decode_bytes`, else
:attr:`RecordSettings.fallback_encoding`) and made well-formed before parsing: the XML declaration
and any ``DOCTYPE`` are removed, so **a DTD is never read or fetched**; a ``DOCTYPE`` whose internal
subset declares entities rejects the whole file (``entity declarations refused``, the
``forbid_entities`` rule of defusedxml: no entity is ever expanded, so "billion laughs" and
external entities cannot act); character references to control characters (``&#3;``, which XML
forbids) and raw control characters become spaces; HTML named entities (``&eacute;``) become their
characters from Python's fixed HTML5 table, unknown ones and bare ``&`` stay literal text; the file
is wrapped in one root element so that SGML's many top-level records parse. The parser itself is
lxml with ``resolve_entities=False``, ``no_network=True``, ``load_dtd=False`` and ``huge_tree=False``.

**Bad data never raises.** Each record gives one :class:`~secnews.corpus.record.Article` or one
:class:`~secnews.corpus.record.Reject` with its 1-based record number: ``no text (field 'BODY'
is missing)`` or ``... is empty``, a field larger than :attr:`RecordSettings.max_field_chars`
(the cell cap of the table loader), an implausible date. A file that cannot be read gives one
reject without a record number; a file that turns out malformed part-way keeps the records before
and ends with ``malformed XML after record N: ...``.
"""

from __future__ import annotations

import html.entities
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secnews.corpus.clean.datelines import parse_dateline
from secnews.corpus.clean.dates import DEFAULT_MAX_YEAR, DEFAULT_MIN_YEAR, is_plausible, parse_date
from secnews.corpus.clean.normalize import join_paragraphs, normalize_inline, normalize_text
from secnews.corpus.loaders.decode import DecodeError, decode_bytes
from secnews.corpus.loaders.tabular import ColumnMapping, LoadStats, parse_mapping
from secnews.corpus.record import Article, LoadResult, Reject, article_from_fields

__all__ = [
    "RecordSettings",
    "load_records",
    "parse_dateline_field",
    "to_well_formed",
]

logger = logging.getLogger(__name__)

_PARAGRAPH_MODES = ("auto", "blank", "indent", "newline")
_NAME = re.compile(r"@?[A-Za-z_][\w.-]*")
_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.IGNORECASE)
_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOCTYPE = re.compile(
    r"<!DOCTYPE\b(?:[^\[>]*)(?:\[(?P<subset>.*?)\]\s*)?>", re.DOTALL | re.IGNORECASE
)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_REFERENCE = re.compile(r"&(?:#([0-9]{1,10});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][\w.-]{0,31});)?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_XML_NAMED = frozenset({"lt", "gt", "amp", "quot", "apos"})
_HTML5 = html.entities.html5
_ROOT = "secnews-records"
_BLOCKS = frozenset({"p", "para", "P", "PARA"})
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FIELD_DATE = re.compile(rf"[, ]*\b(?P<date>{_MONTH} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {_MONTH})$")
_CHUNK = 1 << 16
#: lxml parser options: no entity resolution, no network, no DTD, no huge trees.
_SAFE_PARSER: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
#: Trailing words a date field may carry after the date.
_MAX_DATE_JUNK = 8


@dataclass(frozen=True)
class RecordSettings:
    """Settings of :func:`load_records` (written into the build manifest).

    Parameters
    ----------
    record
        Name of the record element (``REUTERS``); ``None`` takes the record element from the
        source (``--record``), which must then give one.
    paragraphs
        ``auto``, ``blank``, ``indent`` or ``newline`` (see the module docstring).
    signoffs
        Lines dropped from the end of the text (newswire sign-offs).
    dayfirst, min_year, max_year
        Date parsing and the plausible years of a publication date (outside: rejected).
    max_field_chars
        A record with a longer field is rejected (as the table loader caps cells).
    max_file_bytes
        Larger files are rejected unread.
    min_text_chars
        Records whose normalized text is shorter are rejected (``no text``).
    fallback_encoding
        Encoding of a file without XML declaration that is neither UTF-8 nor recognised
        (SGML archives of the 1980s-90s are Latin-1; ``cp1252`` reads Latin-1 text too).
    """

    record: str | None = None
    paragraphs: str = "auto"
    signoffs: tuple[str, ...] = ("Reuter", "REUTER")
    dayfirst: bool = False
    min_year: int = DEFAULT_MIN_YEAR
    max_year: int = DEFAULT_MAX_YEAR
    max_field_chars: int = 10_000_000
    max_file_bytes: int = 1_000_000_000
    min_text_chars: int = 1
    fallback_encoding: str = "cp1252"

    def __post_init__(self) -> None:
        if self.record is not None and not _NAME.fullmatch(self.record):
            raise ValueError(f"record element {self.record!r} is not an element name")
        if self.paragraphs not in _PARAGRAPH_MODES:
            raise ValueError(
                f"paragraphs must be one of {', '.join(_PARAGRAPH_MODES)}, got {self.paragraphs!r}"
            )
        if self.max_field_chars < 1 or self.max_file_bytes < 1 or self.min_text_chars < 0:
            raise ValueError("max_field_chars and max_file_bytes must be positive")
        if self.min_year > self.max_year:
            raise ValueError("min_year must not exceed max_year")
        "".encode(self.fallback_encoding)  # LookupError for an unknown encoding


class _Refused(ValueError):
    """A file the loader refuses to parse (entity declarations)."""


# -- making SGML/XML text well-formed ---------------------------------------------------------------
def _allowed(code: int) -> bool:
    if code in (0x9, 0xA, 0xD):
        return True
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return False
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return False
    return code <= 0x10FFFF


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _reference(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if decimal is not None or hexadecimal is not None:
        code = int(decimal) if decimal is not None else int(hexadecimal, 16)
        return match.group(0) if _allowed(code) else " "
    if name is None:
        return "&amp;"  # a bare ampersand
    if name in _XML_NAMED:
        return match.group(0)
    value = _HTML5.get(name + ";")
    if value is None:
        return "&amp;" + name + ";"  # unknown entity: kept as literal text, never expanded
    return _escape(value)


def to_well_formed(text: str) -> str:
    """Turn the decoded text of an XML or SGML record file into well-formed XML content.

    Parameters
    ----------
    text
        The decoded file.

    Returns
    -------
    str
        The content without XML declaration and DOCTYPE, with control characters (raw or as
        character references) replaced by spaces, HTML named entities replaced by their
        characters, unknown entities and bare ``&`` escaped, wrapped in one root element.

    Raises
    ------
    ValueError
        When a DOCTYPE declares entities (they are never expanded; the file is refused).
    """
    text = _XML_DECL.sub("", text, count=1)
    for match in _DOCTYPE.finditer(text):
        if _ENTITY_DECL.search(match.group("subset") or ""):
            raise _Refused(
                "entity declarations refused (the DOCTYPE declares entities; they are never "
                "expanded, to rule out entity-expansion and external-entity attacks)"
            )
    if _ENTITY_DECL.search(text):
        raise _Refused("entity declarations refused (<!ENTITY outside a DOCTYPE)")
    text = _DOCTYPE.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _REFERENCE.sub(_reference, text)
    return f"<{_ROOT}>{text}</{_ROOT}>"


def _decode(data: bytes, settings: RecordSettings) -> str:
    declared = _ENCODING.match(data[:512])
    if declared is not None:
        name = declared.group(1).decode("ascii")
        try:
            return data.decode(name).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError) as exc:
            raise DecodeError(f"undecodable: declared encoding {name!r} fails ({exc})") from exc
    try:
        return decode_bytes(data)[0]
    except DecodeError as exc:
        if not str(exc).startswith("undecodable"):
            raise
        return data.decode(settings.fallback_encoding, errors="replace")


# -- fields -----------------------------------------------------------------------------------------
def _xpath(path: str) -> str:
    parts = path.split("/")
    if not all(_NAME.fullmatch(p) and not p.startswith("@") for p in parts):
        raise ValueError(f"field path {path!r} must be NAME, A/B or @ATTRIBUTE")
    steps = [f"*[local-name()='{p}']" for p in parts]
    return ".//" + "/".join(steps)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class _Field:
    path: str
    attribute: str | None
    xpath: Any  # a compiled lxml XPath, or None for an attribute


def _compile(path: str) -> _Field:
    from lxml import etree

    if path.startswith("@"):
        if not _NAME.fullmatch(path):
            raise ValueError(f"field path {path!r} is not an attribute name")
        return _Field(path, path[1:], None)
    return _Field(path, None, etree.XPath(_xpath(path)))


class _TooLarge(ValueError):
    pass


def _raw(element: Any, limit: int, name: str) -> str:
    out: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit:
            raise _TooLarge(f"field {name!r} larger than the limit ({limit:,} characters)")
        out.append(piece)
    return "".join(out)


def _paragraph_mode(raw: str, mode: str) -> str:
    if mode != "auto":
        return mode
    lines = [line for line in raw.split("\n")]
    if any(not line.strip() for line in lines[1:-1]) and len([x for x in lines if x.strip()]) > 1:
        return "blank"
    if any(line[:1] in (" ", "\t") and line.strip() for line in lines[1:]):
        return "indent"
    return "newline"


def _drop_signoffs(lines: list[str], signoffs: tuple[str, ...]) -> list[str]:
    while lines and (not lines[-1].strip() or lines[-1].strip() in signoffs):
        lines.pop()
    return lines


def _paragraphs(raw: str, settings: RecordSettings) -> str:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = _drop_signoffs(raw.split("\n"), settings.signoffs)
    mode = _paragraph_mode("\n".join(lines), settings.paragraphs)
    groups: list[list[str]] = [[]]
    for line in lines:
        blank = not line.strip()
        indented = mode == "indent" and line[:1] in (" ", "\t")
        if mode == "newline" or (blank and mode in ("blank", "indent")) or indented:
            groups.append([])
        if not blank:
            groups[-1].append(line.strip())
    parts = [normalize_inline(" ".join(g)) for g in groups if g]
    return normalize_text(join_paragraphs(parts))


def _text_value(element: Any, settings: RecordSettings, name: str) -> str:
    blocks = [child for child in element if _local(child.tag) in _BLOCKS]
    if blocks:
        parts = [normalize_inline(_raw(b, settings.max_field_chars, name)) for b in blocks]
        return normalize_text(join_paragraphs(parts))
    return _paragraphs(_raw(element, settings.max_field_chars, name), settings)


def _meta_value(element: Any, settings: RecordSettings, name: str) -> Any:
    children = [child for child in element if isinstance(child.tag, str)]
    if children:
        values = [normalize_inline(_raw(c, settings.max_field_chars, name)) for c in children]
        return [v for v in values if v]
    value = normalize_inline(_raw(element, settings.max_field_chars, name))
    return value if value else []


def parse_dateline_field(value: str) -> tuple[str | None, str | None]:
    """Place and date of a dateline given as a field of its own.

    Parameters
    ----------
    value
        The field, e.g. ``"    SALVADOR, Feb 26 - "`` or ``"PORTLAND, Ore., Feb 26 -"``.

    Returns
    -------
    tuple of (str or None, str or None)
        The place (``"SALVADOR"``; the part before the first comma) and the date as written
        (``"Feb 26"``), each ``None`` when absent.
    """
    text = normalize_inline(value)
    found = parse_dateline(text + " X x x x x x") if text else None
    if found is not None and found.place:
        return found.place, found.date_text
    head = text.split(" - ", 1)[0].rstrip(" -:")
    if not head:
        return None, None
    date_text = None
    match = _FIELD_DATE.search(head)
    if match is not None:
        date_text = match.group("date")
        head = head[: match.start()].rstrip(" ,")
    place = head.split(",", 1)[0].strip() or None
    return place, date_text


def _parse_date(raw: str, settings: RecordSettings) -> tuple[Any, bool]:
    """The date of a field, and whether it was read whole: when the whole value does not parse,
    trailing words are dropped one at a time (at most :data:`_MAX_DATE_JUNK`), for wire dates with
    a trailing note (``27-MAR-1987 00:02:59.13 RM``)."""
    words = raw.split()
    for drop in range(min(_MAX_DATE_JUNK, len(words) - 1) + 1):
        value = parse_date(" ".join(words[: len(words) - drop]), dayfirst=settings.dayfirst)
        if value is not None:
            return value, drop == 0
    return None, False


# -- records ----------------------------------------------------------------------------------------
def _make_article(
    record: Any,
    number: int,
    *,
    path: str,
    fields: dict[str, _Field],
    meta_fields: dict[str, _Field],
    outlet: str | None,
    settings: RecordSettings,
) -> Article | Reject:
    def first(spec: _Field) -> Any:
        if spec.attribute is not None:
            return record.get(spec.attribute)
        found = spec.xpath(record)
        return found[0] if found else None

    text_spec = fields["text"]
    node = first(text_spec)
    if node is None:
        return Reject(path, f"no text (field {text_spec.path!r} is missing)", row=number)
    try:
        if isinstance(node, str):
            text = _paragraphs(node, settings)
        else:
            text = _text_value(node, settings, text_spec.path)
        if len(text) < settings.min_text_chars or not text:
            return Reject(path, f"no text (field {text_spec.path!r} is empty)", row=number)
        values: dict[str, str | None] = {}
        for name, spec in fields.items():
            if name == "text":
                continue
            found = first(spec)
            if found is None:
                values[name] = None
            elif isinstance(found, str):
                values[name] = normalize_inline(found) or None
            elif name == "lede":
                values[name] = _text_value(found, settings, spec.path).replace("\n\n", " ") or None
            else:
                values[name] = normalize_inline(_raw(found, settings.max_field_chars, spec.path))
                values[name] = values[name] or None
        meta: dict[str, Any] = {}
        for key, spec in meta_fields.items():
            if spec.attribute is not None:
                value = record.get(spec.attribute)
                if value is not None:
                    meta[key] = normalize_inline(value)
                continue
            found = spec.xpath(record)
            if not found:
                continue
            items = [_meta_value(f, settings, spec.path) for f in found]
            meta[key] = items[0] if len(items) == 1 else items
    except _TooLarge as exc:
        return Reject(path, str(exc), row=number)
    attributes = {str(k): normalize_inline(str(v)) for k, v in record.attrib.items()}
    if attributes:
        meta["attributes"] = attributes
    published = None
    raw_date = values.get("published")
    if raw_date:
        published, exact = _parse_date(raw_date, settings)
        if not exact:
            meta["date_raw"] = raw_date
        elif not is_plausible(published, min_year=settings.min_year, max_year=settings.max_year):
            return Reject(
                path,
                f"implausible date {raw_date!r} (year {published.year} outside "
                f"{settings.min_year}..{settings.max_year})",
                row=number,
            )
    place = None
    raw_dateline = values.get("dateline_place")
    if raw_dateline:
        meta["dateline"] = raw_dateline
        place, _ = parse_dateline_field(raw_dateline)
    return article_from_fields(
        values,
        text=text,
        source_path=path,
        loader="xml",
        outlet=outlet,
        published=published,
        meta=meta,
        dateline_place=place,
    )


def _specs(mapping: ColumnMapping) -> tuple[dict[str, _Field], dict[str, _Field]]:
    if mapping.meta_all:
        raise ValueError("meta=* is not supported for record files; name the meta elements")
    columns = mapping.columns()
    if "text" not in columns:
        raise ValueError("the field map of a record file needs text=ELEMENT")
    fields = {name: _compile(column) for name, column in columns.items()}
    meta = {column.lstrip("@"): _compile(column) for column in mapping.meta}
    return fields, meta


def _record_item(element: Any, number: int, **kwargs: Any) -> LoadResult:
    """The article of one record element, or a reject that says why it could not be read."""
    try:
        return _make_article(element, number, **kwargs)
    except Exception as exc:  # one bad record must never take the file down
        logger.warning("%s record %d: %r", kwargs["path"], number, exc)
        reason = f"record could not be read: {type(exc).__name__}: {exc}"
        return Reject(kwargs["path"], reason, row=number)


def _recover(
    content: str, record: str, done: int, error: str, **kwargs: Any
) -> Iterator[LoadResult]:
    """After a syntax error, read the remaining records one by one: a broken record is rejected
    alone (with the parser's reason) and the good records after it are kept."""
    from lxml import etree

    pattern = re.compile(rf"<{re.escape(record)}\b[^>]*>.*?</{re.escape(record)}\s*>", re.S)
    chunks = [m.group(0) for m in pattern.finditer(content)][done:]
    if not chunks:
        yield Reject(kwargs["path"], f"malformed XML after record {done}: {error}")
        return
    parser = etree.XMLParser(**_SAFE_PARSER)
    for number, chunk in enumerate(chunks, start=done + 1):
        try:
            element = etree.fromstring(chunk, parser)
        except etree.XMLSyntaxError as exc:
            reason = " ".join(str(exc).split())
            yield Reject(kwargs["path"], f"malformed XML in record {number}: {reason}", row=number)
            continue
        yield _record_item(element, number, **kwargs)


def load_records(
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | str,
    record: str | None = None,
    outlet: str | None = None,
    settings: RecordSettings = RecordSettings(),
    stats: LoadStats | None = None,
) -> Iterator[LoadResult]:
    """Load the records of an XML or SGML file as articles.

    Parameters
    ----------
    path
        The file.
    mapping
        Field map (``title=TITLE,text=BODY,...``, see the module docstring), as a string or a
        parsed :class:`~secnews.corpus.loaders.tabular.ColumnMapping`; ``text`` is required.
    record
        Name of the record element (default :attr:`RecordSettings.record`).
    outlet
        Outlet of every record (``None``: from a mapped ``outlet`` field).
    settings
        Loader settings.
    stats
        Filled in while loading (records in, kept, rejected, unparsed dates).

    Yields
    ------
    Article or Reject
        One item per record in file order, or one file-level reject (``row=None``).

    Raises
    ------
    ValueError
        For a missing record name or a bad field map (checked before any work).
    """
    from lxml import etree

    record = record or settings.record
    if not record or not _NAME.fullmatch(record) or record.startswith("@"):
        raise ValueError(f"a record file needs a record element name (--record), got {record!r}")
    if isinstance(mapping, str):
        mapping = parse_mapping(mapping)
    fields, meta_fields = _specs(mapping)
    stats = stats if stats is not None else LoadStats()
    source = os.fspath(path)

    def emit(item: LoadResult) -> LoadResult:
        stats.count(item)
        return item

    try:
        size = Path(source).stat().st_size
        if size > settings.max_file_bytes:
            yield emit(
                Reject(source, f"file too large ({size:,} bytes > {settings.max_file_bytes:,})")
            )
            return
        content = to_well_formed(_decode(Path(source).read_bytes(), settings))
    except (DecodeError, _Refused) as exc:
        yield emit(Reject(source, str(exc)))
        return
    except OSError as exc:
        yield emit(Reject(source, f"unreadable file: {exc.strerror or exc}"))
        return
    kwargs: dict[str, Any] = {
        "path": source,
        "fields": fields,
        "meta_fields": meta_fields,
        "outlet": outlet,
        "settings": settings,
    }
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE_PARSER)
    number = 0
    depth = 0
    error: str | None = None
    position = 0
    while error is None and position <= len(content):
        try:
            if position < len(content):
                parser.feed(content[position : position + _CHUNK])
            else:
                parser.close()
        except etree.XMLSyntaxError as exc:
            error = " ".join(str(exc).split())
        position += _CHUNK if position < len(content) else 1
        for event, element in parser.read_events():  # events before an error still count
            if _local(element.tag) != record:
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth:
                continue  # a record inside a record belongs to the outer one
            number += 1
            yield emit(_record_item(element, number, **kwargs))
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    if error is not None:
        yield from (emit(item) for item in _recover(content, record, number, error, **kwargs))
        return
    if number == 0:
        yield emit(Reject(source, f"no <{record}> records"))
