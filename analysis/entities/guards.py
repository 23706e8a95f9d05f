"""Guards against look-alikes: gazetteer spans that look like an entity but are not it.

Applied to the candidate spans of one document (gazetteer and full mode alike) before
resolution, by :func:`apply_guards`. The aliases a guard watches are listed in the editable
``data/lookalikes.csv`` (columns ``alias, guard``):

``caps``
    A short all-caps alias (CAR, ROK) is dropped inside an all-caps run (a headline such as
    "U.S. CAR SALES RISE": a neighbouring word is all-caps too) or after a hyphen
    ("RENT-A-CAR").
``person``
    A country alias that is also a name (Jordan, Holland, Mali, Chad) is dropped after an
    honorific or another capitalised name word that does not start the sentence ("Mr Holland",
    "Michael Jordan", "Haji Mali Khan") and before a name word ("Malawi Sahib"); once seen so in a document, every other
    occurrence of it in that document is the person too ("David M. Holland ... Holland said").
``state``
    Georgia is the US state (``place:US-GA``) unless the document has a cue of the country
    (:data:`CAUCASUS_CUES`: Tbilisi, Georgian, Caucasus, Abkhazia, Ossetia, ...).

For every alias:

* an alias inside angle brackets on one line is a ticker or a company name (``<ROK>``,
  ``<Teleco USA Inc>``, the Reuters convention) and is dropped;
* a country alias or demonym followed by a company word (:data:`COMPANY_WORDS`, within the next
  three capitalised words: "British Petroleum", "Georgia Gulf Corp"; in an all-caps headline only
  the next word counts, since every word there is capitalised) or by a hyphen and a capitalised
  word that is not an alias ("Georgia-Pacific") is part of a company name and dropped; it stays
  the country before a word of the state ("U.S. Army Corp of Engineers", "British Government",
  "U.S. Treasury") and before "Gulf of" ("U.S. GULF OF MEXICO" is a sea);
* an organisation alias that starts with a country alias ("U.S. Congress") also yields the
  country (a nested span ending where the country alias ends).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

from secnews.analysis.entities.gazetteer import Gazetteer
from secnews.analysis.entities.resolve import Candidate
from secnews.analysis.preprocess.stopwords import ENGLISH_STOPWORDS as STOP_WORDS

__all__ = ["CAUCASUS_CUES", "COMPANY_WORDS", "GUARDS", "apply_guards", "read_lookalikes"]

#: Guard kinds of ``data/lookalikes.csv``.
GUARDS: frozenset[str] = frozenset({"caps", "person", "state"})
#: Words that make a preceding country word part of a company name.
COMPANY_WORDS: frozenset[str] = frozenset(
    [
        "Airways",
        "Airlines",
        "Petroleum",
        "Telecom",
        "Telecommunications",
        "Steel",
        "Motors",
        "Pacific",
        "Gulf",
        "Corp",
        "Corporation",
        "Inc",
        "Co",
        "Ltd",
        "Plc",
        "PLC",
        "Industries",
        "Holdings",
        "Electric",
        "Chemical",
        "Chemicals",
        "Railways",
        "Aerospace",
        "Leyland",
        "Tobacco",
        "Cement",
        "Power",
        "Bancorp",
        "Bancorporation",
        "Fund",
        "Trust",
        "Shipbuilders",
        "Coal",
        "Aluminium",
        "Aluminum",
        "Savings",
        "Express",
        "Airport",
        "Airport",
        "Sugar",
        "Foods",
        "Brewing",
        "Broadcasting",
        "Telephone",
        "Gas",
        "Tech",
        "Bancshares",
        "Resources",
        "Minerals",
        "Mining",
        "Mines",
        "Systems",
    ]
)
#: All-caps words that make a preceding country word part of a company name (headlines).
_CAPS_COMPANY_WORDS = frozenset(
    ["CORP", "CORPORATION", "INC", "CO", "LTD", "PLC", "GULF", "PACIFIC", "AIRWAYS", "AIRLINES"]
)
#: Words that show Georgia is the country.
CAUCASUS_CUES: tuple[str, ...] = (
    "Tbilisi",
    "Georgian",
    "Caucasus",
    "Abkhazia",
    "Ossetia",
    "Saakashvili",
    "Shevardnadze",
    "Ivanishvili",
    "Soviet Georgia",
    "Batumi",
    "Kutaisi",
)
_HONORIFICS = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Dr",
        "Haji",
        "Hajji",
        "Mullah",
        "Mawlawi",
        "Maulvi",
        "Sheikh",
        "Sir",
        "Lord",
        "Judge",
        "Coach",
    ]
)
_NAME_AFTER = frozenset(
    ["Khan", "Sahib", "Jan", "Gul", "Shah", "Agha", "Baba", "Mohammad", "Muhammad", "Ahmad"]
)
#: Capitalised words before a country that do not make it a person's name.
_QUALIFIERS = frozenset(
    [
        "North",
        "South",
        "East",
        "West",
        "Central",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Upper",
        "Lower",
        "Greater",
        "The",
        "In",
        "On",
        "At",
        "From",
        "To",
        "And",
        "Of",
        "For",
        "With",
        "By",
        "About",
        "As",
        "Into",
        "Across",
        "Inside",
        "Outside",
        "Against",
        "Between",
        "Near",
        "Over",
        "Under",
        "Without",
        "Through",
        "During",
        "After",
        "Before",
        "Since",
        "Like",
        "Unlike",
        "Both",
        "Neither",
        "But",
        "Or",
        "Kingdom",
        "Hashemite",
        "Republic",
        "Visit",
        "Visits",
        "Says",
        "Said",
        "Also",
        "While",
        "When",
        "Where",
        "Why",
        "How",
        "What",
        "Only",
        "Even",
        "Northeast",
        "Northwest",
        "Southeast",
        "Southwest",
        "Neighbouring",
        "Neighboring",
        "Including",
        "Via",
        "Versus",
        "Than",
        "Besides",
        "Toward",
        "Towards",
        "Amid",
        "Among",
    ]
)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'.-]*)\s+$")
_WORDS_AFTER = re.compile(
    r"[ \t]+([A-Z][\w'&.-]*)(?:[ \t]+([A-Z][\w'&.-]*))?(?:[ \t]+([A-Z][\w'&.-]*))?"
)
_HYPHEN_AFTER = re.compile(r"-([A-Z][\w']*)")
_WORDS_AFTER_ANY = re.compile(r"[ \t]+(\w+)")
#: Words after a country that make it the state, not part of a company name ("U.S. Army").
_STATE_WORDS = frozenset(
    [
        "Army",
        "Navy",
        "Air",
        "Marine",
        "Marines",
        "Coast",
        "Treasury",
        "Government",
        "Embassy",
        "Ministry",
        "Department",
        "Senate",
        "Congress",
        "Parliament",
        "Cabinet",
        "Federal",
        "Foreign",
        "Finance",
        "Trade",
        "Agriculture",
        "Commerce",
        "Energy",
        "Defence",
        "Defense",
        "Supreme",
        "State",
        "ARMY",
        "NAVY",
        "TREASURY",
        "GOVERNMENT",
        "EMBASSY",
        "MINISTRY",
        "SENATE",
        "CONGRESS",
        "PARLIAMENT",
        "CABINET",
        "FEDERAL",
        "FOREIGN",
        "FINANCE",
        "TRADE",
        "AGRICULTURE",
        "COMMERCE",
        "ENERGY",
        "DEFENCE",
        "DEFENSE",
        "STATE",
    ]
)


def _data_file(name: str) -> Path:
    return Path(str(resources.files("secnews.analysis").joinpath("data", name)))


@functools.lru_cache(maxsize=2)
def read_lookalikes(path: str | None = None) -> dict[str, frozenset[str]]:
    """Read ``data/lookalikes.csv``: alias -> guard kinds.

    Raises
    ------
    ValueError
        With the 1-based data row for an unknown guard or an empty alias.
    """
    file = Path(path) if path is not None else _data_file("lookalikes.csv")
    out: dict[str, set[str]] = {}
    with file.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            alias, guard = (row.get("alias") or "").strip(), (row.get("guard") or "").strip()
            if not alias or guard not in GUARDS:
                raise ValueError(
                    f"{file}, row {number}: need an alias and a guard in {sorted(GUARDS)}"
                )
            out.setdefault(alias, set()).add(guard)
    return {k: frozenset(v) for k, v in out.items()}


def _bracketed(text: str, start: int, end: int) -> bool:
    """Whether a span lies inside ``<...>`` on one line (Reuters' tickers and company names)."""
    left = text.rfind("<", max(0, start - 60), start + 1)
    if left < 0 or ">" in text[left:start] or "\n" in text[left:start]:
        return False
    right = text.find(">", end, end + 60)
    return right >= 0 and "<" not in text[end:right] and "\n" not in text[end:right]


def _caps_token(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _in_caps_run(text: str, start: int, end: int) -> bool:
    if start and text[start - 1] == "-":  # RENT-A-CAR
        return True
    before = [w for w in text[max(0, start - 30) : start].split() if any(c.isalpha() for c in w)]
    after = [w for w in text[end : end + 30].split() if any(c.isalpha() for c in w)]
    return any(_caps_token(w) for w in before[-1:] + after[:1])


def _person_context(text: str, start: int, end: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        word = before.group(1).rstrip(".")
        gap = text[before.end(1) : start]
        name_word = word[:1].isupper() and (len(word) == 1 or not word.isupper())
        lead = text[max(0, before.start(1) - 2) : before.start(1)]
        first = not lead.strip() and (not lead or lead[-1] == "\n" or before.start(1) < 2)
        first = first or lead.rstrip()[-1:] in (".", "!", "?", '"')
        # a sentence-initial word is a first name unless it is a common word ("Normally")
        common = first and (word.lower() in STOP_WORDS or word.endswith("ly"))
        if word in _HONORIFICS or (
            "\n" not in gap and name_word and not common and word not in _QUALIFIERS
        ):
            return True
    after = _WORDS_AFTER.match(text, end)
    return after is not None and after.group(1) in _NAME_AFTER


def _company(text: str, end: int, gazetteer: Gazetteer) -> bool:
    hyphen = _HYPHEN_AFTER.match(text, end)
    if hyphen is not None and not gazetteer.lookup(hyphen.group(1)):
        return True
    after = _WORDS_AFTER.match(text, end)
    if after is None:
        return False
    words = [re.sub(r"(?:'s|')?[.,;:]*$", "", w) for w in after.groups() if w]
    if words[0] in _STATE_WORDS:
        return False  # "U.S. Army Corp of Engineers", "British Government"
    if _caps_token(words[0]):
        words = words[:1]  # in a headline every word is capitalised: only the next one counts
    for i, word in enumerate(words):
        if word in COMPANY_WORDS or word in _CAPS_COMPANY_WORDS:
            if word.lower() != "gulf":
                return True
            # "U.S. GULF OF MEXICO" is a sea, "Georgia Gulf Corp" a company
            following = _WORDS_AFTER_ANY.match(text, after.end(i + 1))
            return following is None or following.group(1).lower() != "of"
    return False


def _country_types(cand: Candidate, gazetteer: Gazetteer) -> bool:
    return any(
        eid != "ignore" and gazetteer.label_of(eid)[1] == "country" for eid, _ in cand.aliases
    )


@functools.lru_cache(maxsize=4)
def _nested_prefixes(gazetteer: Gazetteer) -> dict[str, tuple[int, tuple[tuple[str, str], ...]]]:
    """Organisation aliases that start with a country alias: alias -> (length, country aliases)."""
    out: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {}
    frame = gazetteer.aliases
    orgs = frame.loc[frame["spacy_label"] == "ORG", "alias"]
    for alias in orgs:
        words = alias.split(" ")
        for n in range(len(words) - 1, 0, -1):
            prefix = " ".join(words[:n])
            hits = tuple(
                (e, m)
                for e, m in gazetteer.lookup(prefix)
                if e != "ignore" and gazetteer.label_of(e)[1] == "country"
            )
            if hits:
                out[alias] = (len(prefix), hits)
                break
    return out


def apply_guards(text: str, candidates: list[Candidate], gazetteer: Gazetteer) -> list[Candidate]:
    """Drop or re-label look-alike spans of one document (see the module docstring).

    Parameters
    ----------
    text
        The document text the candidate offsets refer to.
    candidates
        Its candidate spans in text order.
    gazetteer
        The gazetteer the spans came from.

    Returns
    -------
    list of Candidate
        The kept spans (Georgia the state re-labelled, nested countries added), in text order.
    """
    lookalikes = read_lookalikes()
    nested = _nested_prefixes(gazetteer)
    # a name seen once in a person context ("David M. Holland") is the person everywhere
    persons = {
        c.surface
        for c in candidates
        if "person" in lookalikes.get(c.surface, ()) and _person_context(text, c.start, c.end)
    }
    caucasus: bool | None = None
    out: list[Candidate] = []
    for cand in candidates:
        if not cand.aliases:
            out.append(cand)
            continue
        start, end, surface = cand.start, cand.end, cand.surface
        if _bracketed(text, start, end):
            continue  # a ticker or a company name in angle brackets
        guards = lookalikes.get(surface, frozenset())
        if "caps" in guards and _in_caps_run(text, start, end):
            continue
        is_country = _country_types(cand, gazetteer)
        if is_country and _company(text, end, gazetteer):
            continue
        if "person" in guards and surface in persons:
            continue
        if "state" in guards:
            if caucasus is None:
                caucasus = any(cue in text for cue in CAUCASUS_CUES)
            if not caucasus:
                state = tuple(
                    (e, "exact") for e, _ in gazetteer.lookup(surface + " State") if e != "ignore"
                ) or (("place:US-GA", "exact"),)
                cand = replace(cand, aliases=state)
        prefix = nested.get(surface)
        if prefix is not None:
            length, hits = prefix
            out.append(replace(cand, end=start + length, surface=surface[:length], aliases=hits))
        out.append(cand)
    return out
