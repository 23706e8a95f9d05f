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

Capitals are mapped to their state (Moscow -> ``country:RUS``) because security-policy news uses
them for governments ("Moscow has offered ..."); a dateline "MOSCOW (Sputnik)" therefore also
counts as Russia. Edit ``country_aliases.csv`` to change that. "Brussels" is mapped to the
European Union (``actors.csv``).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

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
ALIAS_COLUMNS: tuple[str, ...] = ("entity_id", "label", "type", "alias", "match")
#: Entity types of the gazetteer (``ignore`` rows block an alias and are never reported).
ENTITY_TYPES: frozenset[str] = frozenset(
    {"country", "organization", "media", "person", "place", "ignore"}
)
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
    """

    alias_files: tuple[str, ...] = ()
    include_countries: bool = True
    upper_variants: bool = True
    min_upper_length: int = 4
    plural_demonyms: bool = True


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
            rows.append(_row(f"country:{code}", label, alias, kind, priority))
    return pd.DataFrame(rows, columns=[*ALIAS_COLUMNS, "kind", "priority"])


def _row(entity_id: str, label: str, alias: str, kind: str, priority: int) -> dict[str, object]:
    return {
        "entity_id": entity_id,
        "label": label,
        "type": "country",
        "alias": alias,
        "match": "exact",
        "kind": kind,
        "priority": priority,
    }


def _variants(table: pd.DataFrame, settings: GazetteerSettings) -> pd.DataFrame:
    extra: list[dict[str, Any]] = []
    for record in table.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        alias, priority = str(row["alias"]), int(row["priority"])
        if row["type"] == "ignore":
            continue
        if settings.plural_demonyms and row["kind"] == "demonym" and alias[-1:] in ("n", "i"):
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
                self.aliases["alias"], self.aliases["entity_id"], self.aliases["match"], strict=True
            ):
                built.setdefault(alias, []).append((eid, match))
            cached = {k: tuple(v) for k, v in built.items()}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def label_of(self, entity_id: str) -> tuple[str, str]:
        """Return ``(label, type)`` of a gazetteer entity."""
        cached = self.__dict__.get("_labels_cache")
        if cached is None:
            cached = {
                e: (lab, t)
                for e, lab, t in zip(
                    self.entities["entity_id"],
                    self.entities["label"],
                    self.entities["type"],
                    strict=True,
                )
            }
            object.__setattr__(self, "_labels_cache", cached)
        return cached[entity_id]


def build_gazetteer(settings: GazetteerSettings | None = None) -> Gazetteer:
    """Build the gazetteer from pycountry and the data files.

    Parameters
    ----------
    settings
        See :class:`GazetteerSettings` (defaults when ``None``).

    Returns
    -------
    Gazetteer
    """
    settings = settings or GazetteerSettings()
    tables = [read_alias_table(p, priority=-1 - i) for i, p in enumerate(settings.alias_files)]
    tables.append(read_alias_table(_data_file("actors.csv"), priority=0))
    if settings.include_countries:
        tables.append(country_alias_table(priority=1))
    base = pd.concat(tables, ignore_index=True)
    table = pd.concat([base, _variants(base, settings)], ignore_index=True)
    return _resolve(table, settings)


def _resolve(table: pd.DataFrame, settings: GazetteerSettings) -> Gazetteer:
    table = table.sort_values(["alias", "priority", "entity_id"], kind="stable")
    top = table[table["priority"] == table.groupby("alias")["priority"].transform("min")]
    is_exact = top["match"] == "exact"
    n_exact = top[is_exact].groupby("alias")["entity_id"].nunique()
    conflicts = n_exact[n_exact > 1]
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
        table.drop_duplicates("entity_id")
        .loc[lambda f: f["type"] != "ignore", ["entity_id", "label", "type"]]
        .sort_values("entity_id")
        .reset_index(drop=True)
    )
    if dropped:
        logger.info("dropped %d ambiguous aliases", len(dropped))
    return Gazetteer(
        entities=entities,
        aliases=aliases[["alias", "entity_id", "match", "kind", "spacy_label"]].reset_index(
            drop=True
        ),
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


class GazetteerMatcher:
    """Find gazetteer aliases in text with one compiled regular expression.

    The aliases are compiled into a trie-shaped alternation (longest alias first at every
    position, thanks to greedy optional groups) followed by a right word boundary; the left
    word boundary is checked in Python so that the regex engine keeps its fast scan for the
    first character. Line breaks count as spaces (offsets are unchanged).

    Parameters
    ----------
    aliases
        The aliases to find (e.g. ``gazetteer.aliases["alias"]``).
    """

    def __init__(self, aliases: Iterable[str]) -> None:
        words = sorted({a for a in aliases if a})
        self.pattern_ = re.compile("(?:" + _trie_regex(words) + r")(?!\w)")

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Return ``(start, end, alias)`` of every non-overlapping match, left to right."""
        flat = text.replace("\n", " ")
        out: list[tuple[int, int, str]] = []
        pos = 0
        search = self.pattern_.search
        while True:
            m = search(flat, pos)
            if m is None:
                return out
            start = m.start()
            if start and (flat[start - 1].isalnum() or flat[start - 1] == "_"):
                pos = start + 1
                continue
            out.append((start, m.end(), m.group()))
            pos = m.end()


def matcher_for(gazetteer: Gazetteer) -> GazetteerMatcher:
    """Return the (cached) :class:`GazetteerMatcher` of a gazetteer."""
    cached = gazetteer.__dict__.get("_matcher_cache")
    if cached is None:
        cached = GazetteerMatcher(gazetteer.aliases["alias"])
        object.__setattr__(gazetteer, "_matcher_cache", cached)
    return cached


def alias_patterns(gazetteer: Gazetteer) -> Sequence[dict[str, str]]:
    """Return EntityRuler phrase patterns: ``{"label", "pattern", "id"}`` per alias.

    ``exact`` aliases get the entity id, ``coref`` aliases the id ``coref:<alias>`` (resolved per
    document), ``ignore`` aliases the label ``IGNORE``.
    """
    out = []
    for alias, eid, match, label in zip(
        gazetteer.aliases["alias"],
        gazetteer.aliases["entity_id"],
        gazetteer.aliases["match"],
        gazetteer.aliases["spacy_label"],
        strict=True,
    ):
        pid = eid if match == "exact" else f"coref:{alias}"  # resolved per document
        out.append({"label": label, "pattern": alias, "id": pid})
    unique = {(p["pattern"], p["id"]): p for p in out}
    return [unique[k] for k in sorted(unique)]
