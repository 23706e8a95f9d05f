"""News datelines at the start of a paragraph: where (and sometimes when and who) a story is from.

Recognised forms (on text normalized by :func:`~secnews.corpus.clean.normalize.normalize_text`, where
every dash is ``-``; raw text with em or en dashes is normalized first):

* agency form, place in capitals, optional region and date, outlet in brackets, then a dash or
  colon: ``MOSCOW (Sputnik) -``, ``WASHINGTON (AP) -``, ``KYIV, Feb 24 (Reuters) -``,
  ``KYIV, Ukraine (AP) -``, ``(Reuters) -`` (no place);
* TASS form: ``IGORA /Leningrad Region/, December 26. /TASS/.``;
* bare place and dash: ``KYIV -`` (capitals) or ``Geneva -`` (a capitalised place of at most
  three words followed by a sentence starting with a capital or a quote).

A dateline date rarely has a year ("December 26"). It is kept verbatim in :attr:`Dateline.date_text`
and :attr:`Dateline.published` stays ``None``; only a date with day, month and year ("Feb 24,
2022") becomes a UTC datetime at midnight of that day (a date without a year is never completed by
guessing one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from secnews.corpus.clean.normalize import normalize_inline

__all__ = ["Dateline", "parse_dateline", "strip_dateline"]

_MONTHS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?)"
_CAPS_WORD = r"[A-Z][A-Z'.-]*[A-Z.]"
_PLACE_CAPS = rf"{_CAPS_WORD}(?: {_CAPS_WORD}){{0,3}}"
_TITLE_WORD = r"[A-Z][a-z'.-]+"
_REGION = rf"{_TITLE_WORD}(?: {_TITLE_WORD}){{0,3}}"
_OUTLET = r"[A-Z][A-Za-z0-9&'. -]{0,30}[A-Za-z.]|[A-Z]"

_AGENCY = re.compile(
    rf"^(?:(?P<place>{_PLACE_CAPS})"
    rf"(?:, (?P<date>{_DATE}))?(?:, (?P<region>{_REGION}))?(?:, (?P<date2>{_DATE}))? )?"
    rf"\((?P<outlet>{_OUTLET})\) ?[-:] +"
)
_TASS = re.compile(
    rf"^(?P<place>{_PLACE_CAPS})(?: /(?P<region>[^/]{{1,60}})/)?, (?P<date>{_DATE})\.? "
    rf"/(?P<outlet>[A-Za-z][A-Za-z-]{{1,20}})/\.? *"
)
_BARE_CAPS = re.compile(
    rf"^(?P<place>{_PLACE_CAPS})(?:, (?P<region>{_REGION}))?(?:, (?P<date>{_DATE}))? - +(?=[A-Z\"'])"
)
_BARE_TITLE = re.compile(rf"^(?P<place>{_TITLE_WORD}(?: {_TITLE_WORD}){{0,2}}) - +(?=[A-Z\"'])")
_DATE_PARTS = re.compile(
    rf"^(?:(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}})(?:, (?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}}) (?P<m2>{_MONTH})(?: (?P<y2>\d{{4}}))?)$"
)
#: Capitalised words that start sentences ("Officials - ...") rather than name places.
_NOT_PLACES = frozenset(
    {
        "The",
        "This",
        "That",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "But",
        "And",
        "Also",
        "So",
        "Update",
        "President",
        "Prime",
        "Minister",
        "Secretary",
        "General",
        "Senator",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Chancellor",
        "King",
        "Queen",
        "Pope",
        "Foreign",
        "Defence",
        "Defense",
    }
)
#: A bare "Place -" dateline must be followed by at least this many words.
_MIN_BODY_WORDS = 5


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found at the start of a paragraph.

    Attributes
    ----------
    place
        The place as written (``"MOSCOW"``, ``"Geneva"``), or ``None`` for ``(Reuters) -``.
    region
        ``"Leningrad Region"`` in ``IGORA /Leningrad Region/``, ``"Ukraine"`` in ``KYIV, Ukraine``.
    date_text
        The date as written (``"December 26"``), or ``None``.
    outlet
        The outlet named in the dateline (``"Sputnik"``, ``"TASS"``, ``"Reuters"``), or ``None``.
    published
        Midnight UTC of the date when it has a year, else ``None`` (never a guessed year).
    prefix
        The dateline text itself, as it appears in the (normalized) paragraph.
    """

    place: str | None
    region: str | None
    date_text: str | None
    outlet: str | None
    published: datetime | None
    prefix: str

    def to_meta(self) -> dict[str, str]:
        """The parts worth keeping in an article's ``meta`` (non-empty ones only)."""
        meta = {
            "dateline": self.prefix.strip(),
            "dateline_region": self.region,
            "dateline_date": self.date_text,
            "dateline_outlet": self.outlet,
        }
        return {key: value for key, value in meta.items() if value}


def _full_date(text: str | None) -> datetime | None:
    if not text:
        return None
    match = _DATE_PARTS.match(text)
    if match is None:
        return None
    year = match["y1"] or match["y2"]
    if year is None:
        return None
    month = _MONTHS[(match["m1"] or match["m2"])[:3].lower()]
    day = int(match["d1"] or match["d2"])
    try:
        return datetime(int(year), month, day, tzinfo=UTC)
    except ValueError:
        return None


def _build(match: re.Match[str], *, date_group: str = "date") -> Dateline:
    groups = match.groupdict()
    date_text = groups.get(date_group) or groups.get("date2")
    return Dateline(
        place=groups.get("place"),
        region=(groups.get("region") or "").strip() or None,
        date_text=date_text,
        outlet=(groups.get("outlet") or "").strip() or None,
        published=_full_date(date_text),
        prefix=match.group(0),
    )


def parse_dateline(paragraph: str) -> Dateline | None:
    """Find a dateline at the start of ``paragraph``.

    Parameters
    ----------
    paragraph
        One paragraph (raw or normalized; it is normalized with
        :func:`~secnews.corpus.clean.normalize.normalize_inline` first).

    Returns
    -------
    Dateline or None
        ``None`` when the paragraph does not start with one of the recognised forms.
    """
    text = normalize_inline(paragraph[:400])
    for pattern in (_TASS, _AGENCY, _BARE_CAPS):
        match = pattern.match(text)
        if match is not None and len(text) > match.end():
            return _build(match)
    match = _BARE_TITLE.match(text)
    if (
        match is not None
        and not _NOT_PLACES.intersection(word.rstrip(".") for word in match["place"].split())
        and len(text[match.end() :].split()) >= _MIN_BODY_WORDS
    ):
        return _build(match)
    return None


def strip_dateline(paragraph: str) -> str:
    """Return ``paragraph`` (normalized) without its dateline prefix, if it has one."""
    text = normalize_inline(paragraph)
    dateline = parse_dateline(text)
    return text[len(dateline.prefix) :] if dateline is not None else text
