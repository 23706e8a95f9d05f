"""Resolution of candidate spans to entity ids, one document at a time.

See :mod:`secnews.analysis.entities.extract` for the rules (exact aliases, coref aliases with their
context entities, NER spans looked up as aliases, document-level person-name coreference, and
``unresolved:<LABEL>:<surface>`` for the rest).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from secnews.analysis.entities.gazetteer import Gazetteer

__all__ = [
    "GENERIC_SURFACES",
    "Candidate",
    "add_surname_mentions",
    "coref_person",
    "resolve_document",
]

_UNRESOLVED_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}


#: Generic words the statistical NER tags as ORG/GPE/LOC on their own (UN speeches: "the
#: Assembly", "the Council", "Member States"); an NER span that is only one of these, after
#: dropping "the", is not kept as an unresolved entity.
GENERIC_SURFACES: frozenset[str] = frozenset(
    (
        *[
            "Assembly",
            "Council",
            "Organization",
            "Organisation",
            "State",
            "States",
            "Powers",
            "Government",
        ],
        *[
            "Governments",
            "Commission",
            "Commissions",
            "Committee",
            "Court",
            "Secretariat",
            "Allied",
            "Allies",
        ],
        *["East", "West", "North", "South", "Charter", "Sub-Commission"],
        "Member States",
        "Government of",
        "Great Powers",
    )
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span found in a document before resolution.

    ``aliases`` holds the gazetteer's ``(entity_id, match)`` pairs for gazetteer spans, or is
    empty for an NER span (then ``ner_label`` is set).
    """

    start: int
    end: int
    surface: str
    paragraph: int
    sentence: int
    aliases: tuple[tuple[str, str], ...] = ()
    ner_label: str = ""


def _clean_surface(surface: str) -> str:
    surface = " ".join(surface.split())
    for prefix in ("the ", "The "):
        if surface.startswith(prefix):
            surface = surface[len(prefix) :]
    for suffix in ("'s", "'"):
        if surface.endswith(suffix):
            surface = surface[: -len(suffix)]
    return surface.strip(" .,;:-")


#: Words after a capital that make it the voice of its government ("Moscow said").
GOVERNMENT_VERBS: frozenset[str] = frozenset(
    [
        "said",
        "says",
        "say",
        "has",
        "have",
        "had",
        "will",
        "would",
        "wants",
        "wanted",
        "accused",
        "accuses",
        "denied",
        "denies",
        "warned",
        "warns",
        "rejected",
        "rejects",
        "insisted",
        "insists",
        "claims",
        "claimed",
        "announced",
        "announces",
        "demanded",
        "demands",
        "is",
        "was",
        "does",
        "did",
        "could",
        "should",
        "may",
        "might",
        "must",
        "hopes",
        "hoped",
        "believes",
        "believed",
        "agreed",
        "agrees",
        "refused",
        "refuses",
        "threatened",
        "threatens",
        "responded",
        "responds",
        "urged",
        "urges",
        "called",
        "calls",
        "sees",
        "saw",
        "considers",
        "considered",
        "expects",
        "expected",
        "plans",
        "planned",
        "decided",
        "decides",
    ]
)
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")


def _dated(cand: Candidate, gazetteer: Gazetteer, day: str | None) -> tuple[tuple[str, str], ...]:
    """The aliases of a span that are valid on the document's day."""
    if not cand.aliases:
        return cand.aliases
    surface = cand.surface
    valid = tuple(
        (e, m) for e, m in cand.aliases if e == "ignore" or gazetteer.valid(surface, e, day)
    )
    if day is None and len(valid) > 1:  # undated: the entity of today (Germany, not West)
        current = tuple((e, m) for e, m in valid if gazetteer.valid(surface, e, "9999-12-31"))
        valid = current or valid
    return valid


def _on_day(cand: Candidate, gazetteer: Gazetteer, day: str | None) -> Candidate:
    """Keep the aliases of a span valid on ``day``; a span left without any becomes an NER-like
    span of its type (a surname out of its term is an unresolved PERSON)."""
    if not cand.aliases:
        return cand
    valid = _dated(cand, gazetteer, day)
    if len(valid) == len(cand.aliases):
        return cand
    label = cand.ner_label
    if not valid:
        label = label or _guess_label(cand, gazetteer)
    return dataclasses.replace(cand, aliases=valid, ner_label=label)


def resolve_document(
    doc_id: str,
    candidates: list[Candidate],
    gazetteer: Gazetteer,
    *,
    keep_unresolved: bool = True,
    day: str | None = None,
    text: str | None = None,
    capital_as_government: bool = False,
) -> list[tuple[Any, ...]]:
    """Resolve one document's candidate spans to entity ids (see the module docstring).

    Parameters
    ----------
    doc_id
        The document's id (first field of every returned row).
    candidates
        Gazetteer and NER spans of the document, in text order.
    gazetteer
        The gazetteer the aliases came from.
    keep_unresolved
        Return unresolved mentions too.
    day
        The document's date (``YYYY-MM-DD``): aliases with validity dates (East Germany, the
        EC, a surname with its term of office) resolve only when valid on that day; in an
        undated document (``None``) a surname with a term of office stays unresolved.
    text
        The document (needed for ``capital_as_government``).
    capital_as_government
        A capital followed by a verb of :data:`GOVERNMENT_VERBS` ("Moscow said", "Kyiv has")
        resolves to its country (``method = "capital"``) instead of the city.

    Returns
    -------
    list of tuple
        Rows in :data:`MENTION_COLUMNS` order.
    """
    rows: list[tuple[Any, ...]] = []
    candidates = [_on_day(c, gazetteer, day) for c in candidates]
    present: set[str] = set()
    resolved: dict[int, tuple[str, str]] = {}
    # 1. exact aliases
    for i, cand in enumerate(candidates):
        exact = [eid for eid, match in cand.aliases if match == "exact"]
        if exact:
            method = "gazetteer"
            capital = gazetteer.place_of(exact[0])[3]
            if capital and capital_as_government and text is not None:
                after = _NEXT_WORD.match(text, cand.end)
                if after is not None and after.group(1) in GOVERNMENT_VERBS:
                    exact, method = [capital], "capital"
            resolved[i] = (exact[0], method)
            present.add(exact[0])
    # NER spans that are aliases after clean-up
    for i, cand in enumerate(candidates):
        if cand.aliases or i in resolved:
            continue
        clean = _clean_surface(cand.surface)
        hits = gazetteer.lookup(clean)
        exact = [e for e, m in hits if m == "exact" and gazetteer.valid(clean, e, day)]
        if exact:
            resolved[i] = (exact[0], "ner_alias")
            present.add(exact[0])
    # person surnames of multi-word PERSON mentions (gazetteer and NER)
    surnames: dict[str, set[str]] = {}
    for i, cand in enumerate(candidates):
        if " " not in cand.surface:
            continue
        words = _clean_surface(cand.surface).split()
        if len(words) < 2:
            continue
        if i in resolved and _is_person(resolved[i][0], gazetteer):
            surnames.setdefault(words[-1], set()).add(resolved[i][0])
        elif i not in resolved and cand.ner_label == "PERSON":
            surnames.setdefault(words[-1], set()).add(f"unresolved:PERSON:{' '.join(words)}")
    # 2. coref aliases and 3. remaining NER spans
    for i, cand in enumerate(candidates):
        if i in resolved:
            continue
        surface = _clean_surface(cand.surface)
        coref = list(cand.aliases) or [
            (eid, m)
            for eid, m in gazetteer.lookup(surface)
            if m.startswith("coref") and gazetteer.valid(surface, eid, day)
        ]
        chosen = sorted({eid for eid, m in coref if _context_present(eid, m, present)})
        if len(chosen) == 1:
            resolved[i] = (chosen[0], "coref")
            continue
        is_person = cand.ner_label == "PERSON" or coref_person(cand.aliases, gazetteer)
        if is_person and len(surface.split()) == 1:
            same = surnames.get(surface, set())
            if len(same) == 1:
                resolved[i] = (next(iter(same)), "ner_coref")
                continue
        if cand.ner_label and surface in GENERIC_SURFACES:
            continue
        if keep_unresolved and surface:
            label = cand.ner_label or _guess_label(cand, gazetteer)
            resolved[i] = (f"unresolved:{label}:{surface}", "unresolved")
    for i, cand in enumerate(candidates):
        if i not in resolved:
            continue
        eid, method = resolved[i]
        if eid == "ignore":
            continue
        if eid.startswith("unresolved:"):
            _, ner_label, label = eid.split(":", 2)
            etype = _UNRESOLVED_TYPES.get(ner_label, "other")
        else:
            label, etype = gazetteer.label_of(eid)
        rows.append(
            (
                doc_id,
                cand.paragraph,
                cand.sentence,
                cand.start,
                cand.end,
                cand.surface,
                eid,
                label,
                etype,
                method,
            )
        )
    return rows


def _context_present(entity_id: str, match: str, present: set[str]) -> bool:
    """Whether a coref alias may resolve: its entity or a listed context entity is named."""
    if entity_id in present:
        return True
    return match.startswith("coref:") and any(c in present for c in match[6:].split("|"))


def _is_person(entity_id: str, gazetteer: Gazetteer) -> bool:
    if entity_id == "ignore" or entity_id.startswith("unresolved:"):
        return entity_id.startswith("unresolved:PERSON:")
    return gazetteer.label_of(entity_id)[1] == "person"


def _guess_label(cand: Candidate, gazetteer: Gazetteer) -> str:
    types = {gazetteer.label_of(eid)[1] for eid, _ in cand.aliases if eid != "ignore"}
    if types == {"person"}:
        return "PERSON"
    if types <= {"country", "place"} and types:
        return "GPE"
    return "ORG"


def add_surname_mentions(
    text: str, candidates: list[Candidate], paragraphs: list[int], sentences: list[int]
) -> list[Candidate]:
    """Add the surname occurrences of multi-word PERSON spans that the NER did not tag.

    For every NER PERSON span of two or more words ("Mette Frederiksen"), each other occurrence
    of its last word as a whole word ("Frederiksen said ...") that no other span covers becomes
    a PERSON candidate, which :func:`resolve_document` then links to the full name.

    Parameters
    ----------
    text
        The document.
    candidates
        The document's spans (gazetteer and NER).
    paragraphs, sentences
        Start offsets of paragraphs and sentences.

    Returns
    -------
    list of Candidate
        ``candidates`` plus the new spans, sorted by start offset.
    """
    surnames = {
        words[-1]
        for c in candidates
        if c.ner_label == "PERSON" and len(words := _clean_surface(c.surface).split()) >= 2
    }
    surnames = {s for s in surnames if len(s) > 1 and s[0].isupper()}
    if not surnames:
        return candidates
    taken = [(c.start, c.end) for c in candidates]
    found = list(candidates)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(surnames))) + r")(?!\w)")
    for m in pattern.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        found.append(
            Candidate(
                start=m.start(),
                end=m.end(),
                surface=m.group(),
                paragraph=bisect.bisect_right(paragraphs, m.start()) - 1,
                sentence=max(bisect.bisect_right(sentences, m.start()) - 1, 0),
                ner_label="PERSON",
            )
        )
    return sorted(found, key=lambda c: (c.start, c.end))


def coref_person(aliases: tuple[tuple[str, str], ...], gazetteer: Gazetteer) -> bool:
    """Whether a gazetteer span is only a ``coref`` alias of persons (a bare surname)."""
    return bool(aliases) and all(
        m.startswith("coref") and _is_person(e, gazetteer) for e, m in aliases
    )
