"""Actor mentions: gazetteer matching (fast) or spaCy NER + EntityRuler (full), resolved to ids.

Two modes (:class:`ExtractionSettings`):

``gazetteer``
    No statistical model: the aliases of :mod:`secnews.analysis.entities.gazetteer` are found with one
    compiled trie-shaped regular expression over the document text (case-sensitive, longest
    alias first, word boundaries). Sentences come from a rule-based splitter
    (:func:`sentence_starts`: ``.``, ``!`` or ``?``, optional closing quotes/brackets, white
    space, then an uppercase letter, a digit or an opening quote; not after common abbreviations
    such as "Mr." or "U.S." or after a single initial). About a million words per second of
    wall time on a loaded 2-core machine (``benchmarks/bench_entities.py``).
``full``
    spaCy's English pipeline (see :func:`~secnews.analysis.entities.spacy_ner.load_english_pipeline`)
    with an EntityRuler holding the same aliases placed *before* the statistical NER, so that
    gazetteer spans win and the NER adds the rest; sentences come from spaCy's ``senter``.
    Paragraphs are processed as separate spaCy docs with ``nlp.pipe(batch_size=...,
    n_process=...)`` (``n_process > 1`` forks worker processes; each loads the model again).

Before resolution, per document (both modes): the look-alike guards of
:mod:`~secnews.analysis.entities.guards` drop or re-label spans (CAR in a headline, tickers,
company names, surnames, Georgia the US state) and add the country nested in "U.S. Congress"; the
spans inside the story's dateline ("KYIV, Feb 24 (Reuters) -", or the corpus's own
``dateline_place``) are left out unless :attr:`ExtractionSettings.count_dateline`, and the
dateline's place goes to the document table (``dateline_place``, ``dateline_entity``). The
document's ``published`` day selects among aliases with validity dates.

Resolution, per document (both modes):

1. an ``exact`` alias gives its entity id (``method = "gazetteer"``); ``ignore`` aliases are
   dropped;
2. a ``coref`` alias ("Johnson", "Security Council") gives the one candidate entity that the
   document names by an exact alias, or whose listed context entity it names ("Security
   Council" with "UN"; ``method = "coref"``); otherwise it stays unresolved. In gazetteer mode a
   bare-surname alias preceded by another capitalised word that is not a title ("Lyndon
   Johnson", but not "Prime Minister Johnson") is taken as a different, unresolved person;
3. (full mode) an NER span (labels in ``ner_labels``) that is not a gazetteer span is looked up
   as an alias after dropping a leading "the" and a trailing "'s" (``method = "ner_alias"``);
4. a one-word PERSON span equal to the last word of a multi-word PERSON mention of the same
   document takes that person's id ("Mette Frederiksen" ... "Frederiksen", ``method =
   "ner_coref"``); in full mode, later occurrences of such a surname that the NER missed are
   added as PERSON spans first (:func:`~secnews.analysis.entities.resolve.add_surname_mentions`);
5. anything else keeps its surface form as ``unresolved:<LABEL>:<surface>`` (``method =
   "unresolved"``), except NER spans that are only a generic word ("Assembly", "Council",
   "States": :data:`~secnews.analysis.entities.resolve.GENERIC_SURFACES`), which are dropped.

The mention table has one row per mention: ``doc_id, paragraph, sentence, start, end, surface,
entity_id, label, type, method``, with character offsets into :func:`document_text` (title, lede
and text joined by blank lines; paragraph and sentence indices are 0-based within the document).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from secnews.analysis.entities._base import ExtractionSettings, paragraph_starts, sentence_starts
from secnews.analysis.entities.gazetteer import (
    Gazetteer,
    build_gazetteer,
    matcher_for,
)
from secnews.analysis.entities.guards import apply_guards
from secnews.analysis.entities.resolve import (
    Candidate,
    add_surname_mentions,
    coref_person,
    resolve_document,
)

__all__ = [
    "DOCUMENT_COLUMNS",
    "MENTION_COLUMNS",
    "Candidate",
    "Extraction",
    "ExtractionSettings",
    "add_surname_mentions",
    "dateline_span",
    "entity_table",
    "extract_entities",
    "paragraph_starts",
    "resolve_document",
    "sentence_starts",
]

logger = logging.getLogger(__name__)

#: Columns of the mention table.
MENTION_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "paragraph",
    "sentence",
    "start",
    "end",
    "surface",
    "entity_id",
    "label",
    "type",
    "method",
)
#: Columns of the per-document table (``outlet`` and ``published``/``meta`` when given).
DOCUMENT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "n_paragraphs",
    "n_sentences",
    "n_words",
    "dateline_place",
    "dateline_entity",
)
_DATELINE_PARAGRAPHS = 3


@dataclass(frozen=True, eq=False)
class Extraction:
    """The result of :func:`extract_entities`.

    Attributes
    ----------
    mentions
        One row per mention (:data:`MENTION_COLUMNS`).
    documents
        One row per document: ``doc_id``, ``n_paragraphs``, ``n_sentences``, ``n_words``, plus
        ``outlet``, ``published`` and ``meta`` when the input had them (needed for windows,
        permutation strata and periods).
    settings
        The settings used.
    """

    mentions: pd.DataFrame
    documents: pd.DataFrame
    settings: ExtractionSettings


# ----------------------------------------------------------------------------------------------
# Paragraphs and sentences


# ----------------------------------------------------------------------------------------------
# Extraction


def _days(frame: pd.DataFrame) -> dict[str, str | None]:
    """Document day (``YYYY-MM-DD``) by doc_id, from ``published`` when present."""
    if "published" not in frame.columns:
        return {}
    stamps = pd.to_datetime(frame["published"], errors="coerce", utc=True)
    return {
        str(d): (None if pd.isna(t) else t.strftime("%Y-%m-%d"))
        for d, t in zip(frame["doc_id"], stamps, strict=True)
    }


def dateline_span(text: str, *, skip: int = 0) -> tuple[int, int, str] | None:
    """Find a story's dateline in its first paragraphs: ``(start, end, place)`` or ``None``.

    The first of the first three paragraphs that starts with a dateline
    (:func:`~secnews.corpus.clean.datelines.parse_dateline`) gives it; ``place`` is the place
    as written, with its region when it has one ("BAHIA BLANCA, Argentina"). ``skip`` leading
    paragraphs (a title) are not looked at.
    """
    from secnews.corpus.clean.datelines import parse_dateline

    for start in paragraph_starts(text)[skip : skip + _DATELINE_PARAGRAPHS]:
        found = parse_dateline(text[start : start + 400])
        if found is not None and text.startswith(found.prefix.rstrip(), start):
            place = ", ".join(p for p in (found.place, found.region) if p)
            return start, start + len(found.prefix.rstrip()), place
    return None


def _dateline_entity(place: str, gazetteer: Gazetteer) -> str:
    """The entity of a dateline place ("MOSCOW" -> the city), tried as written and title-cased."""
    for part in place.split(", "):
        for form in (part, part.title()):
            hits = [e for e, m in gazetteer.lookup(form) if m == "exact" and e != "ignore"]
            if hits:
                return hits[0]
    return ""


def _documents(frame: pd.DataFrame) -> Iterator[tuple[str, str]]:
    from secnews.corpus.store.read import document_text

    has_full = "full_text" in frame.columns
    names = [c for c in ("doc_id", "full_text", "title", "lede", "text") if c in frame.columns]
    for values in zip(*(frame[c].tolist() for c in names), strict=True):
        data = dict(zip(names, values, strict=True))
        text = data["full_text"] if has_full else document_text(data)
        yield str(data["doc_id"]), text if isinstance(text, str) else ""


_PREVIOUS_NAME = re.compile(r"(?<![\w.])([A-Z][\w'-]*) $")
#: Capitalised words before a surname that do not make it another person's name.
_TITLES = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "President",
        "Minister",
        "Secretary",
        "Senator",
        "Chancellor",
        "General",
        "Gen",
        "Ambassador",
        "Prime",
        "Premier",
        "Governor",
        "Rep",
        "Sen",
        "Lord",
        "Sir",
        "Madam",
        "Colonel",
        "Admiral",
        "Chairman",
        "Speaker",
        "Director",
        "Chief",
        "Envoy",
        "Spokesman",
        "Spokeswoman",
        "Deputy",
        "Vice",
        "King",
        "Queen",
        "Prince",
        "Sheikh",
        "Emir",
        "Ayatollah",
        "Comrade",
    ]
)


def _gazetteer_candidates(text: str, gazetteer: Gazetteer) -> tuple[list[Candidate], int, int]:
    paras = paragraph_starts(text)
    sents = sentence_starts(text, paras)
    out: list[Candidate] = []
    lookup = gazetteer.lookup
    for start, end, alias in matcher_for(gazetteer).find(text):
        aliases = tuple(lookup(alias))
        ner_label = ""
        if coref_person(aliases, gazetteer):
            # "Lyndon Johnson" is not "Johnson" of the gazetteer: keep it as another person
            # (unless that word ends another match: "the United Kingdom Johnson")
            prev = _PREVIOUS_NAME.search(text, max(0, start - 40), start)
            after_match = bool(out) and prev is not None and out[-1].end >= prev.start(1)
            if prev and prev.group(1) not in _TITLES and not after_match:
                start, aliases, ner_label = prev.start(1), (), "PERSON"
        out.append(
            Candidate(
                start=start,
                end=end,
                surface=text[start:end],
                paragraph=bisect.bisect_right(paras, start) - 1,
                sentence=bisect.bisect_right(sents, start) - 1,
                aliases=aliases,
                ner_label=ner_label,
            )
        )
    return out, len(paras), len(sents)


def extract_entities(
    frame: pd.DataFrame,
    *,
    settings: ExtractionSettings | None = None,
    gazetteer: Gazetteer | None = None,
    progress: bool | None = None,
) -> Extraction:
    """Find and resolve actor mentions in every document of a frame.

    Parameters
    ----------
    frame
        Documents with ``doc_id`` and either ``full_text`` or ``text`` (plus optional ``title``
        and ``lede``); ``outlet``, ``published`` and ``meta`` are carried into the document
        table when present.
    settings
        Mode and options (:class:`ExtractionSettings`; gazetteer mode by default).
    gazetteer
        A prebuilt gazetteer (built from ``settings.gazetteer`` when ``None``).
    progress
        Show a tqdm progress bar (``None``: only on a terminal).

    Returns
    -------
    Extraction
        Mentions and the per-document table, in input order.

    Raises
    ------
    ValueError
        When ``doc_id`` is missing or not unique.
    """
    from tqdm.auto import tqdm

    settings = settings or ExtractionSettings()
    if "doc_id" not in frame.columns:
        raise ValueError("the frame needs a doc_id column")
    if frame["doc_id"].duplicated().any():
        dup = frame.loc[frame["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise ValueError(f"doc_id is not unique (e.g. {dup!r})")
    gazetteer = gazetteer or build_gazetteer(settings.gazetteer)
    docs = tqdm(
        _documents(frame),
        total=len(frame),
        disable=None if progress is None else not progress,
        desc="entities",
    )
    if settings.mode == "full":
        from secnews.analysis.entities.spacy_ner import spacy_candidates

        stream: Iterable[tuple[str, str, list[Candidate], int, int]] = spacy_candidates(
            docs, gazetteer, settings
        )
    else:
        stream = ((doc_id, text, *_gazetteer_candidates(text, gazetteer)) for doc_id, text in docs)
    rows: list[tuple[Any, ...]] = []
    counts: list[tuple[str, int, int, int, str, str]] = []
    days = _days(frame)
    given: dict[str, str] = {}
    has_title = "title" in frame.columns and "full_text" not in frame.columns
    if "dateline_place" in frame.columns:  # the corpus's own field (dateline already stripped)
        given = {
            str(d): p
            for d, p in zip(frame["doc_id"], frame["dateline_place"], strict=True)
            if isinstance(p, str) and p
        }
    for doc_id, text, candidates, n_par, n_sent in stream:
        if settings.guards:
            candidates = apply_guards(text, candidates, gazetteer)
        found = None if doc_id in given else dateline_span(text, skip=int(has_title))
        place, entity = given.get(doc_id, ""), ""
        if place:
            entity = _dateline_entity(place, gazetteer)
        if found is not None:
            place, entity = found[2], _dateline_entity(found[2], gazetteer)
            if not settings.count_dateline:
                candidates = [c for c in candidates if not found[0] <= c.start < found[1]]
        rows.extend(
            resolve_document(
                doc_id,
                candidates,
                gazetteer,
                keep_unresolved=settings.keep_unresolved,
                day=days.get(doc_id),
                text=text,
                capital_as_government=settings.capital_as_government,
            )
        )
        counts.append((doc_id, n_par, n_sent, len(text.split()), place, entity))
    mentions = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    mentions = mentions.astype(
        {"paragraph": "int64", "sentence": "int64", "start": "int64", "end": "int64"}
    )
    documents = pd.DataFrame(counts, columns=list(DOCUMENT_COLUMNS))
    extra = [c for c in ("outlet", "published", "meta") if c in frame.columns]
    if extra:
        documents = documents.merge(
            frame[["doc_id", *extra]].astype({"doc_id": "str"}), on="doc_id", how="left"
        )
    return Extraction(mentions=mentions, documents=documents, settings=settings)


def entity_table(mentions: pd.DataFrame, *, max_aliases: int = 20) -> pd.DataFrame:
    """Summarize mentions per entity: ``entity_id, label, type, count, docs, aliases``.

    Parameters
    ----------
    mentions
        A mention table (:data:`MENTION_COLUMNS`).
    max_aliases
        Keep at most this many surface forms per entity (most frequent first, ties by text).

    Returns
    -------
    pandas.DataFrame
        ``count`` = mentions, ``docs`` = documents with at least one mention, ``aliases`` = the
        surface forms seen, joined by ``|``; sorted by ``count`` (descending) then ``entity_id``.
    """
    columns = ["entity_id", "label", "type", "count", "docs", "aliases"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    grouped = mentions.groupby("entity_id", sort=True)
    table = grouped.agg(
        label=("label", "first"),
        type=("type", "first"),
        count=("doc_id", "size"),
        docs=("doc_id", "nunique"),
    ).reset_index()
    forms = (
        mentions.groupby(["entity_id", "surface"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["entity_id", "n", "surface"], ascending=[True, False, True])
    )
    joined = forms.groupby("entity_id", sort=True)["surface"].agg(
        lambda s: "|".join(s.head(max_aliases))
    )
    aliases: Mapping[str, str] = {str(k): str(v) for k, v in joined.items()}
    table["aliases"] = table["entity_id"].map(aliases)
    table = table.sort_values(["count", "entity_id"], ascending=[False, True], kind="stable")
    return table[columns].reset_index(drop=True)
