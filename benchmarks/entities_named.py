"""Recall on countries *named as countries*, judged by an NER model the gazetteer does not use.

The Reuters-21578 part of the entity benchmark first counts a gold country as *named* when one of
its gazetteer aliases occurs anywhere in the story. That count includes occurrences that are not
the country: "American" in American Express, "America" in Latin America, "British" in British
Columbia, "Canada" in <Cooper Canada Ltd>. The guards that the issue asks for (company names,
tickers) rightly drop those, so that yardstick falls as the guards improve.

This module gives a second, independent yardstick. spaCy's English pipeline, as shipped (no
EntityRuler, no gazetteer patterns), reads a fixed random sample of stories; a gold country counts
as named when spaCy tags a span as GPE, NORP or LOC whose text (without a leading "the" or a
trailing possessive) is one of the country's aliases. Recall is then the share of those (story,
country) pairs that gazetteer mode finds. spaCy's own mistakes count against the gazetteer, so the
figure is, if anything, pessimistic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from secnews.analysis.entities.gazetteer import Gazetteer
from secnews.analysis.entities.spacy_ner import load_english_pipeline

#: spaCy labels that name a place or a people (demonyms such as "Japanese" are NORP).
PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
_TRIM = re.compile(r"^(?:the|The|THE)\s+|(?:'s|')$")


def spacy_named(
    frame: pd.DataFrame,
    gold: dict[str, set[str]],
    gazetteer: Gazetteer,
    *,
    batch_size: int = 64,
) -> tuple[dict[str, set[str]], Counter]:
    """Gold countries that spaCy tags as a place or people in each story of ``frame``.

    Returns the named pairs per story and a count of the surfaces that made them named.
    """
    nlp = load_english_pipeline()
    texts = [f"{t or ''}\n\n{x}" for t, x in zip(frame["title"], frame["text"], strict=True)]
    named: dict[str, set[str]] = {}
    surfaces: Counter = Counter()
    docs: Iterable = nlp.pipe(texts, batch_size=batch_size)
    for doc_id, doc in zip(frame["doc_id"], docs, strict=True):
        found: set[str] = set()
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS:
                continue
            surface = _TRIM.sub("", ent.text.strip())
            for eid, _ in gazetteer.lookup(surface):
                if eid in gold[doc_id]:
                    found.add(eid)
                    surfaces[surface] += 1
        named[doc_id] = found
    return named, surfaces


def judged_recall(
    named: dict[str, set[str]], predicted: dict[str, set[str]]
) -> tuple[float, int, Counter]:
    """Recall of ``predicted`` on the ``named`` pairs, their number and the missed countries."""
    total = hit = 0
    missed: Counter = Counter()
    for doc_id, countries in named.items():
        for eid in countries:
            total += 1
            if eid in predicted.get(doc_id, set()):
                hit += 1
            else:
                missed[eid] += 1
    return (hit / total if total else float("nan")), total, missed


def missed_examples(
    frame: pd.DataFrame,
    named: dict[str, set[str]],
    predicted: dict[str, set[str]],
    *,
    limit: int = 10,
) -> list[tuple[str, str, str]]:
    """Up to ``limit`` missed (story, country, title) triples, for reading."""
    titles = dict(zip(frame["doc_id"], frame["title"], strict=True))
    out = []
    for doc_id, countries in named.items():
        for eid in sorted(countries - predicted.get(doc_id, set())):
            out.append((doc_id, eid, str(titles.get(doc_id) or "")[:70]))
    return out[:limit]
